"""Dialogs that build the analysis: statements, claims, links to claims, evidence requests,
and grading or attaching several items at once.

Each is a :class:`CheckedDialog`: OK stays off, with the reason shown, until what is typed can
be written. Editing dialogs give only what changed (:meth:`changes`) and need a reason, which
goes into the custody entry of every changed field. Every text field is plain text: names and
words are shown as typed, never as markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QCompleter,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QRadioButton,
    QWidget,
)

from ..core import store
from ..core import uncertain_time as utime
from ..core.admiralty import CREDIBILITY_MEANINGS, RELIABILITY_MEANINGS
from ..core.case import Case
from ..core.errors import BadTime
from ..core.records import Claim, ClaimLink, Event, Item, Request, Statement
from .checked_dialog import CheckedDialog
from .event_edit import TimeQuestion, reading_text, zone_names
from .plain import block, line

IdRole = Qt.ItemDataRole.UserRole + 40
#: how many items a picker lists at most (a filter finds the others)
PICK_LIMIT = 500
STANCE_LABELS = {"supports": "Supports the claim", "contradicts": "Contradicts the claim",
                 "mentions": "Mentions it only"}
REASON_HINT = "why you change it (required; recorded in the chain of custody)"


def plain_label(text: str = "") -> QLabel:
    label = QLabel(block(text))  # hidden and bidi controls marked (gui/plain.py)
    label.setTextFormat(Qt.TextFormat.PlainText)  # case strings are shown as typed, never as markup
    label.setWordWrap(True)
    return label


def zone_box(current: str) -> QComboBox:
    box = QComboBox()
    box.setEditable(True)
    box.addItems(zone_names())
    box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    completer = QCompleter(zone_names(), box)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    box.setCompleter(completer)
    box.setCurrentText(current or "UTC")
    box.setToolTip("The zone the speaker's clock was in (IANA name, e.g. America/Chicago)")
    return box


def zone_problem(tz: str) -> str:
    try:
        utime.zone(tz.strip() or "UTC")
    except BadTime as exc:
        return str(exc)
    return ""


def item_label(item: Item) -> str:
    return f"#{item.id} {line(item.name, 300)} ({item.kind})"


def event_label(event: Event) -> str:
    return f"{line(event.title, 300)} — {line(event.time.display()) if event.time.known else 'time unknown'}"


def check_list(entries: Iterable[tuple[int, str]], checked: Iterable[int], name: str) -> QListWidget:
    """A list of checkable entries, ``checked`` ticked."""
    ticked = set(checked)
    box = QListWidget()
    box.setAccessibleName(name)
    for record_id, text in entries:
        entry = QListWidgetItem(line(text))
        entry.setData(IdRole, record_id)
        entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        entry.setCheckState(Qt.CheckState.Checked if record_id in ticked else Qt.CheckState.Unchecked)
        box.addItem(entry)
    return box


def checked_ids(box: QListWidget) -> list[int]:
    return sorted(int(box.item(r).data(IdRole)) for r in range(box.count())
                  if box.item(r).checkState() == Qt.CheckState.Checked)


def set_checked(box: QListWidget, ids: Iterable[int]) -> None:
    wanted = set(ids)
    for r in range(box.count()):
        entry = box.item(r)
        entry.setCheckState(Qt.CheckState.Checked if int(entry.data(IdRole)) in wanted else Qt.CheckState.Unchecked)


def filter_list(box: QListWidget, text: str) -> None:
    needle = text.strip().casefold()
    for r in range(box.count()):
        entry = box.item(r)
        entry.setHidden(bool(needle) and needle not in entry.text().casefold()
                        and entry.checkState() != Qt.CheckState.Checked)


def items_to_pick(case: Case, always: Iterable[int]) -> list[Item]:
    """The first :data:`PICK_LIMIT` items of the case, and the ``always`` ones wherever they are."""
    items = {i.id: i for i in case.items.list(limit=PICK_LIMIT)}
    missing = [i for i in always if i not in items]
    if missing:
        items.update({i.id: i for i in case.items.list(ids=missing)})
    return sorted(items.values(), key=lambda i: i.id)


# --- statements -------------------------------------------------------------------------


def statement_values(s: Statement) -> dict[str, Any]:
    """A statement's editable values, keyed like :func:`core.operations.edit_statement`."""
    return {"speaker": s.speaker, "affiliation": s.affiliation, "medium": s.medium, "when": s.time.raw,
            "tz": s.time.tz or "UTC", "text": s.text, "source": s.source_name, "item_id": s.item_id,
            "event_ids": list(s.event_ids), "choose": utime.choices_for(s.time)}


class StatementDialog(CheckedDialog):
    """A new statement, or changes to one: who said what, how, when (as said), from which item,
    about which events."""

    def __init__(self, parent: QWidget | None, case: Case, statement: Statement | None = None, *,
                 item_id: int | None = None, event_ids: Sequence[int] = ()) -> None:
        editing = statement is not None
        super().__init__(parent, "Edit statement" if editing else "New statement",
                         ok=QDialogButtonBox.StandardButton.Save if editing else QDialogButtonBox.StandardButton.Ok,
                         ok_text="" if editing else "Add statement", min_width=640)
        self.original = statement
        zone = statement.time.tz if statement else case.info().default_tz
        self.speaker = QLineEdit(statement.speaker if statement else "")
        self.speaker.setPlaceholderText("who said it, as the source names them")
        self.affiliation = QLineEdit(statement.affiliation if statement else "")
        self.affiliation.setPlaceholderText("their unit, office or organisation (optional)")
        self.medium = QComboBox()
        self.medium.addItems(list(store.MEDIA))
        self.medium.setCurrentText(statement.medium if statement else "interview")
        self.when = QLineEdit(statement.time.raw if statement else "")
        self.when.setPlaceholderText("as the source said it: about 12:40, 2025-10-04 12:34, 04-Oc5-2025")
        self.when.setToolTip("Type the time exactly as said or written; the line below shows how it is read. "
                             "The raw text is kept whatever the reading.")
        self.tz = zone_box(zone)
        self.reading = plain_label()
        self.reading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.question = TimeQuestion(self)  # asks which reading is meant when the time can be read two ways
        self.question.changed.connect(self._answered)
        self.event_times = {e.id: e.time for e in case.events.list()}
        self.text = QPlainTextEdit(statement.text if statement else "")
        self.text.setPlaceholderText("the words, verbatim")
        self.text.setTabChangesFocus(True)
        self.text.setMinimumHeight(70)
        self.text.setMaximumHeight(120)
        self.source = QComboBox()
        self.source.setEditable(True)
        self.source.addItems(["", *[s.name for s in case.sources.list()]])
        self.source.setCurrentText(statement.source_name if statement else "")
        self.source.setToolTip("Where the statement came from (a new name adds a source)")
        self.item = QComboBox()
        self.item.addItem("— not drawn from an item —", None)
        chosen = statement.item_id if statement else item_id
        for it in items_to_pick(case, [chosen] if chosen is not None else []):
            self.item.addItem(item_label(it), it.id)
        self.item.setCurrentIndex(max(0, self.item.findData(chosen)) if chosen is not None else 0)
        self.item.setAccessibleName("Drawn from item")
        chosen_events = statement.event_ids if statement else event_ids
        self.events = check_list(((e.id, event_label(e)) for e in case.events.list()), chosen_events,
                                 "Events it concerns")
        self.events.setMinimumHeight(120)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(REASON_HINT)
        zone_row = QHBoxLayout()
        zone_row.addWidget(self.when, 2)
        zone_row.addWidget(self.tz, 1)
        self.form.addRow("&Speaker", self.speaker)
        self.form.addRow("&Affiliation", self.affiliation)
        self.form.addRow("&Medium", self.medium)
        self.form.addRow(QLabel("&When (as said), zone", buddy=self.when), zone_row)
        self.form.addRow("", self.reading)
        self.form.addRow("", self.question)
        self.form.addRow("&Verbatim text", self.text)
        self.form.addRow("S&ource", self.source)
        self.form.addRow("&Drawn from item", self.item)
        self.form.addRow("&Events it concerns", self.events)
        if editing:
            self.form.addRow("&Reason", self.reason)
        self.when.textChanged.connect(self._preview)
        self.tz.currentTextChanged.connect(self._preview)
        self.events.itemChanged.connect(lambda _e: self._preview())  # a time alone is read on the event's day
        self.item.currentIndexChanged.connect(lambda _i: self.check())
        self._preview()
        self.watch(self.speaker, self.affiliation, self.medium, self.when, self.tz, self.text, self.source,
                   self.reason)

    def context_day(self) -> utime.UncertainTime | None:
        """The day a time said alone is read on: the statement's own, else the first event it concerns."""
        if self.original is not None:
            return self.original.time
        ids = checked_ids(self.events)
        return self.event_times.get(ids[0]) if ids else None

    def _preview(self) -> None:
        self.question.refresh(self.when.text().strip(), self.tz.currentText(),
                              stored=self.original.time if self.original else None, context_day=self.context_day())
        self._answered()

    def _answered(self) -> None:
        self.reading.setText(reading_text(self.when.text(), self.tz.currentText(), self.question.choose(),
                                          context_day=self.context_day()))
        self.check()

    def values(self) -> dict[str, Any]:
        return {"speaker": self.speaker.text().strip(), "affiliation": self.affiliation.text().strip(),
                "medium": self.medium.currentText(), "when": self.when.text().strip(),
                "tz": self.tz.currentText().strip() or "UTC", "text": self.text.toPlainText(),
                "source": self.source.currentText().strip(), "item_id": self.item.currentData(),
                "event_ids": checked_ids(self.events)}

    def add_options(self) -> dict[str, Any]:
        """Keywords for :func:`core.operations.add_statement` beside speaker, medium and text."""
        v = self.values()
        return {"affiliation": v["affiliation"], "when": v["when"] or None, "tz": v["tz"],
                "event_ids": v["event_ids"], "source": v["source"] or None, "item_id": v["item_id"],
                "choose": self.question.choose() or None}

    def changes(self) -> dict[str, Any]:
        """What differs from the statement being edited, as ``edit_statement`` keywords."""
        if self.original is None:
            return {}
        old = statement_values(self.original)
        values = self.values()
        changed = {k: v for k, v in values.items() if v != old[k]}
        was, choose = self.original.time, self.question.choose()
        try:
            reading = utime.parse(values["when"], values["tz"], choose=choose or None, context_day=was)
            other_reading = (reading.start, reading.end) != (was.start, was.end)
        except BadTime:
            other_reading = False
        if "when" in changed or "tz" in changed or other_reading:  # the time is read from all three together
            changed["when"], changed["tz"], changed["choose"] = values["when"], values["tz"], choose
        return changed

    def problems(self) -> list[str]:
        if not self.speaker.text().strip():
            return ["A statement needs its speaker."]
        if not self.text.toPlainText().strip():
            return ["A statement needs its verbatim text."]
        problem = zone_problem(self.tz.currentText())
        if problem:
            return [problem]
        if self.question.unanswered() and (self.original is None or "when" in self.changes()):
            return ["Choose which reading of the time is meant (below the time)."]
        if self.original is not None:
            return self.edit_problems(bool(self.changes()), self.reason.text(), "Say why you change the statement")
        return []


# --- claims and links --------------------------------------------------------------------


class ClaimDialog(CheckedDialog):
    """A new claim, or its rewording (with a reason)."""

    def __init__(self, parent: QWidget | None, claim: Claim | None = None) -> None:
        editing = claim is not None
        super().__init__(parent, "Edit claim" if editing else "New claim",
                         ok=QDialogButtonBox.StandardButton.Save if editing else QDialogButtonBox.StandardButton.Ok,
                         ok_text="" if editing else "Add claim", min_width=560)
        self.original = claim
        self.text = QPlainTextEdit(claim.text if claim else "")
        self.text.setPlaceholderText("what is claimed, in one sentence: “The order to stand down came from …”")
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(80)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(REASON_HINT)
        self.form.addRow("&Claim", self.text)
        if editing:
            self.form.addRow("&Reason", self.reason)
        self.watch(self.text, self.reason)

    def claim_text(self) -> str:
        return " ".join(self.text.toPlainText().split())

    def problems(self) -> list[str]:
        if not self.claim_text():
            return ["A claim needs its text."]
        if self.original is not None:
            return self.edit_problems(self.claim_text() != self.original.text, self.reason.text(),
                                      "Say why you reword the claim")
        return []


class LinkDialog(CheckedDialog):
    """Link items or statements to a claim (for, against, or a mention) with a note; or, given
    ``link``, change one link's stance and note with a reason."""

    def __init__(self, parent: QWidget | None, claims: Sequence[Claim], evidence: str, *,
                 claim_id: int | None = None, stance: str = "supports", link: ClaimLink | None = None) -> None:
        super().__init__(parent, "Edit link to claim" if link else "Link to claim",
                         ok=QDialogButtonBox.StandardButton.Save if link else QDialogButtonBox.StandardButton.Ok,
                         ok_text="" if link else "Link", min_width=560)
        self.original = link
        self.evidence = plain_label(evidence)
        self.add_above(self.evidence)
        self.claim = QComboBox()
        self.claim.setAccessibleName("Claim")
        for c in claims:
            self.claim.addItem(f"#{c.id} {line(c.text, 300)}", c.id)
        chosen = link.claim_id if link else claim_id
        if chosen is not None and self.claim.findData(chosen) >= 0:
            self.claim.setCurrentIndex(self.claim.findData(chosen))
        self.claim.setEnabled(link is None)
        self.stance_group = QButtonGroup(self)
        self.stance_buttons: dict[str, QRadioButton] = {}
        row = QHBoxLayout()
        for key, text in STANCE_LABELS.items():
            button = QRadioButton(text)
            button.setChecked(key == (link.stance if link else stance))
            self.stance_group.addButton(button)
            self.stance_buttons[key] = button
            row.addWidget(button)
        self.note = QLineEdit(link.note if link else "")
        self.note.setPlaceholderText("why it bears on the claim (kept with the link)")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(REASON_HINT)
        self.form.addRow("&Claim", self.claim)
        self.form.addRow("Stance", row)
        self.form.addRow("&Note", self.note)
        if link is not None:
            self.form.addRow("&Reason", self.reason)
        self.watch(self.claim, self.stance_group, self.note, self.reason)

    def stance(self) -> str:
        return next(key for key, button in self.stance_buttons.items() if button.isChecked())

    def claim_id(self) -> int | None:
        return self.claim.currentData()

    def changes(self) -> dict[str, str]:
        if self.original is None:
            return {}
        new = {"stance": self.stance(), "note": self.note.text().strip()}
        return {k: v for k, v in new.items() if v != getattr(self.original, k)}

    def problems(self) -> list[str]:
        if self.claim_id() is None:
            return ["There is no claim yet: add one first (Analysis > New Claim…)."]
        if self.original is not None:
            return self.edit_problems(bool(self.changes()), self.reason.text(), "Say why you change the link")
        return []


class ReasonDialog(CheckedDialog):
    """Ask only for a reason (taking evidence off a claim)."""

    def __init__(self, parent: QWidget | None, title: str, what: str, ok_text: str) -> None:
        super().__init__(parent, title, ok_text=ok_text, min_width=480)
        self.add_above(plain_label(what))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(REASON_HINT)
        self.form.addRow("&Reason", self.reason)
        self.watch(self.reason)

    def problems(self) -> list[str]:
        return [] if self.reason.text().strip() else ["Say why: the reason goes into the chain of custody."]


# --- evidence requests -------------------------------------------------------------------


class RequestDialog(CheckedDialog):
    """A new evidence request: what is asked of whom, when it was asked and is due (as written)."""

    def __init__(self, parent: QWidget | None, case: Case) -> None:
        super().__init__(parent, "New evidence request", ok_text="Add request", min_width=560)
        self.title = QLineEdit()
        self.title.setPlaceholderText("what is asked for: “OEMC dispatch audio, 12:00–14:00”")
        self.addressed_to = QLineEdit()
        self.addressed_to.setPlaceholderText("whom it is asked of")
        self.asked = QLineEdit()
        self.asked.setPlaceholderText("when it was asked, as written (optional)")
        self.due = QLineEdit()
        self.due.setPlaceholderText("when it is due, as written (optional)")
        self.tz = zone_box(case.info().default_tz)
        self.reading = plain_label()
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(80)
        self.form.addRow("&Title", self.title)
        self.form.addRow("&Addressed to", self.addressed_to)
        self.form.addRow("As&ked", self.asked)
        self.form.addRow("&Due", self.due)
        self.form.addRow("Time &zone", self.tz)
        self.form.addRow("", self.reading)
        self.form.addRow("D&escription", self.description)
        for field in (self.asked, self.due):
            field.textChanged.connect(self._preview)
        self.tz.currentTextChanged.connect(self._preview)
        self._preview()
        self.watch(self.title, self.tz)

    def _preview(self) -> None:
        tz = self.tz.currentText()
        parts = [f"{what}: {reading_text(field.text(), tz)}" for what, field in (("Asked", self.asked),
                                                                                ("Due", self.due))
                 if field.text().strip()]
        self.reading.setText("\n".join(parts))

    def options(self) -> dict[str, Any]:
        return {"addressed_to": self.addressed_to.text().strip(), "asked": self.asked.text().strip() or None,
                "due": self.due.text().strip() or None, "tz": self.tz.currentText().strip() or None,
                "description": self.description.toPlainText()}

    def problems(self) -> list[str]:
        if not self.title.text().strip():
            return ["A request needs a title."]
        problem = zone_problem(self.tz.currentText())
        return [problem] if problem else []


class RequestStatusDialog(CheckedDialog):
    """A request's wording and times as written, its status and the items it produced, with a reason."""

    def __init__(self, parent: QWidget | None, case: Case, request: Request,
                 selected_items: Sequence[int] = ()) -> None:
        super().__init__(parent, "Edit request", ok=QDialogButtonBox.StandardButton.Save, min_width=560)
        self.original = request
        self.add_above(plain_label(f"{request.title}\nTo: {request.addressed_to or '—'} · now {request.status}"))
        self.title = QLineEdit(request.title)
        self.addressed_to = QLineEdit(request.addressed_to)
        self.asked = QLineEdit(request.asked.raw)
        self.due = QLineEdit(request.due.raw)
        self.tz = zone_box(request.asked.tz or case.info().default_tz)
        self.reading = plain_label()
        self.description = QPlainTextEdit(request.description)
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(60)
        self.form.addRow("&Title", self.title)
        self.form.addRow("&Addressed to", self.addressed_to)
        self.form.addRow("As&ked", self.asked)
        self.form.addRow("&Due", self.due)
        self.form.addRow("Time &zone", self.tz)
        self.form.addRow("", self.reading)
        self.form.addRow("D&escription", self.description)
        for field in (self.asked, self.due):
            field.textChanged.connect(self._preview)
        self.tz.currentTextChanged.connect(self._preview)
        self._preview_ready = False
        self.status = QComboBox()
        self.status.addItems(list(store.REQUEST_STATUSES))
        self.status.setCurrentText(request.status if not selected_items or request.status != "open"
                                   else "fulfilled")
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("filter the items by name")
        ticked = [*request.item_ids, *selected_items]
        self.items = check_list(((i.id, item_label(i)) for i in items_to_pick(case, ticked)), ticked,
                                "Items it produced")
        self.filter.textChanged.connect(lambda text: filter_list(self.items, text))
        self.items.itemChanged.connect(lambda _e: self.check())
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(REASON_HINT)
        self.form.addRow("&Status", self.status)
        self.form.addRow("&Items it produced", self.filter)
        self.form.addRow("", self.items)
        self.form.addRow("&Reason", self.reason)
        self.description.textChanged.connect(self.check)
        self._preview_ready = True
        self._preview()
        self.watch(self.title, self.addressed_to, self.tz, self.status, self.reason)

    def _preview(self) -> None:
        if self._preview_ready:
            RequestDialog._preview(self)  # type: ignore[arg-type]  # the same fields, read the same way
            self.check()

    def changes(self) -> dict[str, Any]:
        """``edit_request`` keywords: the wording and times changed, the status if changed, the
        whole set of items if changed."""
        r = self.original
        changed: dict[str, Any] = {}
        for name, now in (("title", self.title.text().strip()), ("addressed_to", self.addressed_to.text().strip()),
                          ("description", self.description.toPlainText())):
            if now != getattr(r, name):
                changed[name] = now
        for name in ("asked", "due"):
            raw = getattr(self, name).text().strip()
            if raw != getattr(r, name).raw:
                changed[name] = raw
        tz = self.tz.currentText().strip()
        if tz and tz != (r.asked.tz or tz):
            changed["tz"] = tz
        if self.status.currentText() != self.original.status:
            changed["status"] = self.status.currentText()
        if tuple(checked_ids(self.items)) != tuple(sorted(self.original.item_ids)):
            changed["item_ids"] = checked_ids(self.items)
        return changed

    def problems(self) -> list[str]:
        if not self.title.text().strip():
            return ["A request needs a title."]
        problem = zone_problem(self.tz.currentText())
        if problem:
            return [problem]
        return self.edit_problems(bool(self.changes()), self.reason.text(), "Say why the request changes")


# --- several items at once ----------------------------------------------------------------


def _names(items: Sequence[Item], limit: int = 6) -> str:
    shown = ", ".join(i.name for i in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


class BulkGradeDialog(CheckedDialog):
    """One grade for several items: their credibility, and their sources' reliability."""

    def __init__(self, parent: QWidget | None, items: Sequence[Item]) -> None:
        super().__init__(parent, f"Grade {len(items)} items", ok_text=f"Grade {len(items)} items")
        self.items = list(items)
        sources = sorted({i.source_name for i in items if i.source_id is not None})
        self.add_above(plain_label(f"Grade {len(items)} items: {_names(items)}"))
        self.credibility = QComboBox()
        self.credibility.addItem("Leave as it is", None)
        for digit, meaning in CREDIBILITY_MEANINGS.items():
            self.credibility.addItem(f"{digit} — {meaning}", digit)
        self.reliability = QComboBox()
        self.reliability.addItem("Leave as it is", None)
        for letter, meaning in RELIABILITY_MEANINGS.items():
            self.reliability.addItem(f"{letter} — {meaning}", letter)
        self.reliability.setEnabled(bool(sources))
        self.reliability.setToolTip("Graded once per source: " + (", ".join(sources) if sources
                                                                 else "none of these items has a source"))
        self.rationale = QPlainTextEdit()
        self.rationale.setTabChangesFocus(True)
        self.rationale.setFixedHeight(72)
        self.rationale.setPlaceholderText("Why this grade, for all of them (required; kept in each grade)")
        self.form.addRow("Information &credibility", self.credibility)
        self.form.addRow("Source &reliability", self.reliability)
        self.form.addRow("R&ationale", self.rationale)
        self.watch(self.credibility, self.reliability, self.rationale)

    def problems(self) -> list[str]:
        if self.credibility.currentData() is None and self.reliability.currentData() is None:
            return ["Choose a credibility (1–6) or a source reliability (A–F)."]
        if not self.rationale.toPlainText().strip():
            return ["A grade needs its rationale: say why, so a reviewer can weigh it."]
        return []


class EventChoiceDialog(CheckedDialog):
    """Choose the event several items are attached to."""

    def __init__(self, parent: QWidget | None, case: Case, items: Sequence[Item]) -> None:
        super().__init__(parent, f"Attach {len(items)} items to an event", ok_text="Attach")
        self.add_above(plain_label(f"Attach {len(items)} items: {_names(items)}"))
        self.event = QComboBox()
        self.event.setAccessibleName("Event")
        for e in case.events.list():
            self.event.addItem(event_label(e), e.id)
        self.form.addRow("&Event", self.event)
        self.watch(self.event)

    def problems(self) -> list[str]:
        return [] if self.event.currentData() is not None else ["The case has no event yet: add one first."]
