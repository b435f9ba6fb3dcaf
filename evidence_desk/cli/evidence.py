"""Items of evidence: ``add``, ``edit``, ``link`` and ``transfer``."""

from __future__ import annotations

import argparse
from typing import Any

from ..core import store  # light: plain sqlite3, nothing heavy
from ..core.display import escaped
from .common import EXIT_OK, EXIT_USAGE, add_command, error, open_case


def cmd_add(args: argparse.Namespace) -> int:
    """Import every file given (folders recursively); a file that fails is named and the rest imported."""
    from ..core import operations as ops

    options = ops.IntakeOptions(kind=args.kind, event_ids=tuple(args.event or ()), source=args.source,
                                description=args.description, acquired_from=args.acquired_from,
                                method=args.method, purpose=args.purpose)
    with open_case(args) as case:
        imported = ops.import_files(case, args.files, options).value
    for item in imported.items:
        print(f"{item.id}\t{item.sha256}\t{escaped(item.name)}")
    for failure in imported.failures:
        error(f"{failure.path}: {failure.reason} (nothing imported)")
    return EXIT_USAGE if imported.failures else EXIT_OK


def cmd_edit(args: argparse.Namespace) -> int:
    from ..core import operations as ops

    fields = {k: v for k, v in (("description", args.description), ("kind", args.kind),
                                ("acquired_from", args.acquired_from), ("acquisition_method", args.method),
                                ("original_name", args.name), ("source", args.source)) if v is not None}
    with open_case(args) as case:
        item = ops.edit_item(case, args.item_id, args.reason, **fields).value
        print(f"{item.id}\t{item.sha256}\t{escaped(item.name)}")
    return EXIT_OK


def cmd_link(args: argparse.Namespace) -> int:
    from ..core import operations as ops

    with open_case(args) as case:
        ops.link_items(case, [args.item_id], args.event_id, link=not args.remove)
    return EXIT_OK


def cmd_transfer(args: argparse.Namespace) -> int:
    from ..core import operations as ops

    with open_case(args) as case:
        ops.transfer(case, args.item_ids, released_by=args.released_by, received_by=args.received_by,
                     purpose=args.purpose, condition=args.condition)
    return EXIT_OK


def register(sub: Any) -> None:
    p = add_command(sub, "add", cmd_add, "import evidence files or folders; prints: id, sha256, name")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--event", type=int, action="append", help="event id (repeatable)")
    p.add_argument("--kind", choices=store.ITEM_KINDS, help="default: detected from content")
    p.add_argument("--source", help="source name (created if new)")
    p.add_argument("--description", default="")
    p.add_argument("--from", dest="acquired_from", default="", help="who handed the evidence over")
    p.add_argument("--method", default="", help="how it was acquired")
    p.add_argument("--purpose", default="", help="why it was acquired")

    p = add_command(sub, "edit", cmd_edit, "edit an item's metadata (logged with the old value)")
    p.add_argument("item_id", type=int)
    p.add_argument("--description")
    p.add_argument("--kind", choices=store.ITEM_KINDS)
    p.add_argument("--from", dest="acquired_from")
    p.add_argument("--method")
    p.add_argument("--name")
    p.add_argument("--source")
    p.add_argument("--reason", default="")

    p = add_command(sub, "link", cmd_link, "attach an item to an event (or --remove)")
    p.add_argument("item_id", type=int)
    p.add_argument("event_id", type=int)
    p.add_argument("--remove", action="store_true")

    p = add_command(sub, "transfer", cmd_transfer, "record a transfer of items between people")
    p.add_argument("item_ids", type=int, nargs="+")
    p.add_argument("--released-by", required=True)
    p.add_argument("--received-by", required=True)
    p.add_argument("--purpose", required=True)
    p.add_argument("--condition", default="", help="condition or seal notes")
