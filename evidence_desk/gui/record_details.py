"""Inspector pages for a statement and a claim: the words, every grade with
its rationale (oldest first), and what they are linked to."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.case import Case
from ..core.records import Claim, Grade, Statement, grade_text
from .claims import STANCE_TITLES, credibility_text, evidence_counts
from .models import utc_short
from .statements import time_text


def grades_table() -> QTableWidget:
    table = QTableWidget(0, 5)
    table.setHorizontalHeaderLabels(["Grade", "Of", "Rationale", "By", "When"])
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(True)
    table.setAccessibleName("Grade history")
    return table


def fill_grades(table: QTableWidget, rows: list[tuple[Grade, str]]) -> None:
    """Show ``(grade, what it grades)`` rows, oldest first; the last row is the current grade."""
    table.setRowCount(len(rows))
    for r, (g, of) in enumerate(rows):
        for c, text in enumerate((grade_text(g.reliability, g.credibility), of, g.rationale, g.graded_by,
                                  utc_short(g.graded_at))):
            cell = QTableWidgetItem(text)
            cell.setToolTip(text)
            table.setItem(r, c, cell)
    table.resizeColumnToContents(0)
    table.resizeColumnToContents(1)
    table.resizeRowsToContents()


def _label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class StatementDetails(QWidget):
    """A statement: speaker, medium, time as said and as read, verbatim text, grades."""

    item_requested = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.statement: Statement | None = None
        self.speaker, self.medium, self.when, self.source, self.grade = (_label() for _ in range(5))
        self.from_item = QLabel()
        self.from_item.linkActivated.connect(lambda href: self.item_requested.emit(int(href)))
        self.claims = _label()
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setAccessibleName("Statement text")
        self.grades = grades_table()
        form = QFormLayout()
        form.addRow("Speaker", self.speaker)
        form.addRow("Medium", self.medium)
        form.addRow("When", self.when)
        form.addRow("Source", self.source)
        form.addRow("Grade", self.grade)
        form.addRow("Quoted in", self.from_item)
        form.addRow("Claims", self.claims)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(QLabel("<b>Verbatim text</b>"))
        layout.addWidget(self.text, 3)
        layout.addWidget(QLabel("<b>Grades</b> (oldest first; the last is current)"))
        layout.addWidget(self.grades, 2)

    def show_statement(self, case: Case, s: Statement) -> None:
        self.statement = s
        self.speaker.setText(s.speaker + (f" — {s.affiliation}" if s.affiliation else ""))
        self.medium.setText(s.medium)
        self.when.setText(time_text(s.time) + (f"\nprecision: {s.time.precision}" if s.time.known else ""))
        self.source.setText(s.source_name or "—")
        self.grade.setText(f"{s.grade or 'not graded'}  (source reliability {s.reliability or '—'}, "
                           f"credibility {credibility_text(s.credibility)})")
        if s.item_id is not None:
            name = case.item(s.item_id).name
            self.from_item.setText(f"<a href='{s.item_id}'>{name}</a> (item {s.item_id})")
        else:
            self.from_item.setText("—")
        linked = [f"{STANCE_TITLES[link.stance].lower()}: {c.text}" for c in case.claims()
                  for link in c.links if link.statement_id == s.id]
        self.claims.setText("\n".join(linked) or "—")
        self.text.setPlainText(s.text)
        rows = [(g, "this statement") for g in case.grades("statement", s.id)]
        if s.source_id is not None:
            rows += [(g, f"source {s.source_name}") for g in case.grades("source", s.source_id)]
        rows.sort(key=lambda row: row[0].id)
        fill_grades(self.grades, rows)


class ClaimDetails(QWidget):
    """A claim: its words, its credibility and every grade it had, its evidence count."""

    def __init__(self) -> None:
        super().__init__()
        self.claim: Claim | None = None
        self.text = _label()
        font = self.text.font()
        font.setBold(True)
        self.text.setFont(font)
        self.status, self.grade, self.evidence, self.created = (_label() for _ in range(4))
        self.grades = grades_table()
        form = QFormLayout()
        form.addRow(self.text)
        form.addRow("Status", self.status)
        form.addRow("Credibility", self.grade)
        form.addRow("Evidence", self.evidence)
        form.addRow("Recorded", self.created)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(QLabel("<b>Grades</b> (oldest first; the last is current)"))
        layout.addWidget(self.grades, 1)

    def show_claim(self, case: Case, claim: Claim) -> None:
        self.claim = claim
        self.text.setText(f"“{claim.text}”")
        self.status.setText("<b style='color:#b00020'>CONTESTED</b>: evidence supports it and evidence "
                            "contradicts it" if claim.contested else "not contested")
        self.grade.setText(credibility_text(claim.credibility))
        self.evidence.setText(evidence_counts(claim))
        self.created.setText(f"{utc_short(claim.created_at)} by {claim.created_by}")
        fill_grades(self.grades, [(g, "this claim") for g in case.grades("claim", claim.id)])
