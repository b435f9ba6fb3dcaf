"""Plain, frozen records that leave core. The GUI and exports read these only."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .admiralty import notation
from .uncertain_time import UncertainTime


@dataclass(frozen=True)
class CaseInfo:
    id: str
    title: str
    description: str
    created_at: str
    created_by: str
    default_examiner: str
    default_tz: str
    public_key_hex: str

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the raw public key, grouped for reading aloud."""
        import hashlib

        digest = hashlib.sha256(bytes.fromhex(self.public_key_hex)).hexdigest()
        return ":".join(digest[i:i + 4] for i in range(0, 32, 4))


@dataclass(frozen=True)
class Source:
    id: int
    name: str
    kind: str
    description: str
    reliability: str | None
    created_at: str
    created_by: str


@dataclass(frozen=True)
class Event:
    id: int
    title: str
    place: str
    notes: str
    time: UncertainTime
    normalised_by: str
    created_at: str
    created_by: str

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["time_display"] = self.time.display()
        return out


@dataclass(frozen=True)
class Item:
    id: int
    sha256: str
    name: str  # the original file name; metadata, never the storage key
    size: int
    media_type: str
    kind: str
    description: str
    acquired_at: str
    acquired_by: str
    acquired_from: str
    acquisition_method: str
    original_path: str
    source_id: int | None
    source_name: str
    derived_from: int | None
    derivation_reason: str
    reliability: str | None = None  # of its source, current
    credibility: str | None = None  # of the item's information, current

    @property
    def grade(self) -> str:
        return notation(self.reliability, self.credibility)

    @property
    def short_hash(self) -> str:
        return self.sha256[:12]

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["grade"] = self.grade
        return out


@dataclass(frozen=True)
class Statement:
    id: int
    speaker: str
    affiliation: str
    medium: str
    time: UncertainTime
    text: str
    item_id: int | None
    source_id: int | None
    source_name: str
    event_ids: tuple[int, ...]
    created_at: str
    created_by: str
    reliability: str | None = None
    credibility: str | None = None

    @property
    def grade(self) -> str:
        return notation(self.reliability, self.credibility)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["grade"] = self.grade
        out["time_display"] = self.time.display()
        return out


@dataclass(frozen=True)
class ClaimLink:
    id: int
    claim_id: int
    item_id: int | None
    statement_id: int | None
    stance: str
    note: str


@dataclass(frozen=True)
class Claim:
    id: int
    text: str
    links: tuple[ClaimLink, ...]
    created_at: str
    created_by: str
    credibility: str | None = None

    @property
    def contested(self) -> bool:
        stances = {link.stance for link in self.links}
        return "supports" in stances and "contradicts" in stances


@dataclass(frozen=True)
class Annotation:
    id: int
    item_id: int
    kind: str
    start_s: float | None
    end_s: float | None
    speaker: str
    page: int | None
    x: float | None
    y: float | None
    w: float | None
    h: float | None
    text_start: int | None
    text_end: int | None
    text: str
    created_at: str
    created_by: str
    derived_id: int | None = None  # schema 5: made by a machine from this derived text
    checked_by: str | None = None  # who confirmed a machine-made annotation against the evidence
    checked_at: str | None = None

    @property
    def automatic(self) -> bool:
        """Made by a machine and not yet confirmed by a person."""
        return self.derived_id is not None and self.checked_by is None


@dataclass(frozen=True)
class Request:
    id: int
    title: str
    description: str
    addressed_to: str
    asked: UncertainTime
    due: UncertainTime
    status: str
    item_ids: tuple[int, ...]
    created_at: str
    created_by: str


@dataclass(frozen=True)
class Grade:
    id: int
    target_type: str
    target_id: int
    reliability: str | None
    credibility: str | None
    rationale: str
    graded_by: str
    graded_at: str

    @property
    def text(self) -> str:
        return notation(self.reliability, self.credibility)


@dataclass(frozen=True)
class JournalNote:
    id: int
    at: str
    author: str
    text: str
    event_id: int | None
    item_id: int | None


@dataclass(frozen=True)
class MetadataChange:
    id: int
    target_type: str
    target_id: int
    field: str
    old_value: str | None
    new_value: str | None
    changed_at: str
    changed_by: str
    reason: str


@dataclass(frozen=True)
class ImportFailure:
    path: str
    reason: str


@dataclass(frozen=True)
class ImportReport:
    items: tuple[Item, ...] = ()
    failures: tuple[ImportFailure, ...] = ()
    cancelled: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
