"""Unhandled exceptions: log the traceback to a file and show a dialog.

:meth:`CrashHandler.install` makes it ``sys.excepthook`` and
``threading.excepthook``. PySide6 hands an exception that escapes a slot, a
Qt virtual override (``paintEvent``) or a thread-pool runnable to
``sys.excepthook``, so every one of them arrives here, from any thread.
The application keeps running; ``EVIDENCE_DESK_NO_CRASH_DIALOG=1`` turns the
dialog off (CI, screenshots), the log file is still written. One dialog at a
time: an exception that repeats (a paint that always fails) is logged each
time but not shown again while the dialog is open.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox

log = logging.getLogger("evidence_desk.gui.crash")


def log_dir() -> Path:
    from platformdirs import user_log_dir

    return Path(os.environ.get("EVIDENCE_DESK_LOG_DIR") or user_log_dir("Evidence Desk", "Evidence Desk"))


def write_crash_log(text: str) -> Path | None:
    try:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "crash.log"
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        with open(path, "a", encoding="utf-8") as f:
            f.write(f"--- {stamp} ---\n{text}\n")
        return path
    except OSError:
        return None


class CrashHandler(QObject):
    """Receives exceptions from any thread and reports them on the GUI thread."""

    crashed = Signal(str, str)  # summary, traceback

    def __init__(self) -> None:
        super().__init__()
        self.crashed.connect(self._show, Qt.ConnectionType.QueuedConnection)
        self.reports: list[str] = []  # what was reported, for tests
        self.dialog: QMessageBox | None = None

    def install(self) -> None:
        sys.excepthook = self._excepthook
        threading.excepthook = self._thread_excepthook

    def _excepthook(self, kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        self.report(value, tb)

    def _thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self.report(args.exc_value, args.exc_traceback)

    def report(self, exc: BaseException, tb: TracebackType | None = None) -> None:
        from ..core import sealing

        if tb is not None and exc.__traceback__ is None:
            exc = exc.with_traceback(tb)
        text = sealing.crash_text(exc)  # while an encrypted case is open: frames and types, no messages
        log.error("unhandled exception\n%s", text)
        summary = type(exc).__name__ if sealing.encrypted_case_open() else f"{type(exc).__name__}: {exc}"
        self.crashed.emit(summary, text)

    @Slot(str, str)
    def _show(self, summary: str, text: str) -> None:
        path = write_crash_log(text)
        self.reports.append(summary)
        if os.environ.get("EVIDENCE_DESK_NO_CRASH_DIALOG") == "1":
            print(f"evidence-desk: internal error: {summary}", file=sys.stderr)
            return
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.setDetailedText(f"{self.dialog.detailedText()}\n{text}")
            return
        box = QMessageBox(QApplication.activeWindow())
        self.dialog = box
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle("Evidence Desk: internal error")
        box.setText("Something went wrong inside Evidence Desk. The case is safe: every change is "
                    "committed whole or not at all.")
        where = f"The details were written to {path}." if path else "The details could not be written to a log."
        box.setInformativeText(f"{summary}\n\n{where} Please send them to whoever supports your installation.")
        box.setDetailedText(text)
        box.setTextFormat(Qt.TextFormat.PlainText)  # an exception's message can quote case text
        box.open()  # not exec(): a nested event loop would let a repeating error stack up dialogs
