"""Ed25519 seals: sign bytes with a case's (or a reviewer's) key, check them
against a public key carried beside them, and name keys by fingerprint.

A signature proves that whoever holds the private key sealed exactly these
bytes; *who* that is comes from comparing the fingerprint out of band (the
report cover, a phone call). So every check here also returns the fingerprint.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .errors import EvidenceDeskError
from .fsutil import atomic_write_bytes

SIGNATURE_BYTES = 64
KEY_BYTES = 32


class BadKey(EvidenceDeskError):
    """A key file or key text is not an Ed25519 key."""


def fingerprint(public_key: bytes) -> str:
    """SHA-256 of the raw public key, grouped for reading aloud (as CaseInfo.fingerprint)."""
    digest = hashlib.sha256(public_key).hexdigest()
    return ":".join(digest[i:i + 4] for i in range(0, 32, 4))


def normalise_fingerprint(text: str) -> str:
    """Accept a fingerprint typed with or without colons, in any case."""
    bare = "".join(ch for ch in text.lower() if ch in "0123456789abcdef")
    return ":".join(bare[i:i + 4] for i in range(0, len(bare), 4))


def public_key_of(private_key: bytes) -> bytes:
    key = Ed25519PrivateKey.from_private_bytes(private_key)
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def sign(private_key: bytes, message: bytes) -> bytes:
    """The 64-byte Ed25519 signature of ``message``."""
    return Ed25519PrivateKey.from_private_bytes(private_key).sign(message)


def verify(public_key: bytes, signature: bytes, message: bytes) -> bool:
    """True when ``signature`` is a valid seal of ``message`` by ``public_key``."""
    if len(public_key) != KEY_BYTES or len(signature) != SIGNATURE_BYTES:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def public_pem(public_key: bytes) -> bytes:
    return Ed25519PublicKey.from_public_bytes(public_key).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def public_from_pem(pem: bytes) -> bytes:
    try:
        key = serialization.load_pem_public_key(pem)
    except ValueError as exc:
        raise BadKey(f"not a PEM public key: {exc}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise BadKey("the PEM public key is not an Ed25519 key")
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def load_or_create_key(path: Path) -> bytes:
    """A personal signing key kept at ``path`` (raw 32 bytes, owner-only), made on first use."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raw = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, raw)
        os.chmod(path, 0o600)
        return raw
    if len(raw) != KEY_BYTES:
        raise BadKey(f"{path} is not an Ed25519 key (expected {KEY_BYTES} bytes, found {len(raw)})")
    return raw
