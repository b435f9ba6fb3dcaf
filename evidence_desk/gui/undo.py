"""Undoable metadata edits. An undo is itself a new, custody-logged edit:
history is never erased, it grows.

Ctrl+Z is shared with the text fields: :class:`TextUndoKeys` lets a focused
field undo its own typing while it has some, and otherwise leaves the key to
the window's Undo, which undoes the last saved edit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeyEvent, QKeySequence, QUndoCommand
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QPlainTextEdit, QTextEdit, QWidget

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


def _typing_history(widget: QObject, redo: bool) -> bool | None:
    """Whether ``widget`` (a text field) can undo (``redo``: redo) its own typing; None if not a field."""
    if isinstance(widget, QComboBox):
        widget = widget.lineEdit()
    if isinstance(widget, QLineEdit):
        if widget.isReadOnly():
            return False
        return widget.isRedoAvailable() if redo else widget.isUndoAvailable()
    if isinstance(widget, (QPlainTextEdit, QTextEdit)):
        if widget.isReadOnly():
            return False
        document = widget.document()
        return document.isRedoAvailable() if redo else document.isUndoAvailable()
    return None


class TextUndoKeys(QObject):
    """Gives Ctrl+Z (and redo) to a focused text field of ``window`` only while the field can use it.

    A text field claims the undo keys whenever it is editable, even with
    nothing to undo (just after a save refills it), so the window's Undo
    never ran: Ctrl+Z did nothing. Each field of the window gets this filter
    when it takes the focus."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and _typing_history(new, False) is not None and self._window.isAncestorOf(new):
            new.removeEventFilter(self)  # once per field, however often it is focused
            new.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            for key, redo in ((QKeySequence.StandardKey.Undo, False), (QKeySequence.StandardKey.Redo, True)):
                if event.matches(key) and _typing_history(watched, redo) is False:
                    event.ignore()  # not claimed by the field: the window's action takes the key
                    return True
        return False


#: runs an operation on the writer and shows its result (``AnalysisDesk.run``)
OpRunner = Callable[[str, Callable[[Work], OpResult[Any]]], None]


class OperationCommand(QUndoCommand):
    """Any logged change whose undo is another logged change: ``do(reason)`` makes it (again, on
    redo, with "redo: <reason>"), ``undo()`` writes the old values back (reason "undo").

    Both run on the writer thread in the order they were asked for, so an undo that needs what
    ``do`` made (the ids of new links) finds it there."""

    def __init__(self, text: str, run: OpRunner, do: Callable[[str], OpResult[Any]],
                 undo: Callable[[], OpResult[Any]], reason: str = "") -> None:
        super().__init__(text)
        self.run = run
        self.do = do
        self.undo_op = undo
        self.reason = reason.strip()
        self._done_once = False

    def redo(self) -> None:
        reason = self.reason if not self._done_once else f"redo: {self.reason}".strip()
        self._done_once = True
        self.run(f"Saving {self.text()}", lambda _work: self.do(reason))

    def undo(self) -> None:
        self.run(f"Undoing {self.text()}", lambda _work: self.undo_op())
