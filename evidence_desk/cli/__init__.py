"""The command line over core: what tests, benchmarks and scripts drive.

Each command group lives in its own module and registers its subcommands;
what they share (exit codes, opening the case, JSON output, turning a
user-fixable error into one line and an exit code) is in :mod:`.common`.
Command modules import from ``common`` and core, never from each other.

Starts fast: core modules and heavy libraries are imported inside the
command that needs them. A user-fixable error prints one line on stderr and
exits 2 (3 when the environment refused, e.g. no passphrase for the examiner
key and no terminal to ask on); ``verify`` exits 1 when something failed;
nothing prints a traceback for bad input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .. import __version__
from . import analysis, cases, events, evidence, gui, keys, packets, report, reviewer
from .common import EXIT_USAGE, run

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="evidence-desk",
        description="Catalogue incident evidence with a tamper-evident chain of custody. "
                    "Without a command, opens the desktop application.")
    parser.add_argument("--version", action="version", version=f"evidence-desk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for group in (cases, events, evidence, analysis, gui, report, packets, keys, reviewer):
        group.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        return gui.launch_app()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    return run(args)
