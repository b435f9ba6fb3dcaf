"""Evidence viewers: look at an item without leaving the program.

:func:`create_viewer` picks the viewer for an item's media type (falling back
on its kind): audio with its transcript, video, a scan beside its
transcription, text with its passages, or file facts and a hex view. Viewers
read the stored bytes from the vault and never write to the case; the caller
logs the view when ``on_viewed`` fires.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QWidget

from evidence_desk.core.case import Case
from evidence_desk.core.records import Item

from .base import EvidenceViewer
from .fallback import FallbackViewer
from .media import AudioViewer, MediaViewer, VideoViewer
from .scan import ScanViewer
from .text import TextViewer

__all__ = ["AudioViewer", "EvidenceViewer", "FallbackViewer", "MediaViewer", "ScanViewer", "TextViewer",
           "VideoViewer", "create_viewer", "viewer_class_for"]

_TEXT_MEDIA = ("application/json", "application/xml", "message/rfc822")


def viewer_class_for(item: Item) -> type[EvidenceViewer]:
    """The viewer for ``item``: by media type first (it is read from the bytes),
    then by the kind an investigator gave when the media type says nothing."""
    media = item.media_type
    if media.startswith("audio/"):
        return AudioViewer
    if media.startswith("video/"):
        return VideoViewer
    if media.startswith("image/"):
        return ScanViewer
    if media.startswith("text/") or media in _TEXT_MEDIA:
        return TextViewer
    if media in ("", "application/octet-stream"):
        return {"audio": AudioViewer, "video": VideoViewer, "scan": ScanViewer}.get(item.kind, FallbackViewer)
    return FallbackViewer


def create_viewer(case: Case, item_id: int, parent: QWidget | None = None,
                  on_viewed: Callable[[int], None] | None = None, *,
                  on_opened_externally: Callable[[int, Path], None] | None = None) -> QWidget:
    """The right viewer for the item's kind/media type; never writes to the case itself.

    ``on_viewed(item_id)`` is called once, when the viewer is first shown, so
    the caller can log ``case.record_view`` through its own single DB writer.
    ``on_opened_externally(item_id, path)`` is called when the user opens a
    temporary copy in another program, so the caller can log
    ``case.record_export``; without it that button is disabled.
    """
    item = case.items.get(item_id)
    cls = viewer_class_for(item)
    if cls is FallbackViewer:
        return FallbackViewer(case, item, parent, on_viewed, on_opened_externally=on_opened_externally)
    return cls(case, item, parent, on_viewed)
