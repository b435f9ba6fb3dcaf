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

A reviewer can also judge an item, a grade, a statement or a claim: accepted,
disputed or needs more information, with a note (:func:`add_judgement`).
Judgements are kept beside the packet too (``<packet>.review-judgements.jsonl``,
the newest per record counts) and go into the signed notes file (format 2,
``judgements``), which the sender can import as feedback
(:func:`evidence_desk.core.operations.import_review_notes`).
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

from .. import custody, signing, store
from ..case import Case
from ..errors import BadInput, EvidenceDeskError
from ..fsutil import atomic_write_bytes
from ..vault import Progress, ShouldCancel
from . import format
from .archive import PacketLimits
from .transfer import PacketRejected, import_packet
from .verify import PacketReport, verify_packet

_COMPLETE = "review-cache.json"


class NotesRefused(EvidenceDeskError):
    """A review notes file failed its check (signature, format, or not about this case's packet)."""

    exit_code = 1


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

    @property
    def judgements_path(self) -> Path:
        return judgements_path_for(self.packet)

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


VERDICTS = store.VERDICTS
JUDGED_TARGETS = store.JUDGED_TARGETS
#: How a verdict reads to people.
VERDICT_TEXT = {"accepted": "accepted", "disputed": "disputed", "needs_info": "needs more information"}


@dataclass(frozen=True)
class ReviewJudgement:
    """A reviewer's verdict on one record of the packet, with a note."""

    id: str
    at: str
    reviewer: str
    target_type: str  # item | grade | statement | claim
    target_id: int
    verdict: str  # accepted | disputed | needs_info
    note: str = ""
    #: an item's content hash as the reviewer saw it (so the sender sees it is the same bytes)
    target_sha256: str | None = None
    #: a short description of the record as the reviewer saw it, for a reader of the file
    target_text: str = ""

    @property
    def verdict_text(self) -> str:
        return VERDICT_TEXT.get(self.verdict, self.verdict)


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
    judgements: int = 0


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
    _append_line(session.notes_path, asdict(note), "note")
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


def judgements_path_for(packet: Path) -> Path:
    """Where a packet's review judgements live: beside it, never inside."""
    packet = Path(packet).resolve()
    return packet.with_name(packet.name + format.JUDGEMENTS_SUFFIX)


def _target_facts(case: Case, target_type: str, target_id: int) -> tuple[str | None, str]:
    """Check the record exists in the packet; return (its content hash, a short description)."""
    if target_type == "item":
        item = case.items.get(target_id)
        return item.sha256, f"item {item.name}"
    if target_type == "statement":
        statement = case.statements.get(target_id)
        return None, f"statement by {statement.speaker}: {statement.text[:80]}"
    if target_type == "claim":
        return None, f"claim: {case.claims.get(target_id).text[:80]}"
    grades = [g for g in case.grades.list() if g.id == target_id]
    if not grades:
        raise BadInput(f"no grade {target_id} in this packet")
    g = grades[0]
    return None, f"grade {g.text} of {g.target_type} {g.target_id}: {g.rationale[:80]}"


def add_judgement(session: ReviewSession, target_type: str, target_id: int, verdict: str,
                  note: str = "") -> ReviewJudgement:
    """Judge one record of the packet: accepted, disputed or needs more information.

    A record judged again keeps both lines; the newest counts. Disputing or asking for more
    needs a note that says why or what."""
    if target_type not in JUDGED_TARGETS:
        raise BadInput(f"a reviewer judges an item, a grade, a statement or a claim, not {target_type!r}")
    if verdict not in VERDICTS:
        raise BadInput(f"a judgement is one of {', '.join(VERDICTS)}, not {verdict!r}")
    note = note.strip()
    if verdict != "accepted" and not note:
        raise BadInput(f"say why in the note: a judgement of {VERDICT_TEXT[verdict]} needs one")
    sha, text = _target_facts(session.case, target_type, int(target_id))
    judgement = ReviewJudgement(id=str(uuid.uuid4()), at=custody.utc_text(datetime.now(UTC)),
                                reviewer=session.reviewer, target_type=target_type, target_id=int(target_id),
                                verdict=verdict, note=note, target_sha256=sha, target_text=text)
    _append_line(session.judgements_path, asdict(judgement), "judgement")
    return judgement


def _append_line(path: Path, value: dict[str, Any], what: str) -> None:
    try:
        with open(path, "ab") as f:
            f.write(format.canonical_line(value))
            f.flush()
            os.fsync(f.fileno())
    except OSError as exc:
        raise EvidenceDeskError(f"cannot save the {what} beside the packet at {path}: "
                                f"{exc.strerror or exc}") from None


def review_judgements(session: ReviewSession) -> list[ReviewJudgement]:
    """Every judgement made on the packet, oldest first."""
    try:
        lines = session.judgements_path.read_text("utf-8").splitlines()
    except FileNotFoundError:
        return []
    found = []
    for line in lines:
        try:
            found.append(ReviewJudgement(**format.loads_bounded(line)))
        except (ValueError, TypeError):
            continue  # a line cut short by a crash mid-append
    return found


def latest_judgements(judgements: list[ReviewJudgement]) -> dict[tuple[str, int], ReviewJudgement]:
    """The judgement that counts for each record: the newest."""
    latest: dict[tuple[str, int], ReviewJudgement] = {}
    for j in sorted(judgements, key=lambda j: j.at):
        latest[(j.target_type, j.target_id)] = j
    return latest


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
        "judgements": [asdict(j) for j in review_judgements(session)],
    }
    signature = signing.sign(private, format.canonical(body).encode("utf-8"))
    document = {"signed": body, "signature_ed25519": signature.hex()}
    atomic_write_bytes(out, format.readable_json(document, sort_keys=False))
    return out


@dataclass(frozen=True)
class SignedNotes:
    """A signed review notes file as read: what the check found and, when it holds, its content."""

    check: NotesCheck
    body: dict[str, Any] | None = None
    sha256: str = ""

    @property
    def judgements(self) -> list[ReviewJudgement]:
        return [ReviewJudgement(**j) for j in (self.body or {}).get("judgements", [])]

    @property
    def packet(self) -> dict[str, Any]:
        return dict((self.body or {}).get("packet") or {})


def _judgement_problem(value: Any) -> str | None:
    """Why one entry of ``judgements`` is not a judgement (None: it is one)."""
    if not isinstance(value, dict):
        return "an entry is not an object"
    try:
        j = ReviewJudgement(**value)
    except TypeError:
        return "an entry has fields a judgement does not"
    if j.target_type not in JUDGED_TARGETS or j.verdict not in VERDICTS:
        return f"judgement {j.id!r} names {j.target_type!r}/{j.verdict!r}"
    if not isinstance(j.target_id, int) or isinstance(j.target_id, bool) or not isinstance(j.id, str) \
            or not j.id or not isinstance(j.note, str) or not isinstance(j.at, str):
        return f"judgement {j.id!r} is malformed"
    return None


def read_review_notes(path: Path | str, expect_fingerprint: str | None = None) -> SignedNotes:
    """Read and check a signed review notes file: the signature over its content (notes and
    judgements alike) under its own key, and the key if one is expected."""
    import hashlib

    try:
        raw = Path(path).read_bytes()
        document = format.loads_bounded(raw.decode("utf-8"))
        body: dict[str, Any] = document["signed"]
        public = bytes.fromhex(body["reviewer"]["public_key_hex"])
        signature = bytes.fromhex(document["signature_ed25519"])
        notes = body["notes"]
        judgements = body.get("judgements", [])
        version = body.get("format_version")
        if body.get("format") != format.NOTES_FORMAT or not isinstance(notes, list) \
                or not isinstance(judgements, list) or not isinstance(version, int):
            raise ValueError("not review notes")
    except FileNotFoundError:
        return SignedNotes(NotesCheck(False, f"no review notes file at {path}"))
    except IsADirectoryError:
        return SignedNotes(NotesCheck(False, f"{path} is a folder, not a review notes file"))
    except OSError as exc:
        return SignedNotes(NotesCheck(False, f"cannot read {path}: {exc.strerror or exc}"))
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, AttributeError):
        return SignedNotes(NotesCheck(False, f"{path} is not an Evidence Desk review notes file"))
    fp = signing.fingerprint(public)
    packet = body.get("packet") or {}
    facts = {"reviewer": str(body["reviewer"].get("name", "")), "fingerprint": fp, "notes": len(notes),
             "packet_case_id": str(packet.get("case_id", "")), "packet_fingerprint": str(packet.get("fingerprint", "")),
             "judgements": len(judgements)}
    if not signing.verify(public, signature, format.canonical(body).encode("utf-8")):
        return SignedNotes(NotesCheck(False, f"{path}: the signature does not match the notes: they were altered "
                                             f"after signing or the signature is damaged (key {fp})", **facts))
    if version > format.NOTES_FORMAT_VERSION:
        return SignedNotes(NotesCheck(False, f"{path} is review notes format {version}, written by a newer "
                                             f"Evidence Desk (this one reads up to {format.NOTES_FORMAT_VERSION})",
                                      **facts))
    problem = next((p for p in map(_judgement_problem, judgements) if p), None)
    if problem:
        return SignedNotes(NotesCheck(False, f"{path}: the judgements are malformed ({problem})", **facts))
    if expect_fingerprint and signing.normalise_fingerprint(expect_fingerprint) != fp:
        return SignedNotes(NotesCheck(False, f"{path} is signed by key {fp}, not by the expected "
                                             f"{signing.normalise_fingerprint(expect_fingerprint)}", **facts))
    said = f"{len(notes)} review note(s)" + (f" and {len(judgements)} judgement(s)" if judgements else "")
    return SignedNotes(NotesCheck(True, f"{said} by {facts['reviewer']}, signature valid (key {fp})", **facts),
                       body, hashlib.sha256(raw).hexdigest())


def verify_review_notes(path: Path | str, expect_fingerprint: str | None = None) -> NotesCheck:
    """Check a signed review notes file: the signature over its content under its own key."""
    return read_review_notes(path, expect_fingerprint).check
