"""Render the screenshots of reviewer judgements and of the user guide from the demo case.

    xvfb-run -a -s "-screen 0 1600x1000x24" python docs/screenshots/make_review_screenshots.py

Builds the demo case in a temporary folder (settings, cache and keys too), seals
it into a packet, opens that as a reviewer and judges an item, a grade and a
claim through the window's own dialog, then opens the demo case as its sender
and imports the signed notes. Saves reviewer-judgement.png (the dialog over
the window in review mode), feedback-received.png (the sender's window with
the reviewer's verdicts beside its records) and user-guide.png (Help ▸ User
Guide on the reviewer's page). Run tools/make_help_images.py afterwards to
copy them into the guide.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="ed-review-shots-"))
    os.environ["EVIDENCE_DESK_SETTINGS_DIR"] = str(work / "settings")
    os.environ["EVIDENCE_DESK_NO_CRASH_DIALOG"] = "1"
    os.environ["XDG_CACHE_HOME"] = str(work / "cache")
    os.environ["XDG_DATA_HOME"] = str(work / "data")
    os.environ["EVIDENCE_DESK_EXAMINER"] = "Demo Investigator"
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QColor, QPainter
    from PySide6.QtWidgets import QApplication

    from evidence_desk.core.case import Case
    from evidence_desk.core.demo import build_demo
    from evidence_desk.core.packet.export import export_packet
    from evidence_desk.gui import settings
    from evidence_desk.gui.main_window import MainWindow

    build_demo(work / "Demo case").close()
    app = QApplication.instance() or QApplication([])

    def settle(rounds: int = 5) -> None:
        for _ in range(rounds):
            app.processEvents()

    def idle(window: MainWindow) -> None:
        while window.runner.busy:
            settle()
        settle()

    with Case.open(work / "Demo case") as case:
        packet = export_packet(case, work / "demo-packet.zip", zip=True)

    # --- the reviewer ---------------------------------------------------------------
    settings.examiner = lambda: "R. Oversight (IG office)"
    window = MainWindow()
    window.resize(1440, 900)
    window.show()
    window.open_packet(packet)
    while window.review is None:
        settle()
    settle()

    def judge(target: str, verdict: str, note: str, keep_open: bool = False) -> None:
        window.judge_selected()
        settle()
        dialog = window.judgement_dialog
        dialog.target.setCurrentIndex(next(i for i in range(dialog.target.count())
                                           if dialog.target.itemText(i).startswith(target)))
        dialog.buttons_by_verdict[verdict].setChecked(True)
        dialog.note.setPlainText(note)
        settle()
        if not keep_open:
            dialog.accept()
            settle()

    window.show_all_items()
    model = window.items_model
    memo = next(r for r in range(model.rowCount()) if model.item_at(r).kind == "scan")
    window.select_item_row(memo)
    judge("Item", "disputed", "The scan's time reads 04-Oc5-2025: the 5 may be a misread 't'. Which day is it?")
    audio = next(r for r in range(model.rowCount()) if model.item_at(r).kind == "audio")
    window.select_item_row(audio)
    judge("Item", "accepted", "The transcript matches what I hear.")
    judge("Grade of this item", "needs_info", "Graded 2 on a news outlet's copy: send OEMC's original to confirm it.")
    window.select_item_row(memo)
    judge("Item", "needs_info", "What does the CAD record say at 12:34?", keep_open=True)
    dialog = window.judgement_dialog
    shot = window.grab()
    painter = QPainter(shot)
    # the dialog over the lower half, so the item list's Review column and the inspector's line show
    pixmap = dialog.grab()
    at = QPoint((shot.width() - pixmap.width()) // 2, shot.height() - pixmap.height() - 60)
    painter.fillRect(at.x() - 3, at.y() - 3, pixmap.width() + 6, pixmap.height() + 6, QColor("#5a6b7d"))
    painter.drawPixmap(at, pixmap)
    painter.end()
    shot.save(str(OUT / "reviewer-judgement.png"))
    dialog.reject()
    window.reveal_tab(window.claims_panel)
    panel = window.claims_panel
    contested = next(c for c in panel.claims if c.text == "CPD officers responded to the shooting scene")
    panel.select_claim(contested.id)
    settle()
    judge("Claim", "disputed", "The union's account and the dispatch audio say units were told not to respond.")
    notes = window.export_review_notes(str(work / "demo.review-notes.signed.json"))
    window.close()

    # --- the sender -----------------------------------------------------------------
    settings.examiner = lambda: "Demo Investigator"
    window = MainWindow()
    window.resize(1440, 900)
    window.show()
    window.open_case(work / "Demo case")
    settle()
    window.import_notes(notes)
    idle(window)
    window.show_all_items()
    window.select_item_row(memo)
    settle()
    window.grab().save(str(OUT / "feedback-received.png"))

    # --- the user guide ---------------------------------------------------------------
    window.show_user_guide("reviewer.html")
    guide = window.user_guide
    guide.resize(1100, 800)
    settle(10)
    guide.browser.scrollToAnchor("judgements")
    settle(10)
    guide.grab().save(str(OUT / "user-guide.png"))
    guide.close()
    idle(window)
    window.close()
    print(f"screenshots written to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
