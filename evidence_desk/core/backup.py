"""Backups: a consistent, incremental, verified copy of a case, taken even while it is open.

A backup is a reader of the case: it never takes the case's write lock and
never writes into the case folder, so it runs while the app (or a command)
holds the case open and keeps changing it. The database is copied whole with
SQLite's online backup API through a read-only connection, which copies one
consistent snapshot (the last commit; a write transaction still open in
another connection is not in it). ``custody.head`` is read *before* that
snapshot, so the head the copy carries is never ahead of its chain. Vault
objects are content-addressed and write-once: an object already in the
backup with its SHA-256 name and catalogued size is not copied again.

A backup folder ``DEST`` holds::

    backup.json   the manifest: when, from where, the database's SHA-256, the
                  object count, the custody head at backup time, the result of
                  verifying the copy, and ``state``
    case/         the copy: an ordinary case folder (verify it, open it
                  read-only, or ``restore`` it)
    incoming/     only while a backup runs: the new database, head and objects

Everything is written into ``incoming/`` first and synced; the manifest is
then replaced atomically with ``state: switching`` (the commit point), and the
staged files are renamed into ``case/``; ``state: complete`` ends it. A backup
killed before the commit point leaves ``case/`` exactly as the previous backup
left it (the next backup removes ``incoming/``); one killed while switching is
finished by the next ``backup`` or ``restore`` (every step of the switch can
be repeated). The copy is then verified with :func:`~.verify.verify`; an
object found damaged in ``DEST`` is copied again from the case and the copy
verified once more. If the case itself is damaged, the copy is too and the
verification says so (exit 1): keep more than one backup folder to keep older
states.

An encrypted case stays encrypted in its backup: its passphrase (or the open
case's key) unlocks the data key, the source is opened read-only with the
SQLCipher key and backed up online into a target keyed alike (pages are
written encrypted under the same key), sealed objects are copied byte for
byte (an object counts as already there when its size on disk is the case's
sealed file's size), ``case.key.json`` is copied with them, and the copy is
verified with the key. Nothing in the backup folder is plaintext of the case.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import custody
from .case import DB_FILE, VAULT_DIR
from .checkpoints import Checks
from .errors import BadInput, Cancelled, CaseExists, CaseNotFound, EnvironmentRefused, VerificationFailed, user_error
from .fsutil import atomic_write_bytes, fsync_dir
from .sealing import KEY_FILE, CaseKey
from .vault import Progress, ShouldCancel, Vault, hash_file

MANIFEST = "backup.json"
CASE_COPY = "case"
INCOMING = "incoming"
FORMAT = "evidence-desk-backup"
FORMAT_VERSION = 1
#: a backup's copy is an earlier state of the case by design: the local witness log, which may
#: have seen later entries, is not compared with it (``verify`` of the case itself does that)
COPY_CHECKS = Checks(local_witness=False)

Stage = Callable[[str], None]


@dataclass(frozen=True)
class BackupResult:
    dest: Path
    objects: int  # objects the copy holds
    objects_copied: int  # copied this time
    bytes_copied: int
    objects_recopied: int  # found damaged in DEST by the verification and copied again
    manifest: dict[str, Any]
    report: Any  # the VerifyReport of the copy

    @property
    def ok(self) -> bool:
        return bool(self.report.ok)

    def summary(self) -> str:
        reused = self.objects - self.objects_copied
        text = (f"backed up to {self.dest}: database copied whole, {self.objects_copied} object(s) copied "
                f"({self.bytes_copied} bytes), {reused} already there")
        if self.objects_recopied:
            text += f", {self.objects_recopied} found damaged in the backup and copied again"
        return text + ("; the copy verifies: " + self.report.summary() if self.ok
                       else f"; the copy does NOT verify: {len(self.report.failures)} failure(s)")


@dataclass(frozen=True)
class RestoreResult:
    case_dir: Path
    manifest: dict[str, Any]
    report: Any  # the VerifyReport of the restored case


def open_source(db_path: Path, db_key: bytes | None = None) -> Any:
    """A read-only connection to the case database, for the online backup (never a write lock);
    with ``db_key`` through SQLCipher."""
    from .store import BUSY_TIMEOUT_S, open_connection

    if db_key is not None:
        return open_connection(db_path, read_only=True, key=db_key)
    return sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)


def _db_key(key: CaseKey | None) -> bytes | None:
    return key.db_key if key is not None else None


def backup_is_encrypted(backup_dir: Path | str) -> bool:
    """The backup in ``backup_dir`` is of an encrypted case (its copy, or a copy being switched in, has the key file)."""
    backup_dir = Path(backup_dir)
    return any((backup_dir / sub / KEY_FILE).is_file() for sub in (CASE_COPY, INCOMING))


def unlock_backup(backup_dir: Path | str, passphrase: str | None) -> CaseKey | None:
    """The data key of an encrypted backup (from its own ``case.key.json``), else None."""
    from . import sealing
    from .case import unlock_case

    backup_dir = Path(backup_dir)
    for sub in (INCOMING, CASE_COPY):  # a switch cut off: the newer key file is still in incoming/
        if sealing.is_encrypted(backup_dir / sub):
            return unlock_case(backup_dir / sub, passphrase)
    return None


def read_manifest(dest: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((dest / MANIFEST).read_text("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise BadInput(f"{dest / MANIFEST} cannot be read as a backup manifest: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BadInput(f"{dest / MANIFEST} is not an Evidence Desk backup manifest")
    if int(data.get("format_version", 0)) > FORMAT_VERSION:
        raise BadInput(f"{dest} was written by a newer Evidence Desk (backup format {data.get('format_version')}); "
                       "update the program to use it")
    return data


def _write_manifest(dest: Path, manifest: dict[str, Any]) -> None:
    atomic_write_bytes(dest / MANIFEST, (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode())


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@contextmanager
def _writing_at(dest: Path) -> Iterator[None]:
    """A refusal of the machine while writing the backup names DEST (one line, exit 3)."""
    try:
        yield
    except (OSError, sqlite3.Error) as exc:
        known = user_error(exc, dest)
        if isinstance(known, EnvironmentRefused):
            raise known.at(dest) from exc
        raise


# --- backup -----------------------------------------------------------------------------------

def backup(case_dir: Path | str, dest: Path | str, progress: Progress | None = None,
           should_cancel: ShouldCancel | None = None, on_total: Callable[[int], None] | None = None,
           on_stage: Stage | None = None, key: CaseKey | None = None,
           passphrase: str | None = None) -> BackupResult:
    """Back the case at ``case_dir`` up into the folder ``dest`` and verify the copy.

    An encrypted case needs its ``key`` (an open case's ``case.key``) or ``passphrase``;
    a wrong one is refused before anything is written.

    ``progress`` gets byte increments (database, objects copied, then the copy's
    rehash) out of the total given once to ``on_total``; ``on_stage`` names each
    step. Cancelling before the switch leaves the previous backup as it was."""
    case_dir, dest = Path(case_dir).absolute(), Path(dest).absolute()
    stage = on_stage or (lambda _label: None)
    advance = progress or (lambda _n: None)
    from .case import unlock_case
    from .sealing import is_encrypted, key_path

    _check_places(case_dir, dest)
    encrypted = is_encrypted(case_dir)
    if not encrypted:
        key = None
    elif key is None:
        key = unlock_case(case_dir, passphrase)  # a wrong passphrase: refused, nothing written
    db_key = _db_key(key)
    if db_key is not None:
        open_source(case_dir / DB_FILE, db_key).close()  # the key fits the database, before DEST is made
    with _writing_at(dest):
        dest.mkdir(parents=True, exist_ok=True)
        previous = read_manifest(dest)
        if previous is not None and previous.get("state") == "switching":
            _switch(dest, key)  # a backup killed while switching: finish it first
            previous = _finish_manifest(dest, previous)
        incoming = dest / INCOMING
        _remove_tree(incoming)  # a backup killed before its commit point
        copy = dest / CASE_COPY
        try:
            (incoming / "objects").mkdir(parents=True)

            stage("Copying the case database")
            head_bytes = _read_head_bytes(case_dir)  # before the snapshot: never ahead of the copied chain
            db_copy = incoming / DB_FILE
            _online_backup(case_dir / DB_FILE, db_copy, db_key)
            snapshot = _snapshot_facts(db_copy, db_key)
            if previous is not None and previous.get("case_id") not in (None, snapshot["case_id"]):
                raise BadInput(f"{dest} holds a backup of another case ({previous.get('case_id')}); "
                               "choose another folder")
            if head_bytes is not None:
                atomic_write_bytes(incoming / custody.HEAD_FILE, head_bytes)
            if encrypted:  # the wrapped data key: the copy opens with the case's passphrase
                _copy_file(key_path(case_dir), incoming / KEY_FILE)
            for bak in sorted(case_dir.glob(f"{DB_FILE}.v*.bak")):  # the copies kept before schema upgrades
                there = copy / bak.name
                if not (there.is_file() and there.stat().st_size == bak.stat().st_size):
                    _copy_file(bak, incoming / bak.name)

            objects: list[tuple[str, int]] = snapshot["objects"]
            source_vault, copy_vault = Vault(case_dir / VAULT_DIR), Vault(copy / VAULT_DIR)
            stored = {sha: _stored_size(source_vault.object_path(sha), size, encrypted) for sha, size in objects}
            wanted = [(sha, stored[sha]) for sha, _size in objects
                      if not _present(copy_vault.object_path(sha), stored[sha])]
            db_size = db_copy.stat().st_size
            to_copy = sum(size for _sha, size in wanted)
            if on_total is not None:
                on_total(db_size + to_copy + sum(size for _sha, size in objects))
            advance(db_size)
            stage(f"Copying {len(wanted)} new object(s) of {len(objects)}")
            copied_bytes = 0
            for sha, size in wanted:
                if should_cancel is not None and should_cancel():
                    raise Cancelled("backup cancelled; the previous backup is as it was")
                source = source_vault.object_path(sha)
                if _copy_object(source, incoming / "objects" / sha):  # flat: one folder to sync and remove
                    copied_bytes += size
                advance(size)
            _make_durable(incoming)

            manifest = {
                "format": FORMAT, "format_version": FORMAT_VERSION, "state": "switching",
                "backed_up_at": _now(), "source": str(case_dir), "case_id": snapshot["case_id"],
                "database": {"file": f"{CASE_COPY}/{DB_FILE}", "sha256": hash_file(db_copy).sha256, "size": db_size},
                "objects": len(objects), "object_bytes": sum(size for _sha, size in objects),
                "objects_copied": len(wanted), "custody_entries": snapshot["custody_entries"],
                "custody_head": _head_json(head_bytes), "verified": None, "encrypted": encrypted,
                "program": _program_version(),
            }
        except BaseException:  # before the commit point: the previous backup is untouched
            try:
                _remove_tree(incoming)
            except OSError:
                pass  # a later backup removes it
            raise
        _write_manifest(dest, manifest)  # the commit point
        _switch(dest, key)
        manifest = _finish_manifest(dest, manifest)

    stage("Verifying the copy: rehashing every object, walking the custody chain")
    report, recopied = _verify_copy(dest, source_vault, advance, should_cancel, key)
    manifest["verified"] = {"at": _now(), "ok": report.ok, "summary": report.summary(),
                            "failures": len(report.failures), "objects_recopied": recopied}
    with _writing_at(dest):
        _write_manifest(dest, manifest)
    return BackupResult(dest, len(objects), len(wanted), copied_bytes, recopied, manifest, report)


def _check_places(case_dir: Path, dest: Path) -> None:
    if not (case_dir / DB_FILE).is_file():
        raise CaseNotFound(f"no case at {case_dir} (missing {DB_FILE})")
    resolved_case, resolved_dest = case_dir.resolve(), dest.resolve()
    if resolved_dest == resolved_case or resolved_case in resolved_dest.parents:
        raise BadInput(f"{dest} is inside the case folder; back up to a folder outside it")
    if resolved_dest in resolved_case.parents:
        raise BadInput(f"{dest} holds the case folder itself; choose an empty folder or an earlier backup")
    if dest.exists() and not dest.is_dir():
        raise BadInput(f"{dest} is a file, not a folder")
    if dest.is_dir() and not (dest / MANIFEST).is_file() and any(p.name != INCOMING for p in dest.iterdir()):
        raise BadInput(f"{dest} is neither empty nor a backup folder; choose an empty folder or an earlier backup")


def _read_head_bytes(case_dir: Path) -> bytes | None:
    try:
        return (case_dir / custody.HEAD_FILE).read_bytes()
    except FileNotFoundError:
        return None


def _head_json(head: bytes | None) -> dict[str, Any] | None:
    if head is None:
        return None
    try:
        data = json.loads(head)
        return {"seq": int(data["seq"]), "entry_hash": str(data["entry_hash"])}
    except (ValueError, KeyError, TypeError):
        return {"unreadable": True}


def _online_backup(source_db: Path, target: Path, db_key: bytes | None = None) -> None:
    """Copy the database whole through SQLite's online backup API, as one snapshot; with
    ``db_key`` between two SQLCipher connections keyed alike, so the copy's pages are encrypted."""
    from .store import open_connection

    source = open_source(source_db, db_key)
    try:
        out = open_connection(target, key=db_key) if db_key is not None else sqlite3.connect(target,
                                                                                                isolation_level=None)
        try:
            source.backup(out)  # one step: one consistent snapshot, whatever other connections do
            # the copy is read, never written: a rollback journal rather than WAL means a read-only
            # open needs no -shm beside it (opening it for writing makes it WAL again)
            out.execute("PRAGMA journal_mode = DELETE")
        finally:
            out.close()
    finally:
        source.close()
    with open(target, "rb+") as f:
        os.fsync(f.fileno())


def _snapshot_facts(db_copy: Path, db_key: bytes | None = None) -> dict[str, Any]:
    from .store import open_connection

    conn = open_connection(db_copy, read_only=True, key=db_key)
    try:
        ids = conn.execute("SELECT id FROM case_info").fetchall()
        return {"case_id": str(ids[0][0]) if len(ids) == 1 else None,
                "objects": [(str(sha), int(size)) for sha, size in
                            conn.execute("SELECT sha256, size FROM object ORDER BY sha256")],
                "custody_entries": conn.execute("SELECT count(*) FROM custody").fetchone()[0]}
    finally:
        conn.close()


def _stored_size(source: Path, size: int, encrypted: bool) -> int:
    """An object's size on disk in the case: its catalogued size, or for a sealed object the
    sealed file's size (what the copy in DEST must have to count as already there)."""
    if not encrypted:
        return size
    try:
        return source.stat().st_size
    except OSError:
        from .sealing import sealed_size

        return sealed_size(size)  # missing in the case: not copied, the verification names it


def _present(path: Path, size: int) -> bool:
    try:
        return path.stat().st_size == size
    except OSError:
        return False


def _copy_object(source: Path, target: Path) -> bool:
    """Copy one vault object (synced, then renamed into place); False if the case lacks it
    (the copy's verification then names it)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        with open(source, "rb") as src:
            _copy_open(src, tmp)
    except OSError as exc:
        _unlink(tmp)
        if exc.filename == str(source) or exc.errno in (errno.ENOENT, errno.EISDIR):
            return False  # unreadable in the case: not copied, reported by verification
        raise
    os.chmod(tmp, 0o444)
    os.replace(tmp, target)
    return True


def _copy_open(src: Any, tmp: Path) -> None:
    with open(tmp, "wb") as out:
        shutil.copyfileobj(src, out, 1024 * 1024)
        out.flush()
        if not _SYNCFS:  # else one syncfs() before the commit point makes every copy durable at once
            os.fsync(out.fileno())


def _load_syncfs() -> Callable[[int], int] | None:
    """Linux's syncfs(2): one call flushes every file written on DEST's file system. Per-object
    fsync cost ~17 ms each on the reference disk (2,000 objects: half a minute); one syncfs
    after writing them all costs about what ``sync`` after ``cp -r`` costs."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        func = libc.syncfs
    except (OSError, AttributeError):
        return None
    func.argtypes = [ctypes.c_int]
    return func


_SYNCFS = _load_syncfs()


def _make_durable(folder: Path, folders: Callable[[], Iterator[Path]] | None = None) -> None:
    """Every file and rename under ``folder`` reaches the disk: one syncfs on Linux (it covers
    the directory entries too), else an fsync of each file as written and here of each folder
    (``folders``, default every folder under ``folder``)."""
    if _SYNCFS is not None:
        fd = os.open(folder, os.O_RDONLY)
        try:
            if _SYNCFS(fd) != 0:
                import ctypes

                code = ctypes.get_errno()
                raise OSError(code, os.strerror(code), str(folder))
        finally:
            os.close(fd)
        return
    for sub in (folders or (lambda: (p for p in folder.rglob("*") if p.is_dir())))():
        fsync_dir(sub)
    fsync_dir(folder)


def _copy_file(source: Path, target: Path) -> None:
    with open(source, "rb") as src:
        _copy_open(src, target)


def _switch(dest: Path, key: CaseKey | None = None) -> None:
    """Move what ``incoming/`` holds into ``case/``. Repeatable: a switch cut off is finished by running it again."""
    incoming, copy = dest / INCOMING, dest / CASE_COPY
    Vault(copy / VAULT_DIR).create()
    new_db = incoming / DB_FILE if (incoming / DB_FILE).is_file() else copy / DB_FILE
    staged, touched = incoming / "objects", set()
    if staged.is_dir():
        for obj in sorted(staged.iterdir()):
            if obj.name.endswith(".part"):
                continue
            target = Vault(copy / VAULT_DIR).object_path(obj.name)
            target.parent.mkdir(exist_ok=True)
            os.replace(obj, target)
            touched.add(target.parent)
    if new_db.is_file():  # objects the new catalogue does not hold (none, unless the case was replaced)
        encrypted = any((d / KEY_FILE).is_file() for d in (incoming, copy))
        keep = {sha for sha, _size in _snapshot_facts(new_db, _db_key(key) if encrypted else None)["objects"]}
        for sha, path in Vault(copy / VAULT_DIR).iter_objects():
            if sha not in keep:
                _unlink(path)
    for name in (f"{DB_FILE}-wal", f"{DB_FILE}-shm", f"{DB_FILE}-journal"):
        _unlink(copy / name)  # never beside a database they do not belong to
    if incoming.is_dir():  # the database before the head: a head behind its chain still verifies
        for name in sorted(p.name for p in incoming.glob(f"{DB_FILE}.v*.bak")):
            os.replace(incoming / name, copy / name)
        for name in (KEY_FILE, DB_FILE, custody.HEAD_FILE):
            if (incoming / name).exists():
                os.replace(incoming / name, copy / name)
    _make_durable(copy, lambda: iter(sorted(touched)))
    _remove_tree(incoming)


def _finish_manifest(dest: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    manifest = {**manifest, "state": "complete"}
    _write_manifest(dest, manifest)
    return manifest


def _verify_copy(dest: Path, source_vault: Vault | None, advance: Progress,
                 should_cancel: ShouldCancel | None, key: CaseKey | None = None) -> tuple[Any, int]:
    """Verify ``dest``'s copy; objects found damaged there are copied again from the case once."""
    from .verify import verify

    copy = dest / CASE_COPY
    report = verify(copy, advance, should_cancel, checks=COPY_CHECKS, key=key)
    if report.ok or source_vault is None:
        return report, 0
    damaged = sorted({f.sha256 for f in report.failures if getattr(f, "sha256", "") and f.what in ("item", "object")
                      and ("altered" in f.message or "size is" in f.message or "cannot be read" in f.message
                           or "missing" in f.message)})
    recopied = 0
    with _writing_at(dest):
        staged = [sha for sha in damaged if source_vault.object_path(sha).is_file()
                  and _copy_object(source_vault.object_path(sha), dest / INCOMING / "objects" / sha)]
        if staged:
            _make_durable(dest / INCOMING)
        for sha in staged:
            target = Vault(copy / VAULT_DIR).object_path(sha)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(dest / INCOMING / "objects" / sha, target)
            fsync_dir(target.parent)
            recopied += 1
        _remove_tree(dest / INCOMING)
    if recopied:
        report = verify(copy, None, should_cancel, checks=COPY_CHECKS, key=key)
    return report, recopied


# --- restore ----------------------------------------------------------------------------------

def restore(backup_dir: Path | str, case_dir: Path | str, progress: Progress | None = None,
            should_cancel: ShouldCancel | None = None, on_stage: Stage | None = None,
            key: CaseKey | None = None, passphrase: str | None = None) -> RestoreResult:
    """Bring the backup in ``backup_dir`` back as a new case folder ``case_dir``.

    The backup is verified first (a backup that fails is refused, exit 1, and
    nothing is written); an existing case or non-empty folder at ``case_dir``
    is never overwritten (exit 2). The case is assembled beside ``case_dir``,
    verified again, and renamed into place. A backup of an encrypted case needs the case's
    ``passphrase`` (or ``key``) and is restored still encrypted, under the same passphrase."""
    backup_dir, case_dir = Path(backup_dir).absolute(), Path(case_dir).absolute()
    stage = on_stage or (lambda _label: None)
    manifest = read_manifest(backup_dir)
    if manifest is None:
        raise BadInput(f"{backup_dir} is not a backup folder (no {MANIFEST}); give the folder `backup` wrote")
    if case_dir.exists() and (not case_dir.is_dir() or any(case_dir.iterdir())):
        raise CaseExists(f"{case_dir} already exists; restore into a new folder (an existing case is never "
                         "overwritten)")
    if key is None:
        key = unlock_backup(backup_dir, passphrase)  # a wrong passphrase: refused, nothing written
    elif not backup_is_encrypted(backup_dir):
        key = None
    if key is not None:
        from .store import open_connection

        db = backup_dir / CASE_COPY / DB_FILE
        if db.is_file() and manifest.get("state") != "switching":
            open_connection(db, read_only=True, key=key.db_key).close()  # the key fits, before any write
    if manifest.get("state") == "switching":
        with _writing_at(backup_dir):
            _switch(backup_dir, key)
            manifest = _finish_manifest(backup_dir, manifest)
    copy = backup_dir / CASE_COPY
    from .verify import verify

    stage("Verifying the backup")
    actual_db = hash_file(copy / DB_FILE).sha256 if (copy / DB_FILE).is_file() else None
    expected_db = (manifest.get("database") or {}).get("sha256")
    if actual_db != expected_db:
        raise VerificationFailed(f"the backup's database {copy / DB_FILE} is not the one the manifest records "
                                 f"(SHA-256 {actual_db}, recorded {expected_db}); nothing was restored")
    report = verify(copy, progress, should_cancel, checks=COPY_CHECKS, key=key)
    if not report.ok:
        raise VerificationFailed(f"the backup in {backup_dir} does not verify ({len(report.failures)} failure(s), "
                                 f"first: {report.failures[0]}); nothing was restored")
    stage("Copying the case")
    staging = case_dir.with_name(f".{case_dir.name}.restoring-{uuid.uuid4().hex[:8]}")
    with _writing_at(case_dir.parent):
        case_dir.parent.mkdir(parents=True, exist_ok=True)
        try:
            staging.mkdir()
            for path in sorted(copy.iterdir()):
                if path.is_file():
                    _copy_file(path, staging / path.name)
            vault = Vault(staging / VAULT_DIR)
            vault.create()
            for sha, path in Vault(copy / VAULT_DIR).iter_objects():
                if should_cancel is not None and should_cancel():
                    raise Cancelled("restore cancelled; nothing was restored")
                target = vault.object_path(sha)
                if not _copy_object(path, target):
                    raise VerificationFailed(f"{path} could not be read; nothing was restored")
            _make_durable(staging)
            stage("Verifying the restored case")
            restored = verify(staging, None, should_cancel, checks=COPY_CHECKS, key=key)
            if not restored.ok:
                raise VerificationFailed(f"the restored copy does not verify ({restored.failures[0]}); "
                                         "nothing was restored")
            if case_dir.is_dir():
                case_dir.rmdir()  # empty, checked above
            os.rename(staging, case_dir)
            fsync_dir(case_dir.parent)
        except BaseException:
            _remove_tree(staging)
            raise
    return RestoreResult(case_dir, manifest, restored)


# --- small helpers ----------------------------------------------------------------------------

def _unlink(path: Path) -> None:
    try:
        os.chmod(path, 0o600)
        os.unlink(path)
    except FileNotFoundError:
        pass


def _remove_tree(path: Path) -> None:
    if not path.exists():
        return

    def writable_then_retry(func: Callable[..., Any], target: str, _exc: Any) -> None:
        os.chmod(os.path.dirname(target), 0o700)
        try:
            os.chmod(target, 0o600)
        except FileNotFoundError:
            return
        func(target)

    shutil.rmtree(path, onerror=writable_then_retry)  # onexc from Python 3.12


def _program_version() -> str:
    from .. import __version__

    return __version__

