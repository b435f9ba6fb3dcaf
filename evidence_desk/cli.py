"""The command line over core: what tests, benchmarks and scripts drive.

Starts fast: core modules and heavy libraries are imported inside the
command that needs them. A user-fixable error prints one line on stderr and
exits 2; ``verify`` exits 1 when something failed; nothing prints a traceback
for bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import __version__

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _open(args: argparse.Namespace, read_only: bool = False):
    from .core.case import Case

    return Case.open(args.case_dir, read_only=read_only, examiner=getattr(args, "examiner", None))


def _print_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


# --- commands ----------------------------------------------------------------

def cmd_init(args: argparse.Namespace) -> int:
    from .core.case import Case, resolve_examiner

    examiner = resolve_examiner(args.examiner)
    with Case.create(args.case_dir, args.title, examiner, description=args.description, tz=args.tz) as case:
        print(f"created case {case.id} at {case.path}")
        print(f"signing key fingerprint {case.info().fingerprint}")
    return EXIT_OK


def cmd_event_add(args: argparse.Namespace) -> int:
    with _open(args) as case:
        event = case.events.add(args.title, when=args.when, tz=args.tz, place=args.place, notes=args.notes)
        print(event.id)
        if event.time.note:
            print(f"note: {event.time.raw!r} read as {event.time.display()}: {event.time.note}", file=sys.stderr)
    return EXIT_OK


def cmd_event_edit(args: argparse.Namespace) -> int:
    fields = {k: v for k, v in (("title", args.title), ("place", args.place), ("notes", args.notes)) if v is not None}
    with _open(args) as case:
        case.events.edit(args.event_id, reason=args.reason, when=args.when, tz=args.tz, **fields)
    return EXIT_OK


def cmd_add(args: argparse.Namespace) -> int:
    from .core.errors import ImportFailed
    from .core.items import expand_paths

    status = EXIT_OK
    with _open(args) as case:
        for event_id in args.event or []:
            case.events.get(event_id)  # unknown id: fail before copying anything
        for path in expand_paths(args.files):
            try:
                item = case.items.import_file(path, kind=args.kind, event_ids=args.event or [], source=args.source,
                                        description=args.description, acquired_from=args.acquired_from,
                                        method=args.method, purpose=args.purpose)
            except ImportFailed as exc:
                print(f"evidence-desk: error: {exc.path}: {exc.reason} (nothing imported)", file=sys.stderr)
                status = EXIT_USAGE
                continue
            print(f"{item.id}\t{item.sha256}\t{item.name}", flush=True)
    return status


def cmd_edit(args: argparse.Namespace) -> int:
    fields = {k: v for k, v in (("description", args.description), ("kind", args.kind),
                                ("acquired_from", args.acquired_from), ("acquisition_method", args.method),
                                ("original_name", args.name), ("source", args.source)) if v is not None}
    with _open(args) as case:
        item = case.items.edit(args.item_id, reason=args.reason, **fields)
        print(f"{item.id}\t{item.sha256}\t{item.name}")
    return EXIT_OK


def cmd_link(args: argparse.Namespace) -> int:
    with _open(args) as case:
        case.items.link_event(args.item_id, args.event_id, link=not args.remove)
    return EXIT_OK


def cmd_statement_add(args: argparse.Namespace) -> int:
    from .core.errors import BadInput

    if args.text_file:
        try:
            text = Path(args.text_file).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise BadInput(f"cannot read {args.text_file}: {exc}") from None
    else:
        text = args.text
    with _open(args) as case:
        statement = case.statements.add(args.speaker, args.medium, text, affiliation=args.affiliation,
                                       when=args.when, tz=args.tz, event_ids=args.event or [],
                                       source=args.source, item_id=args.item)
        print(statement.id)
    return EXIT_OK


def cmd_source_add(args: argparse.Namespace) -> int:
    with _open(args) as case:
        print(case.sources.add(args.name, kind=args.kind, description=args.description).id)
    return EXIT_OK


def cmd_grade(args: argparse.Namespace) -> int:
    with _open(args) as case:
        grade = case.grades.add(args.target, args.id, args.rationale, reliability=args.reliability,
                           credibility=args.credibility)
        print(f"{grade.target_type} {grade.target_id}: {grade.text}")
    return EXIT_OK


def cmd_claim_add(args: argparse.Namespace) -> int:
    with _open(args) as case:
        print(case.claims.add(args.text).id)
    return EXIT_OK


def cmd_claim_link(args: argparse.Namespace) -> int:
    with _open(args) as case:
        case.claims.link(args.claim_id, args.stance, item_id=args.item, statement_id=args.statement, note=args.note)
    return EXIT_OK


def cmd_request_add(args: argparse.Namespace) -> int:
    with _open(args) as case:
        request = case.requests.add(args.title, addressed_to=args.to, asked=args.asked, due=args.due, tz=args.tz,
                                   description=args.description)
        print(request.id)
    return EXIT_OK


def cmd_note_add(args: argparse.Namespace) -> int:
    with _open(args) as case:
        print(case.journal.add(args.text, event_id=args.event, item_id=args.item).id)
    return EXIT_OK


def cmd_transfer(args: argparse.Namespace) -> int:
    with _open(args) as case:
        case.history.record_transfer(args.item_ids, released_by=args.released_by, received_by=args.received_by,
                             purpose=args.purpose, condition=args.condition)
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    with _open(args, read_only=True) as case:
        what = args.what
        if what == "items":
            rows = [i.to_json() | {"events": [e.id for e in case.events.of_item(i.id)]} for i in case.items.list()]
            text = [f"{r['id']}\t{r['kind']}\t{r['size']}\t{r['sha256']}\t{r['name']}" for r in rows]
        elif what == "events":
            rows = [e.to_json() for e in case.events.list()]
            text = [f"{r['id']}\t{r['time_display']}\t{r['title']}" for r in rows]
        elif what == "statements":
            rows = [s.to_json() for s in case.statements.list()]
            text = [f"{r['id']}\t{r['speaker']}\t{r['medium']}\t{r['text'][:60]}" for r in rows]
        elif what == "custody":
            rows = [e.to_json() for e in case.history.entries()]
            text = [f"{r['seq']}\t{r['at_utc']}\t{r['examiner']}\t{r['action']}\t"
                    f"{r['item_id'] if r['item_id'] is not None else '-'}\t{r['entry_hash'][:16]}" for r in rows]
        elif what == "sources":
            rows = [asdict(s) for s in case.sources.list()]
            text = [f"{r['id']}\t{r['reliability'] or '-'}\t{r['kind']}\t{r['name']}" for r in rows]
        elif what == "claims":
            rows = [asdict(c) for c in case.claims.list()]
            text = [f"{r['id']}\t{len(r['links'])} links\t{r['text']}" for r in rows]
        elif what == "requests":
            rows = [asdict(r) for r in case.requests.list()]
            text = [f"{r['id']}\t{r['status']}\t{r['addressed_to']}\t{r['title']}" for r in rows]
        else:  # journal
            rows = [asdict(n) for n in case.journal.list()]
            text = [f"{r['id']}\t{r['at']}\t{r['author']}\t{r['text'][:60]}" for r in rows]
    if args.json:
        _print_json(rows)
    else:
        print("\n".join(text))
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from .core.verify import verify

    report = verify(args.case_dir)
    if args.record:
        with _open(args) as case:
            case.history.record_case_action("verified", "verification from the command line",
                                    {"ok": report.ok, "failures": [str(f) for f in report.failures]})
    if args.json:
        _print_json(report.to_json())
    else:
        for failure in report.failures:
            print(failure)
        print(report.summary(), file=sys.stderr if report.failures else sys.stdout)
    return EXIT_OK if report.ok else EXIT_FAILED


def cmd_demo(args: argparse.Namespace) -> int:
    from .core.demo import build_demo

    case = build_demo(Path(args.case_dir))
    counts = case.counts()
    case.close()
    print(f"demo case built at {args.case_dir}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    return EXIT_OK


# --- parser ------------------------------------------------------------------

def _case_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("case_dir", type=Path, metavar="CASE_DIR")


def _examiner_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--examiner", help="who acts (default: $EVIDENCE_DESK_EXAMINER, else the case's examiner)")


def _command(sub: Any, name: str, func: Callable[[argparse.Namespace], int], help: str,
             case: bool = True, examiner: bool = True) -> argparse.ArgumentParser:
    p = sub.add_parser(name, help=help, description=help)
    if case:
        _case_arg(p)
    if examiner:
        _examiner_arg(p)
    p.set_defaults(func=func)
    return p


def build_parser() -> argparse.ArgumentParser:
    from .core import store  # light: no sqlite-utils work happens at import

    parser = argparse.ArgumentParser(
        prog="evidence-desk",
        description="Catalogue incident evidence with a tamper-evident chain of custody. "
                    "Without a command, opens the desktop application.")
    parser.add_argument("--version", action="version", version=f"evidence-desk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = _command(sub, "init", cmd_init, "create a new case folder")
    p.add_argument("--title", required=True)
    p.add_argument("--description", default="")
    p.add_argument("--tz", default="UTC", help="default time zone for times read in this case")

    event = sub.add_parser("event", help="add or edit timeline events").add_subparsers(dest="event_command",
                                                                                     required=True)
    p = _command(event, "add", cmd_event_add, "add an event; prints its id")
    p.add_argument("--title", required=True)
    p.add_argument("--when", help="the time as the source gave it, e.g. '04-Oct-2025/12:34:44'")
    p.add_argument("--tz", help="IANA zone the time is read in (default: the case's)")
    p.add_argument("--place", default="")
    p.add_argument("--notes", default="")
    p = _command(event, "edit", cmd_event_edit, "edit an event (logged with the old value)")
    p.add_argument("event_id", type=int)
    for name in ("title", "place", "notes", "when", "tz"):
        p.add_argument(f"--{name}")
    p.add_argument("--reason", default="")

    p = _command(sub, "add", cmd_add, "import evidence files or folders; prints: id, sha256, name")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--event", type=int, action="append", help="event id (repeatable)")
    p.add_argument("--kind", choices=store.ITEM_KINDS, help="default: detected from content")
    p.add_argument("--source", help="source name (created if new)")
    p.add_argument("--description", default="")
    p.add_argument("--from", dest="acquired_from", default="", help="who handed the evidence over")
    p.add_argument("--method", default="", help="how it was acquired")
    p.add_argument("--purpose", default="", help="why it was acquired")

    p = _command(sub, "edit", cmd_edit, "edit an item's metadata (logged with the old value)")
    p.add_argument("item_id", type=int)
    p.add_argument("--description")
    p.add_argument("--kind", choices=store.ITEM_KINDS)
    p.add_argument("--from", dest="acquired_from")
    p.add_argument("--method")
    p.add_argument("--name")
    p.add_argument("--source")
    p.add_argument("--reason", default="")

    p = _command(sub, "link", cmd_link, "attach an item to an event (or --remove)")
    p.add_argument("item_id", type=int)
    p.add_argument("event_id", type=int)
    p.add_argument("--remove", action="store_true")

    statement = sub.add_parser("statement", help="record words attributed to a speaker").add_subparsers(
        dest="statement_command", required=True)
    p = _command(statement, "add", cmd_statement_add, "add a statement; prints its id")
    p.add_argument("--speaker", required=True)
    p.add_argument("--medium", required=True, choices=store.MEDIA)
    text = p.add_mutually_exclusive_group(required=True)
    text.add_argument("--text")
    text.add_argument("--text-file")
    p.add_argument("--affiliation", default="")
    p.add_argument("--when")
    p.add_argument("--tz")
    p.add_argument("--event", type=int, action="append")
    p.add_argument("--source")
    p.add_argument("--item", type=int, help="the item the statement is quoted from")

    source = sub.add_parser("source", help="sources of information").add_subparsers(dest="source_command",
                                                                                   required=True)
    p = _command(source, "add", cmd_source_add, "add a source; prints its id")
    p.add_argument("--name", required=True)
    p.add_argument("--kind", default="other", choices=store.SOURCE_KINDS)
    p.add_argument("--description", default="")

    p = _command(sub, "grade", cmd_grade, "grade a source (A-F) or information (1-6), with a rationale")
    p.add_argument("target", choices=store.GRADE_TARGETS)
    p.add_argument("id", type=int)
    p.add_argument("--reliability", choices=store.RELIABILITY)
    p.add_argument("--credibility", choices=store.CREDIBILITY)
    p.add_argument("--rationale", required=True)

    claim = sub.add_parser("claim", help="assertions and the evidence for and against them").add_subparsers(
        dest="claim_command", required=True)
    p = _command(claim, "add", cmd_claim_add, "add a claim; prints its id")
    p.add_argument("--text", required=True)
    p = _command(claim, "link", cmd_claim_link, "link a claim to an item or statement")
    p.add_argument("claim_id", type=int)
    p.add_argument("--stance", required=True, choices=store.STANCES)
    p.add_argument("--item", type=int)
    p.add_argument("--statement", type=int)
    p.add_argument("--note", default="")

    request = sub.add_parser("request", help="open evidence requests").add_subparsers(dest="request_command",
                                                                                     required=True)
    p = _command(request, "add", cmd_request_add, "add a request; prints its id")
    p.add_argument("--title", required=True)
    p.add_argument("--to", default="")
    p.add_argument("--asked")
    p.add_argument("--due")
    p.add_argument("--tz")
    p.add_argument("--description", default="")

    note = sub.add_parser("note", help="the case journal").add_subparsers(dest="note_command", required=True)
    p = _command(note, "add", cmd_note_add, "add a journal note; prints its id")
    p.add_argument("--text", required=True)
    p.add_argument("--event", type=int)
    p.add_argument("--item", type=int)

    p = _command(sub, "transfer", cmd_transfer, "record a transfer of items between people")
    p.add_argument("item_ids", type=int, nargs="+")
    p.add_argument("--released-by", required=True)
    p.add_argument("--received-by", required=True)
    p.add_argument("--purpose", required=True)
    p.add_argument("--condition", default="", help="condition or seal notes")

    p = _command(sub, "list", cmd_list, "list records", examiner=False)
    p.add_argument("what", choices=("items", "events", "statements", "custody", "sources", "claims",
                                    "requests", "journal"))
    p.add_argument("--json", action="store_true")

    p = _command(sub, "verify", cmd_verify, "rehash every object and walk the custody chain; exit 1 on failure")
    p.add_argument("--json", action="store_true")
    p.add_argument("--record", action="store_true", help="also log the verification in the custody chain")

    p = _command(sub, "demo", cmd_demo, "build the demo case (Chicago, 4 October 2025)", examiner=False)

    _add_gui_commands(sub)
    _add_packet_commands(sub)
    return parser


def _add_gui_commands(sub: Any) -> None:
    """Commands that need Qt (the desktop app, headless screenshots)."""
    from . import cli_gui

    cli_gui.register(sub)


def _add_packet_commands(sub: Any) -> None:
    """Reports and review packets."""
    from . import cli_packet, cli_report

    cli_report.register(sub)
    cli_packet.register(sub)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        from .app import main as app_main

        return app_main([])
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    from .core.errors import EvidenceDeskError

    try:
        return args.func(args)
    except EvidenceDeskError as exc:
        print(f"evidence-desk: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # a vanished case folder, a full disk, permissions
        print(f"evidence-desk: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("evidence-desk: interrupted; the case is as it was before the interrupted change", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
