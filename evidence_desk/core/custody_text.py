"""A custody entry in words, said the same way in the inspector and the report.

:func:`describe_entry` turns one stored :class:`~evidence_desk.core.custody.CustodyEntry`
into an :class:`EntryDescription`: a headline and a one-line summary for lists,
the entry's details in words, and every field labelled for a detail view.
Nothing here reads the case; it only reads the entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from .admiralty import notation
from .custody import CustodyEntry

#: a summary longer than this is cut (with "…"); the labelled fields keep everything
SUMMARY_LIMIT = 200
NONE = "—"


@dataclass(frozen=True)
class EntryDescription:
    """What one custody entry says happened."""

    seq: int
    action: str  # in words: "metadata changed"
    local_time: str  # the UTC time in the examiner's offset at that moment
    detail: str  # what the entry's details record; "" when they add nothing to its other fields
    headline: str  # "#12 · 2026-11-27 04:43:14 UTC · metadata changed · Test Examiner"
    summary: str  # one line: what, then why and any transfer, in brackets
    fields: tuple[tuple[str, str], ...]  # (label, value), every field of the entry

    def as_text(self) -> str:
        """``Label: value`` lines, one per field."""
        return "\n".join(f"{label}: {value}" for label, value in self.fields)


def describe_entry(entry: CustodyEntry) -> EntryDescription:
    """Describe ``entry`` for a person: one line for a list, every field for a closer look."""
    action = entry.action.replace("_", " ")
    detail = entry_detail(entry)
    local = local_time(entry.at_utc, entry.local_offset)
    transfer = " ".join(p for p in (f"from {entry.released_by}" if entry.released_by else "",
                                    f"to {entry.received_by}" if entry.received_by else "") if p)
    why = ", ".join(p for p in (entry.purpose, transfer) if p)
    summary = f"{detail} ({why})" if detail and why else detail or why
    when = entry.at_utc.replace("T", " ")[:19] + " UTC"
    fields: list[tuple[str, str]] = [
        ("Entry", f"#{entry.seq}"), ("Action", action),
        ("Concerns", entry.target_type if entry.target_id is None else f"{entry.target_type} #{entry.target_id}"),
        ("When (UTC)", entry.at_utc), ("Examiner's local time", local), ("By", entry.examiner),
        ("Where", entry.location or NONE), ("Why", entry.purpose or NONE)]
    if entry.released_by or entry.received_by:
        fields += [("Released by", entry.released_by or NONE), ("Received by", entry.received_by or NONE)]
    if entry.condition:
        fields.append(("Condition", entry.condition))
    if detail:
        fields.append(("What", detail))
    fields += [("Item SHA-256 then", entry.item_sha256 or NONE), ("Entry hash", entry.entry_hash),
               ("Previous entry hash", entry.prev_hash)]
    return EntryDescription(seq=entry.seq, action=action, local_time=local, detail=detail,
                            headline=f"#{entry.seq} · {when} · {action} · {entry.examiner}",
                            summary=_one_line(summary), fields=tuple(fields))


def entry_detail(entry: CustodyEntry) -> str:
    """What the entry's ``details`` record, in words ("" when they add nothing to its other fields)."""
    d = entry.details_dict
    action = entry.action
    if action in ("acquired", "derived", "imported"):
        parts = []
        if d.get("events"):
            parts.append("events " + ", ".join(f"#{e}" for e in d["events"]))
        if d.get("identical_content_items"):
            parts.append("same content as item(s) " + ", ".join(f"#{i}" for i in d["identical_content_items"]))
        return "; ".join(parts)
    if action.endswith("_changed"):
        if d.get("withdrawn"):
            old = d.get("old") or {}
            held = old.get("text") or old.get("title") or old.get("speaker") or ""
            return f"withdrawn (its creation undone): {held}".strip()
        if "field" in d:
            return f"{d['field']}: {d.get('old')!r} → {d.get('new')!r}"
        if "resulting_item" in d:
            return f"resulting item #{d['resulting_item']}"
        if "no_longer_resulting_item" in d:
            return f"item #{d['no_longer_resulting_item']} no longer listed as resulting"
        if d.get("unlinked"):
            target = f"item #{d['item_id']}" if d.get("item_id") is not None else f"statement #{d.get('statement_id')}"
            return f"{target} taken off the claim (was: {d.get('stance')}) {d.get('note', '')}".strip()
    if action == "annotated":
        change = f"{d['change']} " if d.get("change") in ("edited", "deleted") else ""
        return f"{change}annotation #{d.get('annotation')} ({d.get('kind')}): {d.get('text', '')}"
    if action == "graded":
        return f"grade {notation(d.get('reliability'), d.get('credibility'))}: {d.get('rationale', '')}"
    if action in ("linked", "unlinked"):
        return f"event #{d.get('event_id')}"
    if action == "exported":
        return f"destination: {d.get('destination', '')}"
    if action == "claim_linked":
        target = f"item #{d['item_id']}" if d.get("item_id") is not None else f"statement #{d.get('statement_id')}"
        return f"{d.get('stance')} claim #{entry.target_id} ({target}) {d.get('note', '')}".strip()
    if action == "journal_note":
        return str(d.get("text", ""))
    if action == "verified":
        return "intact" if d.get("ok") else "; ".join(str(f) for f in d.get("failures", [])) or ""
    if action in ("event_added", "statement_added", "claim_added", "request_added", "source_added"):
        return str(d.get("title") or d.get("name") or d.get("text") or d.get("speaker") or "")
    if action == "checkpoint":
        return f"signed entries up to #{d.get('head_seq')} with examiner key {d.get('fingerprint', '')}"
    if action == "key_handover":
        by = "the case key (not proven by the previous examiner)" if d.get("signer") == "case" else \
            f"examiner key {d.get('signer_fingerprint', '')}"
        return f"examiner key {d.get('new_fingerprint', '')} introduced by {by}"
    if action == "sealed":
        return ", ".join(f"{k}: {v}" for k, v in sorted(d.items()) if isinstance(v, str | int))
    return ""


def local_time(at_utc: str, offset: str) -> str:
    """A custody time in the examiner's local offset at that moment (``+0100`` -> 05:43:16 +01:00)."""
    try:
        moment = datetime.fromisoformat(at_utc.replace("Z", "+00:00"))
        sign = -1 if offset.startswith("-") else 1
        digits = offset.lstrip("+-")
        delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
        local = moment.astimezone(timezone(sign * delta))
    except (ValueError, IndexError):
        return f"{at_utc} (offset {offset!r} unreadable)"
    return local.strftime("%Y-%m-%d %H:%M:%S %z")[:-2] + ":" + local.strftime("%z")[-2:]


def _one_line(text: str) -> str:
    # Evidence text may hold line breaks and runs of spaces; a list row shows one line.
    flat = " ".join(text.split())
    return flat if len(flat) <= SUMMARY_LIMIT else flat[:SUMMARY_LIMIT - 1].rstrip() + "…"
