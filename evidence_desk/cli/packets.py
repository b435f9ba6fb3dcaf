"""Review packets: ``export``, ``verify-packet``, ``import-packet``, ``verify-review-notes`` and
``import-notes`` (a reviewer's signed judgements received back as feedback).

Heavy modules are imported inside the command functions: the CLI must start fast.
"""

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
    add_reviewer_passphrase_option,
    open_case,
    print_json,
    unlock_if_encrypted,
)


def cmd_export(args: argparse.Namespace) -> int:
    from ..core import operations as ops

    recipients = _recipients(args)
    with open_case(args) as case:
        key = getattr(args, "examiner_key", None)
        out = ops.export_packet(case, Path(args.out),
                                zip=not recipients and (args.zip or args.out.lower().endswith(".zip")),
                                event_id=args.event, organisation=args.organisation or "",
                                contact=args.contact or "", examiner_key=key, encrypt_to=recipients).value
        print(f"review packet sealed at {out}")
        for recipient in recipients:
            print(f"encrypted for reviewer key {recipient}")
        print(f"signing key fingerprint {case.info().fingerprint}")
        if key is not None:
            print(f"examiner key fingerprint {key.fingerprint} (give it to the reviewer for --expect-examiner)")
    return EXIT_OK


def _recipients(args: argparse.Namespace) -> list[str]:
    from ..core.errors import BadInput
    from ..core.reviewer_keys import parse_recipient

    recipients = [parse_recipient(r) for r in (getattr(args, "encrypt_to", None) or [])]
    if recipients and args.zip:
        raise BadInput("--zip and --encrypt-to: an encrypted packet is already one file (NAME.edpacket.age)")
    return recipients


def cmd_verify_packet(args: argparse.Namespace) -> int:
    from ..core.packet.verify import verify_packet

    unlock_if_encrypted(Path(args.packet), args)

    report = verify_packet(Path(args.packet), expect_fingerprint=args.expect_fingerprint,
                           expect_examiner=args.expect_examiner)
    if args.json:
        print_json(report.to_json())
    else:
        for failure in report.failures:
            print(f"FAILED: {escaped(failure)}")
        for warning in report.warnings:
            print(f"warning: {escaped(warning)}")
        if report.fingerprint:
            print(f"signed by key fingerprint {report.fingerprint} "
                  "(compare it with the report cover or a value you trust)")
        if report.examiner_fingerprint:
            print(f"sealed by examiner key fingerprint {report.examiner_fingerprint}"
                  + ("" if report.examiner_signature_valid else " (its signature does not verify)"))
        print(report.summary(), file=sys.stderr if report.failures else sys.stdout)
    return EXIT_OK if report.ok else EXIT_FAILED


def cmd_import_packet(args: argparse.Namespace) -> int:
    from ..core import operations as ops
    from ..core.packet.transfer import PacketRejected

    examiner = acting_examiner(args)
    unlock_if_encrypted(Path(args.packet), args)
    try:
        result = ops.receive_packet(Path(args.packet), Path(args.case_dir), examiner=examiner,
                                    released_by=args.released_by or "",
                                    expect_fingerprint=args.expect_fingerprint).value
    except PacketRejected as exc:
        for failure in exc.report.failures:
            print(f"FAILED: {escaped(failure)}")
        print("the packet failed verification; nothing was imported", file=sys.stderr)
        return EXIT_FAILED
    print(f"received case {result.source_case_id} (key {result.source_fingerprint}) as case {result.case_id} "
          f"at {result.case_dir}: {result.items} items, released by {escaped(result.released_by)}, "
          f"received by {escaped(result.received_by)}")
    return EXIT_OK


def cmd_verify_notes(args: argparse.Namespace) -> int:
    from ..core.packet.review import verify_review_notes

    check = verify_review_notes(Path(args.notes), expect_fingerprint=args.expect_fingerprint)
    print(check.message, file=sys.stdout if check.ok else sys.stderr)
    return EXIT_OK if check.ok else EXIT_FAILED


def cmd_import_notes(args: argparse.Namespace) -> int:
    from ..core import operations as ops

    with open_case(args) as case:
        done = ops.import_review_notes(case, Path(args.notes)).value
    print(f"review notes by {done.reviewer} (key {done.reviewer_fingerprint}) on packet {done.packet_name}: "
          f"{done.received} judgement(s) received"
          + (f", {done.already} received before" if done.already else "")
          + "; the case's own records are unchanged")
    return EXIT_OK


def register(sub: Any) -> None:
    p = add_command(sub, "export", cmd_export, "seal a signed BagIt review packet of the case (or one event)")
    p.add_argument("-o", "--out", required=True, help="the packet folder (or .zip with --zip) to create")
    p.add_argument("--zip", action="store_true", help="write a single .zip file (implied by an OUT ending in .zip)")
    p.add_argument("--event", type=int, help="only this event's items and records")
    p.add_argument("--organisation", help="Source-Organization in bag-info.txt")
    p.add_argument("--contact", help="Contact-Name in bag-info.txt (default: the examiner)")
    p.add_argument("--encrypt-to", action="append", metavar="RECIPIENT",
                   help="seal the packet as one encrypted file (OUT.edpacket.age) that only this reviewer opens: "
                        "an age public key (age1…) or a file holding one (`reviewer-key show -o`); repeatable")

    p = add_command(sub, "verify-packet", cmd_verify_packet,
                    "check a review packet's bag, signature, hashes and custody chain; exit 1 naming each failure",
                    case=False, examiner=False)
    p.add_argument("packet", metavar="PACKET")
    p.add_argument("--json", action="store_true")
    p.add_argument("--expect-fingerprint", help="fail unless the packet is signed by this case key")
    p.add_argument("--expect-examiner", metavar="FINGERPRINT",
                   help="fail unless the packet is sealed by this examiner key (evidence-desk key show)")
    add_reviewer_passphrase_option(p, "--reviewer-passphrase-file", "--passphrase-file")

    p = add_command(sub, "import-packet", cmd_import_packet,
                    "verify a review packet and continue its custody chain in a new case", case=False, writes=True)
    p.add_argument("packet", metavar="PACKET")
    p.add_argument("case_dir", metavar="CASE_DIR", help="the new case folder to create")
    p.add_argument("--released-by", help="who handed the packet over (default: who exported it)")
    p.add_argument("--expect-fingerprint", help="refuse unless the packet is signed by this key")
    add_reviewer_passphrase_option(p)

    p = add_command(sub, "verify-review-notes", cmd_verify_notes, "check a reviewer's signed notes file",
                    case=False, examiner=False)
    p.add_argument("notes", metavar="NOTES")
    p.add_argument("--expect-fingerprint", help="fail unless the notes are signed by this reviewer key")

    p = add_command(sub, "import-notes", cmd_import_notes,
                    "receive a reviewer's signed notes as feedback: check the signature and that they are about "
                    "a packet this case sealed, then record each judgement beside its record (custody-logged); "
                    "exit 1 if refused")
    p.add_argument("notes", metavar="NOTES", help="the reviewer's signed notes file (.review-notes.signed.json)")
