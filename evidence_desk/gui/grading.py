"""Grading with the Admiralty (NATO) system: the dialog, and what it grades.

Two independent axes: the reliability of the *source* (A–F) and the
credibility of the *information* — an item, a statement or a claim (1–6).
Every grade needs its rationale; the history stays visible in the dialog so
the examiner sees what the grade was, who gave it and why, before changing it.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QButtonGroup,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ..core.admiralty import CREDIBILITY_MEANINGS, RELIABILITY_MEANINGS, credibility_meaning, reliability_meaning
from ..core.case import Case
from ..core.operations import Grading
from ..core.records import Claim, Item, Statement
from .checked_dialog import CheckedDialog
from .plain import esc, line
from .record_details import fill_grades, grades_table

KEEP = ""  # the "leave as it is" choice


@dataclass(frozen=True)
class GradeTarget:
    """What a grade applies to: the information (credibility) and, if known, its source (reliability)."""

    kind: str  # "item" | "statement" | "claim"
    id: int
    label: str
    credibility: str | None
    source_id: int | None = None
    source_name: str = ""
    reliability: str | None = None

    @classmethod
    def of(cls, record: Item | Statement | Claim) -> GradeTarget:
        if isinstance(record, Item):
            return cls("item", record.id, f"item “{record.name}”", record.credibility, record.source_id,
                       record.source_name, record.reliability)
        if isinstance(record, Statement):
            return cls("statement", record.id, f"statement by {record.speaker} ({record.medium})",
                       record.credibility, record.source_id, record.source_name, record.reliability)
        return cls("claim", record.id, f"claim “{record.text}”", record.credibility)


@dataclass(frozen=True)
class GradeChoice:
    reliability: str | None
    credibility: str | None
    rationale: str


def gradings(target: GradeTarget, choice: GradeChoice) -> list[Grading]:
    """The grades a choice gives: the record's credibility and its source's reliability
    (written in one transaction by :func:`core.operations.grade`)."""
    wanted: list[Grading] = []
    if choice.credibility:
        wanted.append(Grading(target.kind, target.id, credibility=choice.credibility))
    if choice.reliability and target.source_id is not None:
        wanted.append(Grading("source", target.source_id, reliability=choice.reliability))
    return wanted


class GradeDialog(CheckedDialog):
    def __init__(self, parent: QWidget | None, case: Case, target: GradeTarget) -> None:
        super().__init__(parent, "Grade", ok_text="Record grade", min_width=760)
        self.target = target
        heading = QLabel(f"<b>Grade the {esc(target.label)}</b>")  # a name or claim as typed
        heading.setWordWrap(True)
        current = QLabel(self._current_text())
        current.setWordWrap(True)

        self.reliability_group = QButtonGroup(self)
        self.reliability_buttons: dict[str, QRadioButton] = {}
        reliability_box = QGroupBox(f"Source reliability — {line(target.source_name, 200)}" if target.source_name
                                    else "Source reliability")
        rl = QVBoxLayout(reliability_box)
        if target.kind == "claim":
            note = QLabel("A claim has no single source: grade the reliability of the sources of its "
                          "statements and items instead.")
        elif target.source_id is None:
            note = QLabel("No source is recorded for this record; name its source first to grade its "
                          "reliability.")
        else:
            note = None
        self._add_choice(rl, self.reliability_group, self.reliability_buttons, KEEP,
                         f"Leave as it is ({target.reliability or 'not graded'})")
        for letter, meaning in RELIABILITY_MEANINGS.items():
            self._add_choice(rl, self.reliability_group, self.reliability_buttons, letter, f"{letter} — {meaning}")
        if note is not None:
            note.setWordWrap(True)
            note.setEnabled(False)
            rl.addWidget(note)
            for button in self.reliability_buttons.values():
                button.setEnabled(False)
        rl.addStretch(1)

        self.credibility_group = QButtonGroup(self)
        self.credibility_buttons: dict[str, QRadioButton] = {}
        credibility_box = QGroupBox(f"Information credibility — this {target.kind}")
        cl = QVBoxLayout(credibility_box)
        self._add_choice(cl, self.credibility_group, self.credibility_buttons, KEEP,
                         f"Leave as it is ({target.credibility or 'not graded'})")
        for digit, meaning in CREDIBILITY_MEANINGS.items():
            self._add_choice(cl, self.credibility_group, self.credibility_buttons, digit, f"{digit} — {meaning}")
        cl.addStretch(1)
        scales = QHBoxLayout()
        scales.addWidget(reliability_box, 1)
        scales.addWidget(credibility_box, 1)

        self.rationale = QPlainTextEdit()
        self.rationale.setTabChangesFocus(True)
        self.rationale.setFixedHeight(72)
        self.rationale.setPlaceholderText("Why this grade: what corroborates or undermines it. Required; it is "
                                          "kept in the grade history and the custody log.")
        self.history = grades_table()
        rows = [(g, f"this {target.kind}") for g in case.grades.list(target.kind, target.id)]
        if target.source_id is not None:
            rows += [(g, f"source {target.source_name}") for g in case.grades.list("source", target.source_id)]
        rows.sort(key=lambda row: row[0].id)
        fill_grades(self.history, rows)
        self.history.setMinimumHeight(110)

        for part in (heading, current, scales, QLabel("&Rationale", buddy=self.rationale), self.rationale,
                     QLabel("<b>History</b> (oldest first; the last of each axis is current)")):
            self.add_above(part)
        self.add_below(self.history, 1)
        self.watch(self.reliability_group, self.credibility_group, self.rationale)

    @staticmethod
    def _add_choice(layout: QVBoxLayout, group: QButtonGroup, buttons: dict[str, QRadioButton], key: str,
                    text: str) -> None:
        button = QRadioButton(text)
        button.setChecked(key == KEEP)
        group.addButton(button)
        buttons[key] = button
        layout.addWidget(button)

    def _current_text(self) -> str:
        t = self.target
        parts = []
        if t.kind != "claim":
            parts.append(f"source reliability <b>{t.reliability or 'not graded'}</b>"
                         + (f" ({reliability_meaning(t.reliability)})" if t.reliability else ""))
        parts.append(f"credibility <b>{t.credibility or 'not graded'}</b>"
                     + (f" ({credibility_meaning(t.credibility)})" if t.credibility else ""))
        return "Current grade: " + ", ".join(parts)

    @staticmethod
    def _chosen(buttons: dict[str, QRadioButton]) -> str | None:
        return next((key for key, button in buttons.items() if button.isChecked() and key != KEEP), None)

    def choice(self) -> GradeChoice:
        return GradeChoice(self._chosen(self.reliability_buttons), self._chosen(self.credibility_buttons),
                           self.rationale.toPlainText().strip())

    def problems(self) -> list[str]:
        choice = self.choice()
        found = []
        if choice.reliability is None and choice.credibility is None:
            found.append("Choose a source reliability (A–F) or an information credibility (1–6).")
        if not choice.rationale:
            found.append("A grade needs its rationale: say why, so a reviewer can weigh it.")
        return found
