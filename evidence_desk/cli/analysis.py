"""What the evidence says and how far to trust it: ``statement``, ``source``,
``grade``, ``claim``, ``request`` and ``note`` (the case journal)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..core import store  # light: plain sqlite3, nothing heavy
from ..core.display import escaped
from .common import EXIT_OK, add_command, add_group, open_case


def cmd_statement_add(args: argparse.Namespace) -> int:
    from ..core import operations as ops
    from ..core.errors import BadInput

    if args.text_file:
        try:
            text = Path(args.text_file).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise BadInput(f"cannot read {args.text_file}: {exc}") from None
    else:
        text = args.text
    with open_case(args) as case:
        statement = ops.add_statement(case, args.speaker, args.medium, text, affiliation=args.affiliation,
                                      when=args.when, tz=args.tz, event_ids=args.event or [],
                                      source=args.source, item_id=args.item).value
        print(statement.id)
    return EXIT_OK


def cmd_source_add(args: argparse.Namespace) -> int:
    from ..core import operations as ops

    with open_case(args) as case:
        print(ops.add_source(case, args.name, kind=args.kind, description=args.description).value.id)
    return EXIT_OK


def cmd_grade(args: argparse.Namespace) -> int:
    from ..core import operations as ops

    with open_case(args) as case:
        grade = ops.grade(case, [ops.Grading(args.target, args.id, reliability=args.reliability,
                                          credibility=args.credibility)], args.rationale).value[0]
        print(f"{grade.target_type} {grade.target_id}: {escaped(grade.text)}")
    return EXIT_OK


def cmd_claim_add(args: argparse.Namespace) -> int:
    from ..core import operations as ops

    with open_case(args) as case:
        print(ops.add_claim(case, args.text).value.id)
    return EXIT_OK


def cmd_claim_link(args: argparse.Namespace) -> int:
    from ..core import operations as ops

    with open_case(args) as case:
        ops.link_claim(case, args.claim_id, args.stance, item_id=args.item, statement_id=args.statement,
                       note=args.note)
    return EXIT_OK


def cmd_request_add(args: argparse.Namespace) -> int:
    from ..core import operations as ops

    with open_case(args) as case:
        request = ops.add_request(case, args.title, addressed_to=args.to, asked=args.asked, due=args.due,
                                  tz=args.tz, description=args.description).value
        print(request.id)
    return EXIT_OK


def cmd_note_add(args: argparse.Namespace) -> int:
    from ..core import operations as ops

    with open_case(args) as case:
        print(ops.add_journal_note(case, args.text, event_id=args.event, item_id=args.item).value.id)
    return EXIT_OK


def register(sub: Any) -> None:
    statement = add_group(sub, "statement", "record words attributed to a speaker")
    p = add_command(statement, "add", cmd_statement_add, "add a statement; prints its id")
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

    source = add_group(sub, "source", "sources of information")
    p = add_command(source, "add", cmd_source_add, "add a source; prints its id")
    p.add_argument("--name", required=True)
    p.add_argument("--kind", default="other", choices=store.SOURCE_KINDS)
    p.add_argument("--description", default="")

    p = add_command(sub, "grade", cmd_grade, "grade a source (A-F) or information (1-6), with a rationale")
    p.add_argument("target", choices=store.GRADE_TARGETS)
    p.add_argument("id", type=int)
    p.add_argument("--reliability", choices=store.RELIABILITY)
    p.add_argument("--credibility", choices=store.CREDIBILITY)
    p.add_argument("--rationale", required=True)

    claim = add_group(sub, "claim", "assertions and the evidence for and against them")
    p = add_command(claim, "add", cmd_claim_add, "add a claim; prints its id")
    p.add_argument("--text", required=True)
    p = add_command(claim, "link", cmd_claim_link, "link a claim to an item or statement")
    p.add_argument("claim_id", type=int)
    p.add_argument("--stance", required=True, choices=store.STANCES)
    p.add_argument("--item", type=int)
    p.add_argument("--statement", type=int)
    p.add_argument("--note", default="")

    request = add_group(sub, "request", "open evidence requests")
    p = add_command(request, "add", cmd_request_add, "add a request; prints its id")
    p.add_argument("--title", required=True)
    p.add_argument("--to", default="")
    p.add_argument("--asked")
    p.add_argument("--due")
    p.add_argument("--tz")
    p.add_argument("--description", default="")

    note = add_group(sub, "note", "the case journal")
    p = add_command(note, "add", cmd_note_add, "add a journal note; prints its id")
    p.add_argument("--text", required=True)
    p.add_argument("--event", type=int)
    p.add_argument("--item", type=int)
