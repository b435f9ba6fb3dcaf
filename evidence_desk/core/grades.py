"""Admiralty grades: a source's reliability (A–F), information's credibility (1–6), with history."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import sqlparts as q
from . import store
from .errors import BadInput, UnknownRecord
from .records import Grade
from .sqlparts import now_text

if TYPE_CHECKING:
    from .case import Case

class Grades:
    def __init__(self, case: Case) -> None:
        self.case = case

    def add(self, target_type: str, target_id: int, rationale: str, *, reliability: str | None = None,
              credibility: str | None = None) -> Grade:
        """Grade a source's reliability (A–F) and/or information's credibility (1–6)."""
        q.check_choice("grade target", target_type, store.GRADE_TARGETS)
        if reliability is not None:
            reliability = reliability.upper()
            q.check_choice("reliability", reliability, store.RELIABILITY)
        if credibility is not None:
            credibility = str(credibility)
            q.check_choice("credibility", credibility, store.CREDIBILITY)
        if reliability is None and credibility is None:
            raise BadInput("a grade needs a reliability (A–F) or a credibility (1–6)")
        if not rationale.strip():
            raise BadInput("a grade needs its rationale")
        table = {"source": "source", "item": "item", "statement": "statement", "claim": "claim"}[target_type]
        if self.case.scalar(f"SELECT 1 FROM {table} WHERE id = ?", target_id) is None:
            raise UnknownRecord(f"no {target_type} with id {target_id}")
        sha = self.case.items.row(target_id)["sha256"] if target_type == "item" else None
        with self.case.change():
            grade_id = self.case.insert("grade", {
                "target_type": target_type, "target_id": target_id, "reliability": reliability,
                "credibility": credibility, "rationale": rationale.strip(), "graded_by": self.case.examiner,
                "graded_at": now_text()})
            self.case.log("graded", target_type=target_type, target_id=target_id,
                      item_id=target_id if target_type == "item" else None, item_sha256=sha,
                      purpose="grading", details={"grade": grade_id, "reliability": reliability,
                                                  "credibility": credibility, "rationale": rationale.strip()})
        return self.list(target_type, target_id)[-1]

    def list(self, target_type: str | None = None, target_id: int | None = None) -> list[Grade]:
        """Grade history, oldest first."""
        where, params = q.where(q.equals("target_type", target_type), q.equals("target_id", target_id))
        return [Grade(**r) for r in self.case.rows(f"SELECT * FROM grade {where} ORDER BY id", params)]
