"""Annotations anchored in an item: transcript segments, regions on scans, text passages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from . import sqlparts as q
from . import store
from .errors import BadInput
from .records import Annotation
from .sqlparts import now_text

if TYPE_CHECKING:
    from .case import Case

class Annotations:
    def __init__(self, case: Case) -> None:
        self.case = case

    def add(self, item_id: int, kind: str, text: str = "", **anchor: Any) -> Annotation:
        item = self.case.items.row(item_id)
        q.check_choice("annotation kind", kind, store.ANNOTATION_KINDS)
        allowed = {"start_s", "end_s", "speaker", "page", "x", "y", "w", "h", "text_start", "text_end"}
        unknown_keys = set(anchor) - allowed
        if unknown_keys:
            raise BadInput(f"unknown annotation fields: {', '.join(sorted(unknown_keys))}")
        row = {"item_id": item_id, "kind": kind, "text": text, **anchor, "created_at": now_text(),
               "created_by": self.case.examiner}
        with self.case.change():
            try:
                annotation_id = self.case.insert("annotation", row)
            except Exception as exc:  # a CHECK constraint names the broken anchor
                if "CHECK constraint" in str(exc):
                    raise BadInput(f"the {kind} annotation's anchor is incomplete or inverted") from None
                raise
            self.case.log("annotated", target_type="item", target_id=item_id, item_id=item_id,
                      item_sha256=item["sha256"], details={"annotation": annotation_id, "kind": kind,
                                                           "text": text, **anchor})
        return self.list(item_id, ids=[annotation_id])[0]

    def list(self, item_id: int | None = None, ids: Sequence[int] | None = None) -> list[Annotation]:
        where, params = q.where(q.equals("item_id", item_id), q.among("id", ids))
        return [Annotation(**r) for r in self.case.rows(
            f"SELECT * FROM annotation {where} ORDER BY item_id, coalesce(start_s, page, text_start, 0), id",
            params)]
