"""The examiner's own key and what it signs outside a case: ``key create``, ``key show``,
``key export-public``, ``key handover`` and ``receipt``.

The key lives in the user's configuration folder (``$EVIDENCE_DESK_HOME`` for tests and CI),
never in a case; see docs/examiner-keys.md. Heavy modules are imported inside the commands.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .common import (
    EXIT_OK,
    add_command,
    add_group,
    add_passphrase_option,
    examiner_key,
    open_case,
    print_json,
    read_passphrase,
)


def cmd_key_create(args: argparse.Namespace) -> int:
    from ..core import examiner_keys as keys

    existing = keys.load_public()
    if existing is not None:
        raise keys.KeyExists(f"an examiner key already exists at {existing.path} (fingerprint "
                             f"{existing.fingerprint}); it is kept")
    passphrase = read_passphrase(args, confirm=True)
    if passphrase is None:
        raise keys.NoPassphrase("no passphrase for the new examiner key: set EVIDENCE_DESK_KEY_PASSPHRASE, pass "
                                "--passphrase-file FILE, or run in a terminal")
    key = keys.create(passphrase, examiner=args.examiner or "")
    print(f"created examiner key at {key.path}")
    print(f"examiner key fingerprint {key.fingerprint}")
    return EXIT_OK


def cmd_key_show(args: argparse.Namespace) -> int:
    from ..core import examiner_keys as keys

    stored = keys.load_public()
    if stored is None:
        raise keys.KeyMissing(f"no examiner key yet at {keys.key_path()}; `evidence-desk key create` makes one "
                              "(or the first command that changes a case, given a passphrase)")
    if args.json:
        print_json({"path": str(stored.path), "fingerprint": stored.fingerprint, "public_key": stored.public_hex,
                    "created_at": stored.created_at, "examiner": stored.examiner,
                    "kdf": {"name": keys.KDF, "time_cost": stored.kdf.time_cost,
                            "memory_kib": stored.kdf.memory_kib, "parallelism": stored.kdf.parallelism},
                    "cipher": keys.CIPHER})
        return EXIT_OK
    print(f"examiner key fingerprint {stored.fingerprint}")
    print(f"public key {stored.public_hex}")
    print(f"kept at {stored.path} (created {stored.created_at}"
          + (f" by {stored.examiner}" if stored.examiner else "") + ")")
    return EXIT_OK


def cmd_key_export_public(args: argparse.Namespace) -> int:
    from ..core import examiner_keys as keys
    from ..core import signing
    from ..core.fsutil import atomic_write_bytes

    stored = keys.load_public()
    if stored is None:
        raise keys.KeyMissing(f"no examiner key yet at {keys.key_path()}; `evidence-desk key create` makes one")
    pem = signing.public_pem(stored.public_key)
    if args.out:
        atomic_write_bytes(Path(args.out), pem)
        print(f"wrote the public key {stored.fingerprint} to {args.out}")
    else:
        sys.stdout.write(pem.decode("ascii"))
    return EXIT_OK


def _public_key_file(path: str) -> bytes:
    from ..core import signing
    from ..core.errors import BadInput

    try:
        data = Path(path).read_bytes()[:8192]
    except OSError as exc:
        raise BadInput(f"cannot read the public key file {path}: {exc.strerror or exc}") from None
    if b"-----BEGIN" in data:
        return signing.public_from_pem(data)
    try:
        key = bytes.fromhex(data.decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        key = b""
    if len(key) != signing.KEY_BYTES:
        raise BadInput(f"{path} holds neither a PEM nor a hex Ed25519 public key "
                       "(`evidence-desk key export-public` writes one)")
    return key


def cmd_key_handover(args: argparse.Namespace) -> int:
    from ..core import operations as ops
    from ..core import signing

    new_key = _public_key_file(args.to_public_key)
    # unlocked already by run() for this writing command, unless no passphrase could be had
    signer = None if args.lost else (getattr(args, "examiner_key", None) or examiner_key(args, required=True))
    with open_case(args) as case:
        entry = ops.hand_over_key(case, new_key, reason=args.reason, examiner_key=signer,
                                  lost_fingerprint=args.lost_fingerprint or "").value
    by = f"your examiner key {signer.fingerprint}" if signer else "the case key (marked: not proven by the " \
                                                                    "previous examiner)"
    print(f"custody entry #{entry.seq}: examiner key {signing.fingerprint(new_key)} introduced, signed by {by}")
    return EXIT_OK


def cmd_receipt(args: argparse.Namespace) -> int:
    from ..core import operations as ops
    from ..core.witness import head_code

    key = examiner_key(args, required=True)
    assert key is not None
    with open_case(args, read_only=True) as case:
        record = ops.write_receipt(case, key, Path(args.out))
    print(f"receipt of custody entry #{record.head_seq} written to {args.out}, signed by examiner key "
          f"{record.fingerprint}")
    print(f"head code {head_code(record.head_seq, record.head_hash)}")
    return EXIT_OK


def register(sub: Any) -> None:
    key = add_group(sub, "key", "your examiner key: kept outside every case, it signs checkpoints and packets")
    p = add_command(key, "create", cmd_key_create, "make your examiner key (asks for a passphrase)", case=False)
    add_passphrase_option(p)
    p = add_command(key, "show", cmd_key_show, "show your examiner key's fingerprint and where it is kept",
                    case=False, examiner=False)
    p.add_argument("--json", action="store_true")
    p = add_command(key, "export-public", cmd_key_export_public,
                    "write your examiner public key (PEM), e.g. for a hand-over", case=False, examiner=False)
    p.add_argument("-o", "--out", metavar="FILE", help="the file to write (default: standard output)")
    p = add_command(key, "handover", cmd_key_handover,
                    "introduce another examiner's key into a case, signed by your key (or, with --lost, by the "
                    "case key)")
    p.add_argument("--to-public-key", required=True, metavar="FILE",
                   help="the new examiner's public key (PEM from `key export-public`, or hex)")
    p.add_argument("--reason", default="", help="why the case changes hands (required with --lost)")
    p.add_argument("--lost", action="store_true",
                   help="the previous examiner key is lost: sign with the case key; verify marks it as not proven "
                        "by the previous examiner")
    p.add_argument("--lost-fingerprint", metavar="FINGERPRINT",
                   help="with --lost: declare this old key lost, so its later checkpoints fail")

    p = add_command(sub, "receipt", cmd_receipt,
                    "write a small signed receipt of the case's current custody head, to keep elsewhere "
                    "(verify --witness FILE checks it)", writes=False)
    p.add_argument("-o", "--out", required=True, metavar="FILE")
    add_passphrase_option(p)
