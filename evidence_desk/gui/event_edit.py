"""Editing an event: title, place, notes and the time as the source gave it.

The dialog shows live how the raw text will be read in the chosen zone, so
an investigator sees "month 'Oc5' read as Oct" before saving. When the reader
cannot tell (``04/10/2025``: April or October? ``2025-11-02 01:30`` in
Chicago: the first or the second time?) :class:`TimeQuestion` asks, with one
radio button per candidate reading; a new time cannot be saved unanswered.
A reason is required: every changed field becomes a custody entry with its
old value.
"""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QCompleter,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ..core import uncertain_time as utime
from ..core.errors import BadTime
from ..core.records import Event
from .checked_dialog import CheckedDialog
from .plain import editable, edited, line


@cache
def zone_names() -> list[str]:
    """Every IANA zone name this computer knows, UTC first."""
    return ["UTC", *sorted(z for z in zoneinfo.available_timezones() if z != "UTC")]


def title_and_zone_problem(what: str, title: str, tz: str) -> str:
    """What is wrong with a dialog's title and time zone, or "" when both are usable."""
    if not title.strip():
        return f"{what} needs a title."
    try:
        utime.zone(tz.strip() or "UTC")
    except BadTime as exc:
        return str(exc)
    return ""


def reading_text(raw: str, tz: str, choose: str = "", context_day: utime.UncertainTime | None = None) -> str:
    """How ``raw`` in ``tz`` will be read, said plainly (shown live in the dialogs)."""
    try:
        t = utime.parse(raw, tz.strip() or "UTC", choose=choose or None, context_day=context_day)
    except BadTime as exc:
        return f"⚠ {exc}"
    if not raw.strip():
        return "No time given: the event is listed after the dated ones."
    if t.known:
        how = f" — read from: {t.how}" if t.how else ""
        text = f"Read as {t.display()} (precision: {t.precision}){how}" + (f" — {t.note}" if t.note else "")
        return ("⚠ " + text + " — choose below which is meant.") if t.ambiguous else text
    return f"⚠ {t.note or 'cannot be read'}: the raw text is kept and the time is unknown."


QUESTION_KINDS = ("date-order", "dst")
QUESTION_TEXT = {
    "date-order": "The numeric date can be read two ways. Which is meant?",
    "dst-gap": "This wall time does not exist in the zone (the clocks went forward). Which is meant?",
    "dst-overlap": "This wall time happens twice in the zone (the clocks went back). Which is meant?",
}


def _kind(question: str) -> str:
    return "dst" if question.startswith("dst-") else question


class TimeQuestion(QWidget):
    """Radio buttons for the candidate readings of a time the reader cannot settle alone.

    :meth:`refresh` follows the typed text; :meth:`choose` gives the answers for ``uncertain_time.parse``.
    Questions come one after the other (the date order first, then a DST question on the date chosen).
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.answers: dict[str, str] = {}
        self.groups: dict[str, tuple[QWidget, QButtonGroup]] = {}
        self.asked: dict[str, str] = {}  # kind → the question shown
        self._text: tuple[str, str] = ("", "")
        self._context: utime.UncertainTime | None = None
        self._stored: utime.UncertainTime | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.hide()

    def choose(self) -> str:
        return ",".join(self.answers[k] for k in QUESTION_KINDS if k in self.answers)

    def unanswered(self) -> list[str]:
        return [self.asked[k] for k in QUESTION_KINDS if k in self.asked and k not in self.answers]

    def refresh(self, raw: str, tz: str, *, stored: utime.UncertainTime | None = None,
                context_day: utime.UncertainTime | None = None) -> None:
        """Ask what ``raw`` in ``tz`` leaves open; ``stored`` (the saved reading) preselects its answer."""
        text = (raw, tz.strip() or "UTC")
        if text != self._text:
            self.answers.clear()
        self._text, self._stored, self._context = text, stored, context_day
        self._rebuild(keep=None)

    def _rebuild(self, keep: str | None) -> None:
        raw, tz = self._text
        for kind in QUESTION_KINDS:
            if kind == keep:
                continue
            old = self.groups.pop(kind, None)
            if old is not None:
                old[0].setParent(None)
                old[0].deleteLater()
            self.asked.pop(kind, None)
            others = [v for k, v in self.answers.items() if k != kind]
            try:
                probe = utime.parse(raw, tz, choose=others, context_day=self._context)
            except BadTime:
                probe = None
            if probe is None or _kind(probe.question) != kind:
                self.answers.pop(kind, None)
                continue
            choices = [a.choice for a in probe.alternatives]
            if self.answers.get(kind) not in choices:
                self.answers.pop(kind, None)
            stored = self._stored
            if kind not in self.answers and stored is not None and stored.raw == raw and stored.tz == tz:
                match = [a.choice for a in probe.alternatives if (a.start, a.end) == (stored.start, stored.end)]
                if match:
                    self.answers[kind] = match[0]
            self._add_group(kind, probe)
        self.setVisible(bool(self.groups))

    def _add_group(self, kind: str, probe: utime.UncertainTime) -> None:
        box = QWidget(self)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        ask = QLabel(QUESTION_TEXT.get(probe.question, "Which reading is meant?"))
        ask.setWordWrap(True)
        column.addWidget(ask)
        group = QButtonGroup(box)
        group.setExclusive(True)
        for alternative in probe.alternatives:
            button = QRadioButton(alternative.label, box)
            button.setProperty("choice", alternative.choice)
            button.setChecked(self.answers.get(kind) == alternative.choice)
            group.addButton(button)
            column.addWidget(button)
        group.buttonToggled.connect(lambda button, on, k=kind: self._answered(k, button, on))
        layout = self.layout()
        assert layout is not None
        position = [k for k in QUESTION_KINDS if k in self.groups or k == kind].index(kind)
        layout.insertWidget(position, box)  # type: ignore[attr-defined]
        self.groups[kind] = (box, group)
        self.asked[kind] = probe.question

    def _answered(self, kind: str, button: object, on: bool) -> None:
        if not on:
            return
        self.answers[kind] = str(button.property("choice"))  # type: ignore[attr-defined]
        self._rebuild(keep=kind)  # a later question may depend on this answer
        self.changed.emit()

    def buttons(self) -> list[QRadioButton]:
        """The radio buttons as shown, question by question (for tests and keyboard order)."""
        return [b for k in QUESTION_KINDS if k in self.groups
                for b in self.groups[k][1].buttons() if isinstance(b, QRadioButton)]


class EditEventDialog(CheckedDialog):
    """Change an event; :meth:`changes` gives only what differs, for ``case.edit_event``."""

    def __init__(self, parent: QWidget | None, event: Event) -> None:
        super().__init__(parent, f"Edit event — {event.title}", ok=QDialogButtonBox.StandardButton.Save,
                         min_width=560)
        self.original = event
        self.title = QLineEdit(editable(event.title))  # hidden characters marked; changes() maps back
        self.when = QLineEdit(editable(event.time.raw))
        self.when.setPlaceholderText("as the source gives it: 2025-10-04 12:34, 04-Oc5-2025/12:34:44")
        self.when.setToolTip("Type the time exactly as the source wrote or said it; the reading below "
                             "shows how Evidence Desk normalises it.")
        self.tz = QComboBox()
        self.tz.setEditable(True)
        self.tz.addItems(zone_names())
        self.tz.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = QCompleter(zone_names(), self.tz)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.tz.setCompleter(completer)
        self.tz.setCurrentText(event.time.tz or "UTC")
        self.tz.setToolTip("The zone the source's clock was in (IANA name, e.g. America/Chicago)")
        self.reading = QLabel()
        self.reading.setTextFormat(Qt.TextFormat.PlainText)  # quotes the time as typed
        self.reading.setWordWrap(True)
        self.reading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.question = TimeQuestion(self)
        self.question.changed.connect(self._answered)
        self.place = QLineEdit(editable(event.place))
        self.notes = QPlainTextEdit(editable(event.notes, multiline=True))
        self.notes.setFixedHeight(70)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("why you change it (required; recorded in the chain of custody)")
        self.when.textChanged.connect(self._preview)
        self.tz.currentTextChanged.connect(self._preview)
        self.form.addRow("&Title", self.title)
        self.form.addRow("&When (source's text)", self.when)
        self.form.addRow("Time &zone", self.tz)
        self.form.addRow("", self.reading)
        self.form.addRow("", self.question)
        self.form.addRow("&Place", self.place)
        self.form.addRow("&Notes", self.notes)
        self.form.addRow("&Reason", self.reason)
        was = QLabel(f"Now: {line(event.time.display())}"
                     + (f" — source said “{line(event.time.raw)}”" if event.time.raw else ""))
        was.setTextFormat(Qt.TextFormat.PlainText)  # the source's text, as it gave it
        was.setWordWrap(True)
        self.add_above(was)
        self._preview()
        self.watch(self.title, self.when, self.tz, self.place, self.notes, self.reason)

    def _preview(self) -> None:
        when, tz = self.when.text().strip(), self.tz.currentText().strip() or "UTC"
        self.question.refresh(when, tz, stored=self.original.time, context_day=self.original.time)
        self._answered()

    def _answered(self) -> None:
        self.reading.setText(reading_text(self.when.text().strip(), self.tz.currentText(), self.question.choose(),
                                          context_day=self.original.time))
        self.check()

    def changes(self) -> dict[str, Any]:
        """The fields that differ from the event, as ``case.edit_event`` keywords."""
        old = old_values(self.original)
        new = {"title": self.title.text().strip(), "place": self.place.text().strip(),
               "notes": self.notes.toPlainText(), "when": self.when.text().strip(),
               "tz": self.tz.currentText().strip() or "UTC", "choose": self.question.choose()}
        new |= {k: edited(new[k], old[k], multiline=k == "notes") for k in ("title", "place", "notes", "when")}
        changed = {k: v for k, v in new.items() if v != old[k] and k != "choose"}
        was = self.original.time
        try:
            reading = utime.parse(new["when"], new["tz"], choose=new["choose"] or None, context_day=was)
            other_reading = (reading.start, reading.end) != (was.start, was.end)
        except BadTime:
            other_reading = False
        if "when" in changed or "tz" in changed or other_reading:  # the time is read from all three together
            changed["when"], changed["tz"], changed["choose"] = new["when"], new["tz"], new["choose"]
        return changed

    def problems(self) -> list[str]:
        problem = title_and_zone_problem("An event", self.title.text(), self.tz.currentText())
        if problem:
            return [problem]
        if not self.changes():
            return ["Nothing changed."]
        if "when" in self.changes() and self.question.unanswered():
            return ["Choose which reading of the time is meant (below the time)."]
        if not self.reason.text().strip():
            return ["Say why you change the event: the reason goes into the chain of custody."]
        return []


def old_values(event: Event) -> dict[str, Any]:
    """An event's editable values, keyed like ``case.edit_event``'s keywords."""
    return {"title": event.title, "place": event.place, "notes": event.notes, "when": event.time.raw,
            "tz": event.time.tz or "UTC", "choose": utime.choices_for(event.time)}
