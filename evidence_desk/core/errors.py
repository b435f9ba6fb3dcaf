"""Errors a user can fix. Anything else escaping core is a bug.

The CLI prints one line and exits with the error's :attr:`exit_code` (2, bad
input, unless the class says otherwise); the GUI shows a dialog.

:func:`user_error` is the one place where what the machine says (an
``OSError``, a ``sqlite3.Error``) becomes one of these, after qutebrowser's
``misc/sql.py``: a full disk, a busy or damaged database, a read-only
folder are the environment refusing (:class:`EnvironmentRefused`, exit 3);
a missing file is bad input (exit 2); anything else is a bug and stays as
it was raised.
"""

from __future__ import annotations

import errno
from pathlib import Path


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


class EnvironmentRefused(EvidenceDeskError):
    """The machine refused the work (disk full, permissions, a busy or damaged database).

    The message is ``<problem>: <path>; <what to do>``, one line."""

    exit_code = 3

    def __init__(self, path: Path | str, problem: str | None = None, advice: str | None = None) -> None:
        if problem is None:  # what the work needs is not available here (no passphrase, no terminal)
            super().__init__(str(path))
            self.path, self.problem, self.advice = "", str(path), ""
            return
        super().__init__(f"{problem}: {path}; {advice}")
        self.path, self.problem, self.advice = str(path), problem, advice or ""

    def at(self, path: Path | str) -> EnvironmentRefused:
        """The same refusal naming ``path`` (the place the user chose, not a temporary beside it)."""
        return type(self)(path, self.problem, self.advice)


class DiskFull(EnvironmentRefused):
    pass


class CaseBusy(EnvironmentRefused):
    """Another program kept the case database locked for longer than the busy timeout."""


class CaseDamaged(EnvironmentRefused):
    """The case database is corrupt or not a database at all."""


class StorageRefused(EnvironmentRefused):
    """A read-only folder, missing permissions, or an I/O error of the disk."""


class CaseLocked(EnvironmentRefused):
    """Another process (the app, another command) has the case open for writing."""

    @classmethod
    def held_by(cls, path: Path | str, who: str, waited: float = 0.0) -> CaseLocked:
        advice = ("close the case there, or run again with --wait SECONDS" if waited <= 0 else
                  f"still open after waiting {waited:g} s; close it there, or wait longer")
        return cls(path, f"case is open for writing by {who}", advice)


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



class Cancelled(EvidenceDeskError):
    """The user cancelled a long operation; nothing partial was kept."""


class EvidenceDeskWarning(UserWarning):
    """Warnings of our own; the test suite turns them into failures."""


# --- what the machine says, as something the user can act on ----------------------

_TRY_AGAIN = "free space and try again"
_SQLITE_REFUSALS: dict[int, tuple[type[EnvironmentRefused], str, str]] = {
    5: (CaseBusy, "case database busy",  # SQLITE_BUSY
        "another program kept it locked while this one waited; try again when it has finished"),
    6: (CaseBusy, "case database busy", "another connection holds a table lock; try again"),  # SQLITE_LOCKED
    15: (CaseBusy, "case database lock protocol failed", "another program is using it; try again"),  # PROTOCOL
    8: (StorageRefused, "case cannot be written",  # SQLITE_READONLY
        "the folder or database is read-only or was replaced; make it writable, or copy the case somewhere "
        "writable"),
    10: (StorageRefused, "disk I/O error on the case database",  # SQLITE_IOERR
         "the disk or network share failed; check it, then try again"),
    11: (CaseDamaged, "case database damaged", "restore the case folder from a backup"),  # SQLITE_CORRUPT
    26: (CaseDamaged, "not a case database", "restore the case folder from a backup"),  # SQLITE_NOTADB
    13: (DiskFull, "disk full", _TRY_AGAIN),  # SQLITE_FULL
    14: (StorageRefused, "cannot open the case database",  # SQLITE_CANTOPEN
         "check that the folder exists and can be written"),
}
# sqlite3_errstr() texts, for errors raised without a code (by a wrapper, or a test)
_SQLITE_TEXTS = {"database is locked": 5, "database table is locked": 6, "locking protocol": 15,
                 "attempt to write a readonly database": 8, "disk i/o error": 10,
                 "database disk image is malformed": 11, "file is not a database": 26,
                 "database or disk is full": 13, "unable to open database file": 14}
_OS_REFUSALS: dict[int, tuple[type[EnvironmentRefused], str, str]] = {
    errno.ENOSPC: (DiskFull, "disk full", _TRY_AGAIN),
    getattr(errno, "EDQUOT", 122): (DiskFull, "disk quota exceeded", _TRY_AGAIN),
    errno.EROFS: (StorageRefused, "read-only file system", "choose a writable place, or copy the case to one"),
    errno.EACCES: (StorageRefused, "permission denied", "ask for write access, or choose another place"),
    errno.EPERM: (StorageRefused, "operation not permitted", "ask for write access, or choose another place"),
    errno.EIO: (StorageRefused, "disk I/O error", "the disk or network share failed; check it, then try again"),
}
#: errors that mean the path given does not name a usable file or folder: bad input (exit 2)
_OS_BAD_INPUT = {errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.ENAMETOOLONG, errno.EEXIST, errno.ELOOP}


def user_error(exc: BaseException, path: Path | str | None = None) -> EvidenceDeskError | None:
    """The user-fixable error that ``exc`` stands for, naming ``path`` (the case or file
    being written); None when ``exc`` is a bug.

    ``path`` is named for a refusal of the environment (a full disk says which
    folder it could not write); the file an ``OSError`` names is used for a
    missing input, and when no ``path`` is given."""
    if isinstance(exc, EvidenceDeskError):
        return exc
    if isinstance(exc, OSError):
        return _os_error(exc, path)
    if isinstance(exc, UnicodeEncodeError) and exc.reason == "surrogates not allowed":
        shown = exc.object.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        shown = "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode() for ch in shown)
        shown = shown if len(shown) <= 80 else shown[:77] + "..."
        return BadInput(f'text that is not valid UTF-8 cannot be recorded: "{shown}"; give it as UTF-8')
    if isinstance(exc, db_errors()):
        code = getattr(exc, "sqlite_errorcode", None)
        primary = code & 0xFF if isinstance(code, int) else _SQLITE_TEXTS.get(str(exc).strip().lower())
        if primary == 10 and path is not None and _disk_nearly_full(path):
            primary = 13  # SQLite reports a write to a full disk through the WAL index as an I/O error
        if primary in _SQLITE_REFUSALS:
            kind, problem, advice = _SQLITE_REFUSALS[primary]
            return kind(path if path is not None else "the case database", problem, advice)
    return None


def _disk_nearly_full(path: Path | str) -> bool:
    """Whether the disk holding ``path`` has (almost) no space left: what an I/O error there means."""
    import shutil

    place = Path(path)
    while not place.exists() and place != place.parent:
        place = place.parent
    try:
        return shutil.disk_usage(place).free < 1024 * 1024
    except OSError:
        return False


def _os_error(exc: OSError, path: Path | str | None) -> EvidenceDeskError | None:
    named = exc.filename if exc.filename is not None else path
    if exc.errno in _OS_REFUSALS:
        kind, problem, advice = _OS_REFUSALS[exc.errno]
        return kind(path if path is not None else (named or "?"), problem, advice)
    if exc.errno in _OS_BAD_INPUT:
        return BadInput(f"{exc.strerror or exc}: {named}" if named is not None else str(exc.strerror or exc))
    if exc.errno is None or isinstance(exc, BrokenPipeError):
        return None
    return StorageRefused(named if named is not None else "?", exc.strerror or str(exc),
                          "check the disk and try again")


def db_errors() -> tuple[type[BaseException], ...]:
    """The database errors of both drivers (SQLCipher's do not derive from sqlite3's); imported
    only when asked, so the CLI's start-up does not pay for them."""
    import sqlite3

    try:
        import sqlcipher3.dbapi2 as cipher  # type: ignore[import-not-found]
    except ImportError:
        return (sqlite3.Error,)
    return (sqlite3.Error, cipher.Error)
