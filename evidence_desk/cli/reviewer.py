"""The reviewer's key pair for encrypted packets: ``reviewer-key create``, ``reviewer-key show``.

The private half lives in the app's data folder (``$EVIDENCE_DESK_HOME`` for tests and CI),
encrypted under a passphrase; the public half (``age1…``) goes to the examiner, who seals
packets for it with ``export --encrypt-to``. See docs/encrypted-packets.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .common import (
    EXIT_OK,
    NO_REVIEWER_PASSPHRASE,
    add_command,
    add_group,
    add_reviewer_passphrase_option,
    print_json,
    read_reviewer_passphrase,
)


def cmd_create(args: argparse.Namespace) -> int:
    from ..core import reviewer_keys as keys

    existing = keys.load_public()
    if existing is not None:
        raise keys.KeyExists(f"a reviewer key already exists at {existing.path} (public key "
                             f"{existing.public_key}); it is kept")
    passphrase = read_reviewer_passphrase(args, confirm=True)
    if passphrase is None:
        raise keys.NoPassphrase(NO_REVIEWER_PASSPHRASE)
    key = keys.create(passphrase, reviewer=args.reviewer or "")
    print(f"created reviewer key at {key.path}")
    print(f"public key {key.public_key}")
    print("give the examiner this public key (or `reviewer-key show -o FILE`); they seal packets for it "
          "with `evidence-desk export ... --encrypt-to`")
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    from ..core import reviewer_keys as keys
    from ..core.fsutil import atomic_write_bytes

    stored = keys.load_public()
    if stored is None:
        raise keys.KeyMissing(f"no reviewer key yet at {keys.key_path()}; `evidence-desk reviewer-key create` "
                              "makes one")
    if args.out:
        atomic_write_bytes(Path(args.out), keys.public_key_text(stored).encode("utf-8"))
        print(f"wrote the reviewer public key {stored.public_key} to {args.out}")
        return EXIT_OK
    if args.json:
        print_json({"path": str(stored.path), "public_key": stored.public_key, "created_at": stored.created_at,
                    "reviewer": stored.reviewer})
        return EXIT_OK
    sys.stdout.write(f"{stored.public_key}\n")
    print(f"kept at {stored.path} (created {stored.created_at}"
          + (f" by {stored.reviewer}" if stored.reviewer else "") + ")", file=sys.stderr)
    return EXIT_OK


def register(sub: Any) -> None:
    group = add_group(sub, "reviewer-key", "your reviewer key pair: packets encrypted for its public key "
                                           "(export --encrypt-to) open only with it")
    p = add_command(group, "create", cmd_create, "make your reviewer key pair (asks for a passphrase)",
                    case=False, examiner=False)
    p.add_argument("--reviewer", help="your name, kept in the key file and the exported public key")
    add_reviewer_passphrase_option(p, "--passphrase-file", "--reviewer-passphrase-file")
    p = add_command(group, "show", cmd_show, "print your reviewer public key (age1…) to give to the examiner",
                    case=False, examiner=False)
    p.add_argument("-o", "--out", metavar="FILE", help="write the public key to FILE instead")
    p.add_argument("--json", action="store_true")
