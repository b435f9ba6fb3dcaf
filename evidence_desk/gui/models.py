"""Thin Qt models over core records, fetched lazily a page at a time.

Sorting and filtering are pushed into SQL through the case's paged queries
(``case.items.list(..., offset, limit)``, ``case.count_items``), so a case of
100,000 items opens as fast as a small one and no proxy model ever holds
all rows.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QStyle

from ..core.case import Case
from ..core.custody import CustodyEntry
from ..core.custody_text import EntryDescription, describe_entry
from ..core.items import keyset_after
from ..core.records import Event, Item
from .icons import kind_icon
from .plain import esc, line, tip

PAGE = 200
#: the colour of an item a verification found altered
FAILED_COLOUR = "#b00020"

EventRole = Qt.ItemDataRole.UserRole + 1
ItemCountRole = Qt.ItemDataRole.UserRole + 2
ItemRole = Qt.ItemDataRole.UserRole + 3

Index = QModelIndex | QPersistentModelIndex

#: what an item row carries when dragged (onto an event on the timeline, to attach it)
ITEM_IDS_MIME = "application/x-evidence-desk-item-ids"


def item_ids_mime(ids: list[int]) -> QMimeData:
    mime = QMimeData()
    mime.setData(ITEM_IDS_MIME, ",".join(str(i) for i in ids).encode("ascii"))
    return mime


def item_ids_from_mime(mime: QMimeData) -> list[int]:
    """The item ids a drag carries; [] if it carries none (or something malformed)."""
    if not mime.hasFormat(ITEM_IDS_MIME):
        return []
    try:
        return [int(part) for part in bytes(mime.data(ITEM_IDS_MIME).data()).decode("ascii").split(",") if part]
    except (UnicodeDecodeError, ValueError):
        return []


#: what a statement row carries when dragged (onto a claim, to link it)
STATEMENT_IDS_MIME = "application/x-evidence-desk-statement-ids"


def statement_ids_mime(ids: list[int]) -> QMimeData:
    mime = QMimeData()
    mime.setData(STATEMENT_IDS_MIME, ",".join(str(i) for i in ids).encode("ascii"))
    return mime


def statement_ids_from_mime(mime: QMimeData) -> list[int]:
    """The statement ids a drag carries; [] if none (or something malformed)."""
    if not mime.hasFormat(STATEMENT_IDS_MIME):
        return []
    try:
        return [int(part) for part in bytes(mime.data(STATEMENT_IDS_MIME).data()).decode("ascii").split(",")
                if part]
    except (UnicodeDecodeError, ValueError):
        return []


def utc_short(text: str) -> str:
    """``2026-11-27T04:43:14.123456Z`` -> ``2026-11-27 04:43:14 UTC``."""
    if not text:
        return ""
    return text.replace("T", " ")[:19] + " UTC"


class EventsModel(QAbstractListModel):
    """The timeline: events by normalised time, unknown times last."""

    def __init__(self, case: Case) -> None:
        super().__init__()
        self.case = case
        self._events: list[Event] = []
        self._counts: dict[int, int] = {}
        self._total = case.events.count()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._events)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._events) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        page = self.case.events.list(offset=len(self._events), limit=PAGE)
        if not page:
            self._total = len(self._events)
            return
        self.beginInsertRows(QModelIndex(), len(self._events), len(self._events) + len(page) - 1)
        self._events.extend(page)
        self.endInsertRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._events):
            return None
        event = self._events[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return line(event.title)
        if role == EventRole:
            return event
        if role == ItemCountRole:
            return self.item_count(event.id)
        if role == Qt.ItemDataRole.ToolTipRole:
            return event_time_tooltip(event)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{line(event.time.display())}: {line(event.title)}"
        return None

    def item_count(self, event_id: int) -> int:
        if event_id not in self._counts:
            self._counts[event_id] = self.case.items.count(event_id=event_id)
        return self._counts[event_id]

    def forget_counts(self) -> None:
        """Items were attached or detached: count again when each card is next drawn."""
        self._counts = {}
        if self._events:
            self.dataChanged.emit(self.index(0), self.index(len(self._events) - 1), [ItemCountRole])

    def event_at(self, row: int) -> Event | None:
        return self._events[row] if 0 <= row < len(self._events) else None

    def row_of(self, event_id: int) -> int:
        for row, event in enumerate(self._events):
            if event.id == event_id:
                return row
        return -1

    def reload(self) -> None:
        self.beginResetModel()
        self._events = []
        self._counts = {}
        self._total = self.case.events.count()
        self.endResetModel()
        if self.canFetchMore():
            self.fetchMore()


def event_time_tooltip(event: Event) -> str:
    """Rich text: every case string in it escaped (and clipped: a tooltip is not a reader)."""
    t = event.time
    lines = [f"<b>{_esc(event.title)}</b>"]
    if t.raw:
        lines.append(f"Source said: <tt>{_esc(t.raw)}</tt>")
    if t.known:
        lines.append(f"Read as: {t.start} to {t.end} ({_esc(t.tz)})")
        lines.append(f"Precision: {t.precision}")
    else:
        lines.append("Time unknown: only the raw text is kept; it is listed after the dated events.")
    if t.note:
        lines.append(f"Note: {_esc(t.note)}")
    if event.normalised_by:
        lines.append(f"Normalised by {_esc(event.normalised_by)}")
    return "<br>".join(lines)


def _esc(text: str) -> str:
    return esc(line(text, 500))


ITEM_COLUMNS: tuple[tuple[str, str], ...] = (
    ("kind", "Kind"), ("name", "Name"), ("source", "Source"), ("grade", "Grade"),
    ("acquired_at", "Acquired (UTC)"), ("acquired_by", "Acquired by"), ("sha256", "SHA-256"),
    ("review", "Review"),  # a reviewer's judgement (gui/judgements.py); shown only when there is one
)
#: columns the database cannot sort by (what they show is not in the item table)
UNSORTED_ITEM_COLUMNS = ("review",)


class ItemsModel(QAbstractTableModel):
    """Items of the selected event (or of the whole case), sorted and filtered in SQL."""

    def __init__(self, case: Case) -> None:
        super().__init__()
        self.case = case
        self.event_id: int | None = None
        self.text = ""
        self.kind: str | None = None
        self.sort_key = "acquired_at"
        self.descending = False
        self._items: list[Item] = []
        self._total = 0
        #: item id -> what the last verification found wrong with it (marked in the list)
        self.failures: dict[int, list[str]] = {}
        #: a reviewer's judgements (a gui.judgements.JudgementMarks), shown in the Review column
        self.marks: Any = None

    def set_failures(self, failures: dict[int, list[str]]) -> None:
        """Mark the items a verification found altered, missing or inconsistent (and unmark the rest)."""
        self.failures = failures
        if self._items:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._items) - 1, len(ITEM_COLUMNS) - 1))

    # --- filter and sort, in SQL -----------------------------------------

    def set_filter(self, *, event_id: int | None, text: str, kind: str | None) -> None:
        self.event_id, self.text, self.kind = event_id, text.strip(), kind or None
        self.reload()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if ITEM_COLUMNS[column][0] in UNSORTED_ITEM_COLUMNS:
            return
        self.sort_key = ITEM_COLUMNS[column][0]
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._items = []
        self._total = self.case.items.count(event_id=self.event_id, text=self.text, kind=self.kind)
        self.endResetModel()
        if self.canFetchMore():
            self.fetchMore()

    @property
    def total(self) -> int:
        return self._total

    # --- paging ----------------------------------------------------------

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._items) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        # continue after the last row seen when the sort allows it: a deep page then costs what the
        # first one does, where OFFSET would make SQLite walk past every row above it
        after = keyset_after(self._items[-1], self.sort_key) if self._items else None
        page = self.case.items.list(event_id=self.event_id, text=self.text, kind=self.kind, sort=self.sort_key,
                               descending=self.descending, offset=0 if after else len(self._items),
                               limit=PAGE, after=after)
        if not page:
            self._total = len(self._items)
            return
        self.beginInsertRows(QModelIndex(), len(self._items), len(self._items) + len(page) - 1)
        self._items.extend(page)
        self.endInsertRows()

    # --- the table -------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(ITEM_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return ITEM_COLUMNS[section][1]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return {"grade": "Admiralty grade: source reliability (A–F) and information credibility (1–6)",
                    "sha256": "First 12 hex digits of the content's SHA-256",
                    "acquired_at": "When the item was acquired (UTC)",
                    "review": "The reviewer's judgement: accepted, disputed or needs more information"
                    }.get(ITEM_COLUMNS[section][0])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._items):
            return None
        item = self._items[index.row()]
        key = ITEM_COLUMNS[index.column()][0]
        failed = self.failures.get(item.id)
        if failed:  # a verification found it altered: say so on every column, before anything else
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor(FAILED_COLOUR)
            if role == Qt.ItemDataRole.DecorationRole and key == "name":
                return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
            if role == Qt.ItemDataRole.ToolTipRole and key == "name":
                return tip("Verification failed: " + "; ".join(failed))
            if role == Qt.ItemDataRole.AccessibleDescriptionRole:
                return "verification failed"
        if key == "review":
            mark = self.marks.get("item", item.id) if self.marks is not None else None
            if mark is None:
                return None
            if role == Qt.ItemDataRole.DisplayRole:
                return mark.badge
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor(mark.colour)
            if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleDescriptionRole):
                return self.marks.tooltip("item", item.id)
            return item if role == ItemRole else None
        if role == Qt.ItemDataRole.DisplayRole:
            return {"kind": "", "name": line(item.name), "source": line(item.source_name) or "—",
                    "grade": item.grade or "—", "acquired_at": item.acquired_at.replace("T", " ")[:16],
                    "acquired_by": line(item.acquired_by), "sha256": item.short_hash}[key]
        if role == Qt.ItemDataRole.DecorationRole and key == "kind":
            return kind_icon(item.kind)
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "kind":
                return f"{item.kind} ({item.media_type})"
            if key == "acquired_at":
                return tip(f"{utc_short(item.acquired_at)} by {item.acquired_by}")
            if key == "sha256":
                return f"SHA-256 {item.sha256}"
            if key == "name":
                return tip(item.description or item.name)
            if key in ("source", "acquired_by"):
                return tip(item.source_name if key == "source" else item.acquired_by)
            if key == "grade" and item.grade:
                return (f"Source reliability {item.reliability or 'not graded'}, "
                        f"information credibility {item.credibility or 'not graded'}")
        if role == Qt.ItemDataRole.FontRole and key == "sha256":
            from PySide6.QtGui import QFontDatabase

            return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        if role == Qt.ItemDataRole.AccessibleTextRole and key == "kind":
            return item.kind
        if role == Qt.ItemDataRole.AccessibleTextRole and key == "name":
            return line(item.name)
        if role == ItemRole:
            return item
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        return flags | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else flags

    def mimeTypes(self) -> list[str]:
        return [ITEM_IDS_MIME]

    def mimeData(self, indexes: Any) -> QMimeData:
        ids = list(dict.fromkeys(self._items[i.row()].id for i in indexes
                                 if i.isValid() and i.row() < len(self._items)))
        return item_ids_mime(ids)

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.LinkAction | Qt.DropAction.CopyAction

    def item_at(self, row: int) -> Item | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    def row_of(self, item_id: int) -> int:
        for row, item in enumerate(self._items):
            if item.id == item_id:
                return row
        return -1

    def refresh_loaded(self) -> None:
        """Re-read the loaded rows in place (a grade of a source changes every item it provided),
        keeping the selection and the scroll position."""
        ids = [item.id for item in self._items]
        fresh: dict[int, Item] = {}
        for start in range(0, len(ids), 500):
            fresh.update((i.id, i) for i in self.case.items.list(ids=ids[start:start + 500]))
        self._items = [fresh.get(item.id, item) for item in self._items]
        if self._items:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._items) - 1, len(ITEM_COLUMNS) - 1))

    def replace_item(self, item: Item) -> None:
        """Show an edited item in place without reloading the page."""
        row = self.row_of(item.id)
        if row >= 0:
            self._items[row] = item
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(ITEM_COLUMNS) - 1))


CUSTODY_COLUMNS = ("#", "When (UTC)", "Action", "By", "What / why", "Where", "Item hash then", "Entry")
#: the column a list view shows: one two-line log entry per custody record
CUSTODY_LOG_COLUMN = 7


class CustodyModel(QAbstractTableModel):
    """One item's custody history, oldest first, in the words of :mod:`core.custody_text`."""

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[CustodyEntry] = []
        self.descriptions: list[EntryDescription] = []

    def set_entries(self, entries: list[CustodyEntry]) -> None:
        self.beginResetModel()
        self.entries = entries
        self.descriptions = [describe_entry(e) for e in entries]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(CUSTODY_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return CUSTODY_COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry, text = self.entries[index.row()], self.descriptions[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == CUSTODY_LOG_COLUMN:
                return line(text.headline) + (f"\n{line(text.summary)}" if text.summary else "")
            return line([str(entry.seq), entry.at_utc.replace("T", " ")[:19], text.action, entry.examiner,
                         text.summary, entry.location, (entry.item_sha256 or "")[:12]][index.column()])
        if role == Qt.ItemDataRole.ToolTipRole:
            return tip(text.as_text())
        return None
