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
    pass


def cmd_report(args: argparse.Namespace) -> int:
    from ..core import operations as ops
    from ..core.report import format_for, report_hash

    format_for(args.output)  # an unsupported extension fails before the case is opened
    with open_case(args) as case:
        written = ops.export_report(case, args.output, event_id=args.event, item_ids=args.item,
                                    examiner_key=getattr(args, "examiner_key", None)).value
    model = written.model
    scope = "" if model.scope == "case" else f" (subset: {model.scope})"
    print(f"wrote {args.output}{scope}: {len(model.items)} item(s); report SHA-256 {report_hash(model)}")
    if not model.verification.ok:
        print(f"note: verification at export FAILED ({len(model.verification.failures)} problem(s)); "
              "the report says so")
    return EXIT_OK


def register(sub: Any) -> None:
    p = add_command(sub, "report", cmd_report,
                    "write the chain-of-custody report as PDF, HTML or JSON (format from the file extension)")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.pdf|FILE.html|FILE.json")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--event", type=int, metavar="ID", help="only this event's items, statements and claims")
    group.add_argument("--item", type=int, action="append", metavar="ID",
                       help="only these items (repeat the option); records derived from them come along")
