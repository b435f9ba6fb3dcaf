"""Every field of a case holds markup, bidi controls and 100 KB strings: no widget renders any of it.

What a user sees of a widget's text is worked out as Qt would show it: a
QLabel or tooltip in rich (or auto-detected rich) text is rendered through
QTextDocument, a plain one is taken as it is. Wherever a case string shows
(every one starts with the word ``HOSTILE``), the markup must be seen as the
literal characters ``<b>bold</b>`` and the right-to-left override as the mark
``⟨RLO⟩``; a raw U+202E must never reach the screen. The walk covers every
label, tooltip, item view cell, combo box entry, tab and window title under
the main window, so a new widget given case text without the helpers of
``gui/plain.py`` fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTabBar,
    QWidget,
)

from evidence_desk.core.case import Case

from .conftest import wait_idle

try:
    from PySide6.QtGui import Qt as GuiQt

    might_be_rich = GuiQt.mightBeRichText
except AttributeError:  # older bindings keep it on QtCore's Qt
    might_be_rich = Qt.mightBeRichText  # type: ignore[attr-defined]

RLO = "\u202e"
MARKUP = ('<b>bold</b> <a href="file:///etc/passwd">x</a> <font color=red>red</font> '
          "<script>alert(1)</script>")
#: what every case string starts with: a marker, a spoofed name, markup, more bidi and invisible controls
HOSTILE = f"HOSTILE rtl{RLO}gnp.exe {MARKUP} \u2067\u200b\u2066end"
BIG = HOSTILE + " " + "x" * 100_000
SPOOFED = f"rtl{RLO}gnp.exe"
NAMED = "HOSTILE <b>bold<i>x.txt"  # a file name cannot hold the slash of </b>


def hostile(field: str) -> str:
    return f"{HOSTILE} {field}"


@pytest.fixture
def hostile_case(tmp_path: Path) -> Path:
    """A case with markup, controls and long strings in every field a user can fill."""
    path = tmp_path / "case"
    files = tmp_path / "in"
    files.mkdir()
    spoofed, named = files / SPOOFED, files / NAMED
    spoofed.write_bytes(b"\x89PNG not really\n")
    named.write_text(f"{HOSTILE}\nThe memo's own words.\n", "utf-8")
    with Case.create(path, hostile("case title"), hostile("examiner"), tz="UTC") as case:
        event = case.events.add(hostile("event title"), when=hostile("when"), place=hostile("place"), notes=BIG)
        dated = case.events.add(hostile("dated event"), when="2025-10-04 12:34", place=BIG)
        item = case.items.import_file(spoofed, event_ids=[event.id], source=hostile("source"), description=BIG,
                                      acquired_from=hostile("acquired from"), method=hostile("method"))
        memo = case.items.import_file(named, event_ids=[event.id, dated.id], source=hostile("other source"),
                                      description=hostile("memo description"))
        statement = case.statements.add(hostile("speaker"), "radio", BIG, affiliation=hostile("affiliation"),
                                        when=hostile("statement time"), event_ids=[event.id],
                                        source=hostile("statement source"), item_id=memo.id)
        claim = case.claims.add(BIG)
        case.claims.link(claim.id, "supports", statement_id=statement.id, note=hostile("link note"))
        case.claims.link(claim.id, "contradicts", item_id=item.id, note=hostile("item link note"))
        case.requests.add(hostile("request title"), addressed_to=hostile("addressed to"),
                          asked=hostile("asked"), description=BIG)
        case.journal.add(BIG, event_id=event.id)
        case.journal.add(hostile("item note"), item_id=item.id)
        case.annotations.add(memo.id, "passage", hostile("passage note"), text_start=0, text_end=20)
        for target, target_id in (("item", item.id), ("statement", statement.id), ("claim", claim.id)):
            case.grades.add(target, target_id, hostile(f"{target} rationale"), credibility="3")
        source = case.sources.list()[0]
        case.grades.add("source", source.id, BIG, reliability="C")
    return path


# --- what the user sees ---------------------------------------------------------


def seen(text: str, fmt: Qt.TextFormat = Qt.TextFormat.AutoText) -> str:
    """The characters Qt puts on screen for ``text`` in a label of format ``fmt`` (or a tooltip)."""
    if fmt == Qt.TextFormat.RichText or (fmt == Qt.TextFormat.AutoText and might_be_rich(text)):
        doc = QTextDocument()
        doc.setHtml(text)
        return doc.toPlainText()
    return text


def problems_in(where: str, text: str, fmt: Qt.TextFormat = Qt.TextFormat.AutoText) -> list[str]:
    if not text:
        return []
    shown = seen(text, fmt)
    found = []
    if RLO in shown:
        found.append(f"{where}: a raw U+202E reaches the screen: {shown[:120]!r}")
    if "HOSTILE" in shown:
        # a case string: the markup after the marker must be seen as characters, not rendered
        after = shown[shown.index("HOSTILE"):][:400]
        if "rtl" in after and "⟨RLO⟩" not in after:
            found.append(f"{where}: the override is not marked: {after[:120]!r}")
        if "bold" in after and "<b>bold" not in after:
            found.append(f"{where}: markup is rendered: {after[:160]!r}")
        if "alert(1)" in text and "alert(1)" not in shown:
            found.append(f"{where}: <script> text disappeared: {text[:160]!r}")
    return found


def model_problems(where: str, model: QAbstractItemModel, parent: QModelIndex = QModelIndex(),  # noqa: B008
                   depth: int = 0) -> list[str]:
    found: list[str] = []
    try:
        columns = model.columnCount(parent)
    except TypeError:  # a list model keeps columnCount private: one column
        columns = 1
    for row in range(min(model.rowCount(parent), 60)):
        for column in range(columns):
            index = model.index(row, column, parent)
            display = index.data(Qt.ItemDataRole.DisplayRole)
            if isinstance(display, str):  # an item view cell is plain text: only controls matter
                found += problems_in(f"{where} [{row},{column}]", display, Qt.TextFormat.PlainText)
            tooltip = index.data(Qt.ItemDataRole.ToolTipRole)
            if isinstance(tooltip, str):
                found += problems_in(f"{where} [{row},{column}] tooltip", tooltip)
            if depth < 2 and column == 0 and model.rowCount(index) > 0:
                found += model_problems(where, model, index, depth + 1)
    return found


def widget_problems(root: QWidget) -> list[str]:
    """Every place under ``root`` (and its open dialogs) where case text could be rendered."""
    found: list[str] = problems_in("window title", root.windowTitle(), Qt.TextFormat.PlainText)
    for widget in [root, *root.findChildren(QWidget)]:
        kind = f"{type(widget).__name__}({widget.objectName() or '?'})"
        found += problems_in(f"{kind} tooltip", widget.toolTip())
        if isinstance(widget, QLabel):
            found += problems_in(kind, widget.text(), widget.textFormat())
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            found += model_problems(kind, widget.model())
        elif isinstance(widget, QComboBox):
            found += model_problems(kind, widget.model())
        elif isinstance(widget, QLineEdit):
            found += problems_in(kind, widget.text(), Qt.TextFormat.PlainText)
        elif isinstance(widget, QGroupBox):
            found += problems_in(kind, widget.title(), Qt.TextFormat.PlainText)
        elif isinstance(widget, QTabBar):
            for tab in range(widget.count()):
                found += problems_in(f"{kind} tab", widget.tabText(tab), Qt.TextFormat.PlainText)
                found += problems_in(f"{kind} tab tooltip", widget.tabToolTip(tab))
    return found


def shown_case_text(root: QWidget) -> int:
    """How many labels show a case string (so the walk is known to have looked at something)."""
    return sum(1 for label in root.findChildren(QLabel) if "HOSTILE" in seen(label.text(), label.textFormat())
               and label.isVisibleTo(root))


# --- the tests ------------------------------------------------------------------------


@pytest.fixture
def hostile_window(qtbot, hostile_case: Path):
    from evidence_desk.gui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    assert win.open_case(hostile_case)
    win.show()
    qtbot.waitExposed(win)
    yield win
    if win.case is not None:
        wait_idle(qtbot, win)
        win.inspector.details.dirty = False
        win.close()


def test_every_panel_shows_case_text_as_text(qtbot, hostile_window) -> None:
    win = hostile_window
    wait_idle(qtbot, win)
    assert "HOSTILE" in win.windowTitle() and "⟨RLO⟩" in win.windowTitle()
    checked: list[str] = []

    def check(state: str) -> None:
        wait_idle(qtbot, win)
        checked.append(state)
        found = widget_problems(win)
        assert not found, f"{state}:\n" + "\n".join(found)

    check("opened")
    for row in range(win.events_model.rowCount()):  # each event: inspector, "Items of …" header
        win.select_event_row(row)
        check(f"event {row}")
        assert "HOSTILE" in win.items_title.text()
        seen_title = seen(win.items_title.text())
        assert "<b>bold</b>" in seen_title and "⟨RLO⟩" in seen_title
        details = win.inspector.event_details
        assert details.notes.textFormat() == Qt.TextFormat.PlainText
    win.actions["show_all_items"].trigger()
    for row in range(win.items_model.rowCount()):  # each item: header, details, custody, grades & events
        win.select_item_row(row)
        for tab in range(win.inspector.tabs.count() - 1):
            win.inspector.tabs.setCurrentIndex(tab)
            check(f"item {row} tab {tab}")
    win.select_item_row(next(r for r in range(win.items_model.rowCount())
                             if win.items_model.item_at(r).name == NAMED))
    win.inspector.open_preview()  # the text viewer: title, passages with their hostile notes
    check("preview")
    for tab in range(win.middle_tabs.count()):  # claims, statements, requests
        win.middle_tabs.setCurrentIndex(tab)
        check(f"middle tab {tab}")
    win.claims_panel.select_claim(win.case.claims.list()[0].id)
    win.claims_panel.announce_current()
    check("claim in the inspector")
    statement = win.case.statements.list()[0]
    win.show_statement(statement.id)
    check("statement in the inspector")
    assert shown_case_text(win) > 0
    assert len(checked) > 8


def test_the_spoofed_name_shows_its_override(qtbot, hostile_window) -> None:
    win = hostile_window
    win.actions["show_all_items"].trigger()
    wait_idle(qtbot, win)
    names = [win.items_model.index(r, 1).data() for r in range(win.items_model.rowCount())]
    assert "rtl⟨RLO⟩gnp.exe" in names
    assert not any(name.endswith(".png") or RLO in name for name in names)
    row = next(r for r in range(win.items_model.rowCount()) if win.items_model.item_at(r).name == SPOOFED)
    win.select_item_row(row)
    assert win.inspector.header.text().startswith("rtl⟨RLO⟩gnp.exe")
    assert win.inspector.details.name.text() == "rtl⟨RLO⟩gnp.exe"


def test_saving_another_field_keeps_a_marked_name_as_stored(qtbot, hostile_case: Path) -> None:
    """The name field shows the marks; saving a changed method must not rewrite the name with them."""
    from evidence_desk.gui.inspector import ItemDetails

    with Case.open(hostile_case) as case:
        item = next(i for i in case.items.list() if i.name == SPOOFED)
        sources = [s.name for s in case.sources.list()]
    details = ItemDetails()
    qtbot.addWidget(details)
    details.show_item(item, sources)
    assert details.name.text() == "rtl⟨RLO⟩gnp.exe"
    qtbot.keyClicks(details.method, " (corrected)")
    fields = details.fields()
    assert fields["original_name"] == SPOOFED and fields["source"] == item.source_name
    assert fields["description"] == item.description
    assert [k for k, v in fields.items() if v != details.original_fields()[k]] == ["acquisition_method"]


def test_tooltips_escape_and_clip_case_text(qtbot, hostile_window) -> None:
    from evidence_desk.gui.plain import TIP_LIMIT, tip

    shown = tip(BIG)
    assert might_be_rich(shown)
    assert seen(shown).startswith("HOSTILE rtl⟨RLO⟩gnp.exe <b>bold</b>")
    assert len(seen(shown)) < TIP_LIMIT + 100
    win = hostile_window
    index = win.events_model.index(0)
    assert "<b>bold</b>" in seen(index.data(Qt.ItemDataRole.ToolTipRole))


def test_message_boxes_show_names_as_text(qtbot) -> None:
    from evidence_desk.gui.plain import plain_message

    box = QMessageBox(QMessageBox.Icon.Warning, "t", f"Could not read {HOSTILE}")
    box.setInformativeText(HOSTILE)
    qtbot.addWidget(box)
    plain_message(box)
    assert widget_problems(box) == []
    assert box.textFormat() == Qt.TextFormat.PlainText


def test_dialogs_show_case_text_as_text(qtbot, hostile_case: Path) -> None:
    from evidence_desk.gui.event_edit import EditEventDialog
    from evidence_desk.gui.grading import GradeDialog, GradeTarget
    from evidence_desk.gui.intake import IntakeDialog

    with Case.open(hostile_case) as case:
        event = case.events.list()[0]
        dialogs = [EditEventDialog(None, event)]
        dialogs += [GradeDialog(None, case, GradeTarget.of(item)) for item in case.items.list()]
        dialogs.append(IntakeDialog(None, [hostile_case.parent / "in" / SPOOFED], case.events.list(), None,
                                    [s.name for s in case.sources.list()]))
        for dialog in dialogs:
            qtbot.addWidget(dialog)
            found = widget_problems(dialog)
            assert not found, "\n".join(found)
        edit = dialogs[0]
        assert edit.title.text().startswith("HOSTILE rtl⟨RLO⟩gnp.exe <b>bold</b>")
        assert edit.changes() == {}  # the marks shown are not a change
        edit.place.setText("Chicago")
        assert edit.changes() == {"place": "Chicago"}
