"""Statements: what someone said, verbatim, with its time as said."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from . import sqlparts as q
from . import store
from . import uncertain_time as utime
from .errors import BadInput, UnknownRecord
from .records import Statement
from .sqlparts import now_text

if TYPE_CHECKING:
    from .case import Case

class Statements:
    def __init__(self, case: Case) -> None:
        self.case = case

    def add(self, speaker: str, medium: str, text: str, *, affiliation: str = "",
                      when: str | None = None, tz: str | None = None, event_ids: Iterable[int] = (),
                      source: str | None = None, item_id: int | None = None) -> Statement:
        if not speaker.strip():
            raise BadInput("a statement needs a speaker")
        if not text.strip():
            raise BadInput("a statement needs its verbatim text")
        q.check_choice("medium", medium, store.MEDIA)
        event_ids = list(event_ids)
        self.case.events.check(event_ids)
        if item_id is not None:
            self.case.items.row(item_id)
        time = utime.parse(when, tz or self.case.info().default_tz)
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
