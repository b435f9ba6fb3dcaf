"""Entry point of the desktop application: builds the QApplication and opens
the main window on a case (the one given, the last one opened, or the demo)."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

log = logging.getLogger("evidence_desk.app")


def demo_case_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("Evidence Desk", "Evidence Desk")) / "Demo case"


def default_case() -> Path:
    """The last case opened if it still exists, else the demo case (built if missing)."""
    from .core.case import DB_FILE
    from .gui import settings

    last = settings.last_case()
    if last and (Path(last) / DB_FILE).is_file():
        return Path(last)
    demo = demo_case_dir()
    if not (demo / DB_FILE).is_file():
        from .core.demo import build_demo

        log.info("building the demo case at %s", demo)
        build_demo(demo).close()
    return demo


def _headless_if_needed() -> None:
    if not os.environ.get("QT_QPA_PLATFORM") and not os.environ.get("DISPLAY") \
            and not os.environ.get("WAYLAND_DISPLAY") and sys.platform.startswith("linux"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"


def run(case_dir: Path | None, *, read_only: bool = False, screenshot: Path | None = None,
        first_paint: bool = False) -> int:
    """Open the window on ``case_dir`` (None: last case or demo).

    ``screenshot``: render with the first event selected, save, exit 0.
    ``first_paint``: print ``first-paint`` when the window first paints, then exit
    (for bench/gui_open.py, which times it from process start)."""
    headless = screenshot is not None or first_paint
    if headless:
        _headless_if_needed()
        os.environ.setdefault("EVIDENCE_DESK_NO_CRASH_DIALOG", "1")
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from .gui import settings
    from .gui.case_dialogs import ask_examiner
    from .gui.crash import CrashHandler
    from .gui.icons import icon
    from .gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(settings.ORGANISATION)
    app.setApplicationName(settings.APPLICATION)
    app.setWindowIcon(icon("app"))
    crash = CrashHandler()
    crash.install()

    if not settings.examiner() and not headless:
        name = ask_examiner(None)
        if name is None:
            QMessageBox.information(None, "Evidence Desk",
                                    "Evidence Desk needs your name for the custody record; it will ask again "
                                    "next time.")
            return 0
        settings.remember_examiner(name)
    if case_dir is None:
        case_dir = default_case()
    window = MainWindow(crash)
    if not window.open_case(Path(case_dir), read_only=read_only):
        if headless:
            print(f"evidence-desk: error: cannot open {case_dir}", file=sys.stderr)
            return 2
    if screenshot is not None:
        window.resize(1440, 900)
        window.show()
        app.processEvents()
        window.render_screenshot(screenshot)
        window.close()
        return 0 if not crash.reports else 1
    if first_paint:
        class FirstPaint(QObject):
            def eventFilter(self, obj: QObject, event: QEvent) -> bool:
                if event.type() == QEvent.Type.Paint and obj is window:
                    window.removeEventFilter(self)
                    print("first-paint", flush=True)
                    QTimer.singleShot(0, app.quit)
                return False

        watcher = FirstPaint()
        window.installEventFilter(watcher)
    window.show()
    code = app.exec()
    window.close_case()
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """``evidence-desk`` with no arguments."""
    del argv
    return run(None)
