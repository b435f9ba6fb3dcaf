"""Reading a zipped packet without trusting it.

A packet may come from anyone. Before a single byte is extracted the zip's
own claims are checked against limits (entry count from the end record and
the central directory, declared sizes, compression ratio), and every name is
checked: no absolute paths or drive letters, no ``..``, no symlinks or other
special files, no two names that collide once case-folded or NFC-normalised.
Extraction then goes into a fresh folder, counting real bytes as they come
out (declared sizes can lie), so nothing is ever written outside it.

An encrypted packet (an age file, sealed by :mod:`.encrypted`) is decrypted
with the unlocked reviewer keys (:mod:`..reviewer_keys`) as a stream into the
same kind of private folder, its tar entries held to the same checks.
"""

from __future__ import annotations

import os
import shutil
import stat
import struct
import tarfile
import tempfile
import threading
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from ..errors import Cancelled, EvidenceDeskError, user_error
from ..fsutil import owned_name, remove_dead_temporaries
from ..vault import Progress, ShouldCancel
from .format import BAGIT

CHUNK = 1024 * 1024
UNPACKING = ".unpacking"  # a zipped packet unpacked for reading


class PacketRefused(EvidenceDeskError):
    """The packet is unsafe or malformed and was not opened."""


def is_encrypted(path: Path) -> bool:
    """Whether ``path`` is an age-encrypted packet (:mod:`.encrypted`), by its first bytes."""
    try:
        with open(path, "rb") as f:
            head = f.read(64)
    except OSError:
        return False
    return head.startswith(b"age-encryption.org/v1\n") or head.startswith(b"-----BEGIN AGE ENCRYPTED FILE-----")


@dataclass(frozen=True)
class PacketLimits:
    """What a packet may claim before it is refused unread."""

    max_files: int = 200_000
    max_total_bytes: int = 2 * 1024 ** 4  # 2 TiB
    max_ratio: float = 200.0  # uncompressed / compressed, for entries over ratio_floor
    ratio_floor: int = 1024 * 1024
    max_name_bytes: int = 1024
    max_records_bytes: int = 1024 ** 3  # case.json is parsed in memory


def check_member_name(name: str, limits: PacketLimits) -> str | None:
    """Why ``name`` (a path inside a packet, '/'-separated) is unsafe, or None."""
    if not name or "\x00" in name:
        return "an empty name or a name with a NUL byte"
    if len(name.encode("utf-8", "surrogateescape")) > limits.max_name_bytes:
        return "a name longer than the limit"
    if "\\" in name:
        return "a backslash in the name (a Windows path)"
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "an absolute path"
    parts = PurePosixPath(name).parts
    if any(part == ".." for part in parts):
        return "a '..' component that climbs out of the packet"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        return "a control character in the name"
    return None


def collision_key(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


def _claimed_entries(path: Path) -> tuple[int, int]:
    """(entries, central directory size) as the zip's end record claims them."""
    with open(path, "rb") as f:
        f.seek(0, 2)
        size = f.tell()
        f.seek(max(0, size - (1 << 16) - 22))
        tail = f.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        raise PacketRefused(f"{path.name} is not a zip file (no end-of-archive record)")
    (_sig, _disk, _cd_disk, _here, total, cd_size, _cd_offset,
     _comment) = struct.unpack("<4s4H2LH", tail[at:at + 22])
    if total == 0xFFFF or cd_size == 0xFFFFFFFF:  # zip64: the real figures are in its own record
        loc = tail.rfind(b"PK\x06\x07", 0, at)
        if loc >= 0 and len(tail) - loc >= 20:
            (_s, _d, rec_offset, _n) = struct.unpack("<4sLQL", tail[loc:loc + 20])
            with open(path, "rb") as f:
                f.seek(rec_offset)
                rec = f.read(56)
            if len(rec) == 56 and rec[:4] == b"PK\x06\x06":
                fields = struct.unpack("<4sQ2H2L4Q", rec)
                total, cd_size = fields[7], fields[8]
    return total, cd_size


def inspect_zip(path: Path, limits: PacketLimits) -> zipfile.ZipFile:
    """Open ``path`` only if what it claims is within ``limits`` and every name is safe."""
    total, cd_size = _claimed_entries(path)
    if total > limits.max_files:
        raise PacketRefused(f"{path.name} claims {total:,} entries; the limit is {limits.max_files:,} "
                            "(a packet this large is refused unread)")
    if cd_size > (limits.max_files + 1) * (46 + limits.max_name_bytes + 128):
        raise PacketRefused(f"{path.name} has a {cd_size:,}-byte central directory, too large for "
                            f"{limits.max_files:,} entries")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
        raise PacketRefused(f"{path.name} is not a readable zip file: {exc}") from None
    try:
        _check_members(archive, limits)
    except BaseException:
        archive.close()
        raise
    return archive


def _check_members(archive: zipfile.ZipFile, limits: PacketLimits) -> None:
    infos = archive.infolist()
    if len(infos) > limits.max_files:
        raise PacketRefused(f"the zip holds {len(infos):,} entries; the limit is {limits.max_files:,}")
    seen: dict[str, str] = {}
    declared = 0
    for info in infos:
        name = info.filename
        problem = check_member_name(name, limits)
        if problem:
            raise PacketRefused(f"zip entry {name!r} is refused: {problem}")
        mode = info.external_attr >> 16
        if info.create_system == 3 and mode and stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
            kind = "a symbolic link" if stat.S_ISLNK(mode) else "a special file"
            raise PacketRefused(f"zip entry {name!r} is refused: it is {kind}")
        if info.flag_bits & 0x1:
            raise PacketRefused(f"zip entry {name!r} is encrypted; packets are never encrypted")
        key = collision_key(name.rstrip("/"))
        if key in seen and seen[key] != name:
            raise PacketRefused(f"zip entries {seen[key]!r} and {name!r} differ only in letter case or "
                                "Unicode normalisation; they would overwrite each other")
        if key in seen:
            raise PacketRefused(f"zip entry {name!r} appears twice")
        seen[key] = name
        declared += info.file_size
        if declared > limits.max_total_bytes:
            raise PacketRefused(f"the zip would unpack to more than {limits.max_total_bytes:,} bytes")
        if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise PacketRefused(f"zip entry {name!r} expands {info.file_size / max(info.compress_size, 1):,.0f}"
                                f" times (limit {limits.max_ratio:,.0f}): a zip bomb is refused")


def extract_zip(path: Path, into: Path, limits: PacketLimits | None = None,
                progress: Progress | None = None, should_cancel: ShouldCancel | None = None) -> Path:
    """Unpack a zipped packet into the empty folder ``into``; return the bag's root.

    The bag is either at the zip's root or in its single top-level folder."""
    limits = limits or PacketLimits()
    with inspect_zip(path, limits) as archive:
        written = 0
        root = into.resolve()
        for info in archive.infolist():
            target = (root / info.filename).resolve()
            if root != target and root not in target.parents:  # belt and braces after the name checks
                raise PacketRefused(f"zip entry {info.filename!r} would land outside the destination")
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            entry_written = 0
            try:
                with archive.open(info) as src, open(target, "xb") as out:
                    while chunk := src.read(CHUNK):
                        written += len(chunk)
                        entry_written += len(chunk)
                        # Declared sizes can lie; the CRC check at the end would catch
                        # it, but only after a lying entry had filled the disk.
                        if written > limits.max_total_bytes or entry_written > info.file_size:
                            raise PacketRefused(f"zip entry {info.filename!r} unpacks to more than it declared "
                                                "or beyond the limit: refused")
                        out.write(chunk)
                        if progress is not None:
                            progress(len(chunk))
                        if should_cancel is not None and should_cancel():
                            raise Cancelled("opening the packet was cancelled")
            except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
                if isinstance(exc, FileExistsError):
                    raise PacketRefused(f"zip entry {info.filename!r} collides with another entry") from None
                raise PacketRefused(f"zip entry {info.filename!r} cannot be read: {exc}") from None
    return bag_root(into)


def bag_root(folder: Path) -> Path:
    if (folder / BAGIT).is_file():
        return folder
    children = [p for p in folder.iterdir()]
    if len(children) == 1 and children[0].is_dir() and not children[0].is_symlink() \
            and (children[0] / BAGIT).is_file():
        return children[0]
    raise PacketRefused(f"no {BAGIT} at the top of the packet: it is not a BagIt packet")


# --- an encrypted packet (sealed by :mod:`.encrypted`) ---------------------------------------

class NotForYou(EvidenceDeskError):
    """The packet is encrypted, but for none of the unlocked reviewer keys (exit 2)."""

    exit_code = 2


class CiphertextDamaged(PacketRefused):
    """The encrypted packet was altered or cut short: a verification problem (exit 1)."""

    exit_code = 1


class NoReviewerKey(EvidenceDeskError):
    """The packet is encrypted and no reviewer key is unlocked to open it (exit 2)."""

    exit_code = 2


def _identities() -> list[Any]:
    from .. import reviewer_keys

    keys = reviewer_keys.unlocked()
    if not keys:
        stored = reviewer_keys.load_public()
        raise NoReviewerKey("this packet is encrypted; unlock your reviewer key to open it"
                            if stored is not None else
                            "this packet is encrypted and you have no reviewer key; "
                            "`evidence-desk reviewer-key create` makes one")
    return keys


def _decrypt_problem(exc: BaseException, path: Path, mine: list[str]) -> EvidenceDeskError:
    text = str(exc)
    if "no matching keys" in text.lower():
        yours = ", ".join(mine)
        return NotForYou(f"this packet is encrypted for another recipient (not for your key {yours}): {path.name}")
    return CiphertextDamaged(f"{path.name}: the encrypted packet was altered or cut short ({text}); "
                             "nothing in it can be trusted")


def _broken_pipe(exc: BaseException) -> bool:
    """Whether the decrypting thread stopped only because the reader had (the reader's error counts)."""
    import errno

    return isinstance(exc, BrokenPipeError) or getattr(exc, "errno", None) == errno.EPIPE \
        or "broken pipe" in str(exc).lower()


def open_encrypted(path: Path, into: Path, limits: PacketLimits | None = None, progress: Progress | None = None,
                   should_cancel: ShouldCancel | None = None) -> Path:
    """Decrypt the packet ``path`` with the unlocked reviewer keys into the empty private folder ``into``;
    return the bag's root. Raises :class:`NotForYou`, :class:`CiphertextDamaged` or :class:`PacketRefused`."""
    import pyrage

    limits = limits or PacketLimits()
    keys = _identities()
    identities = [k.age_identity() for k in keys]
    read_fd, write_fd = os.pipe()
    failure: list[BaseException] = []

    def decrypt() -> None:
        try:
            with open(path, "rb") as source, os.fdopen(write_fd, "wb", buffering=CHUNK) as pipe:
                pyrage.decrypt_io(source, pipe, identities)
        except BrokenPipeError:
            pass  # the reading side stopped: its error is the one reported
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            failure.append(exc)

    worker = threading.Thread(target=decrypt, name="packet-decrypt", daemon=True)
    reader = os.fdopen(read_fd, "rb", buffering=CHUNK)
    worker.start()
    own: BaseException | None = None
    try:
        _untar(reader, into, limits, progress, should_cancel)
        while reader.read(CHUNK):  # the end of the stream: age authenticates its last chunk there
            pass
    except BaseException as exc:  # noqa: BLE001 - decided below, once the decryption has ended
        own = exc
    finally:
        reader.close()
        worker.join()
    if failure and not (own is not None and _broken_pipe(failure[0])):
        # what age said comes first: a tar error after it is only its consequence
        exc = failure[0]
        if isinstance(exc, (pyrage.DecryptError, OSError)):
            raise _decrypt_problem(exc, path, [k.public_key for k in keys]) from None
        raise exc
    if own is not None:
        raise own
    return bag_root(into)


def _untar(stream: IO[bytes], into: Path, limits: PacketLimits, progress: Progress | None,
           should_cancel: ShouldCancel | None) -> None:
    root = into.resolve()
    seen: dict[str, str] = {}
    count = written = 0
    try:
        tar = tarfile.open(fileobj=stream, mode="r|", bufsize=CHUNK)
    except tarfile.TarError as exc:
        raise PacketRefused(f"the decrypted packet is not a tar archive ({exc})") from None
    with tar:
        try:
            for member in tar:
                name = member.name.rstrip("/")
                problem = check_member_name(name, limits)
                if problem:
                    raise PacketRefused(f"entry {member.name!r} of the encrypted packet is refused: {problem}")
                if not (member.isfile() or member.isdir()):
                    raise PacketRefused(f"entry {member.name!r} of the encrypted packet is refused: it is a link "
                                        "or a special file")
                key = collision_key(name)
                if key in seen:
                    raise PacketRefused(f"entries {seen[key]!r} and {name!r} of the encrypted packet collide")
                seen[key] = name
                count += 1
                if count > limits.max_files:
                    raise PacketRefused(f"the encrypted packet holds more than {limits.max_files:,} entries")
                target = (root / name).resolve()
                if root != target and root not in target.parents:
                    raise PacketRefused(f"entry {name!r} would land outside the destination")
                if member.isdir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                source = tar.extractfile(member)
                assert source is not None
                with open(target, "xb") as out:
                    while chunk := source.read(CHUNK):
                        written += len(chunk)
                        if written > limits.max_total_bytes:
                            raise PacketRefused(f"the encrypted packet unpacks to more than "
                                                f"{limits.max_total_bytes:,} bytes")
                        out.write(chunk)
                        if progress is not None:
                            progress(len(chunk))
                        if should_cancel is not None and should_cancel():
                            raise Cancelled("opening the packet was cancelled")
        except (tarfile.TarError, EOFError) as exc:
            raise PacketRefused(f"the decrypted packet is not a complete tar archive ({exc})") from None
        except FileExistsError:
            raise PacketRefused("two entries of the encrypted packet land on the same file") from None


class OpenedPacket:
    """A packet ready to read: the folder itself, or a zip unpacked into a temporary folder."""

    def __init__(self, packet: Path, limits: PacketLimits | None = None, progress: Progress | None = None,
                 should_cancel: ShouldCancel | None = None, scratch: Path | None = None) -> None:
        self.packet = Path(packet)
        self._tmp: Path | None = None
        self.encrypted = False  # an age-encrypted packet (:mod:`.encrypted`), opened with a reviewer key
        if not self.packet.exists():
            raise PacketRefused(f"no packet at {self.packet}")
        if self.packet.is_symlink():
            raise PacketRefused(f"{self.packet} is a symbolic link; open the packet itself")
        if self.packet.is_dir():
            self.root = bag_root(self.packet)
        elif is_encrypted(self.packet) or zipfile.is_zipfile(self.packet):
            folder = Path(scratch) if scratch is not None else Path(tempfile.gettempdir())
            remove_dead_temporaries(folder, (UNPACKING,))  # what a killed reader left there
            self._tmp = folder / owned_name(self.packet.name, UNPACKING)
            try:
                self._tmp.mkdir(mode=0o700)
            except OSError as exc:
                self._tmp = None
                raise (user_error(exc, folder) or exc) from exc
            try:
                if is_encrypted(self.packet):  # sealed for a reviewer: decrypted into the private folder
                    self.encrypted = True
                    self.root = open_encrypted(self.packet, self._tmp, limits, progress, should_cancel)
                else:
                    self.root = extract_zip(self.packet, self._tmp, limits, progress, should_cancel)
            except BaseException:
                self.close()
                raise
        else:
            raise PacketRefused(f"{self.packet} is neither a packet folder, a zip file nor an encrypted packet")

    @property
    def is_zip(self) -> bool:
        return self._tmp is not None

    def close(self) -> None:
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def __enter__(self) -> OpenedPacket:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

