"""Run core operations from the GUI and tell every panel what changed.

After Anki's ``CollectionOp``: :meth:`CaseOps.run` executes one
:mod:`core.operations` function on the case's single writer thread, with a
progress dialog and Cancel when asked for; when it succeeds,
:attr:`CaseOps.case_changed` carries its :class:`~core.operations.Changes` to
every subscriber, each of which decides for itself what to re-read (through
the GUI thread's own read-only connection). Nothing refreshes panels by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from ..core.operations import Changes, OpResult, Work
from .tasks import Task, TaskRunner


class CaseOps(QObject):
    """The GUI's one way to change the open case."""

    #: emitted on the GUI thread after every operation that changed something
    case_changed = Signal(object)  # Changes

    def __init__(self, runner: Callable[[], TaskRunner], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner  # the window's current runner (a new one per open case)

    def run(self, label: str, op: Callable[[Work], OpResult[Any]],
            on_done: Callable[[Any], None] | None = None, *, progress: bool = False,
            on_cancelled: Callable[[], None] | None = None,
            on_error: Callable[[BaseException], None] | None = None) -> Task:
        """Run ``op(work)`` on the writer thread; announce its changes, then call ``on_done(value)``."""

        def done(result: OpResult[Any]) -> None:
            self.announce(result.changes)
            if on_done is not None:
                on_done(result.value)

        return self._runner().write(label, lambda task: op(Work.of(task)), done, progress=progress,
                                    on_cancelled=on_cancelled, on_error=on_error)

    def announce(self, changes: Changes) -> None:
        if changes.any:
            self.case_changed.emit(changes)
