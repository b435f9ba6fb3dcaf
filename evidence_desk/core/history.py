"""The custody history of a case as records: entries, logged edits, and actions with no record of their own."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from . import custody, store
from . import sqlparts as q
from .custody import CustodyEntry
from .errors import BadInput
from .records import MetadataChange
from .sqlparts import now_text

if TYPE_CHECKING:
    from .case import Case

class History:
    """Reads of the custody chain and the logged edits; case-wide actions with no record of their own."""

    def __init__(self, case: Case) -> None:
        self.case = case

    def head_seq(self) -> int:
        """The number of the last custody entry (0 for none)."""
        return int(self.case.scalar("SELECT coalesce(max(seq), 0) FROM custody"))

    def entries_after(self, seq: int) -> list[CustodyEntry]:
        """Entries written after entry ``seq``, in order."""
        with self.case.lock:
            return custody.entries(self.case.db, "seq > ?", [seq])

    def entries(self, *, item_id: int | None = None, target_type: str | None = None,
                target_id: int | None = None) -> list[CustodyEntry]:
        with self.case.lock:
            if item_id is not None:
                return custody.entries(self.case.db, "item_id = ?", [item_id])
            if target_type is not None:
                return custody.entries(self.case.db, "target_type = ? AND target_id = ?", [target_type, target_id])
            return custody.entries(self.case.db)

    def changes(self, target_type: str, target_id: int) -> list[MetadataChange]:
        return [MetadataChange(**r) for r in self.case.rows(
            "SELECT * FROM metadata_change WHERE target_type = ? AND target_id = ? ORDER BY id",
            [target_type, target_id])]

    def record_view(self, item_id: int, purpose: str = "viewed in Evidence Desk") -> CustodyEntry:
        item = self.case.items.row(item_id)
        with self.case.change():
            entry = self.case.log("viewed", target_type="item", target_id=item_id, item_id=item_id,
                              item_sha256=item["sha256"], purpose=purpose)
        return entry

    def record_export(self, item_ids: Iterable[int], destination: str, purpose: str) -> None:
        with self.case.change():
            for item_id in item_ids:
                item = self.case.items.row(item_id)
                self.case.log("exported", target_type="item", target_id=item_id, item_id=item_id,
                          item_sha256=item["sha256"], purpose=purpose, details={"destination": destination})

    def record_transfer(self, item_ids: Iterable[int], *, released_by: str, received_by: str,
                        purpose: str, condition: str = "") -> None:
        if not released_by.strip() or not received_by.strip():
            raise BadInput("a transfer names who released and who received the item")
        with self.case.change():
            for item_id in item_ids:
                item = self.case.items.row(item_id)
                self.case.log("transferred", target_type="item", target_id=item_id, item_id=item_id,
                          item_sha256=item["sha256"], released_by=released_by.strip(),
                          received_by=received_by.strip(), purpose=purpose, condition=condition)

    def record_case_action(self, action: str, purpose: str, details: dict[str, Any] | None = None) -> CustodyEntry:
        """Log a case-wide action (verified, sealed, exported)."""
        q.check_choice("action", action, store.CUSTODY_ACTIONS)
        with self.case.change():
            return self.case.log(action, target_type="case", purpose=purpose, details=details or {})

    def record_changes(self, target_type: str, target_id: int, changes: dict[str, tuple[Any, Any]],
                        reason: str, item_sha256: str | None = None) -> None:
        reason = q.require_reason(reason, f"a {target_type}'s edit")
        at = now_text()
        for name, (old_value, new_value) in changes.items():
            self.case.insert("metadata_change", {
                "target_type": target_type, "target_id": target_id, "field": name,
                "old_value": None if old_value is None else str(old_value),
                "new_value": None if new_value is None else str(new_value),
                "changed_at": at, "changed_by": self.case.examiner, "reason": reason})
            self.case.log("metadata_changed" if target_type == "item" else f"{target_type}_changed",
                      target_type=target_type, target_id=target_id,
                      item_id=target_id if target_type == "item" else None, item_sha256=item_sha256,
                      purpose=reason,
                      details={"field": name, "old": old_value, "new": new_value})
