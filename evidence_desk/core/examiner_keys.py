"""Examiner keys: one personal Ed25519 key per examiner, kept outside every case.

A hash chain inside a case proves order, not authorship: whoever holds the
folder can rebuild it. So each examiner signs checkpoints of the chain head
(:mod:`.checkpoints`) and seals packets with a key of their own that no case
folder contains. It lives in the user's configuration folder
(``platformdirs.user_config_dir("evidence-desk")``, or ``$EVIDENCE_DESK_HOME``
for tests and CI) as one JSON file, owner-only, the private key encrypted:

- the passphrase is stretched with Argon2id (RFC 9106; its parameters and
  salt are stored in the file, so a key made with other costs still opens);
- the 32-byte private key is sealed with AES-256-GCM under that key, with the
  file's header (format, public key, KDF parameters) as associated data, so
  neither the ciphertext nor the stated public key can be swapped unnoticed.

The passphrase comes from the caller: the command line reads
``$EVIDENCE_DESK_KEY_PASSPHRASE``, ``--passphrase-file`` or a terminal prompt;
the desktop app asks in a dialog. A wrong passphrase is :class:`WrongPassphrase`
(a user error); no passphrase where one is needed is :class:`NoPassphrase`
(the environment refused).
"""

from __future__ import annotations

import base64
import json
import logging
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import signing
from .custody import canonical
from .errors import EnvironmentRefused, EvidenceDeskError
from .fsutil import atomic_write_bytes
from .sealing import derive_key

log = logging.getLogger("evidence_desk.examiner_keys")

HOME_ENV = "EVIDENCE_DESK_HOME"  # one folder for the key and the witness log (tests, CI, portable installs)
PASSPHRASE_ENV = "EVIDENCE_DESK_KEY_PASSPHRASE"
KEY_FILE = "examiner-key.json"
KEY_FORMAT = "evidence-desk-examiner-key"
KEY_FORMAT_VERSION = 1
CIPHER = "aes-256-gcm"
KDF = "argon2id"
MIN_PASSPHRASE = 8


class KeyMissing(EvidenceDeskError):
    """There is no examiner key yet where one is needed."""


class KeyExists(EvidenceDeskError):
    """An examiner key already exists; making another would orphan the first."""


class WrongPassphrase(EvidenceDeskError):
    """The passphrase does not open the examiner key."""


class NoPassphrase(EnvironmentRefused):
    """No passphrase is available (no variable, no file, no terminal to ask on)."""


@dataclass(frozen=True)
class KdfParams:
    """Argon2id costs: time (passes), memory in KiB, lanes."""

    time_cost: int = 3
    memory_kib: int = 64 * 1024
    parallelism: int = 4


#: RFC 9106's second recommended option (64 MiB, 3 passes, 4 lanes): about half a second here.
DEFAULT_KDF = KdfParams()


@dataclass(frozen=True)
class StoredKey:
    """What the key file says without the passphrase: enough to show and to check signatures."""

    path: Path
    public_key: bytes
    created_at: str
    examiner: str
    kdf: KdfParams

    @property
    def fingerprint(self) -> str:
        return signing.fingerprint(self.public_key)

    @property
    def public_hex(self) -> str:
        return self.public_key.hex()


@dataclass(frozen=True)
class ExaminerKey:
    """An unlocked examiner key: signs; its private half never leaves this object."""

    public_key: bytes
    path: Path | None = None
    _private: bytes = field(default=b"", repr=False, compare=False)

    @property
    def fingerprint(self) -> str:
        return signing.fingerprint(self.public_key)

    @property
    def public_hex(self) -> str:
        return self.public_key.hex()

    def sign(self, message: bytes) -> bytes:
        return signing.sign(self._private, message)

    @classmethod
    def from_private(cls, private_key: bytes, path: Path | None = None) -> ExaminerKey:
        return cls(signing.public_key_of(private_key), path, private_key)


# --- where -----------------------------------------------------------------------------

def config_dir() -> Path:
    """Where the examiner key lives: ``$EVIDENCE_DESK_HOME``, else the user's config folder."""
    home = os.environ.get(HOME_ENV, "").strip()
    if home:
        return Path(home).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("evidence-desk", appauthor=False))


def data_dir() -> Path:
    """Where the witness log lives: ``$EVIDENCE_DESK_HOME``, else the user's data folder."""
    home = os.environ.get(HOME_ENV, "").strip()
    if home:
        return Path(home).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("evidence-desk", appauthor=False))


def key_path() -> Path:
    return config_dir() / KEY_FILE


def passphrase_from_env() -> str | None:
    value = os.environ.get(PASSPHRASE_ENV)
    return value if value else None


# --- the file ----------------------------------------------------------------------------

def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    return base64.b64decode(str(text), validate=True)


def _header(doc: dict[str, Any]) -> bytes:
    """The associated data: everything in the file but the ciphertext and its nonce."""
    return canonical({k: doc[k] for k in ("format", "version", "public_key", "created_at", "examiner", "kdf")}
                     ).encode("utf-8")



def _read(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise KeyMissing(f"no examiner key at {path}; `evidence-desk key create` makes one") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise signing.BadKey(f"{path} is not an examiner key file: {exc}") from None
    if not isinstance(doc, dict) or doc.get("format") != KEY_FORMAT:
        raise signing.BadKey(f"{path} is not an examiner key file")
    if doc.get("version") != KEY_FORMAT_VERSION:
        raise signing.BadKey(f"{path} is an examiner key of format version {doc.get('version')}; this program "
                             f"reads version {KEY_FORMAT_VERSION}")
    return doc


def _stored(path: Path, doc: dict[str, Any]) -> StoredKey:
    try:
        public_key = bytes.fromhex(doc["public_key"])
        kdf = doc["kdf"]
        params = KdfParams(int(kdf["time_cost"]), int(kdf["memory_kib"]), int(kdf["parallelism"]))
        if kdf.get("name") != KDF or len(public_key) != signing.KEY_BYTES:
            raise ValueError("unsupported key derivation or key length")
        return StoredKey(path, public_key, str(doc.get("created_at", "")), str(doc.get("examiner", "")), params)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise signing.BadKey(f"{path} is a damaged examiner key file ({exc})") from None


def load_public(path: Path | None = None) -> StoredKey | None:
    """The examiner key at ``path`` (default :func:`key_path`) without unlocking it; None if there is none."""
    path = path or key_path()
    if not path.exists():
        return None
    return _stored(path, _read(path))


def create(passphrase: str, *, examiner: str = "", path: Path | None = None, kdf: KdfParams = DEFAULT_KDF,
           private_key: bytes | None = None) -> ExaminerKey:
    """Make a new examiner key at ``path`` encrypted under ``passphrase``; refuse to replace one."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    path = path or key_path()
    if path.exists():
        existing = load_public(path)
        raise KeyExists(f"an examiner key already exists at {path} (fingerprint "
                        f"{existing.fingerprint if existing else '?'}); it is kept")
    if len(passphrase) < MIN_PASSPHRASE:
        raise EvidenceDeskError(f"the passphrase must have at least {MIN_PASSPHRASE} characters")
    if private_key is None:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        private_key = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    key = ExaminerKey.from_private(private_key, path)
    salt, nonce = os.urandom(16), os.urandom(12)
    doc: dict[str, Any] = {
        "format": KEY_FORMAT, "version": KEY_FORMAT_VERSION, "public_key": key.public_hex,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "examiner": examiner.strip(),
        "kdf": {"name": KDF, "time_cost": kdf.time_cost, "memory_kib": kdf.memory_kib,
                "parallelism": kdf.parallelism, "salt": _b64(salt)},
    }
    sealed = AESGCM(derive_key(passphrase, salt, kdf)).encrypt(nonce, private_key, _header(doc))
    doc["cipher"] = {"name": CIPHER, "nonce": _b64(nonce)}
    doc["ciphertext"] = _b64(sealed)
    doc["fingerprint"] = key.fingerprint  # for a person reading the file; never trusted
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.chmod(path.parent, 0o700)
    except OSError:
        pass
    atomic_write_bytes(path, json.dumps(doc, indent=1, sort_keys=True).encode("utf-8") + b"\n")
    os.chmod(path, 0o600)
    log.info("created examiner key %s at %s", key.fingerprint, path)
    return key


def unlock(passphrase: str, path: Path | None = None) -> ExaminerKey:
    """Open the examiner key at ``path`` with ``passphrase``.

    Raises :class:`WrongPassphrase` if it does not open it, :class:`KeyMissing` if there is none."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    path = path or key_path()
    doc = _read(path)
    stored = _stored(path, doc)
    try:
        if doc["cipher"]["name"] != CIPHER:
            raise ValueError(f"unsupported cipher {doc['cipher']['name']!r}")
        salt, nonce = _unb64(doc["kdf"]["salt"]), _unb64(doc["cipher"]["nonce"])
        sealed = _unb64(doc["ciphertext"])
    except (KeyError, TypeError, ValueError) as exc:
        raise signing.BadKey(f"{path} is a damaged examiner key file ({exc})") from None
    try:
        private_key = AESGCM(derive_key(passphrase, salt, stored.kdf)).decrypt(nonce, sealed, _header(doc))
    except InvalidTag:
        raise WrongPassphrase(f"wrong passphrase for the examiner key {stored.fingerprint} at {path} "
                              "(or the key file was altered)") from None
    key = ExaminerKey.from_private(private_key, path)
    if key.public_key != stored.public_key:  # cannot happen unless AES-GCM failed to authenticate
        raise signing.BadKey(f"{path}: the private key does not match the public key the file states")
    return key


def unlock_or_create(passphrase: str, *, examiner: str = "", path: Path | None = None,
                     kdf: KdfParams = DEFAULT_KDF) -> tuple[ExaminerKey, bool]:
    """The examiner key, made on first use; True in the second place when it was just made."""
    path = path or key_path()
    if path.exists():
        return unlock(passphrase, path), False
    return create(passphrase, examiner=examiner, path=path, kdf=kdf), True
