"""What kind of evidence a file is, read from its first bytes, not its name."""

from __future__ import annotations

import mimetypes
from pathlib import Path

# (offset, magic, media type)
_MAGIC: list[tuple[int, bytes, str]] = [
    (0, b"%PDF-", "application/pdf"),
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"GIF87a", "image/gif"),
    (0, b"GIF89a", "image/gif"),
    (0, b"II*\x00", "image/tiff"),
    (0, b"MM\x00*", "image/tiff"),
    (0, b"BM", "image/bmp"),
    (0, b"fLaC", "audio/flac"),
    (0, b"ID3", "audio/mpeg"),
    (0, b"OggS", "audio/ogg"),
    (0, b"#!AMR", "audio/amr"),
    (0, b"\x1aE\xdf\xa3", "video/webm"),
    (0, b"PK\x03\x04", "application/zip"),
    (0, b"{\\rtf", "application/rtf"),
]

_KIND_BY_PREFIX = {"audio/": "audio", "video/": "video", "image/": "scan"}
_DOCUMENTS = {"application/pdf", "application/rtf", "text/plain", "text/html", "text/markdown",
              "text/csv", "application/json", "message/rfc822",
              "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              "application/vnd.oasis.opendocument.text", "application/msword"}


def sniff_media_type(head: bytes, name: str = "") -> str:
    """Media type from content; the file name only breaks ties for text and zip."""
    if head[:4] == b"RIFF" and len(head) >= 12:
        form = head[8:12]
        return {b"WAVE": "audio/wav", b"AVI ": "video/x-msvideo", b"WEBP": "image/webp"}.get(
            form, "application/octet-stream")
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"M4A ", b"M4B "):
            return "audio/mp4"
        if brand.startswith(b"qt"):
            return "video/quicktime"
        return "video/mp4"
    if _looks_like_utf16_text(head):  # before MPEG audio: a UTF-16 LE mark, FF FE, is also a frame sync
        return _text_type(name)
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[:3] != b"\xff\xd8\xff":
        return "audio/mpeg"
    for offset, magic, media in _MAGIC:
        if head[offset:offset + len(magic)] == magic:
            if media == "application/zip":
                guessed = mimetypes.guess_type(name)[0]
                return guessed or media
            return media
    if _looks_like_text(head):
        return _text_type(name)
    guessed = mimetypes.guess_type(name)[0]
    if guessed in _SNIFFED:  # the name claims a format whose signature the bytes do not carry
        return "application/octet-stream"
    return guessed or "application/octet-stream"


# Formats recognised by their bytes above; a file name alone never makes a file one of these.
_SNIFFED = {media for _, _, media in _MAGIC} | {"audio/wav", "video/x-msvideo", "image/webp", "audio/mp4",
                                                "video/quicktime", "video/mp4"}


def _text_type(name: str) -> str:
    guessed = mimetypes.guess_type(name)[0]
    if guessed and guessed.startswith("text/") or guessed in ("application/json",):
        return guessed
    return "text/plain"


def _looks_like_utf16_text(head: bytes) -> bool:
    """A UTF-16 byte-order mark followed by characters a text would hold (no NUL, few controls)."""
    codec = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}.get(head[:2])
    body = head[2:len(head) - len(head) % 2]
    if codec is None or not body:
        return False
    text = body.decode(codec, errors="replace")
    if "\x00" in text:
        return False
    odd = sum(1 for c in text if c == "\ufffd" or (not c.isprintable() and c not in "\t\n\r\f"))
    return odd <= max(1, len(text) // 50)  # a cut surrogate pair at the end, a stray control


def _looks_like_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a multi-byte character cut at the end of the sample is still text
        if exc.start < len(head) - 4:
            return False
    return True


def kind_for(media_type: str) -> str:
    for prefix, kind in _KIND_BY_PREFIX.items():
        if media_type.startswith(prefix):
            return kind
    if media_type in _DOCUMENTS or media_type.startswith("text/"):
        return "document"
    return "other"


def detect(path: Path) -> tuple[str, str]:
    """(kind, media type) of the file at ``path``."""
    with open(path, "rb") as f:
        head = f.read(4096)
    media = sniff_media_type(head, path.name)
    return kind_for(media), media
