"""Editing an event: title, place, notes and the time as the source gave it.

The dialog shows live how the raw text will be read in the chosen zone, so
an investigator sees "month 'Oc5' read as Oct" before saving. A reason is
required: every changed field becomes a custody entry with its old value.
"""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
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


def reading_text(raw: str, tz: str) -> str:
    """How ``raw`` in ``tz`` will be read, said plainly (shown live in the dialogs)."""
    try:
        t = utime.parse(raw, tz.strip() or "UTC")
    except BadTime as exc:
        return f"⚠ {exc}"
    if not raw.strip():
        return "No time given: the event is listed after the dated ones."
    if t.known:
        return f"Read as {t.display()} (precision: {t.precision})" + (f" — {t.note}" if t.note else "")
    return f"⚠ {t.note or 'cannot be read'}: the raw text is kept and the time is unknown."


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
        self.reading.setText(reading_text(self.when.text(), self.tz.currentText()))

    def changes(self) -> dict[str, Any]:
        """The fields that differ from the event, as ``case.edit_event`` keywords."""
        old = old_values(self.original)
        new = {"title": self.title.text().strip(), "place": self.place.text().strip(),
               "notes": self.notes.toPlainText(), "when": self.when.text().strip(),
               "tz": self.tz.currentText().strip() or "UTC"}
        new = {k: v if k == "tz" else edited(v, old[k], multiline=k == "notes") for k, v in new.items()}
        changed = {k: v for k, v in new.items() if v != old[k]}
        if "when" in changed or "tz" in changed:  # the time is read from both together
            changed["when"], changed["tz"] = new["when"], new["tz"]
        return changed

    def problems(self) -> list[str]:
        problem = title_and_zone_problem("An event", self.title.text(), self.tz.currentText())
        if problem:
            return [problem]
        if not self.changes():
            return ["Nothing changed."]
        if not self.reason.text().strip():
            return ["Say why you change the event: the reason goes into the chain of custody."]
        return []


def old_values(event: Event) -> dict[str, Any]:
    """An event's editable values, keyed like ``case.edit_event``'s keywords."""
    return {"title": event.title, "place": event.place, "notes": event.notes, "when": event.time.raw,
            "tz": event.time.tz or "UTC"}
