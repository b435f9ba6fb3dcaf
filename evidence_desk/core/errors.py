"""Errors a user can fix. Anything else escaping core is a bug.

The CLI prints one line and exits with the error's :attr:`exit_code` (2, bad
input, unless the class says otherwise); the GUI shows a dialog.
"""

from __future__ import annotations


class EvidenceDeskError(Exception):
    """Base of all errors the user can act on (bad input, missing case...)."""

    #: the command line's exit code: 1 verification found problems, 2 bad input, 3 the environment refused
    exit_code = 2


class CaseNotFound(EvidenceDeskError):
    pass


class CaseExists(EvidenceDeskError):
    pass


class CaseTooNew(EvidenceDeskError):
    """The case was written by a newer Evidence Desk than this one."""


class CaseReadOnly(EvidenceDeskError):
    """A write was attempted on a case opened read-only (locked or review)."""


class CaseLocked(EvidenceDeskError):
    exit_code = 3


class VerificationFailed(EvidenceDeskError):
    """Work refused because the case (or a packet) does not verify; the message names what failed."""

    exit_code = 1


class UnknownRecord(EvidenceDeskError):
    pass


class BadInput(EvidenceDeskError):
    pass


class BadTime(BadInput):
    pass


class ImportFailed(EvidenceDeskError):
    """One file could not be imported; nothing of it was kept."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class EnvironmentRefused(EvidenceDeskError):
    """What the work needs is not available here (no passphrase and no terminal
    to ask on); the command line exits 3 for these."""

    exit_code = 3


class Cancelled(EvidenceDeskError):
    """The user cancelled a long operation; nothing partial was kept."""


class EvidenceDeskWarning(UserWarning):
    """Warnings of our own; the test suite turns them into failures."""
