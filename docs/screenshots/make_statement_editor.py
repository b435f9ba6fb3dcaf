"""Render docs/screenshots/statement-editor.png: the statement dialog, filled in, over the demo case.

    xvfb-run -a -s "-screen 0 1600x1000x24" python docs/screenshots/make_statement_editor.py
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
    work = Path(tempfile.mkdtemp(prefix="ed-shots-"))
    os.environ["EVIDENCE_DESK_SETTINGS_DIR"] = str(work / "settings")
    os.environ["EVIDENCE_DESK_NO_CRASH_DIALOG"] = "1"
    os.environ.setdefault("EVIDENCE_DESK_EXAMINER", "Demo Investigator")
    from PySide6.QtWidgets import QApplication

    from evidence_desk.core.demo import build_demo
    from evidence_desk.gui.main_window import MainWindow

    build_demo(work / "Demo case").close()
    app = QApplication.instance() or QApplication([])
    window = MainWindow()
    window.resize(1440, 900)
    window.open_case(work / "Demo case")
    window.show()
    window.show_all_items()
    model = window.items_model
    audio = next(model.item_at(r) for r in range(model.rowCount()) if model.item_at(r).kind == "audio")
    window.select_event_row(0)
    window.actions["new_statement"].trigger()
    dialog = window.analysis.dialog
    dialog.speaker.setText("Sgt. A. Ruiz")
    dialog.affiliation.setText("OEMC dispatch, zone 4")
    dialog.medium.setCurrentText("radio")
    dialog.when.setText("about 12:40 on Oct 4 2025")
    dialog.tz.setCurrentText("America/Chicago")
    dialog.text.setPlainText("Per chief of patrol: clear everybody out of the area, all units stand down.")
    dialog.source.setCurrentText("OEMC")
    dialog.item.setCurrentIndex(max(1, dialog.item.findData(audio.id)))
    dialog.events.item(0).setCheckState(dialog.events.item(0).checkState().Checked)
    for _ in range(5):
        app.processEvents()
    dialog.grab().save(str(OUT / "statement-editor.png"))
    dialog.reject()
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
