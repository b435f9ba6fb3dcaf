"""What every evidence viewer shares: the item header, a problem banner, the
one-shot "viewed" notice, and how a viewer says which items it shows.

Viewers only read. They never write to the case: the caller receives
``on_viewed(item_id)`` (through the :class:`~.context.ViewerContext`) the first
time the viewer is shown and logs the view through its own database writer,
so the GUI keeps a single writer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from evidence_desk.core.admiralty import describe
from evidence_desk.core.records import Item
from evidence_desk.core.sizes import format_bytes_exact
from evidence_desk.gui.plain import block

from .context import ViewerContext

log = logging.getLogger("evidence_desk.gui.viewers")

#: Media types that say nothing about the content: then the kind an investigator gave decides.
UNINFORMATIVE_MEDIA_TYPES = ("", "application/octet-stream")


def grade_words(item: Item) -> str:
    """``B2 — B: usually reliable; 2: probably true``, or that it is ungraded."""
    if not item.grade:
        return "not graded"
    return f"{item.grade} — {describe(item.reliability, item.credibility)}"


def plain_label(text: str = "", *, selectable: bool = False, object_name: str = "") -> QLabel:
    """A label that never interprets evidence-derived text as HTML."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(block(text))  # hidden and bidi controls marked (gui/plain.py)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if object_name:
        label.setObjectName(object_name)
    return label


def section_title(text: str) -> QLabel:
    """A bold caption over a pane (wrapped: a narrow inspector pane must not be held wide by it)."""
    label = plain_label(text)
    label.setWordWrap(True)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def roomy(list_widget: QListWidget) -> QListWidget:
    """Notes in a list read better with some air between them."""
    list_widget.setStyleSheet("QListWidget::item { padding: 4px 4px; }")
    list_widget.setWordWrap(True)
    list_widget.setAlternatingRowColors(True)
    # Wrap long notes instead of scrolling sideways.
    list_widget.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    list_widget.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
    list_widget.setResizeMode(QListWidget.ResizeMode.Adjust)
    return list_widget


def monospace_font() -> QFont:
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)


class ItemHeader(QFrame):
    """Who the item is: id, original name, kind, media type, size, grade and the full SHA-256."""

    def __init__(self, item: Item, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("itemHeader")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#itemHeader { background: palette(alternate-base); border-radius: 4px; }"
                           "#itemTitle { font-size: 13pt; font-weight: 600; }"
                           "#gradeBadge { font-weight: 600; padding: 1px 8px; border-radius: 8px;"
                           " background: #2b4c7e; color: white; }"
                           "#gradeBadge[ungraded=\"true\"] { background: #8a8f98; }"
                           "QLabel[role=\"key\"] { color: palette(placeholder-text); }")
        grid = QGridLayout(self)
        grid.setContentsMargins(10, 8, 10, 8)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(4)

        title_row = QHBoxLayout()
        self.title = plain_label(f"Item {item.id} · {item.name}", selectable=True, object_name="itemTitle")
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.grade = plain_label(item.grade or "ungraded", object_name="gradeBadge")
        self.grade.setProperty("ungraded", not item.grade)
        self.grade.setToolTip(grade_words(item))
        title_row.addWidget(self.title, 1)
        title_row.addWidget(self.grade, 0, Qt.AlignmentFlag.AlignRight)
        grid.addLayout(title_row, 0, 0, 1, 2)

        self.facts = plain_label(" · ".join([item.kind, item.media_type, format_bytes_exact(item.size)]),
                                 selectable=True)
        self.facts.setWordWrap(True)
        grid.addWidget(_key("Item"), 1, 0)
        grid.addWidget(self.facts, 1, 1)
        self.sha256 = QLineEdit(item.sha256)
        self.sha256.setReadOnly(True)
        self.sha256.setFrame(False)
        self.sha256.setFont(monospace_font())
        self.sha256.setStyleSheet("background: transparent;")
        self.sha256.setCursorPosition(0)
        self.sha256.setToolTip("Full SHA-256 of the stored bytes; select to copy")
        grid.addWidget(_key("SHA-256"), 2, 0)
        grid.addWidget(self.sha256, 2, 1)
        self.grade_text = plain_label(grade_words(item), selectable=True)
        self.grade_text.setWordWrap(True)  # "F6 — F: reliability cannot be judged; …" is long
        grid.addWidget(_key("Grade"), 3, 0)
        grid.addWidget(self.grade_text, 3, 1)
        row = 4
        if item.derived_from is not None:
            self.derivation = plain_label(f"derived from item {item.derived_from}: {item.derivation_reason}",
                                          selectable=True)
            self.derivation.setWordWrap(True)
            grid.addWidget(_key("Derived"), row, 0)
            grid.addWidget(self.derivation, row, 1)
        grid.setColumnStretch(1, 1)


def _key(text: str) -> QLabel:
    label = plain_label(text)
    label.setProperty("role", "key")
    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return label


class ProblemBanner(QLabel):
    """A plain, visible explanation when the evidence cannot be shown as it should."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("problemBanner")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setStyleSheet("#problemBanner { background: #fff4e5; color: #663c00; border: 1px solid #f0b35b;"
                           " border-radius: 4px; padding: 6px 10px; }")
        self.hide()

    def report(self, text: str) -> None:
        # Several problems can pile up (unplayable, then truncated): keep them all.
        previous = "" if self.isHidden() else self.text()
        text = block(text)
        if text in previous:
            return
        self.setText(f"{previous}\n{text}" if previous else text)
        self.show()


class EvidenceViewer(QWidget):
    """Header, banner and body for one item; subclasses fill ``self.body``.

    A subclass says which items it shows with :attr:`media_types`, :attr:`kinds`
    and :attr:`priority`, or by overriding :meth:`accepts`; the registry
    (:mod:`.registry`) builds the best one from a :class:`ViewerContext`.
    """

    #: Media types shown: exact (``application/json``) or a whole family (``audio/``).
    media_types: ClassVar[tuple[str, ...]] = ()
    #: Kinds shown when the media type says nothing (see UNINFORMATIVE_MEDIA_TYPES).
    kinds: ClassVar[tuple[str, ...]] = ()
    #: When several viewers accept an item, the highest priority wins.
    priority: ClassVar[int] = 10

    @classmethod
    def accepts(cls, item: Item) -> int | None:
        """This viewer's priority for ``item``, or None when it cannot show it.

        The media type is read from the bytes, so it decides first; the kind an
        investigator gave decides only when the media type says nothing.
        """
        media = item.media_type
        if media in UNINFORMATIVE_MEDIA_TYPES:
            return cls.priority if item.kind in cls.kinds else None
        for wanted in cls.media_types:
            if media == wanted or (wanted.endswith("/") and media.startswith(wanted)):
                return cls.priority
        return None

    def __init__(self, context: ViewerContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.reader = context.reader
        self.item: Item = context.item
        self.path: Path = context.path
        self._view_reported = False
        item = context.item
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        outer.setSpacing(6)
        self.header = ItemHeader(item, self)
        self.banner = ProblemBanner(self)
        self.body = QWidget(self)
        outer.addWidget(self.header)
        outer.addWidget(self.banner)
        outer.addWidget(self.body, 1)

    #: Below this width a side-by-side splitter stacks its panes (the inspector pane is narrow).
    STACK_BELOW_PX = 760

    def stack_when_narrow(self, splitter: QSplitter) -> None:
        """Let ``splitter`` put its panes side by side when wide, one above the other when narrow."""
        self._responsive = splitter

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        splitter = getattr(self, "_responsive", None)
        if splitter is not None:
            wanted = (Qt.Orientation.Vertical if event.size().width() < self.STACK_BELOW_PX
                      else Qt.Orientation.Horizontal)
            if splitter.orientation() != wanted:
                splitter.setOrientation(wanted)
                # Give the evidence itself the larger share in either direction.
                total = sum(splitter.sizes()) or 1
                splitter.setSizes([total * 3 // 5, total - total * 3 // 5])

    def run_annotation(self, label: str, op: Callable[..., Any], on_done: Callable[[Any], None], *,
                       undo: Callable[[Any], Any] | None = None, reason: str = "", text: str = "") -> None:
        """Hand an annotation's operation to the caller's writer; ``on_done(value)`` runs only if this
        viewer still exists when the write is done (the item may have been closed meanwhile).

        With ``undo(writer)``, the change goes on the window's undo stack (when its writer offers
        one): ``op(writer, reason)`` then takes the reason, "redo: …" when it is made again."""
        annotate = self.context.annotate
        if annotate is None:
            return

        def done(value: Any) -> None:
            if shiboken6.isValid(self):
                on_done(value)
        if undo is not None and _takes_undo(annotate):
            annotate(label, op, done, undo=undo, reason=reason, text=text)
        elif undo is not None:
            annotate(label, lambda writer: op(writer, reason), done)
        else:
            annotate(label, op, done)

    def reload_annotations(self) -> None:
        """Re-read the item's annotations (after an undo changed them behind the viewer's back)."""

    @property
    def problem(self) -> str:
        """What the banner says is wrong ('' when all is well)."""
        return "" if self.banner.isHidden() else self.banner.text()

    def report_problem(self, text: str) -> None:
        log.info("item %s: %s", self.item.id, text)
        self.banner.report(text)

    def stored_copy_readable(self) -> bool:
        """False (with a message) when the vault object is missing or unreadable."""
        try:
            with open(self.path, "rb") as f:
                f.read(1)
        except OSError as exc:
            self.report_problem(f"The stored copy of this item cannot be read ({exc.strerror or exc}). "
                                "Run Verify on the case to check the vault.")
            return False
        return True

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if not self._view_reported:
            # Reported on first show, not on construction: a viewer built in a
            # hidden tab has not been seen by anyone yet.
            self._view_reported = True
            if self.context.on_viewed is not None:
                self.context.on_viewed(self.item.id)


def annotation_anchor(annotation: Any) -> dict[str, Any]:
    """Where ``annotation`` sits (times, speaker, box, span): what re-makes it, or sets it back."""
    from ...core.annotations import ANCHOR_FIELDS

    return {k: getattr(annotation, k) for k in sorted(ANCHOR_FIELDS) if getattr(annotation, k) is not None}


def _takes_undo(annotate: Callable[..., Any]) -> bool:
    import inspect

    try:
        return "undo" in inspect.signature(annotate).parameters
    except (TypeError, ValueError):
        return False
