"""The case lock: one examiner writes a case at a time.

A lock file in the case folder is held with ``fcntl.flock`` for as long as
the case is open for writing. The holder writes who it is (pid, host, user,
time) into the file so a second opener can say who has the case. The lock
dies with the process, so a crash never leaves a stale lock behind.

Where ``fcntl`` does not exist (Windows) the lock falls back to an
exclusive-create marker file, which a crash can leave behind; the message
then says how to clear it.
"""

from __future__ import annotations

import getpass
import json
import logging
import os
import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from .fsutil import pid_alive

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger("evidence_desk.lock")

LOCK_FILE = ".evidence-desk.lock"
_STALE_TRIES = 25  # times 10 ms


@dataclass(frozen=True)
class LockHolder:
    """Who holds a case open for writing, as the holder wrote it."""

    pid: int | None
    host: str
    user: str
    since: str

    def is_this_process(self) -> bool:
        """Whether the holder is the process asking (it took the lock for the case it opens)."""
        return self.pid == os.getpid() and self.host == socket.gethostname()

    def describe(self) -> str:
        if not self.host and not self.user:
            return "another Evidence Desk window"
        who = f"{self.user or 'someone'} on {self.host or 'an unknown machine'}"
        pid = f", process {self.pid}" if self.pid else ""
        since = f", since {self.since}" if self.since else ""
        return f"{who}{pid}{since}"


class CaseLock:
    """Held write access to one case folder; release it when the case closes."""

    def __init__(self, path: Path, handle: IO[str] | None) -> None:
        self.path = path
        self._handle = handle

    @property
    def held(self) -> bool:
        return self._handle is not None or (fcntl is None and self.path.exists())

    def release(self) -> None:
        if self._handle is not None:
            try:
                if fcntl is not None:
                    self._handle.seek(0)
                    self._handle.truncate()
                    self._handle.flush()
                    fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
            except OSError as exc:
                log.info("releasing the case lock %s: %s", self.path, exc)
            finally:
                self._handle.close()
                self._handle = None
            if fcntl is None:
                self.path.unlink(missing_ok=True)

    def __enter__(self) -> CaseLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def acquire(case_dir: Path | str) -> CaseLock | LockHolder:
    """Take the case's write lock, or return who holds it.

    Returns a :class:`CaseLock` on success; a :class:`LockHolder` when another
    process (or another window of this one) already has the case."""
    path = Path(case_dir) / LOCK_FILE
    if fcntl is None:  # pragma: no cover - Windows
        return _acquire_marker(path)
    handle = open(path, "a+", encoding="utf-8")
    for attempt in range(_STALE_TRIES):
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            handle.seek(0)
            holder = _parse(handle.read())
            # A holder writes who it is right after locking, so a nameless or dead holder is one
            # arriving or leaving, or another process looking (holder()): ask again, briefly.
            if (holder.pid is not None and (holder.host != socket.gethostname() or pid_alive(holder.pid))) \
                    or attempt == _STALE_TRIES - 1:
                handle.close()
                return holder
            time.sleep(0.01)
        except OSError:
            handle.close()
            raise
    handle.seek(0)
    handle.truncate()
    handle.write(json.dumps(_me()))
    handle.flush()
    return CaseLock(path, handle)


def holder(case_dir: Path | str) -> LockHolder | None:
    """Who holds the case now, without taking the lock or writing anything; None if nobody.

    Works on a case that cannot be written (read-only media): nobody can hold that."""
    path = Path(case_dir) / LOCK_FILE
    if fcntl is None:  # pragma: no cover - Windows
        result = acquire(case_dir)
        if isinstance(result, CaseLock):
            result.release()
            return None
        return result
    try:
        handle = open(path, encoding="utf-8")
    except FileNotFoundError:
        return None
    with handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _parse(handle.read())
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    return None


def wait_for(case_dir: Path | str, seconds: float, poll: float = 0.1) -> CaseLock | LockHolder:
    """:func:`acquire`, trying again for up to ``seconds`` while another process holds the case;
    the holder is returned if it still has it then."""
    deadline = time.monotonic() + max(0.0, seconds)
    while True:
        result = acquire(case_dir)
        left = deadline - time.monotonic()
        if isinstance(result, CaseLock) or left <= 0:
            return result
        time.sleep(min(poll, left))


def _me() -> dict[str, object]:
    try:
        user = getpass.getuser()
    except Exception:  # no login name in some sandboxes
        user = ""
    return {"pid": os.getpid(), "host": socket.gethostname(), "user": user,
            "since": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")}


def _parse(text: str) -> LockHolder:
    try:
        data = json.loads(text)
        return LockHolder(pid=int(data.get("pid") or 0) or None, host=str(data.get("host", "")),
                          user=str(data.get("user", "")), since=str(data.get("since", "")))
    except (ValueError, TypeError, AttributeError):
        return LockHolder(None, "", "", "")


def _acquire_marker(path: Path) -> CaseLock | LockHolder:  # pragma: no cover - Windows
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        try:
            holder_ = _parse(path.read_text("utf-8"))
        except OSError:
            holder_ = LockHolder(None, "", "", "")
        return LockHolder(holder_.pid, holder_.host, holder_.user,
                          (holder_.since + "; if no one has it open, delete " + str(path)).lstrip("; "))
    handle = os.fdopen(fd, "w", encoding="utf-8")
    handle.write(json.dumps(_me()))
    handle.flush()
    return CaseLock(path, handle)
