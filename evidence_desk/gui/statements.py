"""The case's statements and its evidence requests, as lists beside the items.

Statements keep the time as the source gave it (the raw text) beside how it
was read; requests show what is still owed to the case and by whom.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QMimeData, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.case import Case
from ..core.operations import Changes
from ..core.records import Request, Statement
from ..core.uncertain_time import UncertainTime
from .claims import excerpt
from .models import STATEMENT_IDS_MIME, statement_ids_mime
from .plain import block, line, tip

RecordRole = Qt.ItemDataRole.UserRole + 20


def time_text(t: UncertainTime, gap: str = "  ") -> str:
    """How it was read, and the source's own words when they differ."""
    shown = t.display() if t.known else "unknown"
    if t.raw and t.raw not in shown:
        return f"{shown}{gap}(“{line(t.raw, 500)}”)"
    return shown


class StatementTable(QTableWidget):
    """The statements' table; its rows drag onto a claim to link them."""

    def mimeTypes(self) -> list[str]:  # noqa: N802 (Qt override)
        return [STATEMENT_IDS_MIME]

    def mimeData(self, items: Sequence[QTableWidgetItem]) -> QMimeData:  # noqa: N802 (Qt override)
        rows = sorted({cell.row() for cell in items})
        ids = [self.item(row, 0).data(RecordRole).id for row in rows if self.item(row, 0) is not None]
        return statement_ids_mime(ids)


def _table(headers: list[str], stretch: int, cls: type[QTableWidget] = QTableWidget) -> QTableWidget:
    table = cls(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def _fill_row(table: QTableWidget, row: int, texts: list[str], record: object, tips: dict[int, str]) -> None:
    for col, text in enumerate(texts):
        cell = QTableWidgetItem(block(text, 2000))  # case text: controls marked (a cell is plain already)
        cell.setToolTip(tip(tips.get(col, text)))
        if col == 0:
            cell.setData(RecordRole, record)
        table.setItem(row, col, cell)


class StatementsPanel(QWidget):
    """Every statement: who said what, through which medium, when (as said), graded how."""

    statement_selected = Signal(int)
    reloaded = Signal()  # the table was re-read (the window adds the reviewer's badges)

    COLUMNS = ["Speaker / affiliation", "Medium", "When (as said)", "Grade", "Text"]

    def __init__(self) -> None:
        super().__init__()
        self.case: Case | None = None
        self.statements: list[Statement] = []
        self.title = QLabel()
        self.table = _table(self.COLUMNS, 4, StatementTable)
        self.table.setAccessibleName("Statements")
        self.table.setDragEnabled(True)  # rows drag onto a claim to link them
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.table.setWordWrap(True)
        for col, width in enumerate((160, 78, 150, 46)):
            self.table.setColumnWidth(col, width)
        self.table.itemSelectionChanged.connect(self._selected)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)

    def set_case(self, case: Case) -> None:
        self.case = case
        self.reload()

    @Slot(object)
    def case_changed(self, changes: Changes) -> None:
        if changes.statements or changes.grades or changes.sources or changes.events:
            self.reload()

    def reload(self) -> None:
        if self.case is None:
            return
        keep = self.current_statement_id()
        self.statements = self.case.statements.list()
        self.title.setText(f"<b>Statements of the case</b> — {len(self.statements)}")
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.statements))
        for row, s in enumerate(self.statements):
            grade_tip = (f"Source reliability {s.reliability or 'not graded'}, "
                         f"statement credibility {s.credibility or 'not graded'}")
            who = s.speaker + (f"\n{s.affiliation}" if s.affiliation else "")
            _fill_row(self.table, row, [who, s.medium, time_text(s.time, "\n"), s.grade or "—",
                                        excerpt(s.text, 160)], s,
                      {2: f"Source said: “{s.time.raw}”\nRead as: {s.time.display()}" if s.time.raw
                       else s.time.display(), 3: grade_tip, 4: s.text})
        self.table.resizeRowsToContents()
        self.table.blockSignals(False)
        if keep is not None:
            self.select_statement(keep, emit=False)
        if self.current_statement_id() is None:  # what was selected is gone: select nothing
            self.table.clearSelection()
        self.reloaded.emit()

    def current_statement_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.statements[rows[0].row()].id if rows and rows[0].row() < len(self.statements) else None

    def select_statement(self, statement_id: int, emit: bool = True) -> None:
        for row, s in enumerate(self.statements):
            if s.id == statement_id:
                self.table.blockSignals(not emit)
                self.table.selectRow(row)
                self.table.blockSignals(False)
                return

    def _selected(self) -> None:
        statement_id = self.current_statement_id()
        if statement_id is not None:
            self.statement_selected.emit(statement_id)


class RequestsPanel(QWidget):
    """Evidence requests: what was asked of whom, when it is due, what came of it."""

    COLUMNS = ["Title", "To", "Asked", "Due", "Status", "Resulting items"]

    def __init__(self) -> None:
        super().__init__()
        self.case: Case | None = None
        self.requests: list[Request] = []
        self.title = QLabel()
        self.open_only = QCheckBox("Open requests only")
        self.open_only.setChecked(True)
        self.open_only.toggled.connect(lambda _on: self.reload())
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.open_only)
        self.table = _table(self.COLUMNS, 1)
        self.table.setAccessibleName("Requests")
        self.table.setWordWrap(True)
        for col, width in enumerate((150, 120, 130, 100, 64, 100)):
            self.table.setColumnWidth(col, width)
        self.description = QPlainTextEdit()
        self.description.setReadOnly(True)
        self.description.setPlaceholderText("Select a request to read what exactly was asked.")
        self.table.itemSelectionChanged.connect(self._selected)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.description)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

    def set_case(self, case: Case) -> None:
        self.case = case
        self.reload()

    @Slot(object)
    def case_changed(self, changes: Changes) -> None:
        if changes.requests or changes.items:
            self.reload()

    def reload(self) -> None:
        if self.case is None:
            return
        keep = self.current_request().id if self.current_request() else None
        every = self.case.requests.list()
        self.requests = [r for r in every if r.status == "open"] if self.open_only.isChecked() else every
        still_open = sum(1 for r in every if r.status == "open")
        self.title.setText(f"<b>Evidence requests</b> — {still_open} open of {len(every)}")
        names = {}
        ids = sorted({i for r in self.requests for i in r.item_ids})
        if ids:
            names = {i.id: i.name for i in self.case.items.list(ids=ids)}
        self.table.setRowCount(len(self.requests))
        for row, r in enumerate(self.requests):
            resulting = ", ".join(names.get(i, f"item {i}") for i in r.item_ids) or "—"
            _fill_row(self.table, row, [r.title, r.addressed_to or "—", time_text(r.asked, "\n"),
                                        time_text(r.due, "\n") if r.due.raw or r.due.known else "—", r.status,
                                        resulting], r, {0: r.description or r.title})
        self.table.resizeRowsToContents()
        self.description.clear()
        if keep is not None:  # keep the request selected across a re-read (after its status changed)
            row = next((n for n, r in enumerate(self.requests) if r.id == keep), -1)
            if row >= 0:
                self.table.selectRow(row)

    def current_request(self) -> Request | None:
        rows = self.table.selectionModel().selectedRows()
        return self.requests[rows[0].row()] if rows and rows[0].row() < len(self.requests) else None

    def select_request(self, request_id: int) -> None:
        for row, r in enumerate(self.requests):
            if r.id == request_id:
                self.table.selectRow(row)
                return

    def _selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows and rows[0].row() < len(self.requests):
            r = self.requests[rows[0].row()]
            self.description.setPlainText(block(f"{r.title}\nTo: {r.addressed_to or '—'}\n\n{r.description}",
                                                10_000_000))
