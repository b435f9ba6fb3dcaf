"""Command-line commands for the gui layer, registered into :mod:`evidence_desk.cli`.

Keep imports of heavy modules inside the command functions: the CLI must start fast.
"""

from __future__ import annotations

from typing import Any


def register(sub: Any) -> None:
    """Add this layer's subcommands to the CLI's subparsers."""
