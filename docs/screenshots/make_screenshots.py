"""Render the README's screenshots from the demo case.

    xvfb-run -a -s "-screen 0 1600x1000x24" python docs/screenshots/make_screenshots.py

Builds the demo case in a temporary folder (settings too, so the user's own
are untouched), then saves: the main window, the claims & contradictions
tab with a contested claim, the inspector's custody tab
with the audio preview, the intake dialog, and a verification result on a
copy of the case whose memo scan was altered.
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="ed-shots-"))
    os.environ["EVIDENCE_DESK_SETTINGS_DIR"] = str(work / "settings")
    os.environ["EVIDENCE_DESK_NO_CRASH_DIALOG"] = "1"
    os.environ.setdefault("EVIDENCE_DESK_EXAMINER", "Demo Investigator")
    from PySide6.QtWidgets import QApplication

    from evidence_desk.core.demo import build_demo
    from evidence_desk.gui.main_window import MainWindow

    build_demo(work / "Demo case").close()
    app = QApplication.instance() or QApplication([])

    def settle() -> None:
        for _ in range(5):
            app.processEvents()

    window = MainWindow()
    window.resize(1440, 900)
    window.open_case(work / "Demo case")
    window.show()
    settle()
    window.render_screenshot(OUT / "main-window.png")

    # claims & contradictions: a contested claim, the inspector on a statement that contradicts it
    window.actions["reveal_claims"].trigger()
    panel = window.claims_panel
    contested = next(c for c in panel.claims if c.text == "CPD officers responded to the shooting scene")
    panel.select_claim(contested.id)
    panel.stance_lists["contradicts"].setCurrentRow(1)
    settle()
    window.grab().save(str(OUT / "claims.png"))

    # the visual timeline beside the event list; the stand-down order selected by a click on its mark
    window.resize(1680, 960)
    window.splitter.setSizes([290, 1020, 370])
    window.middle_tabs.setCurrentWidget(window.timeline_chart)
    settle()
    stand_down = next(m for m in window.timeline_chart.canvas.lay.marks if m.title.startswith("Stand-down order"))
    window.select_timeline_entry("event", stand_down.id)
    settle()
    window.grab().save(str(OUT / "visual-timeline.png"))
    window.resize(1440, 900)
    window.actions["reveal_items"].trigger()

    # the audio item: custody tab, then the transcript preview
    window.show_all_items()
    model = window.items_model
    audio_row = next(r for r in range(model.rowCount()) if model.item_at(r).kind == "audio")
    window.select_item_row(audio_row)
    window.inspector.tabs.setCurrentIndex(1)
    window.inspector.custody_view.setCurrentIndex(window.inspector.custody.index(0, 7))
    settle()
    window.grab().save(str(OUT / "inspector-custody.png"))
    window.inspector.open_preview()
    for _ in range(50):
        settle()
        if not window.runner.busy:
            break
    settle()
    window.grab().save(str(OUT / "inspector-audio.png"))

    # the intake dialog for two files dropped on the second event
    drop = work / "incoming"
    drop.mkdir()
    (drop / "bodycam-request-reply.pdf").write_bytes(b"%PDF-1.4\n% reply from CPD FOIA office\n")
    shutil.copy(ROOT / "resources" / "demo" / "dispatch-audio.flac", drop / "dispatch-full.flac")
    window.import_paths(sorted(drop.iterdir()), window.events_model.event_at(1).id)
    dialog = window.intake_dialog
    dialog.acquired_from.setText("CPD FOIA office (M. Alvarez)")
    dialog.method.setText("emailed attachment, saved from the mail client")
    dialog.source.setEditText("Chicago Police Department")
    settle()
    dialog.grab().save(str(OUT / "intake-dialog.png"))
    dialog.reject()
    window.close()

    # a verification that finds the altered memo scan
    tampered = work / "Tampered copy"
    shutil.copytree(work / "Demo case", tampered, ignore=shutil.ignore_patterns(".evidence-desk.lock"))
    # and a statement rewritten in the database, with no custody entry: replay names it
    import sqlite3

    with sqlite3.connect(tampered / "case.sqlite") as conn:
        conn.execute("UPDATE statement SET text = 'No order to stand down was ever given.' WHERE id = "
                     "(SELECT min(id) FROM statement)")
    window = MainWindow()
    window.resize(1440, 900)
    window.open_case(tampered)
    window.show()
    scan = next(i for i in window.case.items.list() if i.kind == "scan")
    obj = window.case.items.object_path(scan.id)
    os.chmod(obj, stat.S_IRUSR | stat.S_IWUSR)
    with open(obj, "r+b") as f:
        f.seek(200)
        f.write(b"\x00\x00\x00\x00")
    window.verify_case()
    while window.verify_dialog is None:
        settle()
    settle()
    window.verify_dialog.grab().save(str(OUT / "verify-result.png"))
    window.verify_dialog.close()
    while window.runner.busy:
        settle()
    window.close()
    # review mode: the demo sealed into a packet and opened as oversight staff would
    from evidence_desk.core.case import Case
    from evidence_desk.core.packet.export import export_packet

    os.environ["XDG_CACHE_HOME"] = str(work / "cache")
    os.environ["XDG_DATA_HOME"] = str(work / "data")
    with Case.open(work / "Demo case") as case:
        packet = export_packet(case, work / "demo-packet.zip", zip=True)
    window = MainWindow()
    window.resize(1440, 900)
    window.show()
    window.open_packet(packet)
    while window.review is None:
        settle()
    window.select_event_row(4)
    window.journal.entry.setPlainText("Memo and audio agree on the order's wording; the CAD log is still needed.")
    window.journal.submit()
    settle()
    window.grab().save(str(OUT / "review-mode.png"))
    window.close()
    print(f"screenshots written to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
