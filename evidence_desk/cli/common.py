"""What every command shares: exit codes, opening the case, JSON output, and
the one place where an error a user can fix becomes an exit code and one line
on stderr.

Command modules import from here and from core, never from each other.
Only light modules are imported at the top: ``--help`` and ``--version``
must not load the database stack.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import EvidenceDeskError

if TYPE_CHECKING:
    from ..core.case import Case

EXIT_OK = 0
EXIT_FAILED = 1  # verification ran and found problems
EXIT_USAGE = 2  # bad input or usage: a missing case or file, an unknown id, a bad option
EXIT_ENVIRONMENT = 3  # the environment refused (reserved: nothing maps to it yet)
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT

Command = Callable[[argparse.Namespace], int]


def error(message: str) -> None:
    """Say what went wrong in one line on stderr."""
    print(f"evidence-desk: error: {message}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """Run the command the parser chose; a user-fixable error becomes one line and an exit code."""
    func: Command = args.func
    try:
        return func(args)
    except EvidenceDeskError as exc:
        error(str(exc))
        return exc.exit_code
    except OSError as exc:  # a vanished case folder, a full disk, permissions (BrokenPipeError too)
        error(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "))
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("evidence-desk: interrupted; the case is as it was before the interrupted change", file=sys.stderr)
        return EXIT_INTERRUPTED


def acting_examiner(args: argparse.Namespace) -> str:
    """Who acts, for a command that has no case open yet: --examiner, else $EVIDENCE_DESK_EXAMINER."""
    from ..core.case import resolve_examiner

    return resolve_examiner(getattr(args, "examiner", None))


def open_case(args: argparse.Namespace, read_only: bool = False) -> Case:
    """The command's case; who acts is --examiner, else $EVIDENCE_DESK_EXAMINER, else the case's examiner."""
    from ..core.case import Case

    return Case.open(args.case_dir, read_only=read_only, examiner=getattr(args, "examiner", None))


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def add_command(sub: Any, name: str, func: Command, help: str, case: bool = True,
                examiner: bool = True) -> argparse.ArgumentParser:
    """A subcommand running ``func``; with CASE_DIR and --examiner unless told otherwise."""
    p = sub.add_parser(name, help=help, description=help)
    if case:
        p.add_argument("case_dir", type=Path, metavar="CASE_DIR")
    if examiner:
        p.add_argument("--examiner", help="who acts (default: $EVIDENCE_DESK_EXAMINER, else the case's examiner)")
    p.set_defaults(func=func)
    return p


def add_group(sub: Any, name: str, help: str) -> Any:
    """A command with subcommands of its own (``event add``, ``claim link``)."""
    return sub.add_parser(name, help=help).add_subparsers(dest=f"{name}_command", required=True)
