"""Command-line commands for the gui layer, registered into :mod:`evidence_desk.cli`.

Keep imports of heavy modules inside the command functions: the CLI must start fast.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def cmd_gui(args: argparse.Namespace) -> int:
    import os

    from .app import run

    if args.examiner:  # who acts in this session; the app reads it like the remembered name
        os.environ["EVIDENCE_DESK_EXAMINER"] = args.examiner

    return run(Path(args.case_dir) if args.case_dir else None, read_only=args.read_only,
               screenshot=Path(args.screenshot) if args.screenshot else None, first_paint=args.first_paint)


def register(sub: Any) -> None:
    """Add this layer's subcommands to the CLI's subparsers."""
    from .cli import _command

    p = _command(sub, "gui", cmd_gui, "open the desktop application on CASE_DIR (default: the last case, "
                 "or the demo case)", case=False)
    p.add_argument("case_dir", nargs="?", help="the case folder")
    p.add_argument("--screenshot", metavar="OUT.png",
                   help="render the main window with the first event selected, save it and exit (headless)")
    p.add_argument("--read-only", action="store_true", help="open the case without the right to change it")
    p.add_argument("--first-paint", action="store_true", help=argparse.SUPPRESS)
