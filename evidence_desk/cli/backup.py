"""Backups: ``backup CASE_DIR DEST`` and ``restore BACKUP DEST_CASE``.

``backup`` is a reader of the case: it takes no write lock and writes nothing
into the case, so it runs while the app has the case open. It exits 1 if the
copy does not verify, 3 if DEST cannot be written (disk full, read-only),
naming DEST. ``restore`` verifies the backup first and never overwrites an
existing case (exit 2).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .common import EXIT_FAILED, EXIT_OK, add_command, print_json


def cmd_backup(args: argparse.Namespace) -> int:
    from ..core.backup import backup

    result = backup(args.case_dir, args.dest)
    if args.json:
        print_json(result.manifest | {"failures": [f.to_json() for f in result.report.failures]})
    else:
        for failure in result.report.failures:
            print(failure)
        print(result.summary(), file=sys.stdout if result.ok else sys.stderr)
    return EXIT_OK if result.ok else EXIT_FAILED


def cmd_restore(args: argparse.Namespace) -> int:
    from ..core.backup import restore

    result = restore(args.backup_dir, args.case_dir)
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
