"""Safe, unique file names for evidence inside a packet.

An original file name is metadata supplied by whoever handed the evidence
over; it may hold path separators, control characters, a leading dot, names
reserved on Windows, or differ from another item's only by case or Unicode
normalisation. In the packet each file is named ``<item id>-<sanitised
name>``, NFC, length-limited, and unique even on case-insensitive,
normalising file systems (macOS, Windows), so unpacking never collides.
"""

from __future__ import annotations

import re
import unicodedata

MAX_NAME_BYTES = 120
# ``%`` too: BagIt manifests percent-encode it (RFC 8493), so a literal ``%25`` in a name would be read back as ``%``
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|%]')
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                     *(f"lpt{i}" for i in range(1, 10))}


def fold(name: str) -> str:
    """The key under which two names collide on a forgiving file system."""
    return unicodedata.normalize("NFC", name).casefold()


def sanitise(name: str) -> str:
    """A single safe path component derived from ``name`` (never empty)."""
    text = unicodedata.normalize("NFC", name)
    text = "".join("_" if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text)
    text = _UNSAFE.sub("_", text).strip().lstrip(".").rstrip(". ")
    stem = text.split(".")[0].lower()
    if stem in _WINDOWS_RESERVED:
        text = "_" + text
    return _limit(text or "file")


def _limit(text: str, limit: int = MAX_NAME_BYTES) -> str:
    """Cut to ``limit`` UTF-8 bytes, keeping a short extension."""
    if len(text.encode("utf-8")) <= limit:
        return text
    stem, dot, ext = text.rpartition(".")
    if not dot or len(ext.encode("utf-8")) > 16:
        stem, ext = text, ""
    room = limit - (len(ext.encode("utf-8")) + 1 if ext else 0)
    cut = stem.encode("utf-8")[:room].decode("utf-8", "ignore").rstrip(". ")
    return f"{cut}.{ext}" if ext else cut


def evidence_names(items: list[tuple[int, str]]) -> dict[int, str]:
    """Map item id -> unique safe file name, for ``(id, original name)`` pairs."""
    taken: set[str] = set()
    out: dict[int, str] = {}
    for item_id, original in items:
        candidate = f"{item_id}-{sanitise(original)}"
        n = 1
        while fold(candidate) in taken:  # only possible if ids repeat; stay safe anyway
            n += 1
            candidate = f"{item_id}-{n}-{sanitise(original)}"
        taken.add(fold(candidate))
        out[item_id] = candidate
    return out
