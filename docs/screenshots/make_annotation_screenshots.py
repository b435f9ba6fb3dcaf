"""Render the screenshots of annotating evidence from the demo case.

    xvfb-run -a -s "-screen 0 1600x1000x24" python docs/screenshots/make_annotation_screenshots.py

Saves segment-marking.png (a transcript line being marked on the dispatch
recording: in and out at the playhead, speaker and text typed, not yet saved)
and region-marking.png (a region dragged on the memo scan, its note typed).
Nothing is saved to the case.
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
    work = Path(tempfile.mkdtemp(prefix="ed-annot-shots-"))
    os.environ["EVIDENCE_DESK_SETTINGS_DIR"] = str(work / "settings")
    os.environ["EVIDENCE_DESK_NO_CRASH_DIALOG"] = "1"
    os.environ.setdefault("EVIDENCE_DESK_EXAMINER", "Demo Investigator")
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from evidence_desk.core.demo import build_demo
    from evidence_desk.gui.main_window import MainWindow

    build_demo(work / "Demo case").close()
    app = QApplication.instance() or QApplication([])

    def settle(ms: int = 300) -> None:
        QTest.qWait(ms)

    window = MainWindow()
    window.resize(1500, 940)
    window.open_case(work / "Demo case")
    window.show()
    settle()
    window.splitter.setSizes([260, 330, 910])

    def open_item(name: str):
        model = window.items_model
        row = next(r for r in range(model.rowCount()) if model.item_at(r).name == name)
        window.select_item_row(row)
        window.inspector.open_preview()
        settle(800)
        return window.inspector.preview.viewer

    viewer = open_item("dispatch-audio.flac")
    for _ in range(50):
        if viewer.play_button.isEnabled() and len(viewer.waveform.peaks) > 100:
            break
        settle(100)
    # a line missed between lines 2 and 3: marked in the gap between them
    second, third = viewer.segment_model.segments[1:3]
    viewer.seek(int((second.end_s or 0) * 1000))
    settle()
    viewer.marker.mark_in()
    viewer.seek(int((third.start_s or 0) * 1000))
    settle()
    viewer.marker.mark_out()
    QTest.keyClicks(viewer.marker.speaker, "Officer")
    QTest.keyClicks(viewer.marker.text, "Copy that.")
    settle()
    window.grab().save(str(OUT / "segment-marking.png"))

    viewer = open_item("dispatcher-memo.png")
    for _ in range(50):
        if viewer.page_loaded:
            break
        settle(100)
    settle()
    view = viewer.view
    width, height = viewer.page_size
    a = view.mapFromScene(QPointF(width * 0.07, height * 0.148))
    b = view.mapFromScene(QPointF(width * 0.36, height * 0.19))
    viewport = view.viewport()
    for kind, at in ((QMouseEvent.Type.MouseButtonPress, a), (QMouseEvent.Type.MouseMove, b),
                     (QMouseEvent.Type.MouseButtonRelease, b)):
        buttons = Qt.MouseButton.NoButton if kind == QMouseEvent.Type.MouseButtonRelease else Qt.MouseButton.LeftButton
        event = QMouseEvent(kind, QPointF(at), QPointF(viewport.mapToGlobal(QPoint(at))), Qt.MouseButton.LeftButton,
                            buttons, Qt.KeyboardModifier.NoModifier)
        app.sendEvent(viewport, event)
    QTest.keyClicks(viewer.region_editor.note, "Event number as printed: 2510040001 (check against the CAD export)")
    settle()
    window.grab().save(str(OUT / "region-marking.png"))
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
