"""What a chain-of-custody report says, as plain frozen data.

One :class:`ReportModel` is built from a case and handed to both renderers
(PDF and HTML), so the two formats cannot disagree. Every value in it is a
string, number, boolean or a tuple of such records, so the model has one
canonical JSON form; the *report hash* printed on every page is the SHA-256
of that form (see :func:`report_hash`).
"""

from __future__ import annotations

import hashlib
import platform
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ... import __version__
from ..admiralty import describe, describe_notation
from ..custody import CustodyEntry, canonical
from ..custody_text import describe_entry
from ..records import Claim, Grade, Item, Statement
from ..sizes import format_bytes_exact
from ..uncertain_time import UncertainTime
from ..witness import head_code

if TYPE_CHECKING:
    from ..case import Case
    from ..verify import VerifyReport

REPORT_HASH_EXPLANATION = (
    "SHA-256 of the canonical JSON (keys sorted, no whitespace, UTF-8) of everything this report states: "
    "every field of every section, including the generation time. It identifies this report's content, "
    "not the case file; the HTML edition embeds that JSON so anyone can recompute it.")
HEAD_CODE_EXPLANATION = (
    "The custody entry that was the head when this report was made, and the first 80 bits of its hash in "
    "base32. Type it back to check that the case was not rolled back or rewritten since: "
    "evidence-desk verify CASE --code \"CODE\".")


# --- records of the model ----------------------------------------------------------------------------

@dataclass(frozen=True)
class TimeText:
    """An uncertain time as the report shows it: what was said, how it was read, how sure."""

    display: str
    raw: str
    precision: str
    normalised: str  # "start / end" in ISO 8601, empty when unknown
    tz: str
    note: str


@dataclass(frozen=True)
class GradeLine:
    target: str  # "source 2 (Chicago Police Department)", "item 4", ...
    grade: str  # Admiralty notation, "B2", "B-", "-2"
    meaning: str
    rationale: str
    graded_by: str
    graded_at: str


@dataclass(frozen=True)
class CustodyLine:
    seq: int
    at_utc: str
    at_local: str
    examiner: str
    action: str
    location: str
    purpose: str
    released_by: str
    received_by: str
    condition: str
    detail: str
    item_sha256: str  # the item's hash recorded at that moment; "" when the action records none
    matches_catalogue: bool
    entry_hash: str


@dataclass(frozen=True)
class AnnotationLine:
    id: int
    kind: str
    anchor: str
    speaker: str
    text: str
    created_by: str
    created_at: str


@dataclass(frozen=True)
class ItemRef:
    id: int
    name: str
    sha256: str
    note: str


@dataclass(frozen=True)
class ItemSection:
    id: int
    name: str
    kind: str
    media_type: str
    size: int
    size_text: str
    sha256: str
    description: str
    acquired_at: str
    acquired_by: str
    acquired_from: str
    method: str
    original_path: str
    source: str
    grade: str
    grade_meaning: str
    derived_from: str
    derivation_reason: str
    events: tuple[str, ...]
    custody: tuple[CustodyLine, ...]
    annotations: tuple[AnnotationLine, ...]
    derived: tuple[ItemRef, ...]
    grades: tuple[GradeLine, ...]


@dataclass(frozen=True)
class EventLine:
    id: int
    title: str
    place: str
    time: TimeText
    normalised_by: str
    notes: str
    item_ids: tuple[int, ...]
    statement_ids: tuple[int, ...]


@dataclass(frozen=True)
class StatementSection:
    id: int
    speaker: str
    affiliation: str
    medium: str
    time: TimeText
    text: str
    source: str
    grade: str
    grade_meaning: str
    item: str
    event_ids: tuple[int, ...]
    grades: tuple[GradeLine, ...]


@dataclass(frozen=True)
class EvidenceLine:
    kind: str  # "item" or "statement"
    id: int
    label: str
    grade: str
    note: str
    in_report: bool  # False: the evidence lies outside this subset


@dataclass(frozen=True)
class ClaimSection:
    id: int
    text: str
    grade: str
    grade_meaning: str
    contested: bool
    supporting: tuple[EvidenceLine, ...]
    contradicting: tuple[EvidenceLine, ...]
    mentions: tuple[EvidenceLine, ...]
    grades: tuple[GradeLine, ...]


@dataclass(frozen=True)
class RequestLine:
    id: int
    title: str
    description: str
    addressed_to: str
    asked: TimeText
    due: TimeText
    status: str
    item_ids: tuple[int, ...]


@dataclass(frozen=True)
class SourceLine:
    id: int
    name: str
    kind: str
    description: str
    reliability: str
    meaning: str
    grades: tuple[GradeLine, ...]


@dataclass(frozen=True)
class VerificationSummary:
    ok: bool
    summary: str
    items: int
    objects: int
    bytes_hashed: int
    custody_entries: int
    failures: tuple[str, ...]


@dataclass(frozen=True)
class ReportModel:
    """Everything one chain-of-custody report states; both renderers draw only this."""

    report_title: str
    case_id: str
    case_title: str
    case_description: str
    case_created_at: str
    case_created_by: str
    case_tz: str
    examiner: str
    generated_at_utc: str
    generated_at_local: str
    software: str
    packet_fingerprint: str
    fingerprint_label: str
    case_key_fingerprint: str
    scope: str  # "case", "event" or "items"
    scope_text: str
    custody_head_seq: int
    custody_head_hash: str
    #: the head as a person can type it back (``verify --code``): ``#57 ABCD-EFGH-IJKL-MNOP``
    custody_head_code: str
    #: the examiner key of the newest checkpoint in the chain (verification checks its signature)
    examiner_fingerprint: str
    examiner_key_label: str
    items: tuple[ItemSection, ...]
    events: tuple[EventLine, ...]
    statements: tuple[StatementSection, ...]
    claims: tuple[ClaimSection, ...]
    requests: tuple[RequestLine, ...]
    sources: tuple[SourceLine, ...]
    case_log: tuple[CustodyLine, ...]
    verification: VerificationSummary

    @property
    def is_subset(self) -> bool:
        return self.scope != "case"


_last_json: tuple[ReportModel | None, str] = (None, "")


def model_json(model: ReportModel) -> str:
    """The canonical JSON of the report's content (what :func:`report_hash` hashes)."""
    global _last_json
    last, text = _last_json
    if last is model:  # the editions of one report ask for it several times; a model never changes
        return text
    text = canonical(_plain(model))
    _last_json = (model, text)
    return text


def _plain(value: Any) -> Any:
    """``dataclasses.asdict`` for this model, without its deep copies (a large report has ~10^5 fields)."""
    fields = getattr(type(value), "__dataclass_fields__", None)
    if fields is not None:
        return {name: _plain(getattr(value, name)) for name in fields}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def report_hash(model: ReportModel) -> str:
    return hashlib.sha256(model_json(model).encode("utf-8")).hexdigest()


# --- formatting helpers shared by both renderers -------------------------------------------------------

def time_text(t: UncertainTime) -> TimeText:
    normalised = ""
    if t.start:
        normalised = t.start if t.end in (None, t.start) else f"{t.start} / {t.end}"
    return TimeText(display=t.display(), raw=t.raw, precision=t.precision, normalised=normalised, tz=t.tz,
                    note=t.note)


def _grade_line(g: Grade, target: str) -> GradeLine:
    return GradeLine(target=target, grade=g.text, meaning=describe_notation(g.text), rationale=g.rationale,
                     graded_by=g.graded_by, graded_at=g.graded_at)


def _anchor(a: Any) -> str:
    if a.kind == "audio_segment" and a.start_s is not None:
        return f"audio {_clock(a.start_s)}–{_clock(a.end_s)}"
    if a.kind == "region":
        page = f"page {a.page} " if a.page is not None else ""
        return f"{page}region x={a.x:g} y={a.y:g} w={a.w:g} h={a.h:g}" if a.x is not None else f"{page}region"
    if a.kind == "passage" and a.text_start is not None:
        return f"characters {a.text_start}–{a.text_end}"
    return a.kind


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes):02d}:{rest:06.3f}"


def _custody_line(entry: CustodyEntry, current_sha: str | None) -> CustodyLine:
    sha = entry.item_sha256 or ""
    text = describe_entry(entry)
    return CustodyLine(seq=entry.seq, at_utc=entry.at_utc, at_local=text.local_time,
                       examiner=entry.examiner, action=text.action, location=entry.location,
                       purpose=entry.purpose, released_by=entry.released_by, received_by=entry.received_by,
                       condition=entry.condition, detail=text.detail, item_sha256=sha,
                       matches_catalogue=bool(sha) and sha == current_sha, entry_hash=entry.entry_hash)


# --- building ------------------------------------------------------------------------------------------

def build_report_model(case: Case, *, event_id: int | None = None, item_ids: Sequence[int] | None = None,
                       verification: VerifyReport | None = None, packet_fingerprint: str = "") -> ReportModel:
    """Collect what the report states about ``case`` (or a subset of it).

    ``event_id``: only that event's items (and records derived from them), its statements, and the
    claims linked to those. ``item_ids``: only those items (and their derived records), the
    statements drawn from them, and the claims linked to either. ``verification``: a
    :class:`~evidence_desk.core.verify.VerifyReport`; when None the case is verified now, so the
    report states what held at the moment of export.
    """
    if event_id is not None and item_ids is not None:
        from ..errors import BadInput

        raise BadInput("a report subset is either one event or a list of items, not both")
    if verification is None:
        from ..verify import verify

        verification = verify(case.path, key=case.key)
    info = case.info()
    now = datetime.now(UTC)

    all_items = {i.id: i for i in case.items.list()}
    all_events = case.events.list()
    events = all_events
    all_statements = case.statements.list()
    event_items: dict[int, list[int]] = {e.id: [i.id for i in case.items.list(event_id=e.id)] for e in events}
    if event_id is not None:
        event = case.events.get(event_id)  # raises UnknownRecord for a bad id
        statements = [s for s in all_statements if event.id in s.event_ids]
        # the items its statements quote come along, as they do in the event's packet
        chosen = _with_derived(set(event_items[event.id]) | {s.item_id for s in statements if s.item_id},
                               all_items)
        events = [event]
        scope, scope_text = "event", (
            f"SUBSET: only event #{event.id} \u201c{event.title}\u201d ({event.time.display()}): its "
            f"{len(chosen)} item(s) including records derived from them, its {len(statements)} statement(s), "
            "and the claims linked to those. Other items of the case are not in this report.")
    elif item_ids is not None:
        missing = [i for i in item_ids if i not in all_items]
        if missing:
            from ..errors import UnknownRecord

            raise UnknownRecord("no item with id " + ", ".join(str(i) for i in missing))
        chosen = _with_derived(set(item_ids), all_items)
        statements = [s for s in all_statements if s.item_id in chosen]
        events = [e for e in events if set(event_items[e.id]) & chosen]
        scope, scope_text = "items", (
            "SUBSET: only the selected item(s) " + ", ".join(f"#{i}" for i in sorted(set(item_ids)))
            + f" and records derived from them ({len(chosen)} item(s) in all), the statements drawn from "
            "them, and the claims linked to those. Other items of the case are not in this report.")
    else:
        chosen = set(all_items)
        statements = all_statements
        scope, scope_text = "case", "The whole case: every item, event, statement, claim and request."

    statement_ids = {s.id for s in statements}
    claims = [c for c in case.claims.list() if scope == "case" or any(
        (link.item_id in chosen) or (link.statement_id in statement_ids) for link in c.links)]

    custody_by_item: dict[int, list[CustodyEntry]] = {}
    case_log: list[CustodyEntry] = []
    chain = case.history.entries()
    for entry in chain:
        if entry.item_id is not None:
            custody_by_item.setdefault(entry.item_id, []).append(entry)
        elif scope == "case":
            case_log.append(entry)
    annotations: dict[int, list[Any]] = {}
    for a in case.annotations.list():
        annotations.setdefault(a.item_id, []).append(a)
    grades: dict[tuple[str, int], list[Grade]] = {}
    for g in case.grades.list():
        grades.setdefault((g.target_type, g.target_id), []).append(g)
    sources = {s.id: s for s in case.sources.list()}
    events_by_id = {e.id: e for e in all_events}
    item_events: dict[int, list[int]] = {}
    for eid, ids in event_items.items():
        for iid in ids:
            item_events.setdefault(iid, []).append(eid)
    derived: dict[int, list[Item]] = {}
    for item in all_items.values():
        if item.derived_from is not None:
            derived.setdefault(item.derived_from, []).append(item)

    def source_label(source_id: int | None, name: str) -> str:
        return f"{name} (source #{source_id})" if source_id is not None else "—"

    def grade_history(item: Item) -> tuple[GradeLine, ...]:
        lines = [_grade_line(g, f"source #{item.source_id} ({item.source_name})")
                 for g in grades.get(("source", item.source_id), [])] if item.source_id is not None else []
        lines += [_grade_line(g, f"item #{item.id}") for g in grades.get(("item", item.id), [])]
        return tuple(sorted(lines, key=lambda g: g.graded_at))

    item_sections = []
    for item_id in sorted(chosen):
        item = all_items[item_id]
        parent = all_items.get(item.derived_from) if item.derived_from is not None else None
        item_sections.append(ItemSection(
            id=item.id, name=item.name, kind=item.kind, media_type=item.media_type, size=item.size,
            size_text=format_bytes_exact(item.size), sha256=item.sha256, description=item.description,
            acquired_at=item.acquired_at, acquired_by=item.acquired_by, acquired_from=item.acquired_from,
            method=item.acquisition_method, original_path=item.original_path,
            source=source_label(item.source_id, item.source_name), grade=item.grade,
            grade_meaning=describe_notation(item.grade),
            derived_from=(f"item #{parent.id} ({parent.name})" if parent else
                          (f"item #{item.derived_from}" if item.derived_from is not None else "")),
            derivation_reason=item.derivation_reason,
            events=tuple(f"#{e} {events_by_id[e].title}" for e in sorted(
                item_events.get(item.id, []), key=lambda e: (events_by_id[e].time.sort_utc is None,
                                                               events_by_id[e].time.sort_utc or "", e))),
            custody=tuple(_custody_line(e, item.sha256) for e in custody_by_item.get(item.id, [])),
            annotations=tuple(AnnotationLine(id=a.id, kind=a.kind.replace("_", " "), anchor=_anchor(a),
                                             speaker=a.speaker, text=a.text, created_by=a.created_by,
                                             created_at=a.created_at) for a in annotations.get(item.id, [])),
            derived=tuple(ItemRef(id=d.id, name=d.name, sha256=d.sha256, note=d.derivation_reason)
                          for d in derived.get(item.id, [])),
            grades=grade_history(item)))

    statement_sections = [_statement_section(s, all_items, grades) for s in statements]
    event_lines = [EventLine(id=e.id, title=e.title, place=e.place, time=time_text(e.time),
                             normalised_by=e.normalised_by, notes=e.notes,
                             item_ids=tuple(i for i in event_items.get(e.id, []) if i in chosen),
                             statement_ids=tuple(s.id for s in statements if e.id in s.event_ids))
                   for e in events]
    statements_by_id = {s.id: s for s in all_statements}
    claim_sections = [_claim_section(c, all_items, statements_by_id, chosen, statement_ids, grades)
                      for c in claims]
    requests = [r for r in case.requests.list()
                if scope == "case" or set(r.item_ids) & chosen or (not r.item_ids and r.status == "open")]
    request_lines = sorted((RequestLine(id=r.id, title=r.title, description=r.description,
                                        addressed_to=r.addressed_to, asked=time_text(r.asked),
                                        due=time_text(r.due), status=r.status, item_ids=r.item_ids)
                            for r in requests), key=lambda r: (r.status != "open", r.id))
    used_sources = ({i.source_id for i in all_items.values() if i.id in chosen}
                    | {s.source_id for s in statements}) if scope != "case" else set(sources)
    source_lines = [SourceLine(id=s.id, name=s.name, kind=s.kind, description=s.description,
                               reliability=s.reliability or "", meaning=describe(s.reliability, None),
                               grades=tuple(_grade_line(g, f"source #{s.id}")
                                            for g in grades.get(("source", s.id), [])))
                    for s in sources.values() if s.id in used_sources]

    if packet_fingerprint:
        fingerprint, label = packet_fingerprint, "Packet fingerprint (given by the packet that carries this report)"
    else:
        fingerprint, label = info.fingerprint, (
            "Case signing-key fingerprint (no packet fingerprint was given: this report was not exported "
            "inside a sealed packet)")
    head = chain[-1] if chain else None
    signed = next((e for e in reversed(chain) if e.action == "checkpoint"), None)
    if signed is not None:
        examiner_fingerprint = str(signed.details_dict.get("fingerprint", ""))
        examiner_label = (f"Examiner key that signed custody checkpoint #{signed.seq} (covering entries up to "
                          f"#{signed.details_dict.get('head_seq')}); compare it with a value you trust")
    else:
        examiner_fingerprint, examiner_label = "none", "No examiner key has signed this case's custody chain"
    return ReportModel(
        report_title="Chain-of-custody report", case_id=info.id, case_title=info.title,
        case_description=info.description, case_created_at=info.created_at, case_created_by=info.created_by,
        case_tz=info.default_tz, examiner=case.examiner,
        generated_at_utc=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        generated_at_local=_local_generated(now, info.default_tz),
        software=f"Evidence Desk {__version__} (Python {platform.python_version()})",
        packet_fingerprint=fingerprint, fingerprint_label=label, case_key_fingerprint=info.fingerprint,
        scope=scope, scope_text=scope_text,
        custody_head_seq=head.seq if head else 0, custody_head_hash=head.entry_hash if head else "",
        custody_head_code=head_code(head.seq, head.entry_hash) if head else "",
        examiner_fingerprint=examiner_fingerprint, examiner_key_label=examiner_label,
        items=tuple(item_sections), events=tuple(event_lines), statements=tuple(statement_sections),
        claims=tuple(claim_sections), requests=tuple(request_lines), sources=tuple(source_lines),
        case_log=tuple(_custody_line(e, None) for e in case_log),
        verification=VerificationSummary(ok=verification.ok, summary=verification.summary(),
                                         items=verification.items, objects=verification.objects,
                                         bytes_hashed=verification.bytes_hashed,
                                         custody_entries=verification.custody_entries,
                                         failures=tuple(str(f) for f in verification.failures)))


def _local_generated(now: datetime, case_tz: str) -> str:
    """The generation time on this machine's clock, and in the case's zone when that differs."""
    local = now.astimezone()
    text = local.strftime("%Y-%m-%d %H:%M:%S %Z (UTC%z)")
    try:
        from ..uncertain_time import zone

        in_case = now.astimezone(zone(case_tz))
    except Exception:  # a stored zone this machine's tz database lacks: the machine time suffices
        return text
    if in_case.utcoffset() != local.utcoffset() or case_tz not in ("UTC", str(local.tzinfo)):
        text += f"; {in_case:%Y-%m-%d %H:%M:%S} {case_tz} (case time zone)"
    return text


def _with_derived(ids: set[int], items: dict[int, Item]) -> set[int]:
    """``ids``, every record derived from them and every original they derive
    from, at any depth (the same closure a packet of the subset carries)."""
    chosen = set(ids)
    grew = True
    while grew:
        more = {i.id for i in items.values() if i.derived_from in chosen and i.id not in chosen}
        more |= {items[i].derived_from for i in chosen
                 if i in items and items[i].derived_from is not None and items[i].derived_from not in chosen}
        chosen |= more
        grew = bool(more)
    return chosen


def _statement_section(s: Statement, items: dict[int, Item],
                       grades: dict[tuple[str, int], list[Grade]]) -> StatementSection:
    lines = [_grade_line(g, f"source #{s.source_id} ({s.source_name})")
             for g in grades.get(("source", s.source_id), [])] if s.source_id is not None else []
    lines += [_grade_line(g, f"statement #{s.id}") for g in grades.get(("statement", s.id), [])]
    item = items.get(s.item_id) if s.item_id is not None else None
    return StatementSection(
        id=s.id, speaker=s.speaker, affiliation=s.affiliation, medium=s.medium, time=time_text(s.time),
        text=s.text, source=f"{s.source_name} (source #{s.source_id})" if s.source_id is not None else "—",
        grade=s.grade, grade_meaning=describe_notation(s.grade),
        item=f"item #{item.id} ({item.name})" if item else "", event_ids=s.event_ids,
        grades=tuple(sorted(lines, key=lambda g: g.graded_at)))


def _claim_section(c: Claim, items: dict[int, Item], statements: dict[int, Statement], chosen: set[int],
                   statement_ids: set[int], grades: dict[tuple[str, int], list[Grade]]) -> ClaimSection:
    by_stance: dict[str, list[EvidenceLine]] = {"supports": [], "contradicts": [], "mentions": []}
    for link in c.links:
        if link.item_id is not None:
            item = items.get(link.item_id)
            label = f"item #{link.item_id} {item.name}" if item else f"item #{link.item_id}"
            line = EvidenceLine(kind="item", id=link.item_id, label=label, grade=item.grade if item else "",
                                note=link.note, in_report=link.item_id in chosen)
        else:
            s = statements.get(link.statement_id)  # type: ignore[arg-type]
            label = (f"statement #{s.id} {s.speaker}" + (f" ({s.affiliation})" if s.affiliation else "")
                     + f", {s.medium}: \u201c{_excerpt(s.text)}\u201d") if s else f"statement #{link.statement_id}"
            line = EvidenceLine(kind="statement", id=link.statement_id or 0, label=label,
                                grade=s.grade if s else "", note=link.note,
                                in_report=link.statement_id in statement_ids)
        by_stance.setdefault(link.stance, []).append(line)
    grade = f"-{c.credibility}" if c.credibility else ""
    return ClaimSection(id=c.id, text=c.text, grade=grade, grade_meaning=describe_notation(grade),
                        contested=c.contested, supporting=tuple(by_stance["supports"]),
                        contradicting=tuple(by_stance["contradicts"]), mentions=tuple(by_stance["mentions"]),
                        grades=tuple(_grade_line(g, f"claim #{c.id}") for g in grades.get(("claim", c.id), [])))


def _excerpt(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1].rstrip() + "…"
