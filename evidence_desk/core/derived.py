"""Text and metadata derived from an item, each with its provenance.

OCR of a scan or a page, an automatic transcript, the text a reader took out
of a document, the metadata read at intake: each is a ``derived_text`` row
that names the engine that made it, its version, the model or language data
and that data's SHA-256, the settings, and the SHA-256 of the item content it
was made from. Machine-made text stays marked as such until a person checks
it; a person's correction is a logged edit that keeps the text it replaced.
Annotations a machine made from it (OCR word regions, transcript segments)
name it in ``derived_id``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import sqlparts as q
from . import store
from .errors import BadInput, UnknownRecord
from .sqlparts import now_text

if TYPE_CHECKING:
    from .case import Case


@dataclass(frozen=True)
class Provenance:
    """What made a derived text: enough to make it again, and to say how far to trust it."""

    engine: str  # e.g. "tesseract", "faster-whisper", "pypdfium2", "Pillow EXIF"
    engine_version: str = ""
    model: str = ""  # the model or language data, e.g. "tiny.en", "eng (tessdata_fast)"
    model_sha256: str = ""
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DerivedText:
    id: int
    item_id: int
    item_sha256: str
    kind: str  # one of store.DERIVED_TEXT_KINDS
    page: int | None
    text: str
    data: dict[str, Any]
    provenance: Provenance
    checked_by: str | None
    checked_at: str | None
    created_at: str
    created_by: str

    @property
    def machine_made(self) -> bool:
        return self.kind in ("ocr", "transcription")

    @property
    def label(self) -> str:
        """How the report and the app name it: what made it, and whether a person checked it."""
        what = {"ocr": "OCR", "transcription": "automatic transcription", "document_text": "extracted text",
                "metadata": "metadata"}[self.kind]
        made = f"{what} by {self.provenance.engine} {self.provenance.engine_version}".rstrip()
        if self.checked_by:
            return f"{made}; checked by {self.checked_by} at {self.checked_at}"
        return f"{made}; not checked by a person" if self.machine_made else made


class DerivedTexts:
    def __init__(self, case: Case) -> None:
        self.case = case

    def add(self, item_id: int, kind: str, text: str, provenance: Provenance, *, page: int | None = None,
            data: dict[str, Any] | None = None, reason: str = "") -> DerivedText:
        """Record a derived text of ``item_id`` (inside or outside a change)."""
        q.check_choice("derived text kind", kind, store.DERIVED_TEXT_KINDS)
        if not provenance.engine.strip():
            raise BadInput("a derived text must name the engine that made it")
        item = self.case.items.row(item_id)
        row = {"item_id": item_id, "item_sha256": item["sha256"], "kind": kind, "page": page, "text": text,
               "data": json.dumps(data or {}, ensure_ascii=False, sort_keys=True),
               "engine": provenance.engine, "engine_version": provenance.engine_version,
               "model": provenance.model, "model_sha256": provenance.model_sha256,
               "settings": json.dumps(provenance.settings, ensure_ascii=False, sort_keys=True),
               "created_at": now_text(), "created_by": self.case.examiner}
        with self.case.change():
            derived_id = self.case.insert("derived_text", row)
            self.case.log("text_derived", target_type="item", target_id=item_id, item_id=item_id,
                          item_sha256=item["sha256"], purpose=reason.strip() or f"{kind} derived",
                          details={"derived_text": derived_id, "kind": kind, "page": page,
                                   "engine": provenance.engine, "engine_version": provenance.engine_version,
                                   "model": provenance.model, "model_sha256": provenance.model_sha256})
        return self.get(derived_id)

    def correct(self, derived_id: int, text: str, reason: str) -> DerivedText:
        """A person's correction: the custody entry keeps the text replaced."""
        old = self.get(derived_id)
        if text == old.text:
            return old
        reason = q.require_reason(reason, "correcting derived text")
        with self.case.change():
            self.case.update("derived_text", derived_id, {"text": text})
            self.case.log("text_corrected", target_type="item", target_id=old.item_id, item_id=old.item_id,
                          item_sha256=old.item_sha256, purpose=reason,
                          details={"derived_text": derived_id, "old": old.text, "new": text})
        return self.get(derived_id)

    def check(self, derived_id: int, note: str = "") -> DerivedText:
        """A person says they checked this text against the evidence."""
        old = self.get(derived_id)
        with self.case.change():
            self.case.update("derived_text", derived_id, {"checked_by": self.case.examiner, "checked_at": now_text()})
            self.case.log("text_checked", target_type="item", target_id=old.item_id, item_id=old.item_id,
                          item_sha256=old.item_sha256, purpose=note.strip() or "checked against the evidence",
                          details={"derived_text": derived_id})
        return self.get(derived_id)

    def get(self, derived_id: int) -> DerivedText:
        found = self.list(ids=[derived_id])
        if not found:
            raise UnknownRecord(f"no derived text with id {derived_id}")
        return found[0]

    def list(self, item_id: int | None = None, kind: str | None = None,
             ids: Sequence[int] | None = None) -> list[DerivedText]:
        where, params = q.where(q.equals("item_id", item_id), q.equals("kind", kind), q.among("id", ids))
        return [_derived(r) for r in self.case.rows(
            f"SELECT * FROM derived_text {where} ORDER BY item_id, kind, coalesce(page, 0), id", params)]


def _derived(row: dict[str, Any]) -> DerivedText:
    provenance = Provenance(row["engine"], row["engine_version"], row["model"], row["model_sha256"],
                            json.loads(row["settings"] or "{}"))
    return DerivedText(row["id"], row["item_id"], row["item_sha256"], row["kind"], row["page"], row["text"],
                       json.loads(row["data"] or "{}"), provenance, row["checked_by"], row["checked_at"],
                       row["created_at"], row["created_by"])
