"""What the packet commands share for encrypted packets (docs/encrypted-packets.md): the
reviewer key's passphrase and unlocking it when a packet is encrypted. Not a command group.

Heavy modules are imported inside the functions: the CLI must start fast.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

NO_PASSPHRASE = ("no passphrase for the reviewer key: set EVIDENCE_DESK_REVIEWER_PASSPHRASE (or "
                 "EVIDENCE_DESK_KEY_PASSPHRASE), pass --reviewer-passphrase-file FILE, or run in a terminal")


def add_reviewer_passphrase_option(p: argparse.ArgumentParser, *names: str) -> None:
    p.add_argument(*(names or ("--reviewer-passphrase-file",)), dest="reviewer_passphrase_file", metavar="FILE",
                   help="read the reviewer key's passphrase from the first line of FILE, to open an encrypted "
                        "packet (default: $EVIDENCE_DESK_REVIEWER_PASSPHRASE, else $EVIDENCE_DESK_KEY_PASSPHRASE, "
                        "else ask when run in a terminal)")


def read_reviewer_passphrase(args: argparse.Namespace, *, confirm: bool = False) -> str | None:
    """--reviewer-passphrase-file, else the environment, else a prompt when there is a terminal."""
    from ..core import reviewer_keys
    from ..core.errors import BadInput

    file = getattr(args, "reviewer_passphrase_file", None)
    if file:
        try:
            lines = Path(file).read_text("utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise BadInput(f"cannot read the passphrase file {file}: {exc}") from None
        if not lines or not lines[0]:
            raise BadInput(f"the passphrase file {file} is empty")
        return lines[0]
    from_env = reviewer_keys.passphrase_from_env()
    if from_env is not None:
        return from_env
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        return None
    import getpass

    first = getpass.getpass("Reviewer key passphrase: ")
    if confirm and getpass.getpass("Again, to confirm: ") != first:
        raise BadInput("the two passphrases differ; nothing was created")
    return first or None


def unlock_if_encrypted(packet: Path, args: argparse.Namespace) -> bool:
    """Unlock the reviewer key if ``packet`` is an encrypted packet; True if it is one."""
    from ..core import reviewer_keys
    from ..core.packet.archive import is_encrypted

    if not packet.is_file() or not is_encrypted(packet):
        return False
    stored = reviewer_keys.load_public()
    if stored is None:
        raise reviewer_keys.KeyMissing(f"{packet.name} is an encrypted packet and you have no reviewer key at "
                                       f"{reviewer_keys.key_path()}; `evidence-desk reviewer-key create` makes one")
    if any(k.public_key == stored.public_key for k in reviewer_keys.unlocked()):
        return True
    passphrase = read_reviewer_passphrase(args)
    if passphrase is None:
        raise reviewer_keys.NoPassphrase(NO_PASSPHRASE)
    reviewer_keys.unlock(passphrase)
    return True
