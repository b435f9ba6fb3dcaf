"""Annotations anchored in an item: transcript segments, regions on scans, text passages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from . import sqlparts as q
from . import store
from .errors import BadInput, UnknownRecord
from .records import Annotation
from .sqlparts import now_text

if TYPE_CHECKING:
    from .case import Case

#: The anchor fields each kind may carry, besides its text.
ANCHOR_FIELDS = {"start_s", "end_s", "speaker", "page", "x", "y", "w", "h", "text_start", "text_end"}
#: What an edit may change: the text and the anchor (never the item or the kind).
EDITABLE_FIELDS = ANCHOR_FIELDS | {"text"}


class Annotations:
    def __init__(self, case: Case) -> None:
        self.case = case

    def add(self, item_id: int, kind: str, text: str = "", *, reason: str = "", **anchor: Any) -> Annotation:
        """Anchor a new annotation in ``item_id``; ``reason`` goes into the custody entry's purpose."""
        item = self.case.items.row(item_id)
        q.check_choice("annotation kind", kind, store.ANNOTATION_KINDS)
        unknown_keys = set(anchor) - ANCHOR_FIELDS
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
                      item_sha256=item["sha256"], purpose=reason.strip(),
                      details={"annotation": annotation_id, "kind": kind, "text": text, **anchor})
        return self.list(item_id, ids=[annotation_id])[0]

    def get(self, annotation_id: int) -> Annotation:
        found = self.list(ids=[annotation_id])
        if not found:
            raise UnknownRecord(f"no annotation with id {annotation_id}")
        return found[0]

    def edit(self, annotation_id: int, reason: str, **fields: Any) -> Annotation:
        """Change an annotation's text or anchor; the custody entry keeps the values replaced."""
        old = self.get(annotation_id)
        unknown_keys = set(fields) - EDITABLE_FIELDS
        if unknown_keys:
            raise BadInput(f"an annotation's {', '.join(sorted(unknown_keys))} cannot be edited")
        changes = {name: (getattr(old, name), value) for name, value in fields.items()
                   if getattr(old, name) != value}
        if not changes:
            return old
        reason = q.require_reason(reason, "an annotation's edit")
        item = self.case.items.row(old.item_id)
        with self.case.change():
            try:
                self.case.update("annotation", annotation_id, {k: v[1] for k, v in changes.items()})
            except Exception as exc:
                if "CHECK constraint" in str(exc):
                    raise BadInput(f"the {old.kind} annotation's anchor would be incomplete or inverted") from None
                raise
            self.case.log("annotated", target_type="item", target_id=old.item_id, item_id=old.item_id,
                          item_sha256=item["sha256"], purpose=reason,
                          details={"annotation": annotation_id, "kind": old.kind, "change": "edited",
                                   "text": fields.get("text", old.text),
                                   "old": {k: v[0] for k, v in changes.items()},
                                   "new": {k: v[1] for k, v in changes.items()}})
        return self.get(annotation_id)

    def delete(self, annotation_id: int, reason: str) -> Annotation:
        """Remove an annotation; the custody entry keeps everything it held, so history keeps it."""
        old = self.get(annotation_id)
        reason = q.require_reason(reason, "removing an annotation")
        item = self.case.items.row(old.item_id)
        held = {k: v for k, v in asdict(old).items() if v is not None and k not in ("id", "item_id")}
        with self.case.change():
            self.case.delete("annotation", annotation_id)
            self.case.log("annotated", target_type="item", target_id=old.item_id, item_id=old.item_id,
                          item_sha256=item["sha256"], purpose=reason,
                          details={"annotation": annotation_id, "kind": old.kind, "change": "deleted",
                                   "text": old.text, "old": held})
        return old

    def list(self, item_id: int | None = None, ids: Sequence[int] | None = None) -> list[Annotation]:
        where, params = q.where(q.equals("item_id", item_id), q.among("id", ids))
        return [Annotation(**r) for r in self.case.rows(
            f"SELECT * FROM annotation {where} ORDER BY item_id, coalesce(start_s, page, text_start, 0), id",
            params)]
