"""Statements: what someone said, verbatim, with its time as said."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from . import sqlparts as q
from . import store
from . import uncertain_time as utime
from .errors import BadInput, UnknownRecord
from .records import Statement
from .sqlparts import now_text

if TYPE_CHECKING:
    from .case import Case

#: the fields :meth:`Statements.edit` changes by name (time, source, item and events have their own keywords)
EDITABLE_FIELDS = ("speaker", "affiliation", "medium", "text")
#: "leave it as it is" where None is a value (no item)
UNCHANGED: Any = object()


class Statements:
    def __init__(self, case: Case) -> None:
        self.case = case

    def add(self, speaker: str, medium: str, text: str, *, affiliation: str = "",
                      when: str | None = None, tz: str | None = None, event_ids: Iterable[int] = (),
                      source: str | None = None, item_id: int | None = None, choose: str | None = None,
                      dayfirst: bool | None = None) -> Statement:
        if not speaker.strip():
            raise BadInput("a statement needs a speaker")
        if not text.strip():
            raise BadInput("a statement needs its verbatim text")
        q.check_choice("medium", medium, store.MEDIA)
        event_ids = list(event_ids)
        self.case.events.check(event_ids)
        if item_id is not None:
            self.case.items.row(item_id)
        # a time said alone ("03:10") is taken on the day of the first event the statement is about
        context = self.case.events.get(event_ids[0]).time if event_ids else None
        time = utime.parse(when, tz or self.case.info().default_tz, choose=choose, dayfirst=dayfirst,
                           context_day=context)
        with self.case.change():
            source_id = self.case.sources.id_for(source)
            row = {"speaker": speaker.strip(), "affiliation": affiliation, "medium": medium,
                   **q.time_row("time", time), "text": text, "item_id": item_id, "source_id": source_id,
                   "created_at": now_text(), "created_by": self.case.examiner}
            statement_id = self.case.insert("statement", row)
            for event_id in event_ids:
                self.case.insert("statement_event", {"statement_id": statement_id, "event_id": event_id})
            self.case.log("statement_added", target_type="statement", target_id=statement_id,
                      details={**{k: v for k, v in row.items() if k not in ("created_at", "created_by")},
                               "events": event_ids})
        return self.get(statement_id)

    def edit(self, statement_id: int, reason: str = "", *, when: str | None = None, tz: str | None = None,
             source: str | None = None, item_id: int | None | object = UNCHANGED,
             event_ids: Iterable[int] | None = None, choose: str | None = None, dayfirst: bool | None = None,
             **fields: str) -> Statement:
        """Change some of a statement's fields, with a reason; each change is a custody entry
        (``statement_changed``) keeping the old value beside the new. ``item_id=None`` says the
        statement is drawn from no item; leaving it out keeps the item as it is."""
        old = self.get(statement_id)
        changes: dict[str, tuple[Any, Any]] = {}
        update: dict[str, Any] = {}
        for name, value in fields.items():
            if name not in EDITABLE_FIELDS:
                raise BadInput(f"a statement's {name} cannot be edited")
            if name == "speaker":
                value = value.strip()
                if not value:
                    raise BadInput("a statement needs a speaker")
            if name == "text" and not value.strip():
                raise BadInput("a statement needs its verbatim text")
            if name == "medium":
                q.check_choice("medium", value, store.MEDIA)
            if getattr(old, name) != value:
                changes[name] = (getattr(old, name), value)
                update[name] = value
        new_time, time_change = q.reread_time(old.time, when, tz, choose, dayfirst)
        if new_time is not None and time_change is not None:
            changes["time"] = time_change
            update.update(q.time_row("time", new_time))
        if item_id is not UNCHANGED and item_id != old.item_id:
            if item_id is not None:
                self.case.items.row(int(item_id))  # type: ignore[call-overload]
            changes["item_id"] = (old.item_id, item_id)
            update["item_id"] = item_id
        new_events: list[int] | None = None
        if event_ids is not None:
            new_events = sorted(set(event_ids))
            self.case.events.check(new_events)
            if tuple(new_events) != old.event_ids:
                changes["events"] = (",".join(map(str, old.event_ids)), ",".join(map(str, new_events)))
            else:
                new_events = None
        source_changed = source is not None and source.strip() != old.source_name
        if not changes and not source_changed:
            return old
        reason = q.require_reason(reason, "a statement's edit")
        with self.case.change():
            if source_changed:
                source_id = self.case.sources.id_for(source)
                changes["source"] = (old.source_name, (source or "").strip())
                update["source_id"] = source_id
            if update:
                self.case.update("statement", statement_id, update)
            if new_events is not None:
                for event_id in set(old.event_ids) - set(new_events):
                    self.case.delete("statement_event", (statement_id, event_id))
                for event_id in sorted(set(new_events) - set(old.event_ids)):
                    self.case.insert("statement_event", {"statement_id": statement_id, "event_id": event_id})
            self.case.history.record_changes("statement", statement_id, changes, reason)
        return self.get(statement_id)

    def get(self, statement_id: int) -> Statement:
        found = self.list(ids=[statement_id])
        if not found:
            raise UnknownRecord(f"no statement with id {statement_id}")
        return found[0]

    def list(self, *, event_id: int | None = None, ids: Sequence[int] | None = None) -> list[Statement]:
        where, params = q.where(
            None if event_id is None else
            ("statement.id IN (SELECT statement_id FROM statement_event WHERE event_id = ?)", [event_id]),
            q.among("statement.id", ids))
        rows = self.case.rows(f"""SELECT statement.*, source.name AS source_name,
              (SELECT group_concat(event_id) FROM statement_event WHERE statement_id = statement.id) AS events,
              (SELECT reliability FROM grade WHERE target_type = 'source' AND target_id = statement.source_id
                 AND reliability IS NOT NULL ORDER BY id DESC LIMIT 1) AS reliability,
              (SELECT credibility FROM grade WHERE target_type = 'statement' AND target_id = statement.id
                 AND credibility IS NOT NULL ORDER BY id DESC LIMIT 1) AS credibility
              FROM statement LEFT JOIN source ON source.id = statement.source_id {where}
              ORDER BY statement.time_sort IS NULL, statement.time_sort, statement.id""", params)
        return [Statement(id=r["id"], speaker=r["speaker"], affiliation=r["affiliation"], medium=r["medium"],
                          time=q.time_of(r, "time"), text=r["text"], item_id=r["item_id"],
                          source_id=r["source_id"], source_name=r["source_name"] or "",
                          event_ids=tuple(sorted(int(x) for x in (r["events"] or "").split(",") if x)),
                          created_at=r["created_at"], created_by=r["created_by"],
                          reliability=r["reliability"], credibility=r["credibility"]) for r in rows]
