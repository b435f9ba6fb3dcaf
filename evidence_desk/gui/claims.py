"""Claims & contradictions: every claim, its grade, and its evidence by stance.

The top list shows each claim with its credibility grade and a CONTESTED
marker where some evidence supports it and other evidence contradicts it.
Below, the selected claim's evidence: what supports it beside what
contradicts it, and what merely mentions it underneath; each entry names the
statement (speaker, medium, grade, quoted words) or item (name, kind, grade)
and the investigator's note on the link. It works the same in review mode;
in a writable case, item or statement rows dropped on a claim (or on one of
its stance lists) are linked to it (the window asks for the stance and note).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QMimeData, QPoint, Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QDragEnterEvent, QDragMoveEvent, QDropEvent, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.admiralty import credibility_meaning
from ..core.case import Case
from ..core.operations import Changes
from ..core.records import Claim, ClaimLink, Item, Statement
from .models import ITEM_IDS_MIME, STATEMENT_IDS_MIME, item_ids_from_mime, statement_ids_from_mime
from .plain import esc, line, tip

ClaimRole = Qt.ItemDataRole.UserRole + 10
LinkRole = Qt.ItemDataRole.UserRole + 11  # ("statement" | "item", id)
LinkIdRole = Qt.ItemDataRole.UserRole + 12  # the ClaimLink itself

STANCE_TITLES = {"supports": "Supports", "contradicts": "Contradicts", "mentions": "Mentions only"}
STANCE_COLOURS = {"supports": "#1f7a4a", "contradicts": "#b00020", "mentions": "#555555"}
CONTESTED_COLOUR = "#b00020"
EXCERPT = 220


def excerpt(text: str, limit: int = EXCERPT) -> str:
    text = " ".join(line(text, 4 * limit).split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def credibility_text(credibility: str | None) -> str:
    return f"{credibility} · {credibility_meaning(credibility)}" if credibility else "not graded"


def statement_link_text(s: Statement, note: str) -> str:
    who = line(s.speaker) + (f" ({line(s.affiliation)})" if s.affiliation and s.affiliation != s.speaker else "")
    lines = [f"Statement · {who} · {line(s.medium)} · {s.grade or 'not graded'}", f"“{excerpt(s.text)}”"]
    if note:
        lines.append(f"Note: {excerpt(note, 2000)}")
    return "\n".join(lines)


def item_link_text(item: Item, note: str) -> str:
    lines = [f"Item · {line(item.name)} · {item.kind} · {item.grade or 'not graded'}"]
    if item.description:
        lines.append(excerpt(item.description, 160))
    if note:
        lines.append(f"Note: {excerpt(note, 2000)}")
    return "\n".join(lines)


def evidence_counts(claim: Claim) -> str:
    n = {s: sum(1 for link in claim.links if link.stance == s) for s in STANCE_TITLES}
    return f"{n['supports']} for · {n['contradicts']} against · {n['mentions']} mention"


def _carries_evidence(mime: QMimeData) -> bool:
    return mime.hasFormat(ITEM_IDS_MIME) or mime.hasFormat(STATEMENT_IDS_MIME)


class EvidenceDrops:
    """Drops of item or statement rows onto a claims view: ``on_drop(mime, position)`` decides."""

    writable = False
    on_drop: Callable[[QMimeData, QPoint], bool] | None = None

    def _accepts(self, e: QDragEnterEvent | QDragMoveEvent | QDropEvent) -> bool:
        return self.writable and self.on_drop is not None and _carries_evidence(e.mimeData())

    def dragEnterEvent(self, e: QDragEnterEvent) -> None:  # noqa: N802 (Qt override)
        e.acceptProposedAction() if self._accepts(e) else e.ignore()

    def dragMoveEvent(self, e: QDragMoveEvent) -> None:  # noqa: N802 (Qt override)
        e.acceptProposedAction() if self._accepts(e) else e.ignore()

    def dropEvent(self, e: QDropEvent) -> None:  # noqa: N802 (Qt override)
        if self._accepts(e) and self.on_drop is not None and self.on_drop(e.mimeData(), e.position().toPoint()):
            e.acceptProposedAction()
        else:
            e.ignore()


class ClaimTree(EvidenceDrops, QTreeWidget):
    """The list of claims; items and statements dropped on a claim are linked to it."""


class StanceList(EvidenceDrops, QListWidget):
    """The links of one stance; each entry can span several wrapped lines. Evidence dropped
    here is linked to the selected claim with this stance."""

    def __init__(self, stance: str) -> None:
        super().__init__()
        self.stance = stance
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.setSpacing(2)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAccessibleName(f"Evidence that {stance} the claim" if stance != "mentions" else
                               "Evidence that mentions the claim")

    def texts(self) -> list[str]:
        return [self.item(r).text() for r in range(self.count())]


class ClaimsPanel(QWidget):
    """Every claim of the case with its evidence grouped by stance."""

    claim_selected = Signal(object)  # Claim
    #: items or statements dropped onto a claim: (claim id, stance or "" to ask, item ids, statement ids)
    evidence_dropped = Signal(int, str, list, list)
    statement_selected = Signal(int)
    item_selected = Signal(int)
    item_opened = Signal(int)  # double-click: show it in the item list itself
    reloaded = Signal()  # the list was re-read (the window adds the reviewer's badges)

    def __init__(self) -> None:
        super().__init__()
        self.case: Case | None = None
        self.claims: list[Claim] = []
        self._statements: dict[int, Statement] = {}
        self._items: dict[int, Item] = {}

        self.title = QLabel()
        self.claim_list = ClaimTree()
        self.claim_list.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.claim_list.on_drop = self._dropped_on_claim
        self.claim_list.setColumnCount(4)
        self.claim_list.setHeaderLabels(["Status", "Grade", "Claim", "Evidence"])
        self.claim_list.setRootIsDecorated(False)
        self.claim_list.setAlternatingRowColors(True)
        self.claim_list.setWordWrap(True)
        self.claim_list.setUniformRowHeights(False)
        self.claim_list.setAccessibleName("Claims")
        header = self.claim_list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.claim_list.currentItemChanged.connect(self._claim_changed)
        self.claim_list.itemClicked.connect(lambda _row, _col: self.announce_current())

        self.claim_text = QLabel("Select a claim to see the evidence for and against it.")
        self.claim_text.setTextFormat(Qt.TextFormat.RichText)  # the claim escaped, our marker in colour
        self.claim_text.setWordWrap(True)
        self.claim_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.claim_text.font()
        font.setBold(True)
        self.claim_text.setFont(font)
        self.claim_grade = QLabel()
        self.claim_grade.setTextFormat(Qt.TextFormat.PlainText)  # quotes a rationale
        self.claim_grade.setWordWrap(True)
        self.stance_lists = {stance: StanceList(stance) for stance in STANCE_TITLES}
        self.stance_headers = {stance: QLabel() for stance in STANCE_TITLES}
        for stance, lst in self.stance_lists.items():
            lst.currentItemChanged.connect(lambda cur, _prev, s=stance: self._link_changed(s, cur))
            lst.itemClicked.connect(lambda entry, s=stance: self._link_changed(s, entry))
            lst.itemDoubleClicked.connect(self._link_opened)
            lst.on_drop = lambda mime, _pos, s=stance: self.drop_evidence(mime, None, s)

        detail = QWidget()
        grid = QGridLayout(detail)
        grid.setContentsMargins(0, 4, 0, 0)
        grid.addWidget(self.claim_text, 0, 0, 1, 2)
        grid.addWidget(self.claim_grade, 1, 0, 1, 2)
        grid.addWidget(self.stance_headers["supports"], 2, 0)
        grid.addWidget(self.stance_headers["contradicts"], 2, 1)
        grid.addWidget(self.stance_lists["supports"], 3, 0)
        grid.addWidget(self.stance_lists["contradicts"], 3, 1)
        grid.addWidget(self.stance_headers["mentions"], 4, 0, 1, 2)
        grid.addWidget(self.stance_lists["mentions"], 5, 0, 1, 2)
        grid.setRowStretch(3, 3)
        grid.setRowStretch(5, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.claim_list)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 5)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(splitter, 1)
        self._set_headers(None)

    # --- data ------------------------------------------------------------------

    def set_case(self, case: Case) -> None:
        self.case = case
        self.reload()

    @Slot(object)
    def case_changed(self, changes: Changes) -> None:
        """Claims show their evidence by name and grade: re-read on any of those changes."""
        if changes.claims or changes.items or changes.statements or changes.grades or changes.sources:
            self.reload()

    def reload(self) -> None:
        """Re-read claims and their linked records; keep the selected claim."""
        case = self.case
        if case is None:
            return
        keep = self.current_claim().id if self.current_claim() else None
        self.claims = case.claims.list()
        statement_ids = sorted({link.statement_id for c in self.claims for link in c.links
                                if link.statement_id is not None})
        item_ids = sorted({link.item_id for c in self.claims for link in c.links if link.item_id is not None})
        self._statements = {s.id: s for s in case.statements.list(ids=statement_ids)} if statement_ids else {}
        self._items = {i.id: i for i in case.items.list(ids=item_ids)} if item_ids else {}
        contested = sum(1 for c in self.claims if c.contested)
        self.title.setText(f"<b>Claims of the case</b> — {len(self.claims)}, "
                           f"<span style='color:{CONTESTED_COLOUR}'>{contested} contested</span>")
        self.claim_list.blockSignals(True)
        self.claim_list.clear()
        bold = QFont(self.claim_list.font())
        bold.setBold(True)
        for claim in self.claims:
            row = QTreeWidgetItem(["CONTESTED" if claim.contested else "",
                                   claim.credibility or "—", line(claim.text), evidence_counts(claim)])
            row.setData(0, ClaimRole, claim)
            if claim.contested:
                row.setForeground(0, QBrush(QColor(CONTESTED_COLOUR)))
                row.setFont(0, bold)
                row.setToolTip(0, "Some evidence supports this claim and other evidence contradicts it")
            row.setToolTip(1, f"Information credibility: {credibility_text(claim.credibility)}")
            row.setToolTip(2, tip(claim.text))
            self.claim_list.addTopLevelItem(row)
        # re-select without announcing it: a reload must not pull the inspector away from what it shows
        row = next((r for r in range(len(self.claims)) if self.claims[r].id == keep), 0 if self.claims else -1)
        if row >= 0:
            self.claim_list.setCurrentItem(self.claim_list.topLevelItem(row))
        self.claim_list.blockSignals(False)
        self.show_claim(self.claims[row] if row >= 0 else None)
        self.reloaded.emit()

    def current_claim(self) -> Claim | None:
        entry = self.claim_list.currentItem()
        return entry.data(0, ClaimRole) if entry is not None else None

    def select_claim(self, claim_id: int) -> None:
        for r in range(self.claim_list.topLevelItemCount()):
            row = self.claim_list.topLevelItem(r)
            if row.data(0, ClaimRole).id == claim_id:
                if row is self.claim_list.currentItem():
                    self.announce_current()
                else:
                    self.claim_list.setCurrentItem(row)
                return

    def set_writable(self, writable: bool) -> None:
        """Whether evidence may be dropped on the claims (not in a read-only case or a review)."""
        for view in (self.claim_list, *self.stance_lists.values()):
            view.writable = writable

    def drop_evidence(self, mime: QMimeData, claim_id: int | None, stance: str = "") -> bool:
        """Evidence dropped on claim ``claim_id`` (None: the selected claim): announce it; False
        when there is no claim or the drop carries nothing to link."""
        item_ids, statement_ids = item_ids_from_mime(mime), statement_ids_from_mime(mime)
        if claim_id is None:
            claim = self.current_claim()
            claim_id = claim.id if claim is not None else None
        if claim_id is None or not (item_ids or statement_ids):
            return False
        self.evidence_dropped.emit(claim_id, stance, item_ids, statement_ids)
        return True

    def _dropped_on_claim(self, mime: QMimeData, pos: QPoint) -> bool:
        row = self.claim_list.itemAt(pos)
        return row is not None and self.drop_evidence(mime, row.data(0, ClaimRole).id)

    def current_claim_link(self) -> ClaimLink | None:
        """The link (evidence under the current claim) that is selected, if any."""
        for stance_list in self.stance_lists.values():
            entry = stance_list.currentItem()
            if entry is not None and entry.isSelected():
                return entry.data(LinkIdRole)
        return None

    def current_link(self) -> tuple[str, int] | None:
        """``("statement" | "item", id)`` of the evidence selected under the current claim, if any."""
        for stance_list in self.stance_lists.values():
            entry = stance_list.currentItem()
            if entry is not None and entry.isSelected():
                kind, target = entry.data(LinkRole)
                return kind, int(target)
        return None

    def announce_current(self) -> None:
        """Tell the window which claim is selected (the inspector then shows it)."""
        claim = self.current_claim()
        if claim is not None:
            self.claim_selected.emit(claim)

    # --- showing one claim -------------------------------------------------------

    @Slot(QTreeWidgetItem, QTreeWidgetItem)
    def _claim_changed(self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        claim = current.data(0, ClaimRole) if current is not None else None
        self.show_claim(claim)
        if claim is not None:
            self.claim_selected.emit(claim)

    def show_claim(self, claim: Claim | None) -> None:
        for lst in self.stance_lists.values():
            lst.clear()
        if claim is None:
            self.claim_text.setText("Select a claim to see the evidence for and against it." if self.claims
                                    else "No claims recorded in this case.")
            self.claim_grade.clear()
            self._set_headers(None)
            return
        marker = f" <span style='color:{CONTESTED_COLOUR}'>— CONTESTED</span>" if claim.contested else ""
        self.claim_text.setText(f"“{esc(line(claim.text), multiline=True)}”{marker}")
        grades = self.case.grades.list("claim", claim.id) if self.case else []
        latest = grades[-1] if grades else None
        self.claim_grade.setText(
            f"Credibility {credibility_text(claim.credibility)}"
            + (f" — {line(latest.rationale)} ({line(latest.graded_by)})" if latest and latest.credibility else ""))
        for link in claim.links:
            self.stance_lists[link.stance].addItem(self._link_entry(link))
        self._set_headers(claim)

    def _link_entry(self, link: ClaimLink) -> QListWidgetItem:
        if link.statement_id is not None:
            statement = self._statements.get(link.statement_id)
            text = statement_link_text(statement, link.note) if statement else f"Statement {link.statement_id}"
            entry = QListWidgetItem(text)
            entry.setData(LinkRole, ("statement", link.statement_id))
            entry.setData(LinkIdRole, link)
            entry.setToolTip(tip(statement.text, "Select to read it in the inspector.") if statement else "")
        else:
            item = self._items.get(link.item_id or -1)
            text = item_link_text(item, link.note) if item else f"Item {link.item_id}"
            entry = QListWidgetItem(text)
            entry.setData(LinkRole, ("item", link.item_id))
            entry.setData(LinkIdRole, link)
            entry.setToolTip("Select to show the item in the inspector; double-click to go to it in the item list.")
        return entry

    def _set_headers(self, claim: Claim | None) -> None:
        for stance, label in self.stance_headers.items():
            n = sum(1 for link in claim.links if link.stance == stance) if claim else 0
            label.setText(f"<b style='color:{STANCE_COLOURS[stance]}'>{STANCE_TITLES[stance]}</b> ({n})")

    def _link_opened(self, entry: QListWidgetItem) -> None:
        kind, target = entry.data(LinkRole)
        if kind == "item":
            self.item_opened.emit(int(target))

    def _link_changed(self, stance: str, entry: QListWidgetItem | None) -> None:
        if entry is None:
            return
        for other, lst in self.stance_lists.items():
            if other != stance:
                lst.blockSignals(True)
                lst.setCurrentRow(-1)
                lst.clearSelection()
                lst.blockSignals(False)
        kind, target = entry.data(LinkRole)
        if kind == "statement":
            self.statement_selected.emit(int(target))
        else:
            self.item_selected.emit(int(target))
