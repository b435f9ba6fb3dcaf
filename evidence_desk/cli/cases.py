"""Commands over a whole case: ``init``, ``demo``, ``list`` and ``verify``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..core.display import escaped
from .common import (
    EXIT_FAILED,
    EXIT_OK,
    acting_examiner,
    add_command,
    case_passphrase,
    open_case,
    passphrase_from_file,
    print_json,
)

LISTABLE = ("items", "events", "statements", "custody", "sources", "claims", "requests", "journal")


def cmd_init(args: argparse.Namespace) -> int:
    from ..core.case import Case
    from ..core.sealing import PassphraseNeeded

    passphrase = None
    if args.encrypt:
        passphrase = case_passphrase(args, confirm=True, force=True)
        if passphrase is None:
            raise PassphraseNeeded("no passphrase for the new encrypted case: set EVIDENCE_DESK_CASE_PASSPHRASE, "
                                   "pass --case-passphrase-file, or run in a terminal to be asked")
    with Case.create(args.case_dir, args.title, acting_examiner(args), description=args.description,
                     tz=args.tz, passphrase=passphrase) as case:
        print(f"created {'encrypted ' if passphrase else ''}case {case.id} at {case.path}")
        print(f"signing key fingerprint {case.info().fingerprint}")
    key = getattr(args, "examiner_key", None)
    if key is not None:
        print(f"examiner key fingerprint {key.fingerprint} (signs this case's checkpoints)")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from ..core.demo import build_demo

    case = build_demo(Path(args.case_dir))
    counts = case.counts()
    case.close()
    print(f"demo case built at {args.case_dir}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    with open_case(args, read_only=True) as case:
        what = args.what
        if what == "items":
            rows = [i.to_json() | {"events": [e.id for e in case.events.of_item(i.id)]} for i in case.items.list()]
            text = [f"{r['id']}\t{r['kind']}\t{r['size']}\t{r['sha256']}\t{escaped(r['name'])}" for r in rows]
        elif what == "events":
            rows = [e.to_json() for e in case.events.list()]
            text = [f"{r['id']}\t{escaped(r['time_display'])}\t{escaped(r['title'])}" for r in rows]
        elif what == "statements":
            rows = [s.to_json() for s in case.statements.list()]
            text = [f"{r['id']}\t{escaped(r['speaker'])}\t{r['medium']}\t{escaped(r['text'][:60])}" for r in rows]
        elif what == "custody":
            rows = [e.to_json() for e in case.history.entries()]
            text = [f"{r['seq']}\t{r['at_utc']}\t{escaped(r['examiner'])}\t{r['action']}\t"
                    f"{r['item_id'] if r['item_id'] is not None else '-'}\t{r['entry_hash'][:16]}" for r in rows]
        elif what == "sources":
            rows = [asdict(s) for s in case.sources.list()]
            text = [f"{r['id']}\t{r['reliability'] or '-'}\t{r['kind']}\t{escaped(r['name'])}" for r in rows]
        elif what == "claims":
            rows = [asdict(c) for c in case.claims.list()]
            text = [f"{r['id']}\t{len(r['links'])} links\t{escaped(r['text'])}" for r in rows]
        elif what == "requests":
            rows = [asdict(r) for r in case.requests.list()]
            text = [f"{r['id']}\t{r['status']}\t{escaped(r['addressed_to'])}\t{escaped(r['title'])}" for r in rows]
        else:  # journal
            rows = [asdict(n) for n in case.journal.list()]
            text = [f"{r['id']}\t{r['at']}\t{escaped(r['author'])}\t{escaped(r['text'][:60])}" for r in rows]
    if args.json:
        print_json(rows)  # exact: the JSON escapes say what each string holds
    else:
        print("\n".join(text))
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from ..core import operations as ops
    from ..core.checkpoints import Checks
    from ..core.verify import verify

    checks = Checks.of(args.witness or (), args.code or (), local_witness=not args.no_witness_log,
                       require_signed=args.require_signed)  # a bad witness file or code fails before hashing
    if args.record:
        with open_case(args) as case:
            report = ops.verify_case(case, checks=checks).value
    else:
        report = verify(args.case_dir, checks=checks, passphrase=case_passphrase(args))
    if args.json:
        print_json(report.to_json())
    else:
        for failure in report.failures:
            print(escaped(failure))
        for warning in report.warnings:
            print(f"warning: {escaped(warning)}")
        stream = sys.stderr if report.failures else sys.stdout
        print(report.summary(), file=stream)
        signed = report.signatures
        if signed.get("examiner_keys"):
            keys = ", ".join(k["fingerprint"] + ("" if k["proven"] else " (not proven by the previous examiner)")
                             for k in signed["examiner_keys"])
            print(f"examiner signatures: {signed['checkpoints']} checkpoint(s) cover entries up to "
                  f"#{signed['last_signed_seq']}; examiner key(s) {keys}", file=stream)
        if signed.get("witness_records"):
            print(f"witnesses: {signed['witness_records']} sighting(s) of this case checked", file=stream)
    return EXIT_OK if report.ok else EXIT_FAILED


def cmd_passphrase(args: argparse.Namespace) -> int:
    import getpass
    import os

    from ..core import sealing
    from ..core.errors import BadInput

    if not sealing.is_encrypted(args.case_dir):
        raise BadInput(f"{args.case_dir} is not an encrypted case")
    old = case_passphrase(args)
    if old is None:
        raise sealing.PassphraseNeeded("no passphrase for the case: set EVIDENCE_DESK_CASE_PASSPHRASE, pass "
                                       "--case-passphrase-file, or run in a terminal to be asked")
    if args.new_passphrase_file:
        new = passphrase_from_file(args.new_passphrase_file)
    elif os.environ.get(NEW_PASSPHRASE_ENV):
        new = os.environ[NEW_PASSPHRASE_ENV]
    elif sys.stdin.isatty():
        new = getpass.getpass("New passphrase: ")
        if getpass.getpass("Again, to be sure: ") != new:
            raise BadInput("the two passphrases differ; the passphrase is unchanged")
    else:
        raise sealing.PassphraseNeeded(f"no new passphrase: set {NEW_PASSPHRASE_ENV} or pass --new-passphrase-file")
    if not new:
        raise BadInput("the new passphrase is empty")
    sealing.change_passphrase(args.case_dir, old, new)
    print(f"passphrase changed for {args.case_dir} (the data key was rewrapped; evidence files are untouched)")
    return EXIT_OK


NEW_PASSPHRASE_ENV = "EVIDENCE_DESK_NEW_CASE_PASSPHRASE"


def register(sub: Any) -> None:
    p = add_command(sub, "init", cmd_init, "create a new case folder")
    p.add_argument("--encrypt", action="store_true",
                   help="encrypt the case (database and vault) under a passphrase (--case-passphrase-file, "
                        "$EVIDENCE_DESK_CASE_PASSPHRASE, else asked)")
    p.add_argument("--title", required=True)
    p.add_argument("--description", default="")
    p.add_argument("--tz", default="UTC", help="default time zone for times read in this case")

    p = add_command(sub, "list", cmd_list, "list records", examiner=False)
    p.add_argument("what", choices=LISTABLE)
    p.add_argument("--json", action="store_true")

    p = add_command(sub, "verify", cmd_verify, "rehash every object, walk the custody chain, check the examiner "
                    "checkpoints and the witnesses; exit 1 on failure", writes=lambda args: args.record)
    p.add_argument("--json", action="store_true")
    p.add_argument("--record", action="store_true", help="also log the verification in the custody chain")
    p.add_argument("--witness", action="append", metavar="FILE",
                   help="a receipt (evidence-desk receipt) or a copy of a witness log to compare the chain with "
                        "(repeatable); the local witness log is always read")
    p.add_argument("--code", action="append", metavar="CODE",
                   help="a head code typed back from a report cover, e.g. '#57 ABCD-EFGH-IJKL-MNOP' (repeatable)")
    p.add_argument("--require-signed", action="store_true",
                   help="fail (exit 1) if any custody entry comes after the last examiner checkpoint "
                        "(default: a warning)")
    p.add_argument("--no-witness-log", action="store_true", help="do not read this user's local witness log")

    p = add_command(sub, "passphrase", cmd_passphrase, "change an encrypted case's passphrase (the data key is "
                    "rewrapped; evidence is not rewritten)", examiner=False, writes=False)
    p.add_argument("--new-passphrase-file", metavar="FILE",
                   help=f"the new passphrase, from the first line of FILE (default: ${NEW_PASSPHRASE_ENV}, "
                        "else asked)")

    add_command(sub, "demo", cmd_demo, "build the demo case (Chicago, 4 October 2025)", examiner=False,
                writes=True)
