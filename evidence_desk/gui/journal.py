"""The case journal: the investigator's running notes beside the timeline.

Notes are evidence too: each is timestamped, custody-logged, and may be
linked to the selected event or item.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core.records import JournalNote
from .models import utc_short
from .plain import block, line, tip


class JournalPane(QWidget):
    note_submitted = Signal(str, bool)  # text, link to the current selection

    def __init__(self) -> None:
        super().__init__()
        self.title = title = QLabel("<b>Case journal</b>")
        self.notes = QListWidget()
        self.notes.setWordWrap(True)
        self.notes.setAlternatingRowColors(True)
        self.notes.setSpacing(2)
        self.notes.setAccessibleName("Journal notes")
        self.entry = QPlainTextEdit()
        self.entry.setPlaceholderText("Write a note… (Ctrl+Return adds it; it is timestamped and custody-logged)")
        self.entry.setFixedHeight(54)
        self.entry.setTabChangesFocus(True)
        self.link = QCheckBox("Link to the selection")
        self.link.setChecked(True)
        self.add = QPushButton("Add note")
        row = QHBoxLayout()
        row.addWidget(self.link)
        row.addStretch(1)
        row.addWidget(self.add)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(title)
        layout.addWidget(self.notes, 1)
        layout.addWidget(self.entry)
        layout.addLayout(row)
        self.add.clicked.connect(self.submit)
        self.entry.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: ANN001 - Qt signature
        from PySide6.QtCore import QEvent

        if obj is self.entry and event.type() == QEvent.Type.KeyPress and \
                event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.submit()
            return True
        return super().eventFilter(obj, event)

    def submit(self) -> None:
        text = self.entry.toPlainText().strip()
        if text:
            self.note_submitted.emit(text, self.link.isChecked())

    def note_added(self) -> None:
        self.entry.clear()

    def set_review_mode(self, review: bool) -> None:
        """In review mode the notes are the reviewer's, kept beside the packet."""
        self.title.setText("<b>Case journal and your review notes</b>" if review else "<b>Case journal</b>")
        self.entry.setPlaceholderText(
            "Write a review note… (Ctrl+Return adds it; kept beside the packet, never inside it)" if review else
            "Write a note… (Ctrl+Return adds it; it is timestamped and custody-logged)")

    def set_read_only(self, read_only: bool) -> None:
        for widget in (self.entry, self.add, self.link):
            widget.setEnabled(not read_only)

    def show_notes(self, notes: list[JournalNote], labels: dict[int, str]) -> None:
        self.notes.clear()
        for note in reversed(notes):  # newest first: the running log
            link = ""
            if note.event_id is not None:
                link = f" · event: {line(str(labels.get(note.event_id, note.event_id)), 500)}"
            if note.item_id is not None:
                link += f" · item {note.item_id}"
            entry = QListWidgetItem(f"{utc_short(note.at)} · {line(note.author)}{link}\n{block(note.text)}")
            entry.setToolTip(tip(note.text, "(double-click to show what the note is about)")
                             if note.event_id is not None or note.item_id is not None else tip(note.text))
            entry.setData(Qt.ItemDataRole.UserRole, note)
            self.notes.addItem(entry)
