"""Reviewer key pairs: an age X25519 identity that encrypted packets are sealed for.

A reviewer makes one key pair (``evidence-desk reviewer-key create`` or the
app's Review Keys menu) and gives the examiner the public half, an age
recipient string ``age1…``. ``export --encrypt-to`` seals a packet for it
(:mod:`.packet.encrypted`); only the holder of the private half opens it.

The private half (an ``AGE-SECRET-KEY-1…`` string) is kept in the app's data
folder (``platformdirs.user_data_dir("evidence-desk")``, or
``$EVIDENCE_DESK_HOME``) as one owner-only JSON file, encrypted exactly as the
examiner key is (:mod:`.examiner_keys`): Argon2id stretches the passphrase,
AES-256-GCM seals the identity with the file's header as associated data.

Unlocked identities are held in memory for the process (:func:`unlocked`), as
an agent would: the command line unlocks once per command, the app once per
session, and every reader of packets (:class:`.packet.archive.OpenedPacket`)
decrypts with them.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .custody import canonical
from .errors import BadInput
from .examiner_keys import (
    DEFAULT_KDF,
    MIN_PASSPHRASE,
    KdfParams,
    KeyExists,
    KeyMissing,
    NoPassphrase,
    WrongPassphrase,
    data_dir,
)
from .fsutil import atomic_write_bytes
from .sealing import derive_key

__all__ = ["DEFAULT_KDF", "KdfParams", "KeyExists", "KeyMissing", "NoPassphrase", "ReviewerIdentity",
           "StoredReviewerKey", "WrongPassphrase", "create", "forget", "key_path", "load_public",
           "parse_recipient", "passphrase_from_env", "public_key_text", "unlock", "unlocked"]

log = logging.getLogger("evidence_desk.reviewer_keys")

KEY_FILE = "reviewer-age-key.json"
KEY_FORMAT = "evidence-desk-reviewer-key"
KEY_FORMAT_VERSION = 1
CIPHER = "aes-256-gcm"
KDF = "argon2id"
PASSPHRASE_ENV = "EVIDENCE_DESK_REVIEWER_PASSPHRASE"  # else EVIDENCE_DESK_KEY_PASSPHRASE, as the examiner key
FALLBACK_PASSPHRASE_ENV = "EVIDENCE_DESK_KEY_PASSPHRASE"
RECIPIENT_PREFIX = "age1"
PUBLIC_SUFFIX = ".age-recipient.txt"  # the default name of an exported public key


@dataclass(frozen=True)
class StoredReviewerKey:
    """What the key file says without the passphrase."""

    path: Path
    public_key: str  # age1…
    created_at: str
    reviewer: str
    kdf: KdfParams


@dataclass(frozen=True)
class ReviewerIdentity:
    """An unlocked reviewer key: decrypts packets sealed for ``public_key``."""

    public_key: str
    path: Path | None = None
    _secret: str = field(default="", repr=False, compare=False)

    def age_identity(self) -> Any:
        from pyrage import x25519

        return x25519.Identity.from_str(self._secret)


def key_path() -> Path:
    return data_dir() / KEY_FILE


def passphrase_from_env() -> str | None:
    for name in (PASSPHRASE_ENV, FALLBACK_PASSPHRASE_ENV):
        value = os.environ.get(name)
        if value:
            return value
    return None


def parse_recipient(value: str) -> str:
    """An age recipient from ``value``: the ``age1…`` string itself, or a file holding one.

    A file may hold comment lines (``#``), as ``age-keygen`` writes them; the first
    ``age1…`` line is the key. Raises :class:`BadInput` for anything else."""
    from pyrage import RecipientError, x25519

    text = value.strip()
    source = "the recipient"
    if not text.lower().startswith(RECIPIENT_PREFIX):
        path = Path(value).expanduser()
        try:
            raw = path.read_bytes()[:16384]
        except OSError as exc:
            raise BadInput(f"{value} is neither an age public key (age1…) nor a readable file: "
                           f"{exc.strerror or exc}") from None
        lines = [line.strip() for line in raw.decode("utf-8", "replace").splitlines()]
        found = [line for line in lines if line.lower().startswith(RECIPIENT_PREFIX)]
        if not found:
            raise BadInput(f"{path} holds no age public key (a line starting age1…); "
                           "`evidence-desk reviewer-key show` prints one")
        text, source = found[0], str(path)
    try:
        return str(x25519.Recipient.from_str(text))
    except RecipientError as exc:
        raise BadInput(f"{source} is not a valid age X25519 public key ({exc})") from None


# --- the file ----------------------------------------------------------------------------

def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _header(doc: dict[str, Any]) -> bytes:
    return canonical({k: doc[k] for k in ("format", "version", "public_key", "created_at", "reviewer", "kdf")}
                     ).encode("utf-8")



def _read(path: Path) -> tuple[dict[str, Any], StoredReviewerKey]:
    try:
        doc = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise KeyMissing(f"no reviewer key at {path}; `evidence-desk reviewer-key create` makes one") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadInput(f"{path} is not a reviewer key file: {exc}") from None
    if not isinstance(doc, dict) or doc.get("format") != KEY_FORMAT or doc.get("version") != KEY_FORMAT_VERSION:
        raise BadInput(f"{path} is not a reviewer key file of version {KEY_FORMAT_VERSION}")
    try:
        kdf = doc["kdf"]
        if kdf.get("name") != KDF or not str(doc["public_key"]).startswith(RECIPIENT_PREFIX):
            raise ValueError("unsupported key derivation or public key")
        params = KdfParams(int(kdf["time_cost"]), int(kdf["memory_kib"]), int(kdf["parallelism"]))
        stored = StoredReviewerKey(path, str(doc["public_key"]), str(doc.get("created_at", "")),
                                   str(doc.get("reviewer", "")), params)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise BadInput(f"{path} is a damaged reviewer key file ({exc})") from None
    return doc, stored


def load_public(path: Path | None = None) -> StoredReviewerKey | None:
    """The reviewer key at ``path`` (default :func:`key_path`) without unlocking it; None if there is none."""
    path = path or key_path()
    if not path.exists():
        return None
    return _read(path)[1]


def public_key_text(stored: StoredReviewerKey) -> str:
    """The public key as a file a reviewer sends to the examiner (``age-keygen -y`` style)."""
    who = f" of {stored.reviewer}" if stored.reviewer else ""
    return (f"# Evidence Desk reviewer public key{who} (age X25519), created {stored.created_at}\n"
            f"# examiner: evidence-desk export CASE -o PACKET --encrypt-to THIS-FILE\n"
            f"{stored.public_key}\n")


def create(passphrase: str, *, reviewer: str = "", path: Path | None = None,
           kdf: KdfParams = DEFAULT_KDF) -> ReviewerIdentity:
    """Make a new reviewer key pair at ``path`` encrypted under ``passphrase``; refuse to replace one."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from pyrage import x25519

    path = path or key_path()
    if path.exists():
        raise KeyExists(f"a reviewer key already exists at {path}; it is kept (packets sealed for it "
                        "could not be opened without it)")
    if len(passphrase) < MIN_PASSPHRASE:
        raise BadInput(f"the passphrase must have at least {MIN_PASSPHRASE} characters")
    identity = x25519.Identity.generate()
    secret, public = str(identity), str(identity.to_public())
    salt, nonce = os.urandom(16), os.urandom(12)
    doc: dict[str, Any] = {
        "format": KEY_FORMAT, "version": KEY_FORMAT_VERSION, "public_key": public,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "reviewer": reviewer.strip(),
        "kdf": {"name": KDF, "time_cost": kdf.time_cost, "memory_kib": kdf.memory_kib,
                "parallelism": kdf.parallelism, "salt": _b64(salt)},
    }
    sealed = AESGCM(derive_key(passphrase, salt, kdf)).encrypt(nonce, secret.encode("ascii"), _header(doc))
    doc["cipher"] = {"name": CIPHER, "nonce": _b64(nonce)}
    doc["ciphertext"] = _b64(sealed)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.chmod(path.parent, 0o700)
    except OSError:
        pass
    atomic_write_bytes(path, json.dumps(doc, indent=1, sort_keys=True).encode("utf-8") + b"\n")
    os.chmod(path, 0o600)
    log.info("created reviewer key %s at %s", public, path)
    key = ReviewerIdentity(public, path, secret)
    _remember(key)
    return key


def unlock(passphrase: str, path: Path | None = None) -> ReviewerIdentity:
    """Open the reviewer key at ``path`` and keep it unlocked for this process (:func:`unlocked`)."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from pyrage import IdentityError, x25519

    path = path or key_path()
    doc, stored = _read(path)
    try:
        salt = base64.b64decode(doc["kdf"]["salt"], validate=True)
        nonce = base64.b64decode(doc["cipher"]["nonce"], validate=True)
        sealed = base64.b64decode(doc["ciphertext"], validate=True)
        if doc["cipher"]["name"] != CIPHER:
            raise ValueError("unsupported cipher")
    except (KeyError, TypeError, ValueError) as exc:
        raise BadInput(f"{path} is a damaged reviewer key file ({exc})") from None
    try:
        secret = AESGCM(derive_key(passphrase, salt, stored.kdf)).decrypt(nonce, sealed, _header(doc)).decode("ascii")
    except InvalidTag:
        raise WrongPassphrase(f"wrong passphrase for the reviewer key {stored.public_key} at {path} "
                              "(or the key file was altered)") from None
    try:
        public = str(x25519.Identity.from_str(secret).to_public())
    except IdentityError as exc:
        raise BadInput(f"{path} holds a damaged reviewer identity ({exc})") from None
    if public != stored.public_key:
        raise BadInput(f"{path}: the private key does not match the public key the file states")
    key = ReviewerIdentity(public, path, secret)
    _remember(key)
    return key


# --- unlocked for this process -------------------------------------------------------------

_lock = threading.Lock()
_unlocked: dict[str, ReviewerIdentity] = {}


def _remember(key: ReviewerIdentity) -> None:
    with _lock:
        _unlocked[key.public_key] = key


def unlocked() -> list[ReviewerIdentity]:
    """The reviewer keys unlocked in this process, oldest first."""
    with _lock:
        return list(_unlocked.values())


def forget() -> None:
    """Lock every reviewer key again (the app's Lock, tests)."""
    with _lock:
        _unlocked.clear()
