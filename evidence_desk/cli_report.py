"""Command-line commands for the report layer, registered into :mod:`evidence_desk.cli`.

Keep imports of heavy modules inside the command functions: the CLI must start fast.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def cmd_report(args: argparse.Namespace) -> int:
    from .cli import EXIT_OK, _open
    from .core.report import format_for, report_hash, write_report_model

    fmt = format_for(args.output)  # an unsupported extension fails before any work
    with _open(args, read_only=True) as case:
        if args.event is not None:
            case.events.get(args.event)  # an unknown id fails with one line, before verification runs
        model = write_report_model(case, args.output, fmt=fmt, event_id=args.event,
                                   item_ids=args.item or None)
    scope = "" if model.scope == "case" else f" (subset: {model.scope})"
    print(f"wrote {args.output}{scope}: {len(model.items)} item(s); report SHA-256 {report_hash(model)}")
    if not model.verification.ok:
        print(f"note: verification at export FAILED ({len(model.verification.failures)} problem(s)); "
              "the report says so")
    return EXIT_OK


def register(sub: Any) -> None:
    """Add this layer's subcommands to the CLI's subparsers."""
    from .cli import _command

    p = _command(sub, "report", cmd_report,
                 "write the chain-of-custody report as PDF, HTML or JSON (format from the file extension)")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.pdf|FILE.html|FILE.json")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--event", type=int, metavar="ID", help="only this event's items, statements and claims")
    group.add_argument("--item", type=int, action="append", metavar="ID",
                       help="only these items (repeat the option); records derived from them come along")
