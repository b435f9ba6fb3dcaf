"""Reviewer judgements in the window: marking them in review mode, showing them beside records.

In review mode the reviewer judges an item, one of its grades, a statement or
a claim (Review ▸ Judge…, Ctrl+Shift+J, or the context menu of a list):
accepted, disputed or needs more information, with a note. The judgements
are kept beside the packet and go into the signed notes
(:mod:`evidence_desk.core.packet.review`). In the sender's own case the same
marks come from the feedback imported from those notes (File ▸ Import Review
Feedback…, :func:`evidence_desk.core.operations.import_review_notes`).

Either way the window holds one :class:`JudgementMarks`: the newest judgement
per record, which the item list shows in its Review column, the claims list
and the statements list as a badge, and the inspector as a line above the
record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QTableWidget,
    QTreeWidget,
    QVBoxLayout,
    QWidget,
)

from ..core.records import Claim, Item, Statement
from .checked_dialog import CheckedDialog
from .plain import tip

VERDICTS = ("accepted", "disputed", "needs_info")
VERDICT_LABELS = {"accepted": "&Accepted", "disputed": "&Disputed", "needs_info": "&Needs more information"}
BADGES = {"accepted": "✓ accepted", "disputed": "✗ disputed", "needs_info": "? needs info"}
COLOURS = {"accepted": "#1f7a4a", "disputed": "#b00020", "needs_info": "#8a5a00"}
VERDICT_TEXT = {"accepted": "accepted", "disputed": "disputed", "needs_info": "needs more information"}


@dataclass(frozen=True)
class Mark:
    """The judgement that counts for one record, whichever side of the packet we are on."""

    verdict: str
    note: str
    reviewer: str
    at: str
    received: bool  # True: imported feedback in the sender's case; False: the reviewer's own

    @property
    def badge(self) -> str:
        return BADGES.get(self.verdict, self.verdict)

    @property
    def colour(self) -> str:
        return COLOURS.get(self.verdict, "#555555")

    def sentence(self, what: str) -> str:
        said = f"{what}: {VERDICT_TEXT.get(self.verdict, self.verdict)}"
        return said + (f" — “{self.note}”" if self.note else "")


def grade_words(g: Any) -> str:
    """A grade in words short enough for one line: ``reliability B, credibility 2``."""
    return ", ".join(f"{axis} {value}" for axis, value in (("reliability", g.reliability),
                                                            ("credibility", g.credibility)) if value)


class JudgementMarks:
    """The newest judgement per ``(target_type, target_id)``."""

    def __init__(self) -> None:
        self.marks: dict[tuple[str, int], Mark] = {}
        self.reviewing = False

    def set(self, judgements: Mapping[tuple[str, int], Any], *, received: bool) -> None:
        """Take the newest judgements (review-side or received records, both have these fields)."""
        self.reviewing = not received
        self.marks = {key: Mark(j.verdict, j.note, j.reviewer, getattr(j, "at", "") or getattr(j, "judged_at", ""),
                                received) for key, j in judgements.items()}

    def clear(self) -> None:
        self.marks = {}
        self.reviewing = False

    def get(self, target_type: str, target_id: int) -> Mark | None:
        return self.marks.get((target_type, target_id))

    def __bool__(self) -> bool:
        return bool(self.marks)

    def tooltip(self, target_type: str, target_id: int) -> str:
        mark = self.get(target_type, target_id)
        if mark is None:
            return ""
        side = "Reviewer feedback received" if mark.received else "Your judgement"
        return f"{side} ({mark.reviewer}, {mark.at[:16].replace('T', ' ')} UTC): " + mark.sentence(target_type)

    def line(self, case: Any, target_type: str, target_id: int) -> str:
        """One line for the inspector: the record's judgement and its grades' (empty: none)."""
        parts = []
        mark = self.get(target_type, target_id)
        if mark is not None:
            parts.append(mark.sentence(f"this {target_type}"))
        grades = list(case.grades.list(target_type, target_id))
        if target_type == "item":
            source_id = case.items.get(target_id).source_id
            if source_id is not None:
                grades += case.grades.list("source", source_id)
        for g in grades:
            gm = self.get("grade", g.id)
            if gm is not None:
                parts.append(gm.sentence(f"grade {grade_words(g)} (#{g.id})"))
        if not parts:
            return ""
        shown = [m for m in (mark, *(self.get("grade", g.id) for g in grades)) if m is not None]
        if any(m.received for m in shown):
            return f"Reviewer feedback ({', '.join(sorted({m.reviewer for m in shown}))}): " + "; ".join(parts)
        return "Your review: " + "; ".join(parts)


# --- decorating the lists --------------------------------------------------------------

def mark_claims(tree: QTreeWidget, marks: JudgementMarks, role: int) -> None:
    """Add the reviewer's badge to each claim's Status column."""
    for r in range(tree.topLevelItemCount()):
        row = tree.topLevelItem(r)
        claim = row.data(0, role)
        mark = marks.get("claim", claim.id) if claim is not None else None
        if mark is None:
            continue
        status = row.text(0).split("  ·  ")[0] if row.text(0) else ""
        row.setText(0, f"{status}  ·  {mark.badge}" if status and not status.startswith(("✓", "✗", "?"))
                    else mark.badge)
        row.setForeground(0, QBrush(QColor(mark.colour)))
        row.setToolTip(0, tip(marks.tooltip("claim", claim.id)))


def mark_statements(table: QTableWidget, statements: list[Statement], marks: JudgementMarks,
                    grade_column: int = 3) -> None:
    """Add the reviewer's badge beside each statement's grade."""
    for row, s in enumerate(statements):
        mark = marks.get("statement", s.id)
        cell = table.item(row, grade_column)
        if mark is None or cell is None:
            continue
        cell.setText(f"{s.grade or '—'}\n{mark.badge}")
        cell.setForeground(QBrush(QColor(mark.colour)))
        cell.setToolTip(tip(marks.tooltip("statement", s.id)))
    table.resizeRowsToContents()


# --- the dialog ---------------------------------------------------------------------------

@dataclass(frozen=True)
class JudgementTarget:
    target_type: str
    target_id: int
    label: str


def targets_of(case: Any, subject: Item | Statement | Claim) -> list[JudgementTarget]:
    """What can be judged from a selected record: the record itself, then each of its grades."""
    if isinstance(subject, Item):
        kind, label = "item", f"Item “{subject.name}” ({subject.short_hash})"
    elif isinstance(subject, Statement):
        kind, label = "statement", f"Statement by {subject.speaker} ({subject.medium})"
    else:
        text = subject.text if len(subject.text) <= 70 else subject.text[:69] + "…"
        kind, label = "claim", f"Claim “{text}”"
    found = [JudgementTarget(kind, subject.id, label)]
    grades = [(g, f"this {kind}") for g in reversed(case.grades.list(kind, subject.id))]  # newest first
    source_id = getattr(subject, "source_id", None)
    if source_id is not None and kind in ("item", "statement"):
        grades += [(g, "its source") for g in reversed(case.grades.list("source", source_id))]
    for g, of in grades:
        rationale = g.rationale if len(g.rationale) <= 50 else g.rationale[:49] + "…"
        found.append(JudgementTarget("grade", g.id, f"Grade of {of}: {grade_words(g)} (#{g.id}, {g.graded_by}): "
                                                    f"{rationale}"))
    return found


class JudgementDialog(CheckedDialog):
    """Accepted / disputed / needs more information, with a note, on one record or one of its grades."""

    def __init__(self, parent: QWidget | None, targets: list[JudgementTarget],
                 marks: JudgementMarks | None = None) -> None:
        super().__init__(parent, "Review judgement", ok_text="&Save Judgement", min_width=560)
        intro = QLabel("Your judgement is kept beside the packet with your notes and goes, signed with your "
                       "reviewer key, into the notes you export (File ▸ Export Review Notes). The sender can "
                       "import it as feedback; nothing in the packet changes.")
        intro.setWordWrap(True)
        self.add_above(intro)
        self.target = QComboBox()
        self.target.setAccessibleName("What you judge")
        for t in targets:
            self.target.addItem(t.label, t)
        self.form.addRow("&Judge:", self.target)
        self.group = QButtonGroup(self)
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        self.buttons_by_verdict: dict[str, QRadioButton] = {}
        for verdict in VERDICTS:
            button = QRadioButton(VERDICT_LABELS[verdict])
            self.group.addButton(button)
            self.buttons_by_verdict[verdict] = button
            column.addWidget(button)
        self.form.addRow("Verdict:", box)
        self.note = QPlainTextEdit()
        self.note.setAccessibleName("Note")
        self.note.setPlaceholderText("Why you dispute it, or what more you need (required unless accepted)")
        self.note.setFixedHeight(90)
        self.form.addRow("N&ote:", self.note)
        self.current = QLabel()
        self.current.setTextFormat(Qt.TextFormat.PlainText)
        self.current.setWordWrap(True)
        self.add_below(self.current)
        self.marks = marks
        self.target.currentIndexChanged.connect(self._show_current)
        self._show_current()
        self.watch(self.group, self.note)

    def _show_current(self) -> None:
        t = self.chosen_target()
        mark = self.marks.get(t.target_type, t.target_id) if self.marks is not None and t is not None else None
        self.current.setText(f"{mark.sentence('Judged before')}. A new judgement replaces it; both stay in "
                             "your notes." if mark is not None else "")

    def chosen_target(self) -> JudgementTarget | None:
        return self.target.currentData()

    def verdict(self) -> str | None:
        return next((v for v, b in self.buttons_by_verdict.items() if b.isChecked()), None)

    def problems(self) -> list[str]:
        verdict = self.verdict()
        if verdict is None:
            return ["Choose a verdict: accepted, disputed or needs more information."]
        if verdict != "accepted" and not self.note.toPlainText().strip():
            return [f"Say why in the note: {VERDICT_TEXT[verdict]} needs one, so the sender can act on it."]
        return []
