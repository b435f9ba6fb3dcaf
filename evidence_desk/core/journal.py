"""The case journal: timestamped notes, linked to an event or an item."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from . import sqlparts as q
from .errors import BadInput
from .records import JournalNote
from .sqlparts import now_text

if TYPE_CHECKING:
    from .case import Case

class Journal:
    def __init__(self, case: Case) -> None:
        self.case = case

    def add(self, text: str, *, event_id: int | None = None,
                         item_id: int | None = None) -> JournalNote:
        if not text.strip():
            raise BadInput("a journal note cannot be empty")
        if event_id is not None:
            self.case.events.check([event_id])
        sha = self.case.items.row(item_id)["sha256"] if item_id is not None else None
        with self.case.change():
            note_id = self.case.insert("journal", {"at": now_text(), "author": self.case.examiner, "text": text,
                                                 "event_id": event_id, "item_id": item_id})
            self.case.log("journal_note", target_type="journal", target_id=note_id, item_id=item_id,
                      item_sha256=sha, details={"text": text, "event_id": event_id, "item_id": item_id})
        return self.list(ids=[note_id])[0]

    def list(self, *, event_id: int | None = None, item_id: int | None = None,
                ids: Sequence[int] | None = None) -> list[JournalNote]:
        where, params = q.where(q.equals("event_id", event_id), q.equals("item_id", item_id), q.among("id", ids))
        return [JournalNote(**r) for r in self.case.rows(f"SELECT * FROM journal {where} ORDER BY id", params)]
