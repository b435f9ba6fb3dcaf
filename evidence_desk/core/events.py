"""Events on the case timeline, each with its uncertain time."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from . import sqlparts as q
from . import uncertain_time as utime
from .errors import BadInput, UnknownRecord
from .records import Event
from .sqlparts import now_text

if TYPE_CHECKING:
    from .case import Case

EDITABLE_FIELDS = ("title", "place", "notes")


class Events:
    def __init__(self, case: Case) -> None:
        self.case = case

    def add(self, title: str, when: str | None = None, tz: str | None = None, place: str = "",
                  notes: str = "", *, choose: str | None = None, dayfirst: bool | None = None) -> Event:
        """``choose``/``dayfirst``: the examiner's answers to the time reader (see ``uncertain_time.parse``)."""
        if not title.strip():
            raise BadInput("an event needs a title")
        time = utime.parse(when, tz or self.case.info().default_tz, choose=choose, dayfirst=dayfirst)
        row = {"title": title.strip(), "place": place, "notes": notes, **q.time_row("time", time),
               "time_normalised_by": f"{self.case.examiner} (Evidence Desk reader)" if when else "",
               "created_at": now_text(), "created_by": self.case.examiner}
        with self.case.change():
            event_id = self.case.insert("event", row)
            self.case.log("event_added", target_type="event", target_id=event_id,
                      details={k: v for k, v in row.items() if k not in ("created_at", "created_by")})
        return self.get(event_id)

    def edit(self, event_id: int, reason: str = "", when: str | None = None,
                   tz: str | None = None, choose: str | None = None, dayfirst: bool | None = None,
                   **fields: str) -> Event:
        old = self.get(event_id)
        changes: dict[str, tuple[Any, Any]] = {}
        for name, value in fields.items():
            if name not in EDITABLE_FIELDS:
                raise BadInput(f"an event's {name} cannot be edited")
            if getattr(old, name) != value:
                changes[name] = (getattr(old, name), value)
        new_time, time_change = q.reread_time(old.time, when, tz, choose, dayfirst)
        if time_change is not None:
            changes["time"] = time_change
        if not changes:
            return old
        reason = q.require_reason(reason, "an event's edit")
        with self.case.change():
            update: dict[str, Any] = {k: v[1] for k, v in changes.items() if k != "time"}
            if new_time is not None and "time" in changes:
                update.update(q.time_row("time", new_time))
                update["time_normalised_by"] = f"{self.case.examiner} (Evidence Desk reader)"
            self.case.update("event", event_id, update)
            self.case.history.record_changes("event", event_id, changes, reason)
        return self.get(event_id)

    def get(self, event_id: int) -> Event:
        rows = self.case.rows("SELECT * FROM event WHERE id = ?", [event_id])
        if not rows:
            raise UnknownRecord(f"no event with id {event_id}")
        return _event(rows[0])

    def list(self, offset: int = 0, limit: int | None = None) -> list[Event]:
        """Events in timeline order: by normalised time, unknown times last."""
        sql = ("SELECT * FROM event ORDER BY time_sort IS NULL, time_sort, id"
               + (f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""))
        return [_event(r) for r in self.case.rows(sql)]

    def count(self) -> int:
        with self.case.lock:
            return self.case.scalar("SELECT count(*) FROM event")

    def of_item(self, item_id: int) -> list[Event]:
        return [_event(r) for r in self.case.rows(
            """SELECT event.* FROM event JOIN item_event ON item_event.event_id = event.id
               WHERE item_event.item_id = ? ORDER BY time_sort IS NULL, time_sort, event.id""", [item_id])]

    def check(self, event_ids: Iterable[int]) -> None:
        for event_id in event_ids:
            if self.case.scalar("SELECT 1 FROM event WHERE id = ?", event_id) is None:
                raise UnknownRecord(f"no event with id {event_id}")


def _event(r: dict[str, Any]) -> Event:
    return Event(id=r["id"], title=r["title"], place=r["place"], notes=r["notes"], time=q.time_of(r, "time"),
                 normalised_by=r["time_normalised_by"], created_at=r["created_at"], created_by=r["created_by"])
