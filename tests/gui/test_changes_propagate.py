"""An edit made in one panel appears in every other without a manual refresh.

Every change goes through an operation whose ``Changes`` reach each panel by
``CaseOps.case_changed``; nothing here calls a ``reload``/``refresh``/``_apply_filter``
after the edit, so a panel that stops listening (or listens for the wrong kind
of change) fails these tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from evidence_desk.core.case import Case
from evidence_desk.gui.main_window import MainWindow
from evidence_desk.gui.models import ITEM_COLUMNS

from .conftest import wait_idle

NAME_COLUMN = next(c for c, (key, _title) in enumerate(ITEM_COLUMNS) if key == "name")
STATEMENT_GRADE_COLUMN = 3


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    """An event with a memo and a radio statement on it, a claim the memo and the
    statement support, a journal note on the event, and one open request."""
    path = tmp_path / "case"
    memo_file = tmp_path / "memo.txt"
    memo_file.write_text("Per chief of patrol: clear everybody out.\n", "utf-8")
    other_file = tmp_path / "log.txt"
    other_file.write_text("12:41 all units off the block.\n", "utf-8")
    with Case.create(path, "Stand-down inquiry", "Test Examiner", tz="America/Chicago") as case:
        dispatch = case.events.add("Dispatch order relayed", when="2025-10-04 12:34:44", place="OEMC dispatch")
        case.events.add("Units cleared", when="2025-10-04 12:41")
        memo = case.items.import_file(memo_file, event_ids=[dispatch.id], source="OEMC",
                                      description="dispatcher memo", acquired_from="OEMC records clerk")
        case.items.import_file(other_file, event_ids=[dispatch.id], acquired_from="OEMC records clerk")
        statement = case.statements.add("Chief of patrol", "radio", "Clear everybody out.", when="12:34",
                                        event_ids=[dispatch.id], source="OEMC radio")
        claim = case.claims.add("Units were told to stand down")
        case.claims.link(claim.id, "supports", item_id=memo.id, note="the written order")
        case.claims.link(claim.id, "supports", statement_id=statement.id, note="the order on air")
        case.journal.add("Asked OEMC for the full recording", event_id=dispatch.id)
        case.requests.add("Full dispatch recording", addressed_to="OEMC")
    return path


def _click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _select_event(win: MainWindow, title: str) -> int:
    model = win.events_model
    row = next(r for r in range(model.rowCount()) if model.event_at(r).title == title)
    win.select_event_row(row)
    return model.event_at(row).id


def _select_item(win: MainWindow, name: str) -> int:
    model = win.items_model
    row = next(r for r in range(model.rowCount()) if model.item_at(r).name == name)
    win.select_item_row(row)
    return model.item_at(row).id


def _item_names(win: MainWindow) -> list[str]:
    return [win.items_model.index(r, NAME_COLUMN).data() for r in range(win.items_model.rowCount())]


def _focus_window(qtbot, win: MainWindow) -> None:
    """Offscreen, a dialog closed earlier can stay the active window; shortcuts need this one."""
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)


def test_renaming_an_item_in_the_inspector_shows_everywhere(qtbot, window: MainWindow) -> None:
    win = window
    win.show_all_items()
    item_id = _select_item(win, "memo.txt")
    claims = win.claims_panel
    assert claims.current_claim() is not None  # the claim is selected: its evidence is listed
    supports = claims.stance_lists["supports"]
    assert any("Item · memo.txt" in t for t in supports.texts())

    details = win.inspector.details
    details.name.setFocus()
    details.name.selectAll()
    qtbot.keyClicks(details.name, "dispatch memo (signed).txt")
    qtbot.keyClicks(details.reason, "the file name the clerk used")
    assert details.dirty
    _focus_window(qtbot, win)
    details.reason.setFocus()
    qtbot.keyClick(details.reason, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Save Item Changes
    wait_idle(qtbot, win)

    assert win.writer.items.get(item_id).name == "dispatch memo (signed).txt"  # it was saved …
    # … and every view that names the item says so, none of them reloaded by the test
    row = win.items_model.row_of(item_id)
    assert win.items_model.index(row, NAME_COLUMN).data() == "dispatch memo (signed).txt"
    assert "memo.txt" not in _item_names(win)
    assert any("Item · dispatch memo (signed).txt" in t for t in supports.texts())
    assert not any("Item · memo.txt" in t for t in supports.texts())
    assert win.inspector.item is not None and win.inspector.item.name == "dispatch memo (signed).txt"
    assert win.inspector.header.text().startswith("dispatch memo (signed).txt  ·  ")
    assert details.name.text() == "dispatch memo (signed).txt" and not details.dirty
    shown = [win.inspector.custody.entries[r].action for r in range(win.inspector.custody.rowCount())]
    assert shown.count("metadata_changed") == 1


def test_grading_a_statement_shows_in_the_statements_panel_and_inspector(qtbot, window: MainWindow) -> None:
    win = window
    panel = win.statements_panel
    win.actions["reveal_statements"].trigger()
    assert panel.table.rowCount() == 1 and panel.table.item(0, STATEMENT_GRADE_COLUMN).text() == "—"
    statement_id = panel.statements[0].id
    panel.select_statement(statement_id)
    inspector = win.inspector
    assert inspector.statement is not None and inspector.statement.id == statement_id
    assert inspector.statement_details.grade.text().startswith("not graded")

    win.actions["grade"].trigger()
    dialog = win.grade_dialog
    assert dialog is not None and dialog.isVisible() and dialog.target.kind == "statement"
    for button in (dialog.reliability_buttons["C"], dialog.credibility_buttons["3"]):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))
        assert button.isChecked()
    qtbot.keyClicks(dialog.rationale, "One radio voice; no log yet")
    _click(qtbot, dialog.ok_button)
    wait_idle(qtbot, win)

    assert win.writer.statements.get(statement_id).grade == "C3"
    assert panel.table.item(0, STATEMENT_GRADE_COLUMN).text() == "C3"
    assert panel.current_statement_id() == statement_id  # still selected after the panel re-read
    assert inspector.statement is not None and inspector.statement.grade == "C3"
    assert inspector.statement_details.grade.text().startswith("C3")
    history = inspector.statement_details.grades.texts()
    assert any("credibility 3" in t and "One radio voice; no log yet" in t for t in history)
    assert any("reliability C" in t and "source OEMC radio" in t for t in history)


def test_editing_an_event_title_shows_on_the_timeline_list_header_and_journal(qtbot, window: MainWindow) -> None:
    win = window
    event_id = _select_event(win, "Dispatch order relayed")
    # the title is isolated (FSI … PDI) so a right-to-left title cannot reorder the header
    assert "Items of “\u2068Dispatch order relayed\u2069”" in win.items_title.text()
    notes = win.journal.notes
    assert "event: Dispatch order relayed" in notes.item(0).text()

    win.actions["edit_event"].trigger()
    dialog = win.edit_event_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.title.selectAll()
    qtbot.keyClicks(dialog.title, "Stand-down order relayed")
    qtbot.keyClicks(dialog.reason, "the dispatcher's own words")
    _click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Save))
    wait_idle(qtbot, win)

    assert win.writer.events.get(event_id).title == "Stand-down order relayed"
    row = win.events_model.row_of(event_id)
    assert win.events_model.index(row).data() == "Stand-down order relayed"
    assert win.selected_event is not None and win.selected_event.id == event_id
    assert win.timeline.currentIndex().row() == row
    assert "Items of “\u2068Stand-down order relayed\u2069”" in win.items_title.text()
    assert "Dispatch order relayed" not in win.items_title.text()
    assert win.items_model.total == 2  # still the event's items
    assert "event: Stand-down order relayed" in notes.item(0).text()
    assert win.inspector.shown_event is not None
    assert win.inspector.event_details.title.text() == "Stand-down order relayed"


def test_an_item_filtered_out_of_the_list_leaves_the_inspector(qtbot, window: MainWindow) -> None:
    win = window
    win.show_all_items()
    _select_item(win, "memo.txt")
    assert win.inspector.item is not None and win.inspector.item.name == "memo.txt"

    qtbot.keyClicks(win.search, "log.txt")  # the other item's name: nothing of the memo matches
    qtbot.waitUntil(lambda: _item_names(win) == ["log.txt"], timeout=5_000)  # the filter runs after a pause
    assert win.inspector.item is None
    assert win.inspector.pages.currentIndex() == 0  # the empty page
    assert "memo.txt" not in win.inspector.header.text()


def test_switching_from_statements_to_requests_leaves_no_statement_in_the_inspector(
        qtbot, window: MainWindow) -> None:
    win = window
    win.actions["reveal_statements"].trigger()
    panel = win.statements_panel
    panel.select_statement(panel.statements[0].id)
    assert win.inspector.statement is not None
    assert win.inspector.pages.currentWidget() is win.inspector.statement_details

    win.actions["reveal_requests"].trigger()
    assert win.middle_tabs.currentWidget() is win.requests_panel
    assert win.inspector.statement is None
    assert win.inspector.pages.currentWidget() is not win.inspector.statement_details
    assert "Statement" not in win.inspector.header.text()
    win.actions["grade"].trigger()  # Grade… has nothing of another tab left to grade
    assert win.grade_dialog is None
