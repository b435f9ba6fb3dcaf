"""The chain-of-custody report: ``report``.

Writing a report is logged in the custody chain as the GUI's File ▸ Export
Report logs it: a case-level ``exported`` entry naming the file and its
SHA-256, so the chain says who took the report, when, and of what.

Heavy modules are imported inside the command function: the CLI must start fast.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .common import EXIT_OK, add_command, open_case

if TYPE_CHECKING:
    from ..core.case import Case
    from ..core.report import ReportModel


def cmd_report(args: argparse.Namespace) -> int:
    from ..core.report import format_for, report_hash, write_report_model

    fmt = format_for(args.output)  # an unsupported extension fails before any work
    with open_case(args) as case:
        if args.event is not None:
            case.events.get(args.event)  # an unknown id fails with one line, before verification runs
        model = write_report_model(case, args.output, fmt=fmt, event_id=args.event,
                                   item_ids=args.item or None)
        _record_export(case, args.output, model, event_id=args.event, item_ids=args.item)
    scope = "" if model.scope == "case" else f" (subset: {model.scope})"
    print(f"wrote {args.output}{scope}: {len(model.items)} item(s); report SHA-256 {report_hash(model)}")
    if not model.verification.ok:
        print(f"note: verification at export FAILED ({len(model.verification.failures)} problem(s)); "
              "the report says so")
    return EXIT_OK


def _record_export(case: Case, out: Path, model: ReportModel, *, event_id: int | None,
                  item_ids: list[int] | None) -> None:
    """The custody entry for a report written to ``out``: the same action, purpose and details
    as the GUI's report export (gui/exporting.py), plus the items chosen for an item subset."""
    from ..core.vault import hash_file

    out = Path(out).resolve()
    if event_id is not None:
        scope = f"event {event_id}"
    elif item_ids:
        scope = "items " + ", ".join(str(i) for i in sorted(set(item_ids)))
    else:
        scope = "case"
    details: dict[str, Any] = {"report": str(out), "report_sha256": hash_file(out).sha256, "event_id": event_id,
                               "items": len(model.items)}
    if item_ids:
        details["item_ids"] = sorted(set(item_ids))
    case.history.record_case_action("exported", f"chain-of-custody report ({scope}) written to {out.name}",
                            details=details)


def register(sub: Any) -> None:
    p = add_command(sub, "report", cmd_report,
                    "write the chain-of-custody report as PDF, HTML or JSON (format from the file extension)")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.pdf|FILE.html|FILE.json")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--event", type=int, metavar="ID", help="only this event's items, statements and claims")
    group.add_argument("--item", type=int, action="append", metavar="ID",
                       help="only these items (repeat the option); records derived from them come along")
