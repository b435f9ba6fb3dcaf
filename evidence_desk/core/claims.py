"""Claims and the evidence and statements that support, contradict or mention them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from . import sqlparts as q
from . import store
from .errors import BadInput, UnknownRecord
from .records import Claim, ClaimLink
from .sqlparts import now_text

if TYPE_CHECKING:
    from .case import Case

class Claims:
    def __init__(self, case: Case) -> None:
        self.case = case

    def add(self, text: str) -> Claim:
        if not text.strip():
            raise BadInput("a claim needs its text")
        with self.case.change():
            claim_id = self.case.insert("claim", {"text": text.strip(), "created_at": now_text(),
                                                "created_by": self.case.examiner})
            self.case.log("claim_added", target_type="claim", target_id=claim_id, details={"text": text.strip()})
        return self.get(claim_id)

    def link(self, claim_id: int, stance: str, *, item_id: int | None = None,
                   statement_id: int | None = None, note: str = "") -> Claim:
        self.add_link(claim_id, stance, item_id=item_id, statement_id=statement_id, note=note)
        return self.get(claim_id)

    def add_link(self, claim_id: int, stance: str, *, item_id: int | None = None,
                 statement_id: int | None = None, note: str = "") -> int:
        """Link one item or one statement to a claim (``claim_linked``); the new link's id."""
        q.check_choice("stance", stance, store.STANCES)
        self.get(claim_id)
        if (item_id is None) == (statement_id is None):
            raise BadInput("link a claim to exactly one item or one statement")
        if item_id is not None:
            self.case.items.row(item_id)
        else:
            self.case.statements.get(statement_id)  # type: ignore[arg-type]
        with self.case.change():
            link_id = self.case.insert("claim_link", {
                "claim_id": claim_id, "item_id": item_id, "statement_id": statement_id, "stance": stance,
                "note": note, "created_at": now_text(), "created_by": self.case.examiner})
            self.case.log("claim_linked", target_type="claim", target_id=claim_id, item_id=item_id,
                      details={"link": link_id, "item_id": item_id, "statement_id": statement_id,
                               "stance": stance, "note": note})
        return int(link_id)

    def edit(self, claim_id: int, reason: str, text: str) -> Claim:
        """Reword a claim, with a reason (``claim_changed``, the old text kept beside the new)."""
        old = self.get(claim_id)
        text = text.strip()
        if not text:
            raise BadInput("a claim needs its text")
        if text == old.text:
            return old
        reason = q.require_reason(reason, "a claim's edit")
        with self.case.change():
            self.case.update("claim", claim_id, {"text": text})
            self.case.history.record_changes("claim", claim_id, {"text": (old.text, text)}, reason)
        return self.get(claim_id)

    def get_link(self, link_id: int) -> ClaimLink:
        rows = self.case.rows("SELECT * FROM claim_link WHERE id = ?", [link_id])
        if not rows:
            raise UnknownRecord(f"no claim link with id {link_id}")
        return _link(rows[0])

    def edit_link(self, link_id: int, reason: str, *, stance: str | None = None,
                  note: str | None = None) -> ClaimLink:
        """Change a link's stance or note, with a reason: one ``claim_changed`` entry per field on
        the claim (naming the link), the old value kept in the metadata changes."""
        old = self.get_link(link_id)
        changes: dict[str, tuple[str, str]] = {}
        if stance is not None and stance != old.stance:
            q.check_choice("stance", stance, store.STANCES)
            changes["stance"] = (old.stance, stance)
        if note is not None and note != old.note:
            changes["note"] = (old.note, note)
        if not changes:
            return old
        reason = q.require_reason(reason, "a claim link's edit")
        with self.case.change():
            self.case.update("claim_link", link_id, {k: v[1] for k, v in changes.items()})
            at = now_text()
            for name, (before, after) in changes.items():
                self.case.insert("metadata_change", {
                    "target_type": "claim_link", "target_id": link_id, "field": name, "old_value": before,
                    "new_value": after, "changed_at": at, "changed_by": self.case.examiner, "reason": reason})
                self.case.log("claim_changed", target_type="claim", target_id=old.claim_id, item_id=old.item_id,
                              purpose=reason, details={"link": link_id, "item_id": old.item_id,
                                                       "statement_id": old.statement_id,
                                                       "field": f"link #{link_id} {name}", "old": before,
                                                       "new": after})
        return self.get_link(link_id)

    def unlink(self, link_id: int, reason: str) -> ClaimLink:
        """Take an item or statement off a claim, with a reason. The link row goes; the custody
        chain keeps its creation and this removal (``claim_changed``, ``unlinked``) with what it said."""
        old = self.get_link(link_id)
        reason = q.require_reason(reason, "taking evidence off a claim")
        with self.case.change():
            self.case.delete("claim_link", link_id)
            self.case.log("claim_changed", target_type="claim", target_id=old.claim_id, item_id=old.item_id,
                          purpose=reason, details={"link": link_id, "unlinked": True, "item_id": old.item_id,
                                                   "statement_id": old.statement_id, "stance": old.stance,
                                                   "note": old.note})
        return old

    def get(self, claim_id: int) -> Claim:
        found = [c for c in self.list(ids=[claim_id])]
        if not found:
            raise UnknownRecord(f"no claim with id {claim_id}")
        return found[0]

    def list(self, ids: Sequence[int] | None = None) -> list[Claim]:
        where, params = q.where(q.among("claim.id", ids))
        rows = self.case.rows(f"""SELECT claim.*, (SELECT credibility FROM grade WHERE target_type = 'claim'
                    AND target_id = claim.id AND credibility IS NOT NULL ORDER BY id DESC LIMIT 1) AS credibility
                    FROM claim {where} ORDER BY id""", params)
        links: dict[int, list[ClaimLink]] = {}
        for r in self.case.rows("SELECT * FROM claim_link ORDER BY id"):
            links.setdefault(r["claim_id"], []).append(_link(r))
        return [Claim(id=r["id"], text=r["text"], links=tuple(links.get(r["id"], [])),
                      created_at=r["created_at"], created_by=r["created_by"], credibility=r["credibility"])
                for r in rows]


def _link(r: dict[str, Any]) -> ClaimLink:
    return ClaimLink(id=r["id"], claim_id=r["claim_id"], item_id=r["item_id"], statement_id=r["statement_id"],
                     stance=r["stance"], note=r["note"])
