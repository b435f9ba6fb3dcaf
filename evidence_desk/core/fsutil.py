"""Atomic file writes: a crash leaves the old file or the new one, never half."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import socket
import tempfile
import uuid
from pathlib import Path

log = logging.getLogger("evidence_desk.files")

# A temporary beside its destination says which process made it, so a later run can tell a
# leftover of a killed process (remove it) from another process's work in progress (keep it).
_HOST_TAG = hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:6]
_OWNED = re.compile(r"^\.(?P<target>.+)\.(?P<pid>\d+)-(?P<host>[0-9a-f]{6})\.[0-9a-f]{8}(?P<suffix>\.[a-z][a-z.]*)$")


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (one we may not signal counts)."""
    if pid <= 0:
        return False
    if os.name == "nt":  # pragma: no cover - signal 0 there is CTRL_C_EVENT; say alive, keep what it owns
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def fsync_dir(path: Path) -> None:
    """Make a rename or create inside ``path`` durable."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` via a synced temporary file and a rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    fsync_dir(target.parent)


def atomic_write_text(target: Path, text: str) -> None:
    atomic_write_bytes(target, text.encode("utf-8"))


def owned_name(target: str, suffix: str) -> str:
    """A hidden name for a temporary of ``target`` made by this process:
    ``.<target>.<pid>-<host>.<random><suffix>`` (see :func:`remove_dead_temporaries`)."""
    return f".{target}.{os.getpid()}-{_HOST_TAG}.{uuid.uuid4().hex[:8]}{suffix}"


def remove_dead_temporaries(folder: Path, suffixes: tuple[str, ...]) -> list[str]:
    """Remove the temporaries in ``folder`` named by :func:`owned_name` with one of
    ``suffixes`` whose process has ended; return their names.

    A temporary of a live process, or of another machine (a shared folder), is kept."""
    removed: list[str] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        found = _OWNED.match(entry.name)
        if found is None or found["suffix"] not in suffixes or found["host"] != _HOST_TAG \
                or pid_alive(int(found["pid"])):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
        except FileNotFoundError:
            continue
        except OSError as exc:
            log.info("could not remove the leftover %s: %s", entry.path, exc)
            continue
        removed.append(entry.name)
    if removed:
        log.info("removed leftovers of ended processes in %s: %s", folder, ", ".join(sorted(removed)))
    return removed
