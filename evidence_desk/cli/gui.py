"""The desktop application: the ``gui`` command, and ``evidence-desk`` without a command.

Qt is imported only when the application starts: the CLI must start fast.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .common import add_command


def launch_app() -> int:
    """``evidence-desk`` with no arguments: the application on the last case opened, or the demo."""
    from ..app import main

    return main([])


def cmd_gui(args: argparse.Namespace) -> int:
    import os

    from ..app import run

    if args.examiner:  # who acts in this session; the app reads it like the remembered name
        os.environ["EVIDENCE_DESK_EXAMINER"] = args.examiner

    return run(Path(args.case_dir) if args.case_dir else None, read_only=args.read_only,
               screenshot=Path(args.screenshot) if args.screenshot else None, first_paint=args.first_paint)


def register(sub: Any) -> None:
    p = add_command(sub, "gui", cmd_gui, "open the desktop application on CASE_DIR (default: the last case, "
                    "or the demo case)", case=False)
    p.add_argument("case_dir", nargs="?", help="the case folder")
    p.add_argument("--screenshot", metavar="OUT.png",
                   help="render the main window with the first event selected, save it and exit (headless)")
    p.add_argument("--read-only", action="store_true", help="open the case without the right to change it")
    p.add_argument("--first-paint", action="store_true", help=argparse.SUPPRESS)
