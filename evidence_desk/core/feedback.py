"""Reviewer feedback received by the sender: the reviewer's judgements on the case's records.

A reviewer judges items, grades, statements and claims of a packet
(accepted, disputed, needs more information, with a note) and signs them in
their notes file. The sender imports that file
(:func:`evidence_desk.core.operations.import_review_notes`, which checks the
signature and that the notes are about a packet this case sealed); each
judgement becomes a ``review_judgement`` row beside the record it is about,
custody-logged as ``feedback_received``. The sender's own records are never
changed by it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import sqlparts as q
from .errors import BadInput
from .sqlparts import now_text

if TYPE_CHECKING:
    from .case import Case

TABLE = "review_judgement"
#: How a verdict reads to people.
VERDICT_TEXT = {"accepted": "accepted", "disputed": "disputed", "needs_info": "needs more information"}


@dataclass(frozen=True)
class ReceivedJudgement:
    """One reviewer judgement as the sender received it."""

    id: int
    judgement_uid: str
    reviewer: str
    reviewer_fingerprint: str
    judged_at: str
    target_type: str
    target_id: int
    verdict: str
    note: str
    notes_sha256: str
    packet_tagmanifest_sha256: str
    received_at: str
    received_by: str

    @property
    def verdict_text(self) -> str:
        return VERDICT_TEXT.get(self.verdict, self.verdict)


@dataclass(frozen=True)
class FeedbackSource:
    """Where a batch of judgements came from: the signed notes file and the packet it is about."""

    reviewer: str
    reviewer_fingerprint: str
    notes_sha256: str
    notes_name: str
    packet_name: str
    packet_tagmanifest_sha256: str


class ReviewFeedback:
    def __init__(self, case: Case) -> None:
        self.case = case

    def _exists(self) -> bool:
        return bool(self.case.columns(TABLE))  # a case opened read-only at an older schema has none

    def check_target(self, target_type: str, target_id: int, sha256: str | None) -> None:
        """The record a judgement is about must be this case's, with the same content for an item."""
        case = self.case
        if target_type == "item":
            item = case.items.get(target_id)
            if sha256 and item.sha256 != sha256:
                raise BadInput(f"item {target_id} has other content here ({item.short_hash}) than the reviewer "
                               f"judged ({sha256[:12]})")
        elif target_type == "statement":
            case.statements.get(target_id)
        elif target_type == "claim":
            case.claims.get(target_id)
        elif target_type == "grade":
            if case.scalar("SELECT 1 FROM grade WHERE id = ?", target_id) is None:
                raise BadInput(f"no grade {target_id} in this case")
        else:
            raise BadInput(f"a reviewer judges an item, a grade, a statement or a claim, not {target_type!r}")

    def receive(self, source: FeedbackSource, judgements: Iterable[Any]) -> list[ReceivedJudgement]:
        """Record the judgements not received before (one ``feedback_received`` entry for the batch);
        return those recorded. Each judgement has ``id``, ``at``, ``target_type``, ``target_id``,
        ``verdict``, ``note`` and ``target_sha256``."""
        fresh = [j for j in judgements if self.case.scalar(
            f"SELECT 1 FROM {TABLE} WHERE reviewer_fingerprint = ? AND judgement_uid = ?",
            source.reviewer_fingerprint, j.id) is None]
        for j in fresh:
            self.check_target(j.target_type, j.target_id, j.target_sha256)
        if not fresh:
            return []
        received_at = now_text()
        with self.case.change():
            ids = [self.case.insert(TABLE, {
                "judgement_uid": j.id, "reviewer": source.reviewer or "reviewer not named",
                "reviewer_fingerprint": source.reviewer_fingerprint, "judged_at": j.at,
                "target_type": j.target_type, "target_id": j.target_id, "verdict": j.verdict, "note": j.note,
                "notes_sha256": source.notes_sha256, "packet_tagmanifest_sha256": source.packet_tagmanifest_sha256,
                "received_at": received_at, "received_by": self.case.examiner}) for j in fresh]
            self.case.log("feedback_received", target_type="case",
                          purpose=f"review feedback from {source.reviewer} ({source.notes_name}) on packet "
                                  f"{source.packet_name}: {len(fresh)} judgement(s) received",
                          released_by=source.reviewer, received_by=self.case.examiner,
                          details={"notes": source.notes_name, "notes_sha256": source.notes_sha256,
                                   "reviewer_fingerprint": source.reviewer_fingerprint,
                                   "packet": source.packet_name,
                                   "packet_tagmanifest_sha256": source.packet_tagmanifest_sha256,
                                   "judgements": len(fresh),
                                   "targets": sorted({f"{j.target_type} {j.target_id}" for j in fresh})})
        return self.list(ids=ids)

    def list(self, *, target_type: str | None = None, target_id: int | None = None,
             ids: list[int] | None = None) -> list[ReceivedJudgement]:
        """Received judgements, oldest first."""
        if not self._exists():
            return []
        where, params = q.where(q.equals("target_type", target_type), q.equals("target_id", target_id),
                                q.among("id", ids))
        return [ReceivedJudgement(**r) for r in self.case.rows(f"SELECT * FROM {TABLE} {where} ORDER BY id", params)]

    def latest(self) -> dict[tuple[str, int], ReceivedJudgement]:
        """The judgement that counts for each record: the newest any reviewer made."""
        latest: dict[tuple[str, int], ReceivedJudgement] = {}
        for j in sorted(self.list(), key=lambda j: (j.judged_at, j.id)):
            latest[(j.target_type, j.target_id)] = j
        return latest
