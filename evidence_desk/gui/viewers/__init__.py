"""Evidence viewers: look at an item without leaving the program.

Each viewer class says which items it shows (:meth:`EvidenceViewer.accepts`:
media types, kinds, a priority) and :data:`VIEWERS` picks the best for an
item: audio with its transcript, video, a scan beside its transcription, text
with its passages, or — for anything else — file facts and a hex view.
Every viewer is built from one :class:`ViewerContext`; viewers read the
stored bytes and never write to the case, the caller logs what they report.

A new viewer (PDF, e-mail) is one module with its class, plus its entry in
the list below.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from evidence_desk.core.case import Case
from evidence_desk.core.records import Item

from .base import EvidenceViewer
from .context import Annotate, EvidenceReader, OnOpenedExternally, OnViewed, OpenExternally, ViewerContext
from .fallback import FallbackViewer
from .media import AudioViewer, MediaViewer, VideoViewer
from .registry import ViewerRegistry
from .scan import ScanViewer
from .text import TextViewer

__all__ = ["VIEWERS", "AudioViewer", "EvidenceReader", "EvidenceViewer", "FallbackViewer", "MediaViewer",
           "ScanViewer", "TextViewer", "VideoViewer", "ViewerContext", "ViewerRegistry", "create_viewer",
           "viewer_class_for"]

#: Every viewer the program has; on equal priority the earlier one wins.
VIEWERS = ViewerRegistry([
    AudioViewer,
    VideoViewer,
    ScanViewer,
    TextViewer,
    FallbackViewer,  # accepts anything, at the lowest priority
])


def viewer_class_for(item: Item) -> type[EvidenceViewer]:
    """The viewer :data:`VIEWERS` picks for ``item``."""
    return VIEWERS.choose(item)


def create_viewer(case: Case, item_id: int, parent: QWidget | None = None,
                  on_viewed: OnViewed | None = None, *,
                  on_opened_externally: OnOpenedExternally | None = None,
                  open_externally: OpenExternally | None = None,
                  annotate: Annotate | None = None) -> EvidenceViewer:
    """The right viewer for the item; never writes to the case itself.

    ``on_viewed(item_id)`` is called once, when the viewer is first shown, so
    the caller can log ``case.record_view`` through its own single DB writer.
    ``on_opened_externally(item_id, path)`` is called when the user opens a
    temporary copy in another program, so the caller can log
    ``case.record_export``; without it that button is disabled.
    ``annotate(label, op, on_done)`` runs an annotation's operation through the
    caller's writer; without it segments, regions and passages are only shown.
    """
    context = ViewerContext.of(case, case.items.get(item_id), on_viewed=on_viewed,
                               on_opened_externally=on_opened_externally, open_externally=open_externally,
                               annotate=annotate)
    return VIEWERS.create(context, parent)
