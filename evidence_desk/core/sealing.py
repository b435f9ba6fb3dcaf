"""Encrypted cases: the case key file and the sealed-object format.

An encrypted case holds ``case.key.json`` beside ``case.sqlite``. It keeps a
random 256-bit data key wrapped (AES-256-GCM) by a key stretched from the
passphrase with Argon2id. Changing the passphrase rewraps the data key and
touches nothing else. From the data key two keys are derived (HKDF-SHA256):
one is the SQLCipher key of the database, one seals the vault's objects.

A sealed object is ``MAGIC | prefix(8)`` followed by chunks of at most
:data:`SEAL_CHUNK` plaintext bytes, each AES-256-GCM with the nonce
``prefix | counter(4)`` and the associated data ``MAGIC | prefix | counter |
final``. Every chunk but the last is full; the last is shorter (empty when the
plaintext fills whole chunks), so a cut at a chunk boundary, a dropped, moved
or swapped chunk, or a flipped byte each fails authentication. The name and
hash of an object stay those of its plaintext, so custody and verification
speak of the evidence itself.
"""

from __future__ import annotations

import base64
import io
import json
import os
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import BadInput, EnvironmentRefused, EvidenceDeskError
from .fsutil import atomic_write_bytes

KEY_FILE = "case.key.json"
KEY_FORMAT = "evidence-desk-case-key"
PASSPHRASE_ENV = "EVIDENCE_DESK_CASE_PASSPHRASE"

MAGIC = b"EDSEAL1\n"
PREFIX_LEN = 8
TAG_LEN = 16
SEAL_CHUNK = 1024 * 1024
HEADER_LEN = len(MAGIC) + PREFIX_LEN


class WrongPassphrase(BadInput):
    """The passphrase does not unlock the case (exit 2)."""


class PassphraseNeeded(EnvironmentRefused):
    """An encrypted case was opened with no passphrase to hand (exit 3)."""


class SealBroken(EvidenceDeskError):
    """A sealed object failed authentication: altered, truncated or reordered."""


@dataclass(frozen=True)
class Kdf:
    time_cost: int = 3
    memory_kib: int = 64 * 1024
    parallelism: int = 4


def derive_key(passphrase: str, salt: bytes, kdf: Any) -> bytes:
    """The one Argon2id derivation of a 256-bit key from a passphrase, for the case key here and
    the examiner and reviewer keys: ``kdf`` has ``time_cost``, ``memory_kib`` and ``parallelism``."""
    from argon2.low_level import Type, hash_secret_raw

    return hash_secret_raw(passphrase.encode("utf-8"), salt, time_cost=kdf.time_cost, memory_cost=kdf.memory_kib,
                           parallelism=kdf.parallelism, hash_len=32, type=Type.ID)


def _subkey(data_key: bytes, purpose: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(hashes.SHA256(), 32, salt=None, info=b"evidence-desk case " + purpose).derive(data_key)


@dataclass(frozen=True)
class CaseKey:
    """The unlocked data key of an encrypted case."""

    data_key: bytes

    @property
    def db_key(self) -> bytes:
        return _subkey(self.data_key, b"database")

    def sealer(self) -> Sealer:
        return Sealer(_subkey(self.data_key, b"objects"))


def key_path(case_dir: Path) -> Path:
    return Path(case_dir) / KEY_FILE


def is_encrypted(case_dir: Path) -> bool:
    return key_path(case_dir).is_file()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _aad(doc: dict[str, Any]) -> bytes:
    return json.dumps({k: doc[k] for k in ("format", "version", "kdf", "salt")}, sort_keys=True).encode()


def _wrap(data_key: bytes, passphrase: str, kdf: Kdf) -> dict[str, Any]:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if not passphrase:
        raise BadInput("an encrypted case needs a passphrase")
    salt, nonce = os.urandom(16), os.urandom(12)
    doc: dict[str, Any] = {"format": KEY_FORMAT, "version": 1, "salt": _b64(salt),
                           "kdf": {"name": "argon2id", "time_cost": kdf.time_cost, "memory_kib": kdf.memory_kib,
                                   "parallelism": kdf.parallelism}}
    wrapped = AESGCM(derive_key(passphrase, salt, kdf)).encrypt(nonce, data_key, _aad(doc))
    doc.update(nonce=_b64(nonce), wrapped_key=_b64(wrapped), cipher="aes-256-gcm")
    return doc


def create_key(case_dir: Path, passphrase: str, kdf: Kdf | None = None) -> CaseKey:
    """Make a new data key and write it, wrapped by ``passphrase``, into the case folder."""
    data_key = os.urandom(32)
    doc = _wrap(data_key, passphrase, kdf or _default_kdf())
    atomic_write_bytes(key_path(case_dir), json.dumps(doc, indent=1, sort_keys=True).encode() + b"\n")
    return CaseKey(data_key)


def _default_kdf() -> Kdf:
    # Tests and benches may lower the cost; a real case keeps RFC 9106's second option.
    cheap = os.environ.get("EVIDENCE_DESK_TEST_CHEAP_KDF") == "1"
    return Kdf(time_cost=1, memory_kib=8 * 1024, parallelism=1) if cheap else Kdf()


def unlock(case_dir: Path, passphrase: str) -> CaseKey:
    """The data key of the case at ``case_dir``; :class:`WrongPassphrase` when it does not open."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    path = key_path(case_dir)
    try:
        doc = json.loads(path.read_text("utf-8"))
        k = doc["kdf"]
        kdf = Kdf(int(k["time_cost"]), int(k["memory_kib"]), int(k["parallelism"]))
        salt, nonce = base64.b64decode(doc["salt"]), base64.b64decode(doc["nonce"])
        wrapped = base64.b64decode(doc["wrapped_key"])
    except FileNotFoundError:
        raise BadInput(f"{case_dir} is not an encrypted case (no {KEY_FILE})") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise BadInput(f"{path} is not a case key file: {exc}") from None
    try:
        return CaseKey(AESGCM(derive_key(passphrase, salt, kdf)).decrypt(nonce, wrapped, _aad(doc)))
    except InvalidTag:
        raise WrongPassphrase(f"wrong passphrase for {case_dir}") from None


def change_passphrase(case_dir: Path, old: str, new: str) -> None:
    """Rewrap the data key under ``new``; the database and the vault are not rewritten."""
    key = unlock(case_dir, old)
    doc = _wrap(key.data_key, new, _default_kdf())
    atomic_write_bytes(key_path(case_dir), json.dumps(doc, indent=1, sort_keys=True).encode() + b"\n")


# --- what this process may write about itself ----------------------------------------

_open_encrypted = 0  # encrypted cases open in this process (Case counts them)


def note_open(delta: int) -> None:
    global _open_encrypted
    _open_encrypted = max(0, _open_encrypted + delta)


def encrypted_case_open() -> bool:
    """True while an encrypted case is open here: crash reports then leave out messages and
    command lines, which may quote the case (:func:`crash_text`)."""
    return _open_encrypted > 0


def crash_text(exc: BaseException) -> str:
    """A traceback for a crash log: in full, or, while an encrypted case is open, the frames and
    exception types only (no messages, no values)."""
    import traceback

    if not encrypted_case_open():
        return "".join(traceback.format_exception(exc))
    lines = ["(an encrypted case is open: messages are left out of this report)\n"]
    seen: BaseException | None = exc
    while seen is not None:
        lines += traceback.format_list(traceback.extract_tb(seen.__traceback__))
        lines.append(f"{type(seen).__module__}.{type(seen).__qualname__}\n")
        seen = seen.__cause__ or seen.__context__
    return "".join(lines)


# --- sealed objects ------------------------------------------------------------------


class Sealer:
    """Seals and opens vault objects with one object key."""

    def __init__(self, key: bytes) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self._aead = AESGCM(key)

    def writer(self, fd: int, write_all: Any) -> SealingWriter:
        return SealingWriter(self._aead, fd, write_all)

    def open(self, path: Path) -> OpenedObject:
        return OpenedObject(self._aead, open(path, "rb"))

    def read_all(self, path: Path) -> bytes:
        with self.open(path) as f:
            return f.read()


def _aad_of(prefix: bytes, counter: int, final: bool) -> bytes:
    return MAGIC + prefix + struct.pack(">IB", counter, 1 if final else 0)


class SealingWriter:
    """Takes plaintext in any pieces and writes sealed chunks to ``fd`` through ``write_all(fd, data)``."""

    def __init__(self, aead: Any, fd: int, write_all: Any) -> None:
        self._aead, self._fd, self._write_all = aead, fd, write_all
        self._prefix = os.urandom(PREFIX_LEN)
        self._counter = 0
        self._pending = bytearray()
        write_all(fd, MAGIC + self._prefix)

    def _seal(self, chunk: bytes | memoryview, final: bool) -> None:
        if self._counter >= 0xFFFFFFFF:
            raise ValueError("object too large to seal")
        nonce = self._prefix + struct.pack(">I", self._counter)
        self._write_all(self._fd, self._aead.encrypt(nonce, chunk, _aad_of(self._prefix, self._counter, final)))
        self._counter += 1

    def write(self, data: bytes | memoryview) -> None:
        view = memoryview(data)
        if self._pending:
            need = SEAL_CHUNK - len(self._pending)
            self._pending += view[:need]
            view = view[need:]
            if len(self._pending) < SEAL_CHUNK:
                return
            self._seal(self._pending, final=False)
            self._pending = bytearray()
        # Full chunks are never the last: the last chunk is always shorter than SEAL_CHUNK.
        while len(view) >= SEAL_CHUNK:
            self._seal(view[:SEAL_CHUNK], final=False)
            view = view[SEAL_CHUNK:]
        self._pending += view

    def finish(self) -> None:
        self._seal(self._pending, final=True)
        self._pending = bytearray()


def sealed_size(plain_size: int) -> int:
    return HEADER_LEN + (plain_size // SEAL_CHUNK + 1) * TAG_LEN + plain_size


class OpenedObject(io.RawIOBase):
    """The plaintext of a sealed object, read (and seeked) chunk by chunk; every chunk authenticated."""

    def __init__(self, aead: Any, raw: Any) -> None:
        super().__init__()
        self._aead, self._raw = aead, raw
        name = getattr(raw, "name", "object")
        header = raw.read(HEADER_LEN)
        if len(header) != HEADER_LEN or not header.startswith(MAGIC):
            raise SealBroken(f"{name}: not a sealed object")
        self._name = name
        self._prefix = header[len(MAGIC):]
        total = os.fstat(raw.fileno()).st_size - HEADER_LEN
        full, rest = divmod(total, SEAL_CHUNK + TAG_LEN)
        if rest < TAG_LEN:
            raise SealBroken(f"{name}: truncated (no final chunk)")
        self._chunks = full + 1
        self.size = full * SEAL_CHUNK + rest - TAG_LEN
        self._pos = 0
        self._cached: tuple[int, bytes] | None = None

    def _chunk(self, index: int) -> bytes:
        from cryptography.exceptions import InvalidTag

        if self._cached is not None and self._cached[0] == index:
            return self._cached[1]
        self._raw.seek(HEADER_LEN + index * (SEAL_CHUNK + TAG_LEN))
        final = index == self._chunks - 1
        data = self._raw.read(SEAL_CHUNK + TAG_LEN)
        try:
            plain = self._aead.decrypt(self._prefix + struct.pack(">I", index), data,
                                       _aad_of(self._prefix, index, final))
        except InvalidTag:
            raise SealBroken(f"{self._name}: chunk {index} fails authentication (altered, truncated or "
                             f"reordered)") from None
        self._cached = (index, plain)
        return plain

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._pos, 2: self.size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer: Any) -> int:
        if self._pos >= self.size:
            return 0
        index, within = divmod(self._pos, SEAL_CHUNK)
        plain = self._chunk(index)
        n = min(len(buffer), len(plain) - within)
        buffer[:n] = plain[within:within + n]
        self._pos += n
        return n

    def chunks(self) -> Any:
        """Every chunk's plaintext in order from the start, the (possibly empty) final one included,
        so the whole object is authenticated."""
        for index in range(self._chunks):
            yield self._chunk(index)
        self._pos = self.size

    def readall(self) -> bytes:
        index, within = divmod(self._pos, SEAL_CHUNK)
        parts = [self._chunk(i) for i in range(index, self._chunks)]
        if parts:
            parts[0] = parts[0][within:]
        self._pos = self.size
        return b"".join(parts)

    def close(self) -> None:
        self._cached = None
        self._raw.close()
        super().close()
