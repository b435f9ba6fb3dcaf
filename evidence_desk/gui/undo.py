"""Undoable metadata edits. An undo is itself a new, custody-logged edit:
history is never erased, it grows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand

from ..core.case import Case
from ..core.records import Item

EditRunner = Callable[[str, Callable[[], Item]], None]


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
        self.reason = reason.strip() or "metadata edit"
        self._done_once = False

    def redo(self) -> None:
        reason = self.reason if not self._done_once else f"redo: {self.reason}"
        self._done_once = True
        item_id, new = self.item_id, dict(self.new)
        self.run(f"Saving {self.text()}", lambda: self.case.edit_item(item_id, reason=reason, **new))

    def undo(self) -> None:
        item_id, old = self.item_id, dict(self.old)
        self.run(f"Undoing {self.text()}", lambda: self.case.edit_item(item_id, reason="undo", **old))
