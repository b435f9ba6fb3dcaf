"""The timeline: ``event add`` and ``event edit``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .common import EXIT_OK, add_command, add_group, open_case

CHOICES = ("day-first", "month-first", "dst-first", "dst-second")  # uncertain_time.CHOICES, kept light
READING_HELP = ("which reading is meant when the time can be read two ways: a numeric date's order, "
                "or the first/second occurrence of a wall time around a daylight-saving change (repeatable)")


def cmd_event_add(args: argparse.Namespace) -> int:
    from ..core import operations as ops
    from ..core import uncertain_time as utime

    choose = ",".join(args.reading or []) or None
    with open_case(args) as case:
        event = ops.add_event(case, args.title, when=args.when, tz=args.tz, place=args.place,
                              notes=args.notes, choose=choose).value
        print(event.id)
        if event.time.note:
            print(f"note: {event.time.raw!r} read as {event.time.display()}: {event.time.note}", file=sys.stderr)
        asked = utime.parse(event.time.raw, event.time.tz, choose=choose)
        if asked.ambiguous:
            print("note: the time can be read more than one way; edit it with "
                  + " or ".join(f"--reading {a.choice} ({a.label})" for a in asked.alternatives), file=sys.stderr)
    return EXIT_OK


def cmd_event_edit(args: argparse.Namespace) -> int:
    from ..core import operations as ops

    fields = {k: v for k, v in (("title", args.title), ("place", args.place), ("notes", args.notes)) if v is not None}
    with open_case(args) as case:
        ops.edit_event(case, args.event_id, args.reason, when=args.when, tz=args.tz,
                       choose=",".join(args.reading) if args.reading else None, **fields)
    return EXIT_OK


def register(sub: Any) -> None:
    event = add_group(sub, "event", "add or edit timeline events")
    p = add_command(event, "add", cmd_event_add, "add an event; prints its id")
    p.add_argument("--title", required=True)
    p.add_argument("--when", help="the time as the source gave it, e.g. '04-Oct-2025/12:34:44'")
    p.add_argument("--tz", help="IANA zone the time is read in (default: the case's)")
    p.add_argument("--place", default="")
    p.add_argument("--notes", default="")
    p.add_argument("--reading", action="append", choices=CHOICES, help=READING_HELP)
    p = add_command(event, "edit", cmd_event_edit, "edit an event (logged with the old value)")
    p.add_argument("event_id", type=int)
    for name in ("title", "place", "notes", "when", "tz"):
        p.add_argument(f"--{name}")
    p.add_argument("--reading", action="append", choices=CHOICES, help=READING_HELP)
    p.add_argument("--reason", default="")
