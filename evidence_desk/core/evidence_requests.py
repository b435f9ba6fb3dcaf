"""Evidence requests: what was asked of whom, and the items each produced."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from . import sqlparts as q
from . import store
from . import uncertain_time as utime
from .errors import BadInput, UnknownRecord
from .records import Request
from .sqlparts import now_text

if TYPE_CHECKING:
    from .case import Case

#: the fields :meth:`Requests.edit` changes by name
EDITABLE_FIELDS = ("title", "addressed_to", "description")


class Requests:
    def __init__(self, case: Case) -> None:
        self.case = case

    def add(self, title: str, *, addressed_to: str = "", asked: str | None = None,
                    due: str | None = None, tz: str | None = None, description: str = "",
                    status: str = "open") -> Request:
        if not title.strip():
            raise BadInput("a request needs a title")
        q.check_choice("status", status, store.REQUEST_STATUSES)
        zone = tz or self.case.info().default_tz
        row = {"title": title.strip(), "description": description, "addressed_to": addressed_to,
               **q.time_row("asked", utime.parse(asked, zone)), **q.time_row("due", utime.parse(due, zone)),
               "status": status, "created_at": now_text(), "created_by": self.case.examiner}
        with self.case.change():
            request_id = self.case.insert("request", row)
            self.case.log("request_added", target_type="request", target_id=request_id,
                      details={k: v for k, v in row.items() if k not in ("created_at", "created_by")})
        return self.list(ids=[request_id])[0]

    def set_status(self, request_id: int, status: str, item_ids: Iterable[int] = (),
                           reason: str = "") -> Request:
        q.check_choice("status", status, store.REQUEST_STATUSES)
        found = self.list(ids=[request_id])
        if not found:
            raise UnknownRecord(f"no request with id {request_id}")
        item_ids = [i for i in item_ids if i not in found[0].item_ids]
        for item_id in item_ids:
            self.case.items.row(item_id)
        with self.case.change():
            if status != found[0].status:
                q.require_reason(reason, "a request's change of status")
                self.case.update("request", request_id, {"status": status})
                self.case.history.record_changes("request", request_id, {"status": (found[0].status, status)}, reason)
            for item_id in item_ids:
                self.case.insert("request_item", {"request_id": request_id, "item_id": item_id})
                self.case.log("request_changed", target_type="request", target_id=request_id, item_id=item_id,
                          details={"resulting_item": item_id})
        return self.list(ids=[request_id])[0]

    def get(self, request_id: int) -> Request:
        found = self.list(ids=[request_id])
        if not found:
            raise UnknownRecord(f"no request with id {request_id}")
        return found[0]

    def edit(self, request_id: int, reason: str = "", *, status: str | None = None,
             item_ids: Iterable[int] | None = None, asked: str | None = None, due: str | None = None,
             tz: str | None = None, **fields: str) -> Request:
        """Change a request, with a reason: its wording, its times as said, its status, and
        exactly which items it produced (``item_ids``: the whole set; ones not listed any more
        are taken off it). Each change is a ``request_changed`` entry with the old value."""
        old = self.get(request_id)
        changes: dict[str, tuple[Any, Any]] = {}
        update: dict[str, Any] = {}
        for name, value in fields.items():
            if name not in EDITABLE_FIELDS:
                raise BadInput(f"a request's {name} cannot be edited")
            if name == "title":
                value = value.strip()
                if not value:
                    raise BadInput("a request needs a title")
            if getattr(old, name) != value:
                changes[name] = (getattr(old, name), value)
                update[name] = value
        for name, raw in (("asked", asked), ("due", due)):
            was = getattr(old, name)
            if raw is None and tz is None:
                continue
            new_time = utime.parse(raw if raw is not None else was.raw, tz or was.tz)
            if new_time != was:
                changes[name] = (was.raw + " @ " + was.tz, new_time.raw + " @ " + new_time.tz)
                update.update(q.time_row(name, new_time))
        if status is not None and status != old.status:
            q.check_choice("status", status, store.REQUEST_STATUSES)
            changes["status"] = (old.status, status)
            update["status"] = status
        added: list[int] = []
        removed: list[int] = []
        if item_ids is not None:
            wanted = set(item_ids)
            added = sorted(wanted - set(old.item_ids))
            removed = sorted(set(old.item_ids) - wanted)
            for item_id in added:
                self.case.items.row(item_id)
        if not changes and not added and not removed:
            return old
        reason = q.require_reason(reason, "a request's change")
        with self.case.change():
            if update:
                self.case.update("request", request_id, update)
                self.case.history.record_changes("request", request_id, changes, reason)
            for item_id in added:
                self.case.insert("request_item", {"request_id": request_id, "item_id": item_id})
                self.case.log("request_changed", target_type="request", target_id=request_id, item_id=item_id,
                              purpose=reason, details={"resulting_item": item_id})
            for item_id in removed:
                self.case.delete("request_item", (request_id, item_id))
                self.case.log("request_changed", target_type="request", target_id=request_id, item_id=item_id,
                              purpose=reason, details={"no_longer_resulting_item": item_id})
        return self.get(request_id)

    def list(self, ids: Sequence[int] | None = None) -> list[Request]:
        where, params = q.where(q.among("id", ids))
        rows = self.case.rows(f"""SELECT request.*, (SELECT group_concat(item_id) FROM request_item
                   WHERE request_id = request.id) AS items FROM request {where} ORDER BY id""", params)
        return [Request(id=r["id"], title=r["title"], description=r["description"],
                        addressed_to=r["addressed_to"], asked=q.time_of(r, "asked"), due=q.time_of(r, "due"),
                        status=r["status"],
                        item_ids=tuple(sorted(int(x) for x in (r["items"] or "").split(",") if x)),
                        created_at=r["created_at"], created_by=r["created_by"]) for r in rows]
