"""The command line over core: what tests, benchmarks and scripts drive.

Each command group lives in its own module and registers its subcommands;
what they share (exit codes, opening the case, JSON output, turning a
user-fixable error into one line and an exit code) is in :mod:`.common`.
Command modules import from ``common`` and core, never from each other.

Starts fast: core modules and heavy libraries are imported inside the
command that needs them. One error contract (README, "Exit codes"): 0 done,
1 verification found problems, 2 bad input or usage, 3 the environment
refused (disk full, case open for writing elsewhere, database busy, read-only
folder, damaged database), 70 a bug (its traceback goes to a crash report);
each failure is one line on stderr, never a traceback. Output cut short by
its reader (``| head``) ends the command quietly with 141, as SIGPIPE would.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .. import __version__
from . import analysis, backup, cases, events, evidence, gui, keys, packets, report, reviewer, segments, timeline
from .common import EXIT_BROKEN_PIPE, EXIT_USAGE, broken_pipe, run

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="evidence-desk",
        description="Catalogue incident evidence with a tamper-evident chain of custody. "
                    "Without a command, opens the desktop application.")
    parser.add_argument("--version", action="version", version=f"evidence-desk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for group in (cases, events, evidence, analysis, segments, gui, report, timeline, packets, keys, reviewer,
                  backup):
        group.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        code = _main(argv)
        sys.stdout.flush()  # here, not at exit: a reader gone away is seen and answered quietly
        return code
    except BrokenPipeError:
        return broken_pipe()
    except SystemExit:  # --help, --version, a usage error: argparse has printed
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            broken_pipe()
            raise SystemExit(EXIT_BROKEN_PIPE) from None
        raise


def _main(argv: Sequence[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        return gui.launch_app()
    parser = build_parser()
    args = parser.parse_args(argv)
    args.argv = argv  # for a crash report
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    return run(args)
