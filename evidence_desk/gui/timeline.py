"""The timeline: events in order of normalised time, uncertainty shown honestly.

Each event is drawn as a card on a vertical axis. Exact times (second,
minute) get a filled dot, coarse times and ranges a hollow one with the
interval spelled out, and events known only by the source's raw text a
warning mark and the raw text in quotes. Files dropped on an event are
imported into it; item rows dragged from the item list onto an event are
attached to it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QDragEnterEvent, QDragMoveEvent, QDropEvent, QFont, QPainter, QPalette, QPen
from PySide6.QtWidgets import QAbstractItemView, QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ..core.records import Event
from .models import ITEM_IDS_MIME, EventRole, ItemCountRole, item_ids_from_mime
from .plain import line

EXACT = ("second", "minute")
WARN = QColor("#c26a00")
AXIS = QColor("#9aa5b1")


class TimelineDelegate(QStyledItemDelegate):
    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(280, option.fontMetrics.height() * 3 + 18)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        event: Event | None = index.data(EventRole)
        if event is None:
            return
        painter.save()
        rect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        if selected:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.Highlight))
        elif option.state & QStyle.StateFlag.State_MouseOver:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.AlternateBase))
        text_color = palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        dim = QColor(text_color)
        dim.setAlpha(170)

        # the axis and the mark for this event
        axis_x = rect.left() + 14
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(AXIS, 2))
        painter.drawLine(axis_x, rect.top(), axis_x, rect.bottom())
        t = event.time
        mid_y = rect.top() + option.fontMetrics.height() // 2 + 6
        if not t.known:
            painter.setPen(QPen(WARN, 2))
            painter.setBrush(QColor("#ffe3b3"))
            painter.drawEllipse(axis_x - 6, mid_y - 6, 12, 12)
            painter.setPen(WARN)
            painter.drawText(QRect(axis_x - 6, mid_y - 7, 12, 14), Qt.AlignmentFlag.AlignCenter, "!")
        elif t.precision in EXACT:
            painter.setPen(QPen(QColor("#1f4e79"), 2))
            painter.setBrush(QColor("#1f4e79"))
            painter.drawEllipse(axis_x - 5, mid_y - 5, 10, 10)
        else:  # a span: a hollow capsule along the axis
            painter.setPen(QPen(QColor("#1f4e79"), 2))
            painter.setBrush(palette.color(QPalette.ColorRole.Base))
            painter.drawRoundedRect(axis_x - 5, mid_y - 9, 10, 18, 5, 5)

        x = axis_x + 16
        width = rect.right() - x - 6
        line_h = option.fontMetrics.height()
        y = rect.top() + 6
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(WARN if not t.known and not selected else text_color)
        when = t.display() if t.known else "Time unknown"
        painter.drawText(QRect(x, y, width, line_h), Qt.AlignmentFlag.AlignLeft,
                         option.fontMetrics.elidedText(when, Qt.TextElideMode.ElideRight, width))
        painter.setFont(option.font)
        painter.setPen(text_color)
        painter.drawText(QRect(x, y + line_h, width, line_h), Qt.AlignmentFlag.AlignLeft,
                         option.fontMetrics.elidedText(line(event.title, 2000), Qt.TextElideMode.ElideRight, width))
        count = index.data(ItemCountRole) or 0
        details = [f"{count} item{'s' if count != 1 else ''}"]
        if event.place:
            details.append(line(event.place, 2000))
        if t.raw and (not t.known or t.note or t.raw.strip() not in when):
            details.append(f"source: “{line(t.raw, 2000)}”")
        if t.note:
            details.append("⚠ " + line(t.note, 2000))
        painter.setPen(dim)
        painter.drawText(QRect(x, y + 2 * line_h, width, line_h), Qt.AlignmentFlag.AlignLeft,
                         option.fontMetrics.elidedText("  ·  ".join(details), Qt.TextElideMode.ElideRight, width))
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
        painter.drawLine(x, rect.bottom(), rect.right(), rect.bottom())
        painter.restore()


class TimelineView(QListView):
    """The event list; accepts files dropped onto an event, and item rows dragged onto one."""

    files_dropped = Signal(list, object)  # paths, event id or None
    items_dropped = Signal(list, int)  # item ids, event id

    def __init__(self) -> None:
        super().__init__()
        self.setItemDelegate(TimelineDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setUniformItemSizes(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setMouseTracking(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setAccessibleName("Timeline of events")
        self.writable = True  # the window turns drops off for read-only cases and review packets

    def _accepts(self, e: QDragEnterEvent | QDragMoveEvent | QDropEvent) -> bool:
        mime = e.mimeData()
        return self.writable and (mime.hasUrls() or mime.hasFormat(ITEM_IDS_MIME))

    def dragEnterEvent(self, e: QDragEnterEvent) -> None:
        if self._accepts(e):
            e.acceptProposedAction()
        else:
            e.ignore()

    def dragMoveEvent(self, e: QDragMoveEvent) -> None:
        if not self._accepts(e):
            e.ignore()
            return
        index = self.indexAt(e.position().toPoint())
        if index.isValid():
            self.setCurrentIndex(index)  # show which event the drop will go to
        elif e.mimeData().hasFormat(ITEM_IDS_MIME):
            e.ignore()  # items attach to an event, not to the empty space below
            return
        e.acceptProposedAction()

    def dropEvent(self, e: QDropEvent) -> None:
        if not self.writable:
            e.ignore()
            return
        index = self.indexAt(e.position().toPoint())
        event: Event | None = index.data(EventRole) if index.isValid() else None
        item_ids = item_ids_from_mime(e.mimeData())
        if item_ids:  # rows from the item list: attach them (files win only when no item ids came along)
            if event is None:
                e.ignore()
                return
            e.acceptProposedAction()
            self.items_dropped.emit(item_ids, event.id)
            return
        paths = [Path(u.toLocalFile()) for u in e.mimeData().urls() if u.isLocalFile()]
        if not paths:
            e.ignore()
            return
        e.acceptProposedAction()
        self.files_dropped.emit(paths, event.id if event else None)
