"""Work off the GUI thread: one writer for the case, progress after half a second.

Every change to the case runs on a single worker thread, in order, so writes
never race; reads that take long (verification) run on a separate reader
thread. Core functions report progress through plain callbacks; a
:class:`Task` turns them into Qt signals, and a progress dialog appears only
if the work lasts more than about half a second, with Cancel. Results come
back through signals on the GUI thread; user-fixable errors go to the one
error presenter, anything else to the crash handler.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QLabel, QMessageBox, QProgressDialog, QWidget

from ..core.errors import Cancelled, EvidenceDeskError
from ..core.sizes import format_bytes
from .plain import line, plain_message

log = logging.getLogger("evidence_desk.gui.tasks")

SHOW_PROGRESS_AFTER_MS = 500
PROGRESS_INTERVAL_S = 0.05


class Task(QObject):
    """One piece of work; its callbacks may be called from the worker thread."""

    # qlonglong, not int: a Qt int is 32 bits, and a batch of evidence is often more than 2 GiB
    progressed = Signal("qlonglong")  # increment (bytes)
    totalled = Signal("qlonglong")
    stage_changed = Signal(str, bool)  # label, cancellable
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, label: str, work: Callable[[Task], Any]) -> None:
        super().__init__()
        self.label = label
        self.work = work
        self._cancel = threading.Event()
        self._pending = 0
        self._last_emit = 0.0

    # called from the worker
    def progress(self, increment: int) -> None:
        # coalesced: at most ~20 updates a second reach the GUI, however small the chunks
        self._pending += int(increment)
        now = time.monotonic()
        if now - self._last_emit >= PROGRESS_INTERVAL_S:
            self._last_emit = now
            pending, self._pending = self._pending, 0
            self.progressed.emit(pending)

    def set_total(self, total: int) -> None:
        self.totalled.emit(int(total))

    def set_stage(self, label: str, cancellable: bool = True) -> None:
        self.stage_changed.emit(label, cancellable)

    def should_cancel(self) -> bool:
        return self._cancel.is_set()

    # called from the GUI
    def cancel(self) -> None:
        self._cancel.set()

    def _run(self) -> None:
        try:
            result = self.work(self)
        except BaseException as exc:  # delivered to the GUI thread, never lost
            self.failed.emit(exc)
        else:
            self.succeeded.emit(result)


class ProgressDialog(QProgressDialog):
    """Shows a task's progress in bytes; appears only if the task takes a while."""

    def __init__(self, task: Task, parent: QWidget | None) -> None:
        super().__init__(task.label, "Cancel", 0, 0, parent)
        self.setWindowTitle("Evidence Desk")
        shown = QLabel()  # the task's label names files and packets: plain text, controls marked
        shown.setTextFormat(Qt.TextFormat.PlainText)
        self.setLabel(shown)
        self.setLabelText(line(task.label))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumDuration(0)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setMinimumWidth(420)
        self.task = task
        self.total = 0
        self.done = 0
        self.label_text = task.label
        self.canceled.connect(task.cancel)
        self.canceled.connect(lambda: self.setLabelText(f"{line(self.label_text)}\nCancelling…"))
        task.progressed.connect(self._advance)
        task.totalled.connect(self._set_total)
        task.stage_changed.connect(self._stage)
        self.hide()
        self._timer = QTimer(self, singleShot=True, interval=SHOW_PROGRESS_AFTER_MS)
        self._timer.timeout.connect(self._appear)
        self._timer.start()

    @Slot()
    def _appear(self) -> None:
        self.show()

    @Slot("qlonglong")
    def _set_total(self, total: int) -> None:
        self.total = total
        self.setRange(0, 1000 if total else 0)
        self._refresh()

    @Slot("qlonglong")
    def _advance(self, increment: int) -> None:
        self.done += increment
        self._refresh()

    @Slot(str, bool)
    def _stage(self, label: str, cancellable: bool) -> None:
        self.label_text = label
        # an empty text hides the button: the catalogue step is short and must finish
        self.setCancelButtonText("Cancel" if cancellable else "")
        self._refresh()

    def _refresh(self) -> None:
        if self.total:
            self.setValue(min(1000, int(self.done * 1000 / self.total)))
            self.setLabelText(f"{line(self.label_text)}\n{format_bytes(self.done)} of {format_bytes(self.total)}")
        else:
            self.setLabelText(line(self.label_text))

    def finish(self) -> None:
        self._timer.stop()
        self.hide()
        self.deleteLater()


class TaskRunner(QObject):
    """Runs tasks: writes on one thread in order, long reads on another."""

    idle_changed = Signal(bool)

    def __init__(self, parent_widget: QWidget, present_error: Callable[[str, BaseException], None]) -> None:
        super().__init__(parent_widget)
        self.parent_widget = parent_widget
        self.present_error = present_error
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="case-writer")
        self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="case-reader")
        self._running: set[Task] = set()

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def write(self, label: str, work: Callable[[Task], Any], on_done: Callable[[Any], None] | None = None,
              *, progress: bool = False, on_cancelled: Callable[[], None] | None = None,
              on_error: Callable[[BaseException], None] | None = None) -> Task:
        """Run a change to the case on the single writer thread."""
        return self._start(self._writer, label, work, on_done, progress, on_cancelled, on_error)

    def read(self, label: str, work: Callable[[Task], Any], on_done: Callable[[Any], None] | None = None,
             *, progress: bool = True, on_cancelled: Callable[[], None] | None = None,
             on_error: Callable[[BaseException], None] | None = None) -> Task:
        """Run a long read (verification) off the GUI thread."""
        return self._start(self._reader, label, work, on_done, progress, on_cancelled, on_error)

    def _start(self, pool: ThreadPoolExecutor, label: str, work: Callable[[Task], Any],
               on_done: Callable[[Any], None] | None, progress: bool,
               on_cancelled: Callable[[], None] | None,
               on_error: Callable[[BaseException], None] | None) -> Task:
        task = Task(label, work)
        dialog = ProgressDialog(task, self.parent_widget) if progress else None

        def finished() -> None:
            if dialog is not None:
                dialog.finish()
            self._running.discard(task)
            if not self._running:
                self.idle_changed.emit(True)

        def succeeded(result: Any) -> None:
            finished()
            if on_done is not None:
                on_done(result)

        def failed(exc: BaseException) -> None:
            finished()
            if isinstance(exc, Cancelled):
                if on_cancelled is not None:
                    on_cancelled()
                return
            if on_error is not None:
                on_error(exc)
            else:
                self.present_error(label, exc)

        task.succeeded.connect(succeeded, Qt.ConnectionType.QueuedConnection)
        task.failed.connect(failed, Qt.ConnectionType.QueuedConnection)
        was_idle = not self._running
        self._running.add(task)
        if was_idle:
            self.idle_changed.emit(False)
        pool.submit(task._run)
        return task

    def shutdown(self) -> None:
        for task in list(self._running):
            task.cancel()
        self._writer.shutdown(wait=True)
        self._reader.shutdown(wait=True)


class ErrorPresenter(QObject):
    """The one place errors from work are shown to the user."""

    def __init__(self, parent_widget: QWidget, crash_report: Callable[[BaseException], None]) -> None:
        super().__init__(parent_widget)
        self.parent_widget = parent_widget
        self.crash_report = crash_report
        self.shown: list[str] = []  # what the user was told, for tests

    def __call__(self, what: str, exc: BaseException) -> None:
        if isinstance(exc, EvidenceDeskError | OSError):
            text = str(exc) if isinstance(exc, EvidenceDeskError) else f"{exc.strerror or exc}: {exc.filename or ''}"
            self.shown.append(text)
            log.info("%s failed: %s", what, text)
            box = QMessageBox(QMessageBox.Icon.Warning, "Evidence Desk", f"{what} did not complete.",
                              QMessageBox.StandardButton.Ok, self.parent_widget)
            box.setInformativeText(text)
            plain_message(box)  # the message quotes paths and names: plain text, controls marked
            box.open()
        else:
            self.crash_report(exc)
