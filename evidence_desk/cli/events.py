"""The timeline: ``event add`` and ``event edit``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .common import EXIT_OK, add_command, add_group, open_case


def cmd_event_add(args: argparse.Namespace) -> int:
    from ..core import operations as ops

    with open_case(args) as case:
        event = ops.add_event(case, args.title, when=args.when, tz=args.tz, place=args.place,
                              notes=args.notes).value
        print(event.id)
        if event.time.note:
            print(f"note: {event.time.raw!r} read as {event.time.display()}: {event.time.note}", file=sys.stderr)
    return EXIT_OK


def cmd_event_edit(args: argparse.Namespace) -> int:
    from ..core import operations as ops

    fields = {k: v for k, v in (("title", args.title), ("place", args.place), ("notes", args.notes)) if v is not None}
    with open_case(args) as case:
        ops.edit_event(case, args.event_id, args.reason, when=args.when, tz=args.tz, **fields)
    return EXIT_OK


def register(sub: Any) -> None:
    event = add_group(sub, "event", "add or edit timeline events")
    p = add_command(event, "add", cmd_event_add, "add an event; prints its id")
    p.add_argument("--title", required=True)
    p.add_argument("--when", help="the time as the source gave it, e.g. '04-Oct-2025/12:34:44'")
    p.add_argument("--tz", help="IANA zone the time is read in (default: the case's)")
    p.add_argument("--place", default="")
    p.add_argument("--notes", default="")
    p = add_command(event, "edit", cmd_event_edit, "edit an event (logged with the old value)")
    p.add_argument("event_id", type=int)
    for name in ("title", "place", "notes", "when", "tz"):
        p.add_argument(f"--{name}")
    p.add_argument("--reason", default="")
