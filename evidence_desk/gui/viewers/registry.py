"""Which viewer shows an item: each viewer class says what it accepts, the registry picks.

Every viewer class answers :meth:`~.base.EvidenceViewer.accepts` with a
priority (higher wins) or ``None``. The registry asks each registered class
and builds the best one from a :class:`~.context.ViewerContext`; a tie goes
to the class registered first. Adding a viewer is one new module with its
class, plus one entry in ``viewers/__init__.py``'s list.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QWidget

from evidence_desk.core.records import Item

from .base import EvidenceViewer
from .context import ViewerContext


class ViewerRegistry:
    """An ordered set of viewer classes and the rule that picks one of them."""

    def __init__(self, viewers: Iterable[type[EvidenceViewer]] = ()) -> None:
        self._viewers: list[type[EvidenceViewer]] = []
        for cls in viewers:
            self.register(cls)

    def register(self, cls: type[EvidenceViewer]) -> type[EvidenceViewer]:
        """Add ``cls``; returns it, so this can decorate a class too."""
        if not (isinstance(cls, type) and issubclass(cls, EvidenceViewer)):
            raise TypeError(f"{cls!r} is not an EvidenceViewer class")
        if cls not in self._viewers:
            self._viewers.append(cls)
        return cls

    @property
    def viewers(self) -> tuple[type[EvidenceViewer], ...]:
        return tuple(self._viewers)

    def copy(self) -> ViewerRegistry:
        """A registry with the same viewers, to extend without changing this one."""
        return ViewerRegistry(self._viewers)

    def ranked(self, item: Item) -> list[tuple[int, type[EvidenceViewer]]]:
        """``(priority, class)`` of every viewer that accepts ``item``, best first."""
        offers = []
        for order, cls in enumerate(self._viewers):
            priority = cls.accepts(item)
            if priority is not None:
                offers.append((priority, -order, cls))
        offers.sort(key=lambda offer: offer[:2], reverse=True)
        return [(priority, cls) for priority, _, cls in offers]

    def choose(self, item: Item) -> type[EvidenceViewer]:
        """The viewer class for ``item``; LookupError if none accepts it (register a fallback)."""
        ranked = self.ranked(item)
        if not ranked:
            raise LookupError(f"no registered viewer accepts item {item.id} ({item.media_type}, {item.kind})")
        return ranked[0][1]

    def create(self, context: ViewerContext, parent: QWidget | None = None) -> EvidenceViewer:
        """The chosen viewer, built from ``context``."""
        return self.choose(context.item)(context, parent)
