"""Build the demo case from the material shipped in ``resources/demo/``.

``demo.json`` describes the case (sources, events, items, statements,
claims, requests, journal) with local keys; this module turns it into a real
case through the same :class:`Case` calls an investigator's actions make, so
the demo carries a genuine custody chain. Nothing here is specific to the
Chicago incident: any manifest of the same shape builds a case.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .case import Case
from .errors import BadInput
from .resources import resource

ACQUIRED_AT = None  # demo items are acquired when the demo is built


def demo_dir() -> Path:
    return resource("demo")


def is_demo_case(info: Any) -> bool:
    """Whether a case (its :class:`~.records.CaseInfo`) is the bundled demo: same title and description."""
    try:
        spec = json.loads((demo_dir() / "demo.json").read_text("utf-8"))["case"]
    except (OSError, ValueError, KeyError):
        return False
    return info.title == spec.get("title") and info.description == spec.get("description", "")


def build_demo(case_dir: Path, manifest: Path | None = None,
               progress: Callable[[str], None] | None = None) -> Case:
    """Create the case described by ``manifest`` (default: the bundled demo) at ``case_dir``."""
    manifest = manifest or demo_dir() / "demo.json"
    try:
        spec: dict[str, Any] = json.loads(manifest.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise BadInput(f"cannot read demo manifest {manifest}: {exc}") from None
    base = manifest.parent
    say = progress or (lambda _msg: None)
    examiner = spec.get("examiner") or "Demo Investigator"
    info = spec["case"]
    case = Case.create(case_dir, info["title"], examiner, description=info.get("description", ""),
                       tz=info.get("tz", "America/Chicago"))
    try:
        _populate(case, spec, base, say)
    except BaseException:
        case.close()
        raise
    return case


def _grade(case: Case, target: str, target_id: int, grade: dict[str, Any] | None) -> None:
    if grade:
        case.grades.add(target, target_id, grade["rationale"], reliability=grade.get("reliability"),
                   credibility=grade.get("credibility"))


def _populate(case: Case, spec: dict[str, Any], base: Path, say: Callable[[str], None]) -> None:
    sources: dict[str, str] = {}
    for s in spec.get("sources", []):
        source = case.sources.add(s["name"], kind=s.get("kind", "other"), description=s.get("description", ""))
        sources[s["key"]] = source.name
        _grade(case, "source", source.id, s.get("grade"))
    say(f"{len(sources)} sources")

    events: dict[str, int] = {}
    for e in spec.get("events", []):
        event = case.events.add(e["title"], when=e.get("when"), tz=e.get("tz"), place=e.get("place", ""),
                               notes=e.get("notes", ""))
        events[e["key"]] = event.id
    say(f"{len(events)} events")

    items: dict[str, int] = {}
    for it in spec.get("items", []):
        item = case.items.import_file(base / it["file"], kind=it.get("kind"),
                                event_ids=[events[k] for k in it.get("events", [])],
                                source=sources.get(it.get("source", "")), description=it.get("description", ""),
                                acquired_from=it.get("acquired_from", ""), method=it.get("method", ""),
                                purpose="demo case intake")
        items[it["key"]] = item.id
        _grade(case, "item", item.id, it.get("grade"))
        for a in it.get("annotations", []):
            anchor = {k: v for k, v in a.items() if k not in ("kind", "text")}
            if a["kind"] == "audio_segment":
                anchor = {"start_s": a["start"], "end_s": a["end"], "speaker": a.get("speaker", "")}
            elif a["kind"] == "passage":
                anchor = {"text_start": a["start"], "text_end": a["end"]}
            case.annotations.add(item.id, a["kind"], a.get("text", ""), **anchor)
        for d in it.get("derived", []):
            path = base / d["file"]
            case.items.add_derived(item.id, path.read_bytes(), name=path.name, reason=d["reason"],
                             kind=d.get("kind", "document"), media_type=d.get("media_type", "text/plain"),
                             description=d.get("description", ""))
    say(f"{len(items)} items")

    statements: dict[str, int] = {}
    for st in spec.get("statements", []):
        text = st.get("text") or (base / st["text_file"]).read_text("utf-8")
        statement = case.statements.add(st["speaker"], st["medium"], text, affiliation=st.get("affiliation", ""),
                                       when=st.get("when"), tz=st.get("tz"),
                                       event_ids=[events[k] for k in st.get("events", [])],
                                       source=sources.get(st.get("source") or ""),
                                       item_id=items.get(st.get("item") or ""))
        statements[st["key"]] = statement.id
        _grade(case, "statement", statement.id, st.get("grade"))

    for c in spec.get("claims", []):
        claim = case.claims.add(c["text"])
        for link in c.get("links", []):
            case.claims.link(claim.id, link["stance"], item_id=items.get(link.get("item", "")),
                            statement_id=statements.get(link.get("statement", "")), note=link.get("note", ""))
        _grade(case, "claim", claim.id, c.get("grade"))

    for r in spec.get("requests", []):
        case.requests.add(r["title"], addressed_to=r.get("addressed_to", ""), asked=r.get("asked_at"),
                         due=r.get("due"), tz=r.get("tz"), description=r.get("description", ""),
                         status=r.get("status", "open"))

    for n in spec.get("journal", []):
        case.journal.add(n["text"], event_id=events.get(n.get("event") or ""),
                              item_id=items.get(n.get("item") or ""))
    say("demo case complete")
