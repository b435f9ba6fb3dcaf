"""Undoable metadata edits. An undo is itself a new, custody-logged edit:
history is never erased, it grows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand

from ..core import operations as ops
from ..core.case import Case
from ..core.operations import OpResult, Work
from ..core.records import Event, Item

#: runs an operation on the writer (``MainWindow._run_edit``), then shows its result
EditRunner = Callable[[str, Callable[[Work], OpResult[Item]]], None]


class EditItemCommand(QUndoCommand):
    """Set some of an item's fields; undo sets them back with reason "undo"."""

    def __init__(self, case: Case, run: EditRunner, item_id: int, old: dict[str, Any], new: dict[str, Any],
                 reason: str, name: str) -> None:
        fields = ", ".join(sorted(new))
        super().__init__(f"edit {fields} of {name}")
        self.case = case
        self.run = run
        self.item_id = item_id
        self.old = old
        self.new = new
        self.reason = reason.strip()
        self._done_once = False

    def redo(self) -> None:
        reason = self.reason if not self._done_once else f"redo: {self.reason}"
        self._done_once = True
        item_id, new = self.item_id, dict(self.new)
        self.run(f"Saving {self.text()}", lambda _work: ops.edit_item(self.case, item_id, reason, **new))

    def undo(self) -> None:
        item_id, old = self.item_id, dict(self.old)
        self.run(f"Undoing {self.text()}", lambda _work: ops.edit_item(self.case, item_id, "undo", **old))


EventRunner = Callable[[str, Callable[[Work], OpResult[Event]]], None]


class EditEventCommand(QUndoCommand):
    """Change an event's fields or time; undo sets the old values back as a new logged edit."""

    def __init__(self, case: Case, run: EventRunner, event_id: int, old: dict[str, Any], new: dict[str, Any],
                 reason: str, title: str) -> None:
        super().__init__(f"edit {', '.join(sorted(new))} of event “{title}”")
        self.case = case
        self.run = run
        self.event_id = event_id
        self.old = {k: old[k] for k in new}  # only what the edit touches
        self.new = new
        self.reason = reason.strip()
        self._done_once = False

    def redo(self) -> None:
        reason = self.reason if not self._done_once else f"redo: {self.reason}"
        self._done_once = True
        event_id, new = self.event_id, dict(self.new)
        self.run(f"Saving {self.text()}", lambda _work: ops.edit_event(self.case, event_id, reason, **new))

    def undo(self) -> None:
        event_id, old = self.event_id, dict(self.old)
        self.run(f"Undoing {self.text()}", lambda _work: ops.edit_event(self.case, event_id, "undo", **old))
