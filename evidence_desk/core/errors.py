"""Errors a user can fix. Anything else escaping core is a bug.

The CLI prints one line and exits 2 for these; the GUI shows a dialog.
"""

from __future__ import annotations


class EvidenceDeskError(Exception):
    """Base of all errors the user can act on (bad input, missing case...)."""


class CaseNotFound(EvidenceDeskError):
    pass


class CaseExists(EvidenceDeskError):
    pass


class CaseTooNew(EvidenceDeskError):
    """The case was written by a newer Evidence Desk than this one."""


class CaseReadOnly(EvidenceDeskError):
    """A write was attempted on a case opened read-only (locked or review)."""


class CaseLocked(EvidenceDeskError):
    pass


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


class Cancelled(EvidenceDeskError):
    """The user cancelled a long operation; nothing partial was kept."""


class EvidenceDeskWarning(UserWarning):
    """Warnings of our own; the test suite turns them into failures."""
