"""What a viewer is given: one frozen :class:`ViewerContext`, the same for every viewer.

A viewer reads the case through :class:`EvidenceReader` — the reading
calls viewers need, which :class:`~evidence_desk.core.case.Case` provides —
and never writes to it: what it would log (a view, an opened copy) goes back
to the caller through the context's callbacks, so the GUI keeps one writer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from evidence_desk.core.records import Annotation, Item

#: ``on_viewed(item_id)``: the viewer was first shown; the caller logs the view.
OnViewed = Callable[[int], None]
#: ``on_opened_externally(item_id, path)``: a temporary copy was opened outside; the caller logs the export.
OnOpenedExternally = Callable[[int, Path], None]
#: Opens a file with the desktop's own handler; True when something opened it.
OpenExternally = Callable[[Path], bool]
#: ``annotate(label, op, on_done)``: run ``op(writer_case)`` (a :mod:`core.operations` call) through the
#: GUI's one writer, then ``on_done(value)``; a viewer given none offers no annotation editing.
Annotate = Callable[[str, Callable[[Any], Any], Callable[[Any], None] | None], None]


class ItemReader(Protocol):
    def object_path(self, item_id: int) -> Path: ...
    def read_bytes(self, item_id: int) -> bytes: ...
    def derived(self, item_id: int) -> list[Item]: ...


class AnnotationReader(Protocol):
    def list(self, item_id: int | None = None) -> list[Annotation]: ...


class EvidenceReader(Protocol):
    """Read access to a case, as much as a viewer needs and no more (``case.items``, ``case.annotations``)."""

    @property
    def items(self) -> ItemReader: ...
    @property
    def annotations(self) -> AnnotationReader: ...


@dataclass(frozen=True)
class ViewerContext:
    """One item to view, where its bytes are, and whom to tell what happened."""

    reader: EvidenceReader
    item: Item
    path: Path  # the stored copy in the vault
    on_viewed: OnViewed | None = None
    #: without it, opening a copy outside the program is not offered: it could not be logged
    on_opened_externally: OnOpenedExternally | None = None
    #: how a copy is opened outside; None means the desktop's handler
    open_externally: OpenExternally | None = None
    #: how segments, regions and passages are written; None: the viewer only reads
    annotate: Annotate | None = None

    @classmethod
    def of(cls, case: EvidenceReader, item: Item, *, on_viewed: OnViewed | None = None,
           on_opened_externally: OnOpenedExternally | None = None,
           open_externally: OpenExternally | None = None, annotate: Annotate | None = None) -> ViewerContext:
        """The context for ``item`` of ``case``, its stored copy looked up once."""
        return cls(reader=case, item=item, path=case.items.object_path(item.id), on_viewed=on_viewed,
                   on_opened_externally=on_opened_externally, open_externally=open_externally,
                   annotate=annotate)
