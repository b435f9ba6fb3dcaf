"""One function per user action: the only way the GUI and the CLI change a case.

After Anki's ``CollectionOp``/``OpChanges``: each operation runs in one
transaction (:meth:`Case.change`), takes a :class:`Work` for progress and
Cancel, writes its custody entries, and returns an :class:`OpResult` whose
:class:`Changes` say which kinds of record changed, read from the custody
entries the transaction actually wrote. Nothing here knows about Qt; the GUI
runs these on its writer thread and tells every panel what changed.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from . import replay
from .custody import CustodyEntry
from .errors import BadInput, ImportFailed
from .items import expand_paths
from .records import (
    Annotation,
    Claim,
    ClaimLink,
    Event,
    Grade,
    ImportFailure,
    ImportReport,
    Item,
    JournalNote,
    Request,
    Source,
    Statement,
)

if TYPE_CHECKING:
    from .case import Case
    from .checkpoints import Checks
    from .examiner_keys import ExaminerKey
    from .packet.transfer import TransferResult
    from .report.model import ReportModel
    from .verify import VerifyReport
    from .witness import WitnessRecord

T = TypeVar("T")
log = logging.getLogger("evidence_desk.operations")


# --- what changed --------------------------------------------------------------

@dataclass(frozen=True)
class Changes:
    """Which kinds of record an operation changed (custody is true for every write)."""

    case: bool = False
    sources: bool = False
    events: bool = False
    items: bool = False
    statements: bool = False
    claims: bool = False
    annotations: bool = False
    requests: bool = False
    journal: bool = False
    grades: bool = False
    custody: bool = False
    #: ids of the records each kind's entries named, e.g. ``{"item": (3, 4)}``
    ids: tuple[tuple[str, tuple[int, ...]], ...] = ()

    @classmethod
    def of(cls, entries: Iterable[CustodyEntry]) -> Changes:
        """What the given custody entries say was changed."""
        flags: dict[str, bool] = {}
        ids: dict[str, set[int]] = {}
        for entry in entries:
            flags["custody"] = True
            for kind in _ACTION_CHANGES.get(entry.action, ()):
                flags[kind] = True
            target = _TARGET_KINDS.get(entry.target_type)
            if target is not None and entry.action not in _RECORD_ONLY_ACTIONS:
                flags[target] = True
            if entry.target_id is not None:
                ids.setdefault(entry.target_type, set()).add(int(entry.target_id))
            if entry.item_id is not None:
                ids.setdefault("item", set()).add(int(entry.item_id))
            event_id = entry.details_dict.get("event_id")
            if isinstance(event_id, int):
                ids.setdefault("event", set()).add(event_id)
        return cls(**flags, ids=tuple(sorted((k, tuple(sorted(v))) for k, v in ids.items())))

    def __or__(self, other: Changes) -> Changes:
        merged: dict[str, set[int]] = {k: set(v) for k, v in self.ids}
        for k, v in other.ids:
            merged.setdefault(k, set()).update(v)
        flags = {f.name: getattr(self, f.name) or getattr(other, f.name) for f in fields(self) if f.name != "ids"}
        return Changes(**flags, ids=tuple(sorted((k, tuple(sorted(v))) for k, v in merged.items())))

    def ids_of(self, kind: str) -> tuple[int, ...]:
        """Ids of ``kind`` (item, event, statement, …) the operation touched."""
        return dict(self.ids).get(kind, ())

    @property
    def any(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self) if f.name != "ids")


_TARGET_KINDS = {"case": "case", "source": "sources", "event": "events", "item": "items",
                 "statement": "statements", "claim": "claims", "request": "requests", "journal": "journal"}
#: actions that change another kind of record than their target (or more than one)
_ACTION_CHANGES: dict[str, tuple[str, ...]] = {
    "graded": ("grades",), "annotated": ("annotations",), "linked": ("items", "events"),
    "unlinked": ("items", "events"), "claim_linked": ("claims",), "claim_changed": ("claims",), "journal_note": ("journal",),
    "acquired": ("items", "events", "sources"), "derived": ("items",), "statement_added": ("statements", "sources"),
    # a reviewer's judgements sit beside items, grades, statements and claims: their views show them
    "feedback_received": ("items", "grades", "statements", "claims"),
}
#: actions that leave their target record as it was (only its custody history grows)
_RECORD_ONLY_ACTIONS = {"viewed", "exported", "sealed", "verified", "transferred", "graded", "annotated",
                        "checkpoint", "key_handover"}


@dataclass(frozen=True)
class OpResult(Generic[T]):
    """What an operation gives back: its value and what it changed."""

    value: T
    changes: Changes


# --- progress and Cancel -------------------------------------------------------

@dataclass
class Work:
    """How a long operation reports progress and learns of Cancel; every part optional.

    The GUI's task passes its own methods; the CLI passes nothing."""

    progress: Callable[[int], None] | None = None
    should_cancel: Callable[[], bool] | None = None
    set_total: Callable[[int], None] | None = None
    set_stage: Callable[[str, bool], None] | None = None

    def stage(self, label: str, cancellable: bool = True) -> None:
        if self.set_stage is not None:
            self.set_stage(label, cancellable)

    def total(self, n: int) -> None:
        if self.set_total is not None:
            self.set_total(n)

    @classmethod
    def of(cls, task: Any) -> Work:
        """A :class:`Work` over any object with ``progress``/``should_cancel``/``set_total``/``set_stage``."""
        return cls(progress=getattr(task, "progress", None), should_cancel=getattr(task, "should_cancel", None),
                   set_total=getattr(task, "set_total", None), set_stage=getattr(task, "set_stage", None))


IDLE = Work()


def _run(case: Case, body: Callable[[], T]) -> OpResult[T]:
    with case.change() as change:
        value = body()
        entries = list(change.entries)
    return OpResult(value, Changes.of(entries))


# --- intake --------------------------------------------------------------------

@dataclass(frozen=True)
class IntakeOptions:
    """What the investigator says about a batch of files at intake."""

    kind: str | None = None
    event_ids: tuple[int, ...] = ()
    source: str | None = None
    description: str = ""
    acquired_from: str = ""
    method: str = ""
    purpose: str = ""
    condition: str = ""
    acquired_at: str | None = None


def import_files(case: Case, paths: Iterable[Path | str], options: IntakeOptions = IntakeOptions(),
                 work: Work = IDLE) -> OpResult[ImportReport]:
    """Copy every file (folders recursively) into the vault, then record them all in one transaction.

    A file that cannot be read is listed with its reason and the rest go in. On
    Cancel every copy is discarded and the case is byte-for-byte as before."""
    for event_id in options.event_ids:
        case.events.get(event_id)  # an unknown event fails before anything is copied
    files = list(expand_paths(paths))
    total = 0
    for path in files:
        try:
            total += os.stat(path).st_size
        except OSError:
            pass
    work.total(total)
    failures: list[ImportFailure] = []
    staged = []
    try:
        for path in files:
            try:
                staged.append((path, case.vault.stage(path, work.progress, work.should_cancel)))
            except ImportFailed as exc:
                failures.append(ImportFailure(exc.path, exc.reason))
    except BaseException:  # Cancelled or worse: nothing of the batch is kept
        for _path, copy in staged:
            case.vault.discard(copy)
        raise
    work.stage(f"Recording {len(staged)} item(s) in the catalogue and custody chain…", False)
    given = {"kind": options.kind, "event_ids": list(options.event_ids), "source": options.source,
             "description": options.description, "acquired_from": options.acquired_from,
             "method": options.method, "purpose": options.purpose, "condition": options.condition,
             "acquired_at": options.acquired_at}

    def record() -> list[Item]:
        items: list[Item] = []
        for index, (path, copy) in enumerate(staged):
            try:
                items.append(case.items.import_staged(copy, path, **given))
            except ImportFailed as exc:
                failures.append(ImportFailure(exc.path, exc.reason))
            except BaseException:
                for _path, rest in staged[index + 1:]:
                    case.vault.discard(rest)
                raise
        return items

    result = _run(case, record)
    return OpResult(ImportReport(tuple(result.value), tuple(failures)), result.changes)


def add_derived(case: Case, original_id: int, data: bytes, *, name: str, reason: str, kind: str = "document",
                media_type: str = "text/plain", description: str = "") -> OpResult[Item]:
    return _run(case, lambda: case.items.add_derived(original_id, data, name=name, reason=reason, kind=kind,
                                                     media_type=media_type, description=description))


# --- records -------------------------------------------------------------------

def edit_item(case: Case, item_id: int, reason: str, **fields: Any) -> OpResult[Item]:
    return _run(case, lambda: case.items.edit(item_id, reason=reason, **fields))


def add_event(case: Case, title: str, *, when: str | None = None, tz: str | None = None, place: str = "",
              notes: str = "", choose: str | None = None) -> OpResult[Event]:
    return _run(case, lambda: case.events.add(title, when=when, tz=tz, place=place, notes=notes, choose=choose))


def edit_event(case: Case, event_id: int, reason: str, *, when: str | None = None, tz: str | None = None,
               **fields: str) -> OpResult[Event]:
    return _run(case, lambda: case.events.edit(event_id, reason=reason, when=when, tz=tz, **fields))


def link_items(case: Case, item_ids: Sequence[int], event_id: int, link: bool = True) -> OpResult[list[int]]:
    """Attach (or detach) items to an event, all in one transaction."""
    def body() -> list[int]:
        for item_id in item_ids:
            case.items.link_event(item_id, event_id, link=link)
        return list(item_ids)
    return _run(case, body)


def add_source(case: Case, name: str, kind: str = "other", description: str = "") -> OpResult[Source]:
    return _run(case, lambda: case.sources.add(name, kind=kind, description=description))


def add_statement(case: Case, speaker: str, medium: str, text: str, **options: Any) -> OpResult[Statement]:
    return _run(case, lambda: case.statements.add(speaker, medium, text, **options))


def edit_statement(case: Case, statement_id: int, reason: str, **fields: Any) -> OpResult[Statement]:
    """Change a statement (speaker, affiliation, medium, ``when``/``tz``, text, ``source``, ``item_id``,
    ``event_ids``) with a reason; each changed field is a custody entry with its old value."""
    return _run(case, lambda: case.statements.edit(statement_id, reason, **fields))


def add_claim(case: Case, text: str) -> OpResult[Claim]:
    return _run(case, lambda: case.claims.add(text))


def edit_claim(case: Case, claim_id: int, reason: str, text: str) -> OpResult[Claim]:
    return _run(case, lambda: case.claims.edit(claim_id, reason, text))


def link_claim_evidence(case: Case, claim_id: int, stance: str, *, item_ids: Sequence[int] = (),
                        statement_ids: Sequence[int] = (), note: str = "") -> OpResult[list[int]]:
    """Link several items and statements to a claim with one stance and note, in one transaction
    (one ``claim_linked`` entry each); the new links' ids. Evidence already linked with that
    stance is not linked twice."""
    if not item_ids and not statement_ids:
        raise BadInput("nothing to link to the claim")

    def body() -> list[int]:
        have = {(link.item_id, link.statement_id) for link in case.claims.get(claim_id).links
                if link.stance == stance}
        made = []
        for item_id in dict.fromkeys(item_ids):
            if (item_id, None) not in have:
                made.append(case.claims.add_link(claim_id, stance, item_id=item_id, note=note))
        for statement_id in dict.fromkeys(statement_ids):
            if (None, statement_id) not in have:
                made.append(case.claims.add_link(claim_id, stance, statement_id=statement_id, note=note))
        return made
    return _run(case, body)


def edit_claim_link(case: Case, link_id: int, reason: str, *, stance: str | None = None,
                    note: str | None = None) -> OpResult[ClaimLink]:
    return _run(case, lambda: case.claims.edit_link(link_id, reason, stance=stance, note=note))


def unlink_claim(case: Case, link_ids: Sequence[int], reason: str) -> OpResult[list[ClaimLink]]:
    """Take links off their claims, with a reason, in one transaction; what they said."""
    return _run(case, lambda: [case.claims.unlink(link_id, reason) for link_id in link_ids])


def link_claim(case: Case, claim_id: int, stance: str, *, item_id: int | None = None,
               statement_id: int | None = None, note: str = "") -> OpResult[Claim]:
    """Link evidence (an item or a statement) to a claim: supports, contradicts or mentions."""
    return _run(case, lambda: case.claims.link(claim_id, stance, item_id=item_id, statement_id=statement_id,
                                               note=note))


def add_annotation(case: Case, item_id: int, kind: str, text: str = "", *, reason: str = "",
                   **anchor: Any) -> OpResult[Annotation]:
    return _run(case, lambda: case.annotations.add(item_id, kind, text, reason=reason, **anchor))


def edit_annotation(case: Case, annotation_id: int, reason: str, **fields: Any) -> OpResult[Annotation]:
    """Change a segment's times, speaker or text, a region's box or note, a passage's span."""
    return _run(case, lambda: case.annotations.edit(annotation_id, reason, **fields))


def delete_annotation(case: Case, annotation_id: int, reason: str) -> OpResult[Annotation]:
    """Remove an annotation: a logged change whose custody entry keeps what it held."""
    return _run(case, lambda: case.annotations.delete(annotation_id, reason))


def quote_passage(case: Case, item_id: int, text_start: int, text_end: int, quoted: str, *, into: str,
                  speaker: str = "", medium: str = "other", reason: str = "") -> OpResult[tuple[Annotation, Any]]:
    """Quote characters ``text_start``–``text_end`` of a text item into a new statement (``into="statement"``,
    drawn from the item) or claim (``into="claim"``, which then mentions the item), and mark the passage."""
    if into not in ("statement", "claim"):
        raise BadInput(f"a passage is quoted into a statement or a claim, not {into!r}")

    def body() -> tuple[Annotation, Any]:
        with case.change():
            if into == "statement":
                record: Any = case.statements.add(speaker, medium, quoted, item_id=item_id)
            else:
                record = case.claims.add(quoted)
                case.claims.link(record.id, "mentions", item_id=item_id,
                                 note=f"quoted from characters {text_start:,}–{text_end:,}")
            annotation = case.annotations.add(item_id, "passage", f"quoted into {into} {record.id}",
                                              reason=reason or f"quoted into a {into}",
                                              text_start=text_start, text_end=text_end)
        return annotation, record
    return _run(case, body)


def import_segments(case: Case, item_id: int, segments: Sequence[Any], reason: str) -> OpResult[list[Annotation]]:
    """Add transcript segments (read from WebVTT or SRT by :mod:`.subtitles`) in one transaction."""
    def body() -> list[Annotation]:
        with case.change():
            return [case.annotations.add(item_id, "audio_segment", s.text, reason=reason,
                                         start_s=s.start_ms / 1000, end_s=s.end_ms / 1000, speaker=s.speaker)
                    for s in segments]
    return _run(case, body)


@dataclass(frozen=True)
class Grading:
    """One grade to give: a target and the axis or axes graded."""

    target_type: str
    target_id: int
    reliability: str | None = None
    credibility: str | None = None


def grade(case: Case, gradings: Sequence[Grading], rationale: str) -> OpResult[list[Grade]]:
    """Give one or more grades with one rationale, all in one transaction."""
    if not gradings:
        raise BadInput("nothing to grade")
    return _run(case, lambda: [case.grades.add(g.target_type, g.target_id, rationale, reliability=g.reliability,
                                               credibility=g.credibility) for g in gradings])


def grade_items(case: Case, item_ids: Sequence[int], rationale: str, *, reliability: str | None = None,
                credibility: str | None = None) -> OpResult[list[Grade]]:
    """Grade several items at once with one rationale, in one transaction: each item's credibility,
    and the reliability of each of their sources once."""
    gradings: list[Grading] = []
    if credibility:
        gradings += [Grading("item", item_id, credibility=credibility) for item_id in dict.fromkeys(item_ids)]
    if reliability:
        sources = dict.fromkeys(case.items.get(item_id).source_id for item_id in item_ids)
        gradings += [Grading("source", source_id, reliability=reliability) for source_id in sources
                     if source_id is not None]
    return grade(case, gradings, rationale)


def add_journal_note(case: Case, text: str, *, event_id: int | None = None,
                     item_id: int | None = None) -> OpResult[JournalNote]:
    return _run(case, lambda: case.journal.add(text, event_id=event_id, item_id=item_id))


def add_request(case: Case, title: str, **options: Any) -> OpResult[Request]:
    return _run(case, lambda: case.requests.add(title, **options))


def set_request_status(case: Case, request_id: int, status: str, item_ids: Iterable[int] = (),
                       reason: str = "") -> OpResult[Request]:
    return _run(case, lambda: case.requests.set_status(request_id, status, item_ids, reason=reason))


def edit_request(case: Case, request_id: int, reason: str, **fields: Any) -> OpResult[Request]:
    """Change a request (title, addressed_to, description, asked/due/tz, status, and the exact
    ``item_ids`` it produced) with a reason; each change is custody-logged with its old value."""
    return _run(case, lambda: case.requests.edit(request_id, reason, **fields))


#: what a record just made is withdrawn with: its table, the custody action that logs the
#: removal (the schema's own ``*_changed``), the rows that belong to it alone, and the rows of
#: other records that would refer to it (any one of them and it is not withdrawn)
_WITHDRAWABLE: dict[str, tuple[str, str, tuple[tuple[str, str], ...], tuple[tuple[str, str, str], ...]]] = {
    "statement": ("statement", "statement_changed", (("statement_event", "statement_id"),),
                  (("claim_link", "statement_id", "a claim links it"),
                   ("grade", "target_type = 'statement' AND target_id", "it has been graded"),
                   ("review_judgement", "target_type = 'statement' AND target_id", "a reviewer has judged it"))),
    "claim": ("claim", "claim_changed", (),
              (("claim_link", "claim_id", "evidence is linked to it"),
               ("grade", "target_type = 'claim' AND target_id", "it has been graded"),
               ("review_judgement", "target_type = 'claim' AND target_id", "a reviewer has judged it"))),
    "request": ("request", "request_changed", (),
                (("request_item", "request_id", "items are listed as its result"),)),
}


def withdraw_record(case: Case, kind: str, record_id: int, reason: str) -> OpResult[None]:
    """Withdraw a statement, claim or request just made (Undo of its creation) while nothing
    else refers to it: its row goes, and one custody entry (``withdrawn``) keeps all it held,
    as taking a link off a claim does. The entry that created it stays in the chain."""
    if kind not in _WITHDRAWABLE:
        raise BadInput(f"only a statement, a claim or a request can be withdrawn, not {kind!r}")
    if not reason.strip():
        raise BadInput(f"withdrawing a {kind} needs a reason")
    table, action, own, refs = _WITHDRAWABLE[kind]

    def body() -> None:
        rows = case.rows(f"SELECT * FROM [{table}] WHERE id = ?", [record_id])
        if not rows:
            raise BadInput(f"no {kind} with id {record_id}")
        for other, column, why in refs:
            if case.columns(other) and case.scalar(
                    f"SELECT count(*) FROM [{other}] WHERE {column} = ?", record_id):
                raise BadInput(f"the {kind} #{record_id} is kept: {why}; change it instead")
        old = {k: v for k, v in rows[0].items() if k != "id"}
        with case.change():
            for other, column in own:
                for row in case.rows(f"SELECT * FROM [{other}] WHERE {column} = ?", [record_id]):
                    old.setdefault(other, []).append({k: v for k, v in row.items() if k != column})
                    case.delete(other, replay.key_of(other, row))
            case.delete(table, record_id)
            case.log(action, target_type=kind, target_id=record_id, purpose=reason.strip(),
                     details={"withdrawn": True, "old": old})

    return _run(case, body)


def record_view(case: Case, item_id: int, purpose: str = "viewed in Evidence Desk") -> OpResult[CustodyEntry]:
    return _run(case, lambda: case.history.record_view(item_id, purpose))


def record_export_of_items(case: Case, item_ids: Iterable[int], destination: str,
                           purpose: str) -> OpResult[None]:
    """Log that copies of items left the case (opened in another program, saved elsewhere)."""
    return _run(case, lambda: case.history.record_export(item_ids, destination, purpose))


def transfer(case: Case, item_ids: Sequence[int], *, released_by: str, received_by: str, purpose: str,
             condition: str = "") -> OpResult[None]:
    return _run(case, lambda: case.history.record_transfer(item_ids, released_by=released_by,
                                                           received_by=received_by, purpose=purpose,
                                                           condition=condition))


# --- whole-case work -------------------------------------------------------------

#: why a verification is logged, whichever front end ran it (the same action reads the same in the chain)
VERIFICATION_PURPOSE = "verification in Evidence Desk"


def verify_case(case: Case, work: Work = IDLE, *, record: bool = True,
                purpose: str = VERIFICATION_PURPOSE, checks: Checks | None = None) -> OpResult[VerifyReport]:
    """Rehash every object and walk the chain (on its own read-only connection);
    the verification is itself logged when the case is writable and ``record``.
    ``checks``: witnesses and whether unsigned entries fail (:class:`~.checkpoints.Checks`)."""
    from .verify import verify

    report = verify(case.path, work.progress, work.should_cancel, work.set_total, checks=checks, key=case.key)
    if not record or case.read_only:
        return OpResult(report, Changes())
    return OpResult(report, record_verification(case, report, purpose).changes)


def record_verification(case: Case, report: VerifyReport,
                        purpose: str = VERIFICATION_PURPOSE) -> OpResult[CustodyEntry]:
    """Log a verification's outcome in the case's chain (the GUI verifies on its reader thread first)."""
    return _run(case, lambda: case.history.record_case_action("verified", purpose, {
        "ok": report.ok, "failures": [str(f) for f in report.failures][:200], "items": report.items,
        "custody_entries": report.custody_entries}))


@dataclass(frozen=True)
class ReportWritten:
    path: Path
    sha256: str
    items: int
    verified_ok: bool
    logged: bool
    model: ReportModel = field(repr=False, compare=False)


def export_report(case: Case, out: Path, *, fmt: str | None = None, event_id: int | None = None,
                  item_ids: Sequence[int] | None = None, work: Work = IDLE,
                  examiner_key: ExaminerKey | None = None) -> OpResult[ReportWritten]:
    """Verify the case, write its chain-of-custody report, and log the export with the report's hash.

    With ``examiner_key`` the head is signed (:func:`checkpoint`) before the report states it, and
    again after the export is logged."""
    from .report import format_for, write_report_model
    from .vault import hash_file
    from .verify import verify

    fmt = format_for(out, fmt)  # an unsupported extension fails before any work
    if event_id is not None:
        case.events.get(event_id)
    for item_id in item_ids or ():
        case.items.get(item_id)
    signed = Changes()
    if examiner_key is not None and not case.read_only:
        signed = checkpoint(case, examiner_key, "examiner checkpoint before a report export").changes
    work.stage("Verifying the case for the report: rehashing every object, walking the custody chain")
    verification = verify(case.path, work.progress, work.should_cancel, work.set_total, key=case.key)
    work.stage(f"Writing {out.name}…", False)
    model = write_report_model(case, out, fmt=fmt, event_id=event_id, item_ids=item_ids or None,
                               verification=verification)
    out = Path(out).resolve()
    sha = hash_file(out).sha256
    written = ReportWritten(out, sha, len(model.items), verification.ok, not case.read_only, model)
    if case.read_only:
        return OpResult(written, Changes())
    if event_id is not None:
        scope = f"event {event_id}"
    elif item_ids:
        scope = "items " + ", ".join(str(i) for i in sorted(set(item_ids)))
    else:
        scope = "case"
    details: dict[str, Any] = {"report": str(out), "report_sha256": sha, "event_id": event_id,
                               "items": len(model.items)}
    if item_ids:
        details["item_ids"] = sorted(set(item_ids))
    logged = _run(case, lambda: (case.history.record_case_action(
        "exported", f"chain-of-custody report ({scope}) written to {out.name}", details), written)[1])
    if examiner_key is not None:
        signed |= checkpoint(case, examiner_key, "examiner checkpoint after a report export").changes
    return OpResult(logged.value, logged.changes | signed)


@dataclass(frozen=True)
class TimelineWritten:
    path: Path
    sha256: str
    marks: int
    lanes: int
    undated: int
    logged: bool


TIMELINE_FORMATS = ("svg", "png")


def export_timeline(case: Case, out: Path, *, width: float = 1200.0,
                    write_png: Callable[[Any, Path], None] | None = None) -> OpResult[TimelineWritten]:
    """Draw the case's visual timeline to ``out`` (.svg, or .png with ``write_png``), atomically,
    and log the export with the file's hash, as a report's export is logged.

    ``write_png(layout, path)`` paints the PNG; core has no Qt, so the caller (the CLI, the GUI)
    passes the painter's function."""
    from . import timeline_layout
    from .report import write_atomically
    from .timeline_svg import render_svg
    from .vault import hash_file

    fmt = Path(out).suffix.lstrip(".").lower()
    if fmt not in TIMELINE_FORMATS or (fmt == "png" and write_png is None):
        raise BadInput(f"cannot write a timeline as {Path(out).name!r}: use a .svg or .png file name")
    lay = timeline_layout.layout(timeline_layout.from_case(case), width)
    if fmt == "svg":
        svg = render_svg(lay, f"Timeline \u2014 {case.info().title}")
        write_atomically(Path(out), lambda tmp: tmp.write_text(svg, "utf-8"))
    else:
        write_atomically(Path(out), lambda tmp: write_png(lay, tmp))  # type: ignore[misc]
    out = Path(out).resolve()
    sha = hash_file(out).sha256
    undated = sum(1 for m in lay.marks if m.shape == "unknown")
    written = TimelineWritten(out, sha, len(lay.marks), len(lay.lanes), undated, not case.read_only)
    if case.read_only:
        return OpResult(written, Changes())
    return _run(case, lambda: (case.history.record_case_action(
        "exported", f"visual timeline ({fmt.upper()}) written to {out.name}",
        {"timeline": str(out), "timeline_sha256": sha, "marks": len(lay.marks)}), written)[1])


def export_packet(case: Case, out: Path, *, zip: bool = False, event_id: int | None = None,
                  organisation: str = "", contact: str = "", description: str = "",
                  work: Work = IDLE, examiner_key: ExaminerKey | None = None,
                  encrypt_to: Sequence[str] = ()) -> OpResult[Path]:
    """Seal a review packet (BagIt, signed) of the case or one event; the export is custody-logged.

    With ``examiner_key`` the examiner seals the packet too, and the head is signed
    (:func:`checkpoint`) before the packet carries the chain and after the export is logged."""
    from .packet.export import export_packet as seal

    before = case.history.head_seq()
    if examiner_key is not None and not case.read_only:
        checkpoint(case, examiner_key, "examiner checkpoint before a packet export")
    path = seal(case, out, zip=zip, event_id=event_id, progress=work.progress, should_cancel=work.should_cancel,
                on_total=work.set_total, organisation=organisation, contact=contact, description=description,
                examiner_key=examiner_key, encrypt_to=encrypt_to)
    if examiner_key is not None and not case.read_only:
        checkpoint(case, examiner_key, "examiner checkpoint after a packet export")
    return OpResult(path, Changes.of(case.history.entries_after(before)))


def receive_packet(packet: Path, case_dir: Path, *, examiner: str, released_by: str = "",
                   expect_fingerprint: str | None = None, work: Work = IDLE) -> OpResult[TransferResult]:
    """Verify a packet and continue its case as a new case at ``case_dir``."""
    from .packet.transfer import import_packet

    result = import_packet(packet, case_dir, examiner=examiner, released_by=released_by,
                           expect_fingerprint=expect_fingerprint, progress=work.progress,
                           should_cancel=work.should_cancel, on_total=work.set_total)
    return OpResult(result, Changes(case=True, custody=True))


# --- examiner signatures -------------------------------------------------------------

def _last_entry(case: Case) -> CustodyEntry | None:
    from . import custody

    with case.lock:
        found = custody.entries(case.db, "seq = (SELECT max(seq) FROM custody)")
    return found[0] if found else None


def _witness(case: Case, key: ExaminerKey, kind: str, seq: int, entry_hash: str) -> WitnessRecord:
    """Sign the head ``seq`` and append the sighting to the user's witness log (a failure to write
    it is logged, not raised: the case itself is already as it should be)."""
    from . import witness

    record = witness.sign_head(key, kind, case.id, seq, entry_hash, examiner=case.examiner,
                               case_path=str(Path(case.path).resolve()))
    try:
        witness.append(record)
    except OSError as exc:
        log.warning("the witness log %s was not written: %s", witness.log_path(), exc)
    return record


def checkpoint(case: Case, examiner_key: ExaminerKey,
               purpose: str = "examiner checkpoint") -> OpResult[CustodyEntry | None]:
    """Sign the chain head with the examiner's key: a ``checkpoint`` custody entry (the head's seq
    and hash, the public key and fingerprint, the signature), and the checkpoint itself appended
    to the user's witness log. Nothing is written when the head is already this key's checkpoint,
    nor in a read-only case."""
    from . import checkpoints

    if case.read_only:
        return OpResult(None, Changes())

    def body() -> CustodyEntry | None:
        last = _last_entry(case)
        if last is None:
            return None
        if last.action == "checkpoint" and last.details_dict.get("public_key") == examiner_key.public_hex:
            return None
        details = checkpoints.checkpoint_details(case.id, last.seq, last.entry_hash, examiner_key)
        return case.log("checkpoint", target_type="case", purpose=purpose, details=details)

    result = _run(case, body)
    if result.value is not None:
        _witness(case, examiner_key, "checkpoint", result.value.seq, result.value.entry_hash)
    return result


def hand_over_key(case: Case, new_public_key: bytes, *, reason: str = "", examiner_key: ExaminerKey | None = None,
                  lost_fingerprint: str = "") -> OpResult[CustodyEntry]:
    """Introduce a new examiner key into the case: a ``key_handover`` entry signed by
    ``examiner_key`` (one the case already knows), or, when that key is lost (``examiner_key``
    None), by the case key with a stated ``reason``; verification marks the latter as not proven
    by the previous examiner. ``lost_fingerprint`` declares an old key lost: its later
    checkpoints fail."""
    from . import checkpoints, signing

    reason = reason.strip()
    if examiner_key is None and not reason:
        raise BadInput("a hand-over signed by the case key (the examiner key is lost) needs a reason")
    if examiner_key is not None and new_public_key == examiner_key.public_key:
        raise BadInput("that public key is your own examiner key: nothing to hand over")
    if lost_fingerprint and examiner_key is not None:
        raise BadInput("a key is declared lost only in a hand-over signed by the case key (--lost)")
    if examiner_key is not None:
        known = checkpoints.check_chain(case.table_rows("custody"), case.id).keys
        if known and examiner_key.public_hex not in {k.public_key for k in known}:
            raise BadInput(f"your examiner key {examiner_key.fingerprint} is not one this case knows "
                           f"({', '.join(k.fingerprint for k in known)}); only one of those can hand it over, or "
                           "use a hand-over by the case key for a lost key")

    def body() -> CustodyEntry:
        last = _last_entry(case)
        assert last is not None  # every case begins with case_created
        details = checkpoints.handover_details(
            case.id, last.seq, last.entry_hash, new_public_key=new_public_key, reason=reason,
            examiner_key=examiner_key, case_private_key=None if examiner_key else case.signing_key_bytes(),
            lost_fingerprint=lost_fingerprint)
        by = f"examiner key {examiner_key.fingerprint}" if examiner_key else "the case key (examiner key lost)"
        return case.log("key_handover", target_type="case", purpose=f"examiner key "
                        f"{signing.fingerprint(new_public_key)} introduced by {by}"
                        + (f": {reason}" if reason else ""), details=details)

    return _run(case, body)


def write_receipt(case: Case, examiner_key: ExaminerKey, out: Path) -> WitnessRecord:
    """A small signed receipt of the current chain head, written to ``out`` (JSON) to keep
    elsewhere, and the same sighting appended to the witness log. The case is not changed."""
    from . import witness
    from .fsutil import atomic_write_bytes

    last = _last_entry(case)
    assert last is not None
    record = _witness(case, examiner_key, "receipt", last.seq, last.entry_hash)
    text = json.dumps(witness.receipt_json(record, case.info().title), indent=1, ensure_ascii=False)
    atomic_write_bytes(Path(out), text.encode("utf-8") + b"\n")
    return record


# --- reviewer feedback (issue 11 part 6: the review helper's block) ------------------

@dataclass(frozen=True)
class FeedbackImport:
    """What importing a reviewer's signed notes recorded."""

    reviewer: str
    reviewer_fingerprint: str
    notes_sha256: str
    packet_name: str
    received: int  # judgements recorded now
    already: int  # judgements of this file received before
    notes: int  # the reviewer's free notes in the file (shown with it, not recorded)


def import_review_notes(case: Case, notes: Path | str) -> OpResult[FeedbackImport]:
    """Receive a reviewer's signed notes as feedback: check the signature, check that the notes
    are about a packet this case sealed (its case id, its key, a ``sealed`` entry with the
    packet's tag manifest hash), then record each judgement not received before beside the
    record it is about, custody-logged as ``feedback_received``. The case's own records are not
    changed. Raises :class:`~.packet.review.NotesRefused` (exit 1) when a check fails."""
    from .feedback import FeedbackSource
    from .packet.review import NotesRefused, read_review_notes

    notes = Path(notes)
    signed = read_review_notes(notes)
    if not signed.check.ok:
        raise NotesRefused(f"the review notes were refused, nothing was imported: {signed.check.message}")
    packet = signed.packet
    info = case.info()
    if packet.get("case_id") != case.id:
        raise NotesRefused(f"the review notes {notes.name} are about case {packet.get('case_id')!r}, not this case "
                           f"({case.id}); nothing was imported")
    if packet.get("fingerprint") != info.fingerprint:
        raise NotesRefused(f"the review notes {notes.name} are about a packet sealed with key "
                           f"{packet.get('fingerprint')}, not this case's key {info.fingerprint}; nothing was imported")
    tag = str(packet.get("tagmanifest_sha256") or "")
    sealed = {e.details_dict.get("tagmanifest_sha256") for e in case.history.entries() if e.action == "sealed"}
    if not tag or tag not in sealed:
        raise NotesRefused(f"the review notes {notes.name} are about a packet ({packet.get('name')}, tag manifest "
                           f"{tag[:16]}…) this case never sealed; nothing was imported")
    judgements = signed.judgements
    source = FeedbackSource(reviewer=signed.check.reviewer, reviewer_fingerprint=signed.check.fingerprint,
                            notes_sha256=signed.sha256, notes_name=notes.name, packet_name=str(packet.get("name", "")),
                            packet_tagmanifest_sha256=tag)
    if case.read_only:
        raise BadInput("this case is open read-only; the feedback cannot be recorded")
    result = _run(case, lambda: case.feedback.receive(source, judgements))
    return OpResult(FeedbackImport(source.reviewer, source.reviewer_fingerprint, source.notes_sha256,
                                   source.packet_name, len(result.value), len(judgements) - len(result.value),
                                   signed.check.notes), result.changes)
