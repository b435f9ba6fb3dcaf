"""The inspector: the selected item's metadata (editable), custody history,
grades, events and a modest preview; or the selected event's details."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..core import store
from ..core.admiralty import notation
from ..core.case import Case
from ..core.errors import UnknownRecord
from ..core.operations import Changes
from ..core.records import Claim, Event, Item, Statement
from ..core.sizes import format_bytes_exact
from .icons import kind_icon
from .models import CUSTODY_LOG_COLUMN, CustodyModel, event_time_tooltip, utc_short
from .plain import block, editable, edited, line, tip
from .record_details import ClaimDetails, StatementDetails


def _mono() -> Any:
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)


def _value_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # shows case text: never markup
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    return label


_shown, _kept = editable, edited  # marks shown in edit fields; an unchanged field saves the stored value


def _fixed_field() -> QLineEdit:
    field = QLineEdit()
    field.setReadOnly(True)
    field.setFrame(False)
    field.setStyleSheet("background: transparent")
    return field


class ItemDetails(QWidget):
    """The editable metadata form of one item."""

    save_requested = Signal(int, dict, dict, str)  # item id, old fields, new fields, reason
    reason_needed = Signal()  # Save was pressed with no reason given

    def __init__(self) -> None:
        super().__init__()
        self.item: Item | None = None
        self.read_only = False
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.name = QLineEdit()
        self.kind = QComboBox()
        for kind in store.ITEM_KINDS:
            self.kind.addItem(kind_icon(kind), kind, kind)
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(72)
        self.source = QComboBox()
        self.source.setEditable(True)
        self.source.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.acquired_from = QLineEdit()
        self.method = QLineEdit()
        self.media_type = QLineEdit()
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("why you change it (goes into the custody record)")
        for label, widget in (("&Name", self.name), ("&Kind", self.kind), ("&Description", self.description),
                              ("&Source", self.source), ("Acquired &from", self.acquired_from),
                              ("&Method", self.method), ("Media &type", self.media_type)):
            form.addRow(label, widget)
        form.addRow("&Reason", self.reason)
        buttons = QHBoxLayout()
        self.save = QPushButton("Save changes")
        self.save.setToolTip("Save the edits; each changed field becomes a custody entry (Ctrl+S)")
        self.revert = QPushButton("Revert")
        self.revert.setToolTip("Discard unsaved edits")
        buttons.addStretch(1)
        buttons.addWidget(self.revert)
        buttons.addWidget(self.save)
        form.addRow(buttons)

        # read-only line edits: exact text to copy, and a long hash or path never widens the pane
        self.sha = _fixed_field()
        self.sha.setFont(_mono())
        self.size = _value_label()
        self.acquired = _value_label()
        self.original = _fixed_field()
        self.derived = _value_label()
        fixed = QFormLayout()
        fixed.addRow("SHA-256", self.sha)
        fixed.addRow("Size", self.size)
        fixed.addRow("Acquired", self.acquired)
        fixed.addRow("Original path", self.original)
        fixed.addRow("Derived from", self.derived)
        note = QLabel("Content is immutable: these fields are fixed at acquisition.")
        note.setEnabled(False)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addSpacing(6)
        layout.addWidget(note)
        layout.addLayout(fixed)
        layout.addStretch(1)

        for edit in (self.name, self.acquired_from, self.method, self.media_type):
            edit.textEdited.connect(self._dirty)
        self.description.textChanged.connect(self._dirty)
        self.kind.currentIndexChanged.connect(self._dirty)
        self.source.editTextChanged.connect(self._dirty)
        self.save.clicked.connect(self.request_save)
        self.revert.clicked.connect(lambda: self.show_item(self.item, self._sources))
        self._sources: list[str] = []
        self._loading = False
        self._set_dirty(False)

    def show_item(self, item: Item | None, sources: list[str]) -> None:
        self._loading = True
        self.item = item
        self._sources = sources
        self.source.clear()
        self.source.addItems([""] + [_shown(name) for name in sources])  # chosen: mapped back in fields()
        if item is not None:
            # hidden characters are shown marked even where the value is edited; an unchanged
            # field saves the stored value (see fields()), so marking never rewrites a record
            self.name.setText(_shown(item.name))
            self.kind.setCurrentIndex(max(0, self.kind.findData(item.kind)))
            self.description.setPlainText(_shown(item.description, multiline=True))
            self.source.setEditText(_shown(item.source_name))
            self.acquired_from.setText(_shown(item.acquired_from))
            self.method.setText(_shown(item.acquisition_method))
            self.media_type.setText(_shown(item.media_type))
            self.sha.setText(item.sha256)
            self.size.setText(format_bytes_exact(item.size))
            self.acquired.setText(f"{utc_short(item.acquired_at)} by {line(item.acquired_by)}")
            self.original.setText(line(item.original_path) or "—")
            for edit in (self.name, self.acquired_from, self.method, self.media_type, self.original):
                edit.setCursorPosition(0)  # show the start of long values, not their tail
            self.original.setToolTip(tip(item.original_path))
            self.sha.setCursorPosition(0)
            self.derived.setText(f"item {item.derived_from}: {block(item.derivation_reason)}"
                                 if item.derived_from else "—")
        self.reason.clear()
        self._loading = False
        self._set_dirty(False)

    def fields(self) -> dict[str, Any]:
        fields = {"original_name": self.name.text().strip(), "kind": self.kind.currentData(),
                  "description": self.description.toPlainText(), "source": self.source.currentText().strip(),
                  "acquired_from": self.acquired_from.text(), "acquisition_method": self.method.text(),
                  "media_type": self.media_type.text().strip()}
        if self.item is None:
            return fields
        old = self.original_fields()
        kept = {key: value if key == "kind" else _kept(value, old[key], multiline=key == "description")
                for key, value in fields.items()}
        listed = {_shown(name): name for name in self._sources}  # a source picked from the list, as stored
        kept["source"] = listed.get(kept["source"], kept["source"])
        return kept

    def original_fields(self) -> dict[str, Any]:
        item = self.item
        assert item is not None
        return {"original_name": item.name, "kind": item.kind, "description": item.description,
                "source": item.source_name, "acquired_from": item.acquired_from,
                "acquisition_method": item.acquisition_method, "media_type": item.media_type}

    @Slot()
    def request_save(self) -> None:
        if self.item is None or self.read_only:
            return
        old, new = self.original_fields(), self.fields()
        changed = {k: v for k, v in new.items() if v != old[k]}
        if not changed:
            self._set_dirty(False)
            return
        if not self.reason.text().strip():  # every change says why, as the custody record will
            self.reason.setPlaceholderText("a reason is required: why you change it (goes into the custody record)")
            self.reason.setFocus()
            self.reason_needed.emit()
            return
        self.save_requested.emit(self.item.id, {k: old[k] for k in changed}, changed, self.reason.text())

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        for widget in (self.name, self.acquired_from, self.method, self.media_type, self.reason):
            widget.setReadOnly(read_only)
        self.description.setReadOnly(read_only)
        self.kind.setEnabled(not read_only)
        self.source.setEnabled(not read_only)
        self._set_dirty(False)

    def _dirty(self, *_: object) -> None:
        if not self._loading:
            self._set_dirty(True)

    def _set_dirty(self, dirty: bool) -> None:
        self.dirty = dirty and not self.read_only
        self.save.setEnabled(self.dirty)
        self.revert.setEnabled(self.dirty)
        self.reason.setEnabled(not self.read_only)


class Preview(QWidget):
    """Hosts the item's evidence viewer (audio with transcript, scan beside its
    transcription, text with passages, video, or file facts)."""

    opened_externally = Signal(int, str)  # item id, path of the temporary copy

    def __init__(self) -> None:
        super().__init__()
        self.placeholder = QLabel("Choose Open Item Preview (Ctrl+P) to view the content.\n"
                                  "Viewing is recorded in the item's custody history.")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self.placeholder)
        self.viewer: QWidget | None = None
        #: ``annotate(label, op, on_done)``: how viewers write segments, regions and passages (set by
        #: the window to its operation runner; None while the case is read-only)
        self.annotate: Any = None

    def clear(self) -> None:
        self.release()
        self.placeholder.show()

    def release(self) -> None:
        """Close the viewer now: a media player destroyed late, during interpreter
        shutdown, can abort the process."""
        if self.viewer is not None:
            self.viewer.close()
            self._layout.removeWidget(self.viewer)
            self.viewer.deleteLater()
            self.viewer = None

    def show_content(self, case: Case, item: Item) -> None:
        from .viewers import create_viewer

        self.release()
        self.placeholder.hide()
        # An encrypted case never hands a plaintext copy to another program: it would land on disk.
        external = None if case.key is not None else (lambda item_id, path:
                                                      self.opened_externally.emit(item_id, str(path)))
        self.viewer = create_viewer(case, item.id, self, on_opened_externally=external, annotate=self.annotate)
        self._layout.addWidget(self.viewer)


class EventDetails(QWidget):
    def __init__(self) -> None:
        super().__init__()
        form = QFormLayout(self)
        self.title = _value_label()
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title.setFont(font)
        self.when = _value_label()
        self.raw = _value_label()
        self.interval = _value_label()
        self.precision = _value_label()
        self.normalised_by = _value_label()
        self.place = _value_label()
        self.notes = _value_label()
        self.statements = QListWidget()
        self.statements.setWordWrap(True)
        form.addRow(self.title)
        form.addRow("When", self.when)
        form.addRow("Source said", self.raw)
        form.addRow("Read as", self.interval)
        form.addRow("Precision", self.precision)
        form.addRow("Normalised by", self.normalised_by)
        form.addRow("Place", self.place)
        form.addRow("Notes", self.notes)
        form.addRow("Statements", self.statements)

    def show_event(self, event: Event, statements: list[Any]) -> None:
        t = event.time
        self.title.setText(line(event.title))
        self.when.setText(line(t.display()) if t.known else "unknown: only the raw text below is kept")
        self.when.setToolTip(event_time_tooltip(event))
        self.raw.setText(f"“{line(t.raw)}”" if t.raw else "—")
        self.interval.setText(f"{t.start} – {t.end} ({line(t.tz)})" if t.known else "—")
        self.precision.setText(t.precision + (f"  ⚠ {line(t.note)}" if t.note else ""))
        self.normalised_by.setText(line(event.normalised_by) or "—")
        self.place.setText(block(event.place) or "—")
        self.notes.setText(block(event.notes) or "—")
        self.statements.clear()
        for s in statements:
            grade = f" [{s.grade}]" if s.grade else ""
            entry = QListWidgetItem(f"{line(s.speaker)} ({line(s.medium)}){grade}: {line(s.text[:160])}")
            entry.setData(Qt.ItemDataRole.UserRole, s)
            entry.setToolTip("Double-click to read the whole statement and its grades")
            self.statements.addItem(entry)


#: how many events the attach list offers (a case with more is found through the timeline drag)
ATTACH_CHOICES = 500


class Inspector(QWidget):
    """Right-hand pane: an item or an event, whichever was selected last."""

    preview_opened = Signal(int)  # item id, so the window can log the view
    link_requested = Signal(int, int, bool)  # item id, event id, attach (True) or detach (False)

    def __init__(self) -> None:
        super().__init__()
        self.case: Case | None = None
        self.item: Item | None = None
        self.statement: Statement | None = None
        self.claim: Claim | None = None
        self.shown_event: Event | None = None
        #: a reviewer's judgements (a gui.judgements.JudgementMarks): one line above the record
        self.marks: Any = None
        self.review_line = QLabel()
        self.review_line.setObjectName("reviewLine")
        self.review_line.setTextFormat(Qt.TextFormat.PlainText)  # it quotes the reviewer's note
        self.review_line.setWordWrap(True)
        self.review_line.setAccessibleName("Reviewer judgement")
        self.review_line.setStyleSheet("#reviewLine { background: #fff6e0; border: 1px solid #e8d49a; "
                                       "border-radius: 4px; padding: 4px; }")
        self.review_line.hide()
        self.header = QLabel("Select an event or an item")
        self.header.setTextFormat(Qt.TextFormat.PlainText)  # names the record shown: case text
        self.header.setWordWrap(True)
        font = self.header.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.header.setFont(font)
        self.details = ItemDetails()
        self.custody = CustodyModel()
        self.custody_view = QListView()
        self.custody_view.setModel(self.custody)
        self.custody_view.setModelColumn(CUSTODY_LOG_COLUMN)
        self.custody_view.setWordWrap(True)
        self.custody_view.setAlternatingRowColors(True)
        self.custody_view.setSpacing(1)
        self.custody_view.setAccessibleName("Custody history")
        self.custody_detail = QPlainTextEdit()
        self.custody_detail.setReadOnly(True)
        self.custody_detail.setFixedHeight(130)
        self.custody_detail.setPlaceholderText("Select an entry to see all it records: who, where, why, "
                                               "the item's hash at the time and the chain hashes.")
        self.custody_view.selectionModel().currentRowChanged.connect(
            lambda current, _prev: self.custody_detail.setPlainText(
                block(self.custody.descriptions[current.row()].as_text()) if current.isValid() else ""))
        self.grades = QTableWidget(0, 5)
        self.grades.setHorizontalHeaderLabels(["Grade", "Of", "Rationale", "By", "When"])
        self.grades.verticalHeader().hide()
        self.grades.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.grades.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.events = QListWidget()
        self.events.setAccessibleName("Events this item belongs to")
        self.events.currentRowChanged.connect(lambda _r: self._update_link_buttons())
        self.attach_choice = QComboBox()
        self.attach_choice.setAccessibleName("Event to attach the item to")
        self.attach_choice.setToolTip("An event this item does not belong to yet")
        self.attach_choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.attach_choice.setMinimumContentsLength(16)
        self.attach_button = QPushButton("Attach")
        self.attach_button.setToolTip("Attach the item to the chosen event (custody-logged)")
        self.attach_button.clicked.connect(self._attach)
        self.detach_button = QPushButton("Detach")
        self.detach_button.setToolTip("Detach the item from the event selected above (custody-logged)")
        self.detach_button.clicked.connect(self._detach)
        self.read_only = False
        self.preview = Preview()
        self.tabs = QTabWidget()
        details_scroll = QScrollArea()
        details_scroll.setWidget(self.details)
        details_scroll.setWidgetResizable(True)
        details_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.tabs.addTab(details_scroll, "&Details")
        custody_page = QWidget()
        custody_layout = QVBoxLayout(custody_page)
        custody_layout.setContentsMargins(0, 0, 0, 0)
        custody_layout.addWidget(self.custody_view, 1)
        custody_layout.addWidget(self.custody_detail)
        self.tabs.addTab(custody_page, "&Custody")
        grades_page = QWidget()
        grades_layout = QVBoxLayout(grades_page)
        grades_layout.setContentsMargins(0, 0, 0, 0)
        grades_layout.addWidget(self.grades, 3)
        grades_layout.addWidget(QLabel("Belongs to events:"))
        grades_layout.addWidget(self.events, 1)
        link_bar = QHBoxLayout()
        attach_label = QLabel("&Attach to:")
        attach_label.setBuddy(self.attach_choice)
        link_bar.addWidget(attach_label)
        link_bar.addWidget(self.attach_choice, 1)
        # the buttons on a row of their own: side by side with the choice they kept the
        # inspector, and so the window, too wide for a 1024-pixel laptop screen
        link_buttons = QHBoxLayout()
        link_buttons.addStretch(1)
        link_buttons.addWidget(self.attach_button)
        link_buttons.addWidget(self.detach_button)
        grades_layout.addLayout(link_bar)
        grades_layout.addLayout(link_buttons)
        self.tabs.addTab(grades_page, "&Grades && events")
        self.tabs.addTab(self.preview, "&Preview")
        self.event_details = EventDetails()
        self.empty = QLabel("Nothing selected.\n\nSelect an event on the timeline or an item in the list.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        #: what the last verification found wrong with the item shown (hidden when nothing)
        self.failures: dict[int, list[str]] = {}
        self.verify_warning = QLabel()
        self.verify_warning.setObjectName("verifyWarning")
        self.verify_warning.setTextFormat(Qt.TextFormat.PlainText)  # failures quote file names
        self.verify_warning.setWordWrap(True)
        self.verify_warning.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.verify_warning.setStyleSheet("#verifyWarning { background: #fdecea; color: #b00020; "
                                          "border: 1px solid #f5c2c0; border-radius: 4px; padding: 6px; }")
        self.verify_warning.hide()
        item_page = QWidget()
        item_layout = QVBoxLayout(item_page)
        item_layout.setContentsMargins(0, 0, 0, 0)
        item_layout.addWidget(self.verify_warning)
        item_layout.addWidget(self.tabs, 1)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.empty)
        self.pages.addWidget(item_page)
        event_scroll = QScrollArea()
        event_scroll.setWidget(self.event_details)
        event_scroll.setWidgetResizable(True)
        event_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.pages.addWidget(event_scroll)
        self.statement_details = StatementDetails()
        self.claim_details = ClaimDetails()
        self.pages.addWidget(self.statement_details)
        self.pages.addWidget(self.claim_details)
        self.event_details.statements.itemActivated.connect(
            lambda entry: self.show_statement(entry.data(Qt.ItemDataRole.UserRole)))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.header)
        layout.addWidget(self.review_line)
        layout.addWidget(self.pages)

    def set_case(self, case: Case, read_only: bool | None = None) -> None:
        """Show records of ``case`` (read through it); ``read_only`` if nothing may be changed."""
        self.case = case
        read_only = case.read_only if read_only is None else read_only
        self.details.set_read_only(read_only)
        self.read_only = read_only
        self.attach_choice.setEnabled(not read_only)
        self.failures = {}
        self.show_nothing()

    def set_failures(self, failures: dict[int, list[str]]) -> None:
        """What a verification found wrong, by item id; the item shown says so at once."""
        self.failures = failures
        self._show_failures()

    def _show_failures(self) -> None:
        found = self.failures.get(self.item.id, []) if self.item is not None else []
        self.verify_warning.setText("⚠ The last verification found this item altered or inconsistent:\n"
                                    + "\n".join(f"• {line(message)}" for message in found) if found else "")
        self.verify_warning.setVisible(bool(found))

    @Slot(object)
    def case_changed(self, changes: Changes) -> None:
        """Re-read what is shown; show nothing if it no longer exists."""
        if self.case is None:
            return
        try:
            if self.item is not None:
                if changes.items or changes.grades or changes.sources or changes.events or changes.custody:
                    self.show_item(self.case.items.get(self.item.id))
            elif self.statement is not None:
                if changes.statements or changes.grades or changes.sources or changes.events:
                    self.show_statement(self.case.statements.get(self.statement.id))
            elif self.claim is not None:
                if changes.claims or changes.grades or changes.items or changes.statements:
                    self.show_claim(self.case.claims.get(self.claim.id))
            elif self.shown_event is not None:
                if changes.events or changes.statements:
                    self.show_event(self.case.events.get(self.shown_event.id))
        except UnknownRecord:
            self.show_nothing()

    def show_review_line(self) -> None:
        """The reviewer's judgement of what is shown (and of its grades), or nothing."""
        shown = (("item", self.item) if self.item is not None else ("statement", self.statement)
                 if self.statement is not None else ("claim", self.claim) if self.claim is not None else None)
        text = ""
        if shown is not None and self.marks and self.case is not None:
            text = self.marks.line(self.case, shown[0], shown[1].id)
        self.review_line.setText(text)
        self.review_line.setVisible(bool(text))

    def show_nothing(self) -> None:
        self.review_line.hide()
        self.item = self.statement = self.claim = self.shown_event = None
        self.preview.clear()
        self.header.setText("Inspector")
        self.pages.setCurrentIndex(0)

    def show_event(self, event: Event) -> None:
        assert self.case is not None
        self.item = self.statement = self.claim = None
        self.shown_event = event
        self.preview.clear()
        self.review_line.hide()
        self.header.setText("Event")
        self.event_details.show_event(event, self.case.statements.list(event_id=event.id))
        self.pages.setCurrentIndex(2)

    def show_item(self, item: Item) -> None:
        assert self.case is not None
        self.shown_event = None
        same = self.item is not None and self.item.id == item.id
        self.item = item
        self.statement = self.claim = None
        self.header.setText(f"{line(item.name)}  ·  {item.kind}  ·  {item.short_hash}")
        self.header.setToolTip(item.sha256)
        if not (same and self.details.dirty):
            self.details.show_item(item, [s.name for s in self.case.sources.list()])
        self.custody.set_entries(self.case.history.entries(item_id=item.id))
        self.custody_detail.clear()
        self._show_grades(item)
        self._show_events(item)
        if not same:
            self.preview.clear()
        self._show_failures()
        self.show_review_line()
        self.pages.setCurrentIndex(1)

    def show_statement(self, statement: Statement) -> None:
        assert self.case is not None
        self.shown_event = None
        self.item = self.claim = None
        self.statement = statement
        self.preview.clear()
        self.header.setText(f"Statement  ·  {line(statement.speaker)}  ·  {line(statement.medium)}")
        self.header.setToolTip("")
        self.statement_details.show_statement(self.case, statement)
        self.show_review_line()
        self.pages.setCurrentWidget(self.statement_details)

    def show_claim(self, claim: Claim) -> None:
        assert self.case is not None
        self.shown_event = None
        self.item = self.statement = None
        self.claim = claim
        self.preview.clear()
        self.header.setText("Claim" + ("  ·  CONTESTED" if claim.contested else ""))
        self.header.setToolTip("")
        self.claim_details.show_claim(self.case, claim)
        self.show_review_line()
        self.pages.setCurrentWidget(self.claim_details)

    def refresh(self) -> None:
        """Re-read whatever is shown (after a grade or an edit)."""
        if self.case is None:
            return
        if self.item is not None:
            self.show_item(self.case.items.get(self.item.id))
        elif self.statement is not None:
            self.show_statement(self.case.statements.get(self.statement.id))
        elif self.claim is not None:
            self.show_claim(self.case.claims.get(self.claim.id))

    def _show_events(self, item: Item) -> None:
        """The events the item belongs to, and the others it could be attached to."""
        assert self.case is not None
        linked = self.case.events.of_item(item.id)
        self.events.clear()
        for event in linked:
            entry = QListWidgetItem(f"{line(event.time.display())} — {line(event.title)}")
            entry.setData(Qt.ItemDataRole.UserRole, event.id)
            entry.setToolTip(event_time_tooltip(event))
            self.events.addItem(entry)
        linked_ids = {e.id for e in linked}
        self.attach_choice.clear()
        for event in self.case.events.list(limit=ATTACH_CHOICES):
            if event.id not in linked_ids:
                self.attach_choice.addItem(f"{line(event.title)} — {line(event.time.display())}", event.id)
                self.attach_choice.setItemData(self.attach_choice.count() - 1, event_time_tooltip(event),
                                               Qt.ItemDataRole.ToolTipRole)
        self._update_link_buttons()

    def _update_link_buttons(self) -> None:
        writable = not self.read_only and self.item is not None
        self.attach_button.setEnabled(writable and self.attach_choice.count() > 0)
        self.detach_button.setEnabled(writable and self.events.currentRow() >= 0)

    def show_link_page(self) -> None:
        """Bring the attach/detach controls forward (the "Attach to Event…" action)."""
        self.tabs.setCurrentIndex(2)
        self.attach_choice.setFocus()

    def _attach(self) -> None:
        event_id = self.attach_choice.currentData()
        if self.item is not None and event_id is not None and not self.read_only:
            self.link_requested.emit(self.item.id, int(event_id), True)

    def _detach(self) -> None:
        entry = self.events.currentItem()
        if self.item is not None and entry is not None and not self.read_only:
            self.link_requested.emit(self.item.id, int(entry.data(Qt.ItemDataRole.UserRole)), False)

    def _show_grades(self, item: Item) -> None:
        assert self.case is not None
        rows = [(g, "this item (credibility)") for g in self.case.grades.list("item", item.id)]
        if item.source_id is not None:
            rows += [(g, f"source {line(item.source_name)} (reliability)") for g in self.case.grades.list("source", item.source_id)]
        self.grades.setRowCount(len(rows))
        for r, (g, of) in enumerate(rows):
            for c, text in enumerate((notation(g.reliability, g.credibility), of, g.rationale, g.graded_by,
                                      utc_short(g.graded_at))):
                cell = QTableWidgetItem(line(text))
                cell.setToolTip(tip(text))
                self.grades.setItem(r, c, cell)
        self.grades.resizeColumnToContents(0)
        self.grades.resizeColumnToContents(1)

    def open_preview(self) -> None:
        if self.case is None or self.item is None:
            return
        self.preview.show_content(self.case, self.item)
        self.tabs.setCurrentWidget(self.preview)
        if self.preview.viewer is not None:
            self.preview.viewer.setFocus()  # the viewer's keys (play, mark in and out) work at once
        self.preview_opened.emit(self.item.id)
