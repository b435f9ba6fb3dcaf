"""Backups: ``backup CASE_DIR DEST`` and ``restore BACKUP DEST_CASE``.

``backup`` is a reader of the case: it takes no write lock and writes nothing
into the case, so it runs while the app has the case open. It exits 1 if the
copy does not verify, 3 if DEST cannot be written (disk full, read-only),
naming DEST. ``restore`` verifies the backup first and never overwrites an
existing case (exit 2). An encrypted case's backup stays encrypted: both take
the case's passphrase as other commands do (--case-passphrase-file,
$EVIDENCE_DESK_CASE_PASSPHRASE, else a prompt); a wrong one exits 2 and writes nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .common import EXIT_FAILED, EXIT_OK, add_command, case_passphrase, print_json


def cmd_backup(args: argparse.Namespace) -> int:
    from ..core.backup import backup

    result = backup(args.case_dir, args.dest, passphrase=case_passphrase(args))
    if args.json:
        print_json(result.manifest | {"failures": [f.to_json() for f in result.report.failures]})
    else:
        for failure in result.report.failures:
            print(failure)
        print(result.summary(), file=sys.stdout if result.ok else sys.stderr)
    return EXIT_OK if result.ok else EXIT_FAILED


def cmd_restore(args: argparse.Namespace) -> int:
    from ..core.backup import backup_is_encrypted, restore

    passphrase = case_passphrase(args, force=True) if backup_is_encrypted(args.backup_dir) else None
    result = restore(args.backup_dir, args.case_dir, passphrase=passphrase)
    head = result.manifest.get("custody_head") or {}
    print(f"restored the backup of {result.manifest.get('backed_up_at')} to {result.case_dir}: "
          f"{result.report.summary()}; custody head #{head.get('seq', '?')} as at the backup")
    return EXIT_OK


def register(sub: Any) -> None:
    p = add_command(sub, "backup", cmd_backup,
                    "copy the case into DEST (incremental, verified; works while the case is open in the app)",
                    examiner=False, writes=False)
    p.add_argument("dest", type=Path, metavar="DEST",
                   help="an empty folder, or a folder an earlier backup of this case wrote")
    p.add_argument("--json", action="store_true", help="print the backup's manifest as JSON")

    p = add_command(sub, "restore", cmd_restore,
                    "verify a backup and bring it back as a new case folder (never overwrites a case)",
                    case=False, examiner=False, writes=False)
    p.add_argument("backup_dir", type=Path, metavar="BACKUP", help="the folder `backup` wrote")
    p.add_argument("case_dir", type=Path, metavar="DEST_CASE", help="the new case folder (must not exist)")
    p.add_argument("--case-passphrase-file", metavar="FILE",
                   help="a backup of an encrypted case: the case's passphrase, from the first line of FILE "
                        "(default: $EVIDENCE_DESK_CASE_PASSPHRASE, else ask when run in a terminal)")
