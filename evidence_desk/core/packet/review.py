"""Review mode: open a packet read-only and keep the reviewer's own notes.

:func:`open_for_review` verifies the packet first, then receives it into a
cache folder (once per distinct sealed packet) and opens that case
read-only, so the GUI shows the timeline, items, grades and custody exactly
as for any case while nothing can change them.

A reviewer's notes are theirs, not the case's: they are kept beside the
packet (``<packet>.review-notes.jsonl``), never inside it, and exported as
their own file signed with the reviewer's personal Ed25519 key (kept in the
reviewer's user data folder), naming the packet they are about by its case,
key fingerprint and signed tag manifest hash.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import custody, signing
from ..case import Case
from ..errors import BadInput, EvidenceDeskError
from ..fsutil import atomic_write_bytes
from ..vault import Progress, ShouldCancel
from . import format
from .archive import PacketLimits
from .transfer import PacketRejected, import_packet
from .verify import PacketReport, verify_packet

_COMPLETE = "review-cache.json"


@dataclass
class ReviewSession:
    """A verified packet open for review. Close it when done."""

    packet: Path
    case: Case
    report: PacketReport
    notes_path: Path
    reviewer: str

    @property
    def fingerprint(self) -> str:
        return self.report.fingerprint

    def close(self) -> None:
        self.case.close()

    def __enter__(self) -> ReviewSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass(frozen=True)
class ReviewNote:
    id: str
    at: str
    reviewer: str
    text: str
    item_id: int | None = None
    event_id: int | None = None
    item_sha256: str | None = None


@dataclass(frozen=True)
class NotesCheck:
    """What :func:`verify_review_notes` found."""

    ok: bool
    message: str
    reviewer: str = ""
    fingerprint: str = ""
    notes: int = 0
    packet_case_id: str = ""
    packet_fingerprint: str = ""


def reviewer_name(explicit: str | None = None) -> str:
    for candidate in (explicit, os.environ.get("EVIDENCE_DESK_REVIEWER"), os.environ.get("EVIDENCE_DESK_EXAMINER")):
        if candidate and candidate.strip():
            return candidate.strip()
    return "reviewer"


def open_for_review(packet: Path | str, workdir: Path | str, progress: Progress | None = None,
                    should_cancel: ShouldCancel | None = None, *, reviewer: str | None = None,
                    expect_fingerprint: str | None = None, limits: PacketLimits | None = None,
                    on_total: Callable[[int], None] | None = None) -> ReviewSession:
    """Verify ``packet`` and open it read-only; raise :class:`PacketRejected` if it fails.

    ``workdir`` holds the cache of received packets (one case per sealed
    packet, reused on the next opening after the packet verifies again).
    The first opening has two stages (verify, then receive into the cache,
    which verifies its own copy again); ``on_total`` is told each stage's
    byte total as it starts, and ``progress`` counts bytes within it."""
    packet = Path(packet)
    workdir = Path(workdir)
    name = reviewer_name(reviewer)
    report = verify_packet(packet, expect_fingerprint=expect_fingerprint, limits=limits, progress=progress,
                           should_cancel=should_cancel, on_total=on_total)
    if not report.ok:
        raise PacketRejected(report)
    cache = workdir / report.tagmanifest_sha256[:32]
    if not (cache / _COMPLETE).is_file():
        shutil.rmtree(cache, ignore_errors=True)
        workdir.mkdir(parents=True, exist_ok=True)
        # import_packet verifies again from its own unpacked copy: the packet
        # could have changed between the two readings.
        import_packet(packet, cache, examiner=f"{name} (review)", purpose="opened for review",
                      expect_fingerprint=report.fingerprint, limits=limits, progress=progress,
                      should_cancel=should_cancel, on_total=on_total)
        atomic_write_bytes(cache / _COMPLETE, format.canonical({
            "packet": str(packet), "tagmanifest_sha256": report.tagmanifest_sha256}).encode())
    case = Case.open(cache, read_only=True, examiner=name)
    return ReviewSession(packet, case, report, notes_path_for(packet), name)


def notes_path_for(packet: Path) -> Path:
    """Where a packet's review notes live: beside it, never inside."""
    packet = Path(packet).resolve()
    return packet.with_name(packet.name + format.NOTES_SUFFIX)


def add_review_note(session: ReviewSession, text: str, *, item_id: int | None = None,
                    event_id: int | None = None) -> ReviewNote:
    """Append one note about the packet (optionally about an item or event)."""
    if not text.strip():
        raise BadInput("a review note cannot be empty")
    sha = session.case.items.get(item_id).sha256 if item_id is not None else None
    if event_id is not None:
        session.case.events.get(event_id)
    note = ReviewNote(id=str(uuid.uuid4()), at=custody.utc_text(datetime.now(UTC)), reviewer=session.reviewer,
                      text=text.strip(), item_id=item_id, event_id=event_id, item_sha256=sha)
    line = format.canonical_line(asdict(note))
    try:
        with open(session.notes_path, "ab") as f:
            f.write(line)
            f.flush()
            os.fsync(f.fileno())
    except OSError as exc:
        raise EvidenceDeskError(f"cannot save the note beside the packet at {session.notes_path}: "
                                f"{exc.strerror or exc}") from None
    return note


def review_notes(session: ReviewSession) -> list[ReviewNote]:
    try:
        lines = session.notes_path.read_text("utf-8").splitlines()
    except FileNotFoundError:
        return []
    notes = []
    for line in lines:
        try:
            notes.append(ReviewNote(**format.loads_bounded(line)))
        except (ValueError, TypeError):
            continue  # a line cut short by a crash mid-append
    return notes


def default_review_workdir() -> Path:
    """Where opened packets are cached (the reviewer's cache folder)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("evidence-desk", appauthor=False)) / "review"


def default_reviewer_key() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("evidence-desk", appauthor=False)) / "reviewer-ed25519.key"


def export_review_notes(session: ReviewSession, out: Path | str, *, key_path: Path | None = None) -> Path:
    """Write the reviewer's notes as their own signed file; return its path."""
    out = Path(out)
    private = signing.load_or_create_key(key_path or default_reviewer_key())
    public = signing.public_key_of(private)
    report = session.report
    body = {
        "format": format.NOTES_FORMAT, "format_version": format.NOTES_FORMAT_VERSION,
        "exported_at": custody.utc_text(datetime.now(UTC)),
        "packet": {"name": session.packet.name, "case_id": report.case_id, "case_title": report.case_title,
                   "fingerprint": report.fingerprint, "tagmanifest_sha256": report.tagmanifest_sha256,
                   "custody_head": report.custody_head},
        "reviewer": {"name": session.reviewer, "public_key_hex": public.hex(),
                     "fingerprint": signing.fingerprint(public)},
        "notes": [asdict(n) for n in review_notes(session)],
    }
    signature = signing.sign(private, format.canonical(body).encode("utf-8"))
    document = {"signed": body, "signature_ed25519": signature.hex()}
    atomic_write_bytes(out, format.readable_json(document, sort_keys=False))
    return out


def verify_review_notes(path: Path | str, expect_fingerprint: str | None = None) -> NotesCheck:
    """Check a signed review notes file: the signature over its content under its own key."""
    try:
        document = format.loads_bounded(Path(path).read_text("utf-8"))
        body: dict[str, Any] = document["signed"]
        public = bytes.fromhex(body["reviewer"]["public_key_hex"])
        signature = bytes.fromhex(document["signature_ed25519"])
        notes = body["notes"]
    except FileNotFoundError:
        return NotesCheck(False, f"no review notes file at {path}")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return NotesCheck(False, f"{path} is not an Evidence Desk review notes file")
    fp = signing.fingerprint(public)
    packet = body.get("packet") or {}
    facts = {"reviewer": str(body["reviewer"].get("name", "")), "fingerprint": fp, "notes": len(notes),
             "packet_case_id": str(packet.get("case_id", "")), "packet_fingerprint": str(packet.get("fingerprint", ""))}
    if not signing.verify(public, signature, format.canonical(body).encode("utf-8")):
        return NotesCheck(False, f"{path}: the signature does not match the notes: they were altered after "
                                 f"signing or the signature is damaged (key {fp})", **facts)
    if expect_fingerprint and signing.normalise_fingerprint(expect_fingerprint) != fp:
        return NotesCheck(False, f"{path} is signed by key {fp}, not by the expected "
                                 f"{signing.normalise_fingerprint(expect_fingerprint)}", **facts)
    return NotesCheck(True, f"{len(notes)} review note(s) by {facts['reviewer']}, signature valid (key {fp})",
                      **facts)
