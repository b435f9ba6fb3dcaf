"""Claims and the evidence and statements that support, contradict or mention them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

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
        return self.get(claim_id)

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
            links.setdefault(r["claim_id"], []).append(ClaimLink(
                id=r["id"], claim_id=r["claim_id"], item_id=r["item_id"], statement_id=r["statement_id"],
                stance=r["stance"], note=r["note"]))
        return [Claim(id=r["id"], text=r["text"], links=tuple(links.get(r["id"], [])),
                      created_at=r["created_at"], created_by=r["created_by"], credibility=r["credibility"])
                for r in rows]
