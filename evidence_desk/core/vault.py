"""The evidence vault: content-addressed, write-once storage of original bytes.

Layout inside ``<case>/vault/``::

    objects/ab/abcdef…   one read-only file per distinct SHA-256
    tmp/                 files being copied in (removed at the next open)
    pending/<sha>.intent an object placed but not yet recorded in the database

Intake reads each source file once. Reading, hashing and writing overlap in
three threads passing a small ring of reused buffers, so memory stays constant
whatever the size and the slowest of the three sets the pace. Each buffer is
hashed and then written as it is, so the object holds exactly the bytes whose
digest is recorded. All bytes reach the disk through one :class:`ObjectSink`
(the place where an encrypting vault wraps them). The sink starts the disk
writing behind itself, so the closing fsync has little left to wait for; the
copy is fsynced and renamed into place only after the source was seen unchanged.

Crash safety across the vault and the database: an object is placed with an
intent file beside it, then the database commits, then the intent goes. At
the next open, :meth:`Vault.recover` removes temporaries and any object whose
intent survived but which the database never recorded. An object without an
intent and without an item is not ours to delete: verify reports it.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import queue
import stat
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, NamedTuple

from .errors import Cancelled, EnvironmentRefused, ImportFailed, user_error
from .fsutil import fsync_dir
from .sealing import Sealer

log = logging.getLogger("evidence_desk.vault")

CHUNK = 4 * 1024 * 1024  # bytes per buffer passed between the threads
QUEUE_DEPTH = 4  # buffers in flight beyond the two being read and written
# Size of each read()/write() call. On the reference machine single calls of
# 1 MiB or more copied 2-4x slower than 128-256 KiB ones (the kernel's copy
# runs through cache-cold memory), which made intake half as fast as cp.
IO_SLICE = 256 * 1024
# Every WRITEBACK bytes the sink asks the kernel to start writing what it has
# (and to drop those pages once clean). Without it the dirty pages of a large
# file pile up until the kernel throttles the writer and the final fsync waits
# for all of them: intake of 1 GiB took twice as long as cp + sync here.
WRITEBACK = 32 * 1024 * 1024

#: in-memory plaintext files an encrypted case keeps open for viewers (:meth:`Vault.plaintext_path`)
MEMORY_FILES = 4

Progress = Callable[[int], None]
ShouldCancel = Callable[[], bool]


@dataclass(frozen=True)
class Staged:
    """A verified copy waiting in ``tmp/`` to be placed."""

    tmp_path: Path
    sha256: str
    size: int


@dataclass(frozen=True)
class Placed:
    sha256: str
    size: int
    new: bool  # False when identical content was already in the vault


_STOP = object()


class ObjectSink:
    """The one way bytes go from the intake pipeline into a vault file.

    ``write`` takes the bytes in order, ``finish`` makes them durable (fsync).
    Writes go in ``IO_SLICE`` pieces; every ``WRITEBACK`` bytes the kernel is told
    to start writing them out. Errors (a full disk) are raised as :class:`OSError`.

    Measured and not taken: ``O_DIRECT`` writes from page-aligned buffers used a
    quarter less CPU but, one synchronous write at a time, were 15% slower on the
    reference disk; ``copy_file_range`` with the source hashed beside it used as
    much CPU as this and needs a second look at the source or the copy to be sure
    the stored bytes are the hashed ones, which this gets by construction."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.written = 0
        self._flushed = 0

    def write(self, data: memoryview) -> None:
        n = len(data)
        done = 0
        while done < n:
            done += os.write(self.fd, data[done:min(n, done + IO_SLICE)])
        self.written += n
        if self.written - self._flushed >= WRITEBACK:
            self._start_writeback()

    def _start_writeback(self) -> None:
        # Linux starts asynchronous writeback of the dirty range on DONTNEED, then
        # drops the pages already clean: the kernel's write-behind, without ctypes.
        _advise(self.fd, self._flushed, self.written - self._flushed, "POSIX_FADV_DONTNEED")
        self._flushed = self.written

    def finish(self) -> None:
        os.fsync(self.fd)


class SealingSink:
    """An :class:`ObjectSink` for an encrypted case: the plaintext goes in, sealed
    chunks (:mod:`sealing`) come out through the plain sink underneath."""

    def __init__(self, fd: int, sealer: Sealer) -> None:
        self._plain = ObjectSink(fd)
        self._sealing = sealer.writer(fd, lambda _fd, data: self._plain.write(memoryview(data)))

    def write(self, data: memoryview) -> None:
        self._sealing.write(data)

    def finish(self) -> None:
        self._sealing.finish()
        self._plain.finish()


class Vault:
    """``sealer`` set: an encrypted case's vault, whose objects are sealed on the way
    in (:class:`SealingSink`) and opened on the way out (:meth:`open_object`)."""

    def __init__(self, root: Path, sealer: Sealer | None = None) -> None:
        self.root = root
        self.sealer = sealer
        self._memory_files: dict[str, int] = {}  # sha256 -> memfd, oldest first
        self.objects = root / "objects"
        self.tmp = root / "tmp"
        self.pending = root / "pending"

    def create(self) -> None:
        for folder in (self.objects, self.tmp, self.pending):
            folder.mkdir(parents=True, exist_ok=True)

    def object_path(self, sha256: str) -> Path:
        return self.objects / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.object_path(sha256).is_file()

    def _sink(self, fd: int) -> ObjectSink | SealingSink:
        return ObjectSink(fd) if self.sealer is None else SealingSink(fd, self.sealer)

    def open_object(self, sha256: str) -> BinaryIO:
        """The plaintext of an object as a seekable binary file."""
        path = self.object_path(sha256)
        if self.sealer is None:
            return open(path, "rb")
        return io.BufferedReader(self.sealer.open(path), buffer_size=IO_SLICE)

    def plaintext_path(self, sha256: str) -> Path:
        """A path to the plaintext of a sealed object for code that wants a file (viewers, Qt
        Multimedia): an anonymous file in memory (Linux ``memfd``), never written to disk. The
        last :data:`MEMORY_FILES` stay open; :meth:`close` lets them all go."""
        if self.sealer is None:
            return self.object_path(sha256)
        fd = self._memory_files.pop(sha256, None)
        if fd is None:
            if not hasattr(os, "memfd_create"):
                raise EnvironmentRefused("viewing an encrypted case's evidence needs in-memory files "
                                         "(Linux memfd); this system has none")
            fd = os.memfd_create(f"evidence-{sha256[:12]}", os.MFD_CLOEXEC)
            try:
                with self.open_object(sha256) as src:
                    while chunk := src.read(CHUNK):
                        os.write(fd, chunk)
                os.lseek(fd, 0, os.SEEK_SET)
            except BaseException:
                os.close(fd)
                raise
        self._memory_files[sha256] = fd
        while len(self._memory_files) > MEMORY_FILES:
            os.close(self._memory_files.pop(next(iter(self._memory_files))))
        return Path(f"/proc/self/fd/{fd}")

    def close(self) -> None:
        while self._memory_files:
            os.close(self._memory_files.popitem()[1])

    def read_object(self, sha256: str) -> bytes:
        with self.open_object(sha256) as f:
            return f.read()

    def hash_object(self, sha256: str, progress: Progress | None = None,
                    should_cancel: ShouldCancel | None = None) -> Digest:
        """The digest of an object's plaintext (a sealed object is opened and every chunk checked)."""
        if self.sealer is None:
            return hash_file(self.object_path(sha256), progress, should_cancel)
        # Opening (AES-GCM) here, hashing on a second thread: the two overlap, as in intake.
        digest = hashlib.sha256()
        size = 0
        to_hash: queue.Queue = queue.Queue(QUEUE_DEPTH)

        def hasher() -> None:
            while (plain := to_hash.get()) is not _STOP:
                digest.update(plain)

        thread = threading.Thread(target=hasher, daemon=True)
        thread.start()
        try:
            with self.sealer.open(self.object_path(sha256)) as f:
                for plain in f.chunks():
                    to_hash.put(plain)
                    size += len(plain)
                    if progress is not None:
                        progress(len(plain))
                    if should_cancel is not None and should_cancel():
                        raise Cancelled("cancelled while hashing")
        finally:
            to_hash.put(_STOP)
            thread.join()
        return Digest(digest.hexdigest(), size)

    # --- intake ---------------------------------------------------------------

    def stage(self, source: Path, progress: Progress | None = None,
              should_cancel: ShouldCancel | None = None) -> Staged:
        """Copy ``source`` into ``tmp/`` while hashing it; raise ImportFailed if it
        cannot be read or changes or vanishes meanwhile. Nothing is left on failure."""
        name = str(source)
        try:
            # O_NONBLOCK: opening a FIFO or device for reading must not hang the import;
            # the regular-file check below refuses them. It changes nothing for files.
            src = os.fdopen(os.open(source, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC), "rb", buffering=0)
        except FileNotFoundError:
            raise ImportFailed(name, "file not found (it may have been moved or deleted)") from None
        except IsADirectoryError:
            raise ImportFailed(name, "is a folder, not a file") from None
        except PermissionError:
            raise ImportFailed(name, "permission denied: the file cannot be read") from None
        except OSError as exc:
            raise ImportFailed(name, f"cannot be opened: {exc.strerror or exc}") from None
        tmp_path = self.tmp / f"{uuid.uuid4().hex}.part"
        try:
            with src:
                before = os.fstat(src.fileno())
                if stat.S_ISDIR(before.st_mode):
                    raise ImportFailed(name, "is a folder, not a file")
                if not stat.S_ISREG(before.st_mode):
                    raise ImportFailed(name, "is not a regular file")
                sha256, size = self._copy(src, tmp_path, progress, should_cancel, name)
                after = os.fstat(src.fileno())
            if size != before.st_size or after.st_size != before.st_size or \
                    after.st_mtime_ns != before.st_mtime_ns:
                raise ImportFailed(name, "changed while it was being read; import it again once it is stable")
            try:
                now = os.stat(source)
            except FileNotFoundError:
                raise ImportFailed(name, "vanished while it was being read") from None
            if (now.st_ino, now.st_dev) != (before.st_ino, before.st_dev) or now.st_size != size \
                    or now.st_mtime_ns != before.st_mtime_ns:
                raise ImportFailed(name, "was replaced or changed while it was being read")
        except BaseException:
            _unlink_quietly(tmp_path)
            raise
        return Staged(tmp_path, sha256, size)

    def staged_head(self, staged: Staged, size: int = 4096) -> bytes:
        """The first ``size`` bytes of a staged copy's plaintext (to tell its media type)."""
        if self.sealer is None:
            with open(staged.tmp_path, "rb") as f:
                return f.read(size)
        with self.sealer.open(staged.tmp_path) as f:
            return f.read(size)

    def stage_bytes(self, data: bytes) -> Staged:
        tmp_path = self.tmp / f"{uuid.uuid4().hex}.part"
        fd = os.open(tmp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        try:
            sink = self._sink(fd)
            with memoryview(data) as view:
                sink.write(view)
            sink.finish()
        except BaseException:
            os.close(fd)
            _unlink_quietly(tmp_path)
            raise
        os.close(fd)
        return Staged(tmp_path, hashlib.sha256(data).hexdigest(), len(data))

    def _copy(self, src, tmp_path: Path, progress: Progress | None,
              should_cancel: ShouldCancel | None, name: str) -> tuple[str, int]:
        """Read ``src`` once into a ring of reused buffers; each buffer goes
        reader -> hasher -> writer -> back to the ring, so the three overlap and
        memory is ``(QUEUE_DEPTH + 2) * CHUNK`` whatever the file size."""
        digest = hashlib.sha256()
        chunk = CHUNK
        io_slice = min(IO_SLICE, chunk)
        ring: queue.Queue = queue.Queue()
        for _ in range(QUEUE_DEPTH + 2):
            ring.put(bytearray(chunk))
        to_hash: queue.Queue = queue.Queue()
        to_write: queue.Queue = queue.Queue()
        errors: list[BaseException] = []
        out_fd = os.open(tmp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)

        def hasher() -> None:
            while (job := to_hash.get()) is not _STOP:
                buf, n = job
                try:
                    with memoryview(buf) as view:
                        digest.update(view[:n])  # releases the GIL for large buffers
                except BaseException as exc:  # keep the buffers moving so the reader never blocks
                    errors.append(exc)
                to_write.put(job)
            to_write.put(_STOP)

        sink = self._sink(out_fd)

        def writer() -> None:
            while (job := to_write.get()) is not _STOP:
                buf, n = job
                if not errors:
                    try:
                        with memoryview(buf) as view:
                            sink.write(view[:n])  # the very bytes just hashed
                    except BaseException as exc:  # e.g. disk full
                        errors.append(exc)
                ring.put(buf)
            if not errors:
                try:
                    sink.finish()
                except BaseException as exc:
                    errors.append(exc)

        threads = [threading.Thread(target=hasher, daemon=True), threading.Thread(target=writer, daemon=True)]
        for t in threads:
            t.start()
        size = 0
        try:
            fd = src.fileno()
            _advise(fd, 0, 0, "POSIX_FADV_SEQUENTIAL")  # a larger read-ahead from disk
            at_end = False
            while not at_end and not errors:
                if should_cancel is not None and should_cancel():
                    raise Cancelled("import cancelled")
                buf = ring.get()
                n = 0
                try:
                    with memoryview(buf) as view:
                        while n < chunk:
                            got = os.readv(fd, [view[n:min(chunk, n + io_slice)]])
                            if not got:
                                at_end = True
                                break
                            n += got
                except OSError as exc:
                    ring.put(buf)
                    raise ImportFailed(name, f"read error: {exc.strerror or exc}") from None
                if not n:
                    ring.put(buf)
                    break
                size += n
                to_hash.put((buf, n))
                if progress is not None:
                    progress(n)
        finally:
            to_hash.put(_STOP)
            for t in threads:
                t.join()
            os.close(out_fd)
        if errors:
            exc = errors[0]
            refused = user_error(exc, self.root.parent) if isinstance(exc, OSError) else None
            if isinstance(refused, EnvironmentRefused):  # a full disk fails every file: stop the batch
                raise refused from exc
            raise ImportFailed(name, f"could not write into the vault: {exc}")
        return digest.hexdigest(), size

    def place(self, staged: Staged) -> Placed:
        """Move a staged copy to its content address, leaving an intent behind.

        Call :meth:`settle` after the database has recorded the object."""
        self.pending.mkdir(parents=True, exist_ok=True)
        intent = self.pending / f"{staged.sha256}.intent"
        target = self.object_path(staged.sha256)
        if target.exists():
            _unlink_quietly(staged.tmp_path)
            return Placed(staged.sha256, staged.size, new=False)
        with open(intent, "wb") as f:
            os.fsync(f.fileno())
        fsync_dir(self.pending)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(staged.tmp_path, 0o444)
        os.replace(staged.tmp_path, target)
        fsync_dir(target.parent)
        return Placed(staged.sha256, staged.size, new=True)

    def settle(self, sha256: str) -> None:
        _unlink_quietly(self.pending / f"{sha256}.intent")

    def unplace(self, placed: Placed) -> None:
        """Undo :meth:`place` after the database refused the change."""
        if placed.new:
            _unlink_quietly(self.object_path(placed.sha256))
        self.settle(placed.sha256)

    def discard(self, staged: Staged) -> None:
        _unlink_quietly(staged.tmp_path)

    def recover(self, recorded: Callable[[str], bool]) -> list[str]:
        """Clean up after a crash. ``recorded(sha)`` says whether the database knows
        the object. Returns what was removed, for the log."""
        removed: list[str] = []
        if self.tmp.is_dir():
            for leftover in self.tmp.iterdir():
                _unlink_quietly(leftover)
                removed.append(f"tmp/{leftover.name}")
        if self.pending.is_dir():
            for intent in self.pending.glob("*.intent"):
                sha = intent.name[: -len(".intent")]
                if not recorded(sha):
                    path = self.object_path(sha)
                    if path.exists():
                        _unlink_quietly(path)
                        removed.append(f"objects/{sha[:2]}/{sha}")
                _unlink_quietly(intent)
        if removed:
            log.info("recovered from an interrupted write: removed %s", ", ".join(removed))
        return removed

    # --- reading --------------------------------------------------------------

    def iter_objects(self) -> Iterator[tuple[str, Path]]:
        if not self.objects.is_dir():
            return
        for folder in sorted(self.objects.iterdir()):
            if folder.is_dir():
                for path in sorted(folder.iterdir()):
                    yield path.name, path


class Digest(NamedTuple):
    sha256: str
    size: int  # bytes read, so the size and the hash describe the same reading


def hash_file(path: Path, progress: Progress | None = None,
              should_cancel: ShouldCancel | None = None) -> Digest:
    """SHA-256 and size of the file at ``path``, read once; ``progress`` gets byte increments.

    The one way a file that is already stored is hashed (vault objects,
    packet files, report files, viewer copies); intake hashes while it copies
    instead (:meth:`Vault.stage`). Raises :class:`OSError` if the file cannot
    be read and :class:`Cancelled` when ``should_cancel`` says so."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb", buffering=0) as f:
        buf = bytearray(IO_SLICE)  # as fast as hashlib.file_digest; 4 MiB reads were 25% slower
        view = memoryview(buf)
        while n := f.readinto(buf):
            digest.update(view[:n])
            size += n
            if progress is not None:
                progress(n)
            if should_cancel is not None and should_cancel():
                raise Cancelled("cancelled while hashing")
    return Digest(digest.hexdigest(), size)


def _advise(fd: int, offset: int, length: int, advice: str) -> None:
    """A hint to the kernel's page cache, where the system has one; never an error."""
    if hasattr(os, "posix_fadvise"):
        try:
            os.posix_fadvise(fd, offset, length, getattr(os, advice))
        except OSError:
            pass


def _unlink_quietly(path: Path) -> None:
    try:
        os.chmod(path, 0o600)
    except OSError:
        pass
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
