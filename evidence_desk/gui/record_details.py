"""Inspector pages for a statement and a claim: the words, every grade with
its rationale (oldest first), and what they are linked to."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ..core.admiralty import credibility_meaning, reliability_meaning
from ..core.case import Case
from ..core.custody import CustodyEntry
from ..core.custody_text import describe_entry
from ..core.records import Claim, Grade, Statement
from .claims import STANCE_TITLES, credibility_text, evidence_counts
from .models import utc_short
from .plain import block, line, markup, tip
from .statements import time_text


class GradeHistory(QListWidget):
    """Grades oldest first, each with who, when and the full rationale; the current ones marked."""

    def __init__(self) -> None:
        super().__init__()
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.setSpacing(1)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAccessibleName("Grade history")

    def texts(self) -> list[str]:
        return [self.item(r).text() for r in range(self.count())]


def grades_table() -> GradeHistory:
    return GradeHistory()


def grade_axis_text(g: Grade) -> str:
    parts = []
    if g.reliability:
        parts.append(f"reliability {g.reliability} ({reliability_meaning(g.reliability)})")
    if g.credibility:
        parts.append(f"credibility {g.credibility} ({credibility_meaning(g.credibility)})")
    return ", ".join(parts)


def fill_grades(history: GradeHistory, rows: list[tuple[Grade, str]]) -> None:
    """Show ``(grade, what it grades)`` rows, oldest first, marking the current grade of each axis."""
    history.clear()
    current: dict[tuple[str, str], int] = {}
    for g, of in rows:
        if g.reliability:
            current[(of, "r")] = g.id
        if g.credibility:
            current[(of, "c")] = g.id
    for g, of in rows:
        is_current = g.id in (current.get((of, "r")), current.get((of, "c")))
        entry = QListWidgetItem(f"{grade_axis_text(g)} — {line(of)}{'  [current]' if is_current else ''}\n"
                                f"{block(g.rationale)}\n{line(g.graded_by)}, {utc_short(g.graded_at)}")
        entry.setToolTip(tip(g.rationale))
        history.addItem(entry)
    if not rows:
        history.addItem("Not graded yet.")


def _label() -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)  # shows case text: never markup
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
        self.from_item.setTextFormat(Qt.TextFormat.RichText)  # a link of ours around an escaped name
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
        layout.addWidget(self.text, 2)
        layout.addWidget(QLabel("<b>Grades</b> (oldest first; the current ones marked)"))
        layout.addWidget(self.grades, 3)
        self.history = custody_list("Custody history of the statement")
        layout.addWidget(QLabel("<b>Custody history</b> (every change, with its reason)"))
        layout.addWidget(self.history, 2)

    def show_statement(self, case: Case, s: Statement) -> None:
        self.statement = s
        self.speaker.setText(line(s.speaker) + (f" — {line(s.affiliation)}" if s.affiliation else ""))
        self.medium.setText(line(s.medium))
        self.when.setText(line(time_text(s.time)) + (f"\nprecision: {s.time.precision}" if s.time.known else ""))
        self.source.setText(line(s.source_name) or "—")
        self.grade.setText(f"{s.grade or 'not graded'}  (source reliability {s.reliability or '—'}, "
                           f"credibility {credibility_text(s.credibility)})")
        if s.item_id is not None:
            name = case.items.get(s.item_id).name
            self.from_item.setText(markup(f"<a href='{s.item_id}'>{{}}</a> (item {s.item_id})", line(name, 500)))
        else:
            self.from_item.setText("—")
        linked = [f"{STANCE_TITLES[link.stance].lower()}: {line(c.text, 2000)}" for c in case.claims.list()
                  for link in c.links if link.statement_id == s.id]
        self.claims.setText("\n".join(linked) or "—")
        self.text.setPlainText(block(s.text, 10_000_000))
        rows = [(g, "this statement") for g in case.grades.list("statement", s.id)]
        if s.source_id is not None:
            rows += [(g, f"source {line(s.source_name)}") for g in case.grades.list("source", s.source_id)]
        rows.sort(key=lambda row: row[0].id)
        fill_grades(self.grades, rows)
        fill_custody(self.history, case.history.entries(target_type="statement", target_id=s.id))


def custody_list(name: str) -> QListWidget:
    """The custody entries of one record (a statement, a claim), one two-line row each."""
    box = QListWidget()
    box.setAccessibleName(name)
    box.setWordWrap(True)
    box.setAlternatingRowColors(True)
    return box


def fill_custody(box: QListWidget, entries: list[CustodyEntry]) -> None:
    box.clear()
    for entry in entries:
        described = describe_entry(entry)
        box.addItem(f"{line(described.headline)}\n{line(described.summary)}")


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
        self.status.setTextFormat(Qt.TextFormat.RichText)  # our words only: "CONTESTED" in red
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
        layout.addWidget(QLabel("<b>Grades</b> (oldest first; the current one marked)"))
        layout.addWidget(self.grades, 1)
        self.history = custody_list("Custody history of the claim")
        layout.addWidget(QLabel("<b>Custody history</b> (every change, with its reason)"))
        layout.addWidget(self.history, 1)

    def show_claim(self, case: Case, claim: Claim) -> None:
        self.claim = claim
        self.text.setText(f"“{block(claim.text)}”")
        self.status.setText("<b style='color:#b00020'>CONTESTED</b>: evidence supports it and evidence "
                            "contradicts it" if claim.contested else "not contested")
        self.grade.setText(credibility_text(claim.credibility))
        self.evidence.setText(evidence_counts(claim))
        self.created.setText(f"{utc_short(claim.created_at)} by {line(claim.created_by)}")
        fill_grades(self.grades, [(g, "this claim") for g in case.grades.list("claim", claim.id)])
        fill_custody(self.history, case.history.entries(target_type="claim", target_id=claim.id))
