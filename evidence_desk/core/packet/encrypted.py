"""Encrypted packets: a packet sealed for one or more reviewers' age keys.

The encrypted form is one file, ``NAME.edpacket.age``: a standard age file
(https://age-encryption.org/v1, X25519 recipients, written by ``pyrage``, the
Python binding of rage) whose plaintext is an uncompressed tar of the packet
folder (``NAME/bagit.txt`` …). Anyone holding the reviewer's identity can
open it with ``rage -d`` or ``age -d`` too; this program opens it with the
reviewer key kept by the app (:mod:`..reviewer_keys`).

Both directions stream: the tar is produced (or consumed) by one thread
through a pipe while age encrypts (or decrypts) in 64 KiB chunks, so no file
is ever held in memory. Each age chunk is authenticated before a byte of it
is written out, and the last one proves the file is not truncated.

Opening (:func:`.archive.open_encrypted`) unpacks into a private temporary folder (0700, the same one a zipped
packet uses, see :class:`.archive.OpenedPacket`) with the zip reader's
checks on every name (no absolute paths, ``..``, links or special files, no
colliding names, limits on count and size), then verification is exactly
that of an unencrypted packet.

age hides who a file is for: a packet for another key and a packet whose
header was damaged look the same (no key matches); both are refused as
"encrypted for another recipient". Damage after the header is detected by
age's authentication and refused as tampered ciphertext.
"""

from __future__ import annotations

import os
import tarfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from ..errors import Cancelled, EvidenceDeskError
from ..fsutil import fsync_dir
from ..vault import ShouldCancel
from .archive import (  # the opening side lives with the other untrusted readers
    CHUNK,
    CiphertextDamaged,
    NoReviewerKey,
    NotForYou,
    PacketRefused,
    is_encrypted,
    open_encrypted,
)

__all__ = ["SUFFIX", "CiphertextDamaged", "NoReviewerKey", "NotForYou", "bag_name", "encrypted_name",
           "is_encrypted", "open_encrypted", "seal_folder"]

SUFFIX = ".edpacket.age"



def encrypted_name(out: Path) -> Path:
    """The file an encrypted packet is written to: ``out`` if it ends in ``.age``, else ``out.edpacket.age``
    (a ``.zip`` ending is dropped: the encrypted file is the packet's one file)."""
    if out.name.lower().endswith(".age"):
        return out
    name = out.name[:-4] if out.name.lower().endswith(".zip") and len(out.name) > 4 else out.name
    return out.with_name(name + SUFFIX)


def bag_name(encrypted: Path) -> str:
    """The packet folder's name inside the encrypted file: ``NAME`` of ``NAME.edpacket.age``."""
    name = encrypted.name
    for suffix in (SUFFIX, ".age", ".tar"):
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            name = name[:-len(suffix)]
    return name or "packet"


# --- sealing ----------------------------------------------------------------------------------

def _tar_folder(folder: Path, arc_root: str, out: IO[bytes], should_cancel: ShouldCancel | None) -> None:
    """Write the packet folder as a tar stream (regular files and folders only, sorted, owner-neutral)."""
    def clean(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        info.mode = 0o755 if info.isdir() else 0o644
        return info

    with tarfile.open(fileobj=out, mode="w|", format=tarfile.PAX_FORMAT, bufsize=CHUNK) as tar:
        tar.addfile(clean(tar.gettarinfo(str(folder), arc_root)))
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames.sort()
            base = Path(dirpath)
            rel = base.relative_to(folder)
            for name in sorted(dirnames) + sorted(filenames):
                path = base / name
                arcname = "/".join((arc_root, *rel.parts, name))
                info = clean(tar.gettarinfo(str(path), arcname))
                if info.isdir():
                    tar.addfile(info)
                elif info.isfile():
                    with open(path, "rb") as f:
                        tar.addfile(info, f)
                else:
                    raise PacketRefused(f"{path} is neither a file nor a folder; it cannot go into a packet")
                if should_cancel is not None and should_cancel():
                    raise Cancelled("the export was cancelled")


def seal_folder(folder: Path, arc_root: str, out: Path, recipients: Sequence[str],
                should_cancel: ShouldCancel | None = None) -> None:
    """Encrypt the packet folder ``folder`` for ``recipients`` (age ``age1…`` strings) into the new file ``out``.

    The tar is produced in a thread and read by age through a pipe; ``out`` is synced.
    On failure ``out`` may be left half written: the caller writes a temporary and removes it."""
    import pyrage
    from pyrage import x25519

    keys = [x25519.Recipient.from_str(r) for r in recipients]
    if not keys:
        raise EvidenceDeskError("an encrypted packet needs at least one recipient")
    read_fd, write_fd = os.pipe()
    failure: list[BaseException] = []

    def produce() -> None:
        try:
            with os.fdopen(write_fd, "wb", buffering=CHUNK) as pipe:
                _tar_folder(folder, arc_root, pipe, should_cancel)
        except BrokenPipeError:
            pass  # the encrypting side stopped; its error is the one reported
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            failure.append(exc)

    producer = threading.Thread(target=produce, name="packet-tar", daemon=True)
    reader = os.fdopen(read_fd, "rb", buffering=CHUNK)
    producer.start()
    try:
        with open(out, "xb") as sink:
            try:
                pyrage.encrypt_io(reader, sink, keys)
            except (pyrage.EncryptError, OSError) as exc:
                if failure:
                    raise failure[0] from None
                if isinstance(exc, OSError) and exc.errno is not None:
                    raise
                raise EvidenceDeskError(f"the packet could not be encrypted: {exc}") from None
            sink.flush()
            os.fsync(sink.fileno())
    finally:
        reader.close()
        producer.join()
    if failure:  # the tar stopped early: age saw a short stream and closed it cleanly
        raise failure[0]
    fsync_dir(out.parent)
