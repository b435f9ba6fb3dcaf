"""Building the analysis in the app, the way an investigator does: statements by dialog, claims
with evidence dragged onto them or linked by dialog, requests and their status, several items
graded, attached and linked at once. Every change is in the custody chain; Ctrl+Z writes the old
values back as one more entry; the chain still verifies."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from evidence_desk.core.case import Case
from evidence_desk.core.verify import verify

from .conftest import wait_idle


@pytest.fixture
def three_items_dir(case_dir: Path, tmp_path: Path) -> Path:
    with Case.open(case_dir) as case:
        for name in ("radio-log.txt", "scan-notes.txt"):
            (tmp_path / name).write_text(f"{name}\n", "utf-8")
            case.items.import_file(tmp_path / name, source="OEMC")
    return case_dir


@pytest.fixture
def win(qtbot, three_items_dir: Path):
    from evidence_desk.gui.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    assert w.open_case(three_items_dir)
    w.show()
    qtbot.waitExposed(w)
    yield w
    if w.case is not None:
        qtbot.waitUntil(lambda: not w.runner.busy, timeout=10_000)
        w.inspector.details.dirty = False
        w.close()


def press_ok(qtbot, win, dialog) -> None:
    assert dialog.ok_button.isEnabled(), dialog.problem.text()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, win)


def key(qtbot, win, widget, key, modifiers) -> None:
    """Press a shortcut in ``widget`` of the (active) window, as a user does."""
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    widget.setFocus()
    qtbot.keyClick(widget, key, modifiers)


def table_texts(table) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def fill_statement(qtbot, dialog) -> None:
    qtbot.keyClicks(dialog.speaker, "Sgt. A. Ruiz")
    qtbot.keyClicks(dialog.affiliation, "OEMC dispatch")
    dialog.medium.setCurrentText("radio")
    qtbot.keyClicks(dialog.when, "2025-10-04 12:41")
    dialog.tz.setCurrentText("America/Chicago")
    qtbot.keyClicks(dialog.text, "Per chief of patrol: clear everybody out.")
    dialog.source.setCurrentText("OEMC radio log")
    dialog.item.setCurrentIndex(dialog.item.findData(1))
    dialog.events.item(0).setCheckState(Qt.CheckState.Checked)


def add_statement_by_dialog(qtbot, win) -> int:
    win.actions["new_statement"].trigger()
    dialog = win.analysis.dialog
    assert not dialog.ok_button.isEnabled()  # nothing typed yet
    assert dialog.problem.text() == "A statement needs its speaker."
    fill_statement(qtbot, dialog)
    assert "Read as" in dialog.reading.text()
    press_ok(qtbot, win, dialog)
    return win.writer.statements.list()[-1].id


def test_a_statement_made_by_dialog_shows_in_its_panel_and_custody_then_edit_and_undo(qtbot, win) -> None:
    case = win.writer
    statement_id = add_statement_by_dialog(qtbot, win)
    s = case.statements.get(statement_id)
    assert (s.speaker, s.affiliation, s.medium, s.time.raw, s.source_name, s.item_id, s.event_ids) == (
        "Sgt. A. Ruiz", "OEMC dispatch", "radio", "2025-10-04 12:41", "OEMC radio log", 1, (1,))
    assert s.time.known and s.time.tz == "America/Chicago"
    # the Statements tab is shown with the new one selected; the inspector shows its custody
    assert win.middle_tabs.currentWidget() is win.statements_panel
    rows = table_texts(win.statements_panel.table)
    assert rows[0][0] == "Sgt. A. Ruiz\nOEMC dispatch" and rows[0][1] == "radio"
    assert "clear everybody out" in rows[0][4]
    assert win.statements_panel.current_statement_id() == statement_id
    history = win.inspector.statement_details.history
    assert history.count() == 1 and "statement added" in history.item(0).text()
    assert [e.action for e in case.history.entries(target_type="statement", target_id=statement_id)] == [
        "statement_added"]

    # edit: Shift+F2 on the Statements tab; the dialog needs a reason
    win.statements_panel.table.setFocus()
    key(qtbot, win, win.statements_panel.table, Qt.Key.Key_F2, Qt.KeyboardModifier.ShiftModifier)
    dialog = win.analysis.dialog
    assert dialog.windowTitle() == "Edit statement" and dialog.problem.text() == "Nothing changed."
    dialog.text.selectAll()
    qtbot.keyClicks(dialog.text, "Per chief of patrol: clear everybody out now.")
    dialog.when.selectAll()
    qtbot.keyClicks(dialog.when, "about 12:40")
    assert "reason" in dialog.problem.text()
    qtbot.keyClicks(dialog.reason, "the tape has it")
    press_ok(qtbot, win, dialog)
    s = case.statements.get(statement_id)
    assert s.text.endswith("out now.") and s.time.raw == "about 12:40"
    assert "out now." in table_texts(win.statements_panel.table)[0][4]

    # Ctrl+Z: the old words and time come back as a new logged edit
    assert win.actions["undo"].isEnabled()
    win.statements_panel.table.setFocus()
    key(qtbot, win, win.statements_panel.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, win)
    s = case.statements.get(statement_id)
    assert s.text == "Per chief of patrol: clear everybody out." and s.time.raw == "2025-10-04 12:41"
    changed = [(e.details_dict["field"], e.purpose) for e in
               case.history.entries(target_type="statement", target_id=statement_id)
               if e.action == "statement_changed"]
    assert changed == [("text", "the tape has it"), ("time", "the tape has it"), ("text", "undo"),
                       ("time", "undo")]
    assert win.inspector.statement_details.history.count() == 5
    assert verify(case.path).ok


def drag_rows_onto(qtbot, target_view, pos, mime) -> bool:
    """Drag ``mime`` over ``target_view`` at ``pos`` and drop it, as Qt delivers a real drag."""
    viewport = target_view.viewport()
    action = Qt.DropAction.LinkAction
    enter = QDragEnterEvent(pos, action, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, enter)
    move = QDragMoveEvent(pos, action, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, move)
    drop = QDropEvent(QPointF(pos), action, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, drop)
    return drop.isAccepted() and enter.isAccepted()


def test_claim_with_an_item_dragged_on_against_and_a_statement_linked_for(qtbot, win) -> None:
    case = win.writer
    statement_id = add_statement_by_dialog(qtbot, win)
    key(qtbot, win, win, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = win.analysis.dialog
    qtbot.keyClicks(dialog.text, "The stand-down order came from the chief of patrol")
    press_ok(qtbot, win, dialog)
    claim = case.claims.list()[-1]
    panel = win.claims_panel
    assert win.middle_tabs.currentWidget() is panel and panel.current_claim().id == claim.id

    # drag the memo's row out of the item list (its own mime data) onto the claim
    win.show_all_items()
    row = win.items_model.row_of(1)
    mime = win.items_view.model().mimeData([win.items_model.index(row, 0)])
    claim_row = panel.claim_list.topLevelItem(0)
    pos = panel.claim_list.visualItemRect(claim_row).center()
    assert drag_rows_onto(qtbot, panel.claim_list, pos, mime)
    dialog = win.analysis.dialog
    assert dialog.claim_id() == claim.id and "#1 memo.txt (document)" in dialog.evidence.text()
    dialog.stance_buttons["contradicts"].setChecked(True)
    qtbot.keyClicks(dialog.note, "the memo names no one")
    press_ok(qtbot, win, dialog)

    # the statement by dialog: select it, Ctrl+K
    win.reveal_tab(win.statements_panel)
    win.statements_panel.select_statement(statement_id)
    key(qtbot, win, win.statements_panel.table, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    dialog = win.analysis.dialog
    assert dialog.claim_id() == claim.id and dialog.stance() == "supports"
    qtbot.keyClicks(dialog.note, "he says it on the radio")
    press_ok(qtbot, win, dialog)

    win.reveal_tab(panel)
    claim = case.claims.get(claim.id)
    assert claim.contested
    assert panel.claim_list.topLevelItem(0).text(0) == "CONTESTED"
    supports, contradicts = panel.stance_lists["supports"].texts(), panel.stance_lists["contradicts"].texts()
    assert len(supports) == 1 and supports[0].startswith("Statement · Sgt. A. Ruiz (OEMC dispatch) · radio")
    assert "Note: he says it on the radio" in supports[0]
    assert len(contradicts) == 1 and contradicts[0].startswith("Item · memo.txt")
    assert "Note: the memo names no one" in contradicts[0]
    assert [e.action for e in case.history.entries(target_type="claim", target_id=claim.id)] == [
        "claim_added", "claim_linked", "claim_linked"]

    # a drop is refused where it cannot link: empty space below the claims
    empty = panel.claim_list.viewport().rect().bottomLeft() - panel.claim_list.viewport().rect().topLeft()
    assert not drag_rows_onto(qtbot, panel.claim_list, empty, mime)

    # Ctrl+Z takes the statement's link off again, with a custody entry (the history stays)
    key(qtbot, win, panel.claim_list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, win)
    assert panel.stance_lists["supports"].texts() == []
    assert not case.claims.get(claim.id).contested
    entries = case.history.entries(target_type="claim", target_id=claim.id)
    assert [e.action for e in entries][-1] == "claim_changed" and entries[-1].details_dict["unlinked"]
    assert entries[-1].purpose == "undo"
    assert verify(case.path).ok


def test_a_dropped_statement_row_goes_onto_the_stance_list_it_is_dropped_on(qtbot, win) -> None:
    case = win.writer
    statement_id = add_statement_by_dialog(qtbot, win)
    case_claim = case.claims.add("The order came by radio")  # made elsewhere (CLI, another session)
    win.claims_panel.reload()
    win.statements_panel.select_statement(statement_id)
    table = win.statements_panel.table
    mime = table.mimeData([table.item(0, c) for c in range(table.columnCount())])
    win.reveal_tab(win.claims_panel)
    target = win.claims_panel.stance_lists["mentions"]
    assert drag_rows_onto(qtbot, target, target.viewport().rect().center(), mime)
    dialog = win.analysis.dialog
    assert dialog.claim_id() == case_claim.id and dialog.stance() == "mentions"
    press_ok(qtbot, win, dialog)
    assert [(link.statement_id, link.stance) for link in case.claims.get(case_claim.id).links] == [
        (statement_id, "mentions")]
    assert len(win.claims_panel.stance_lists["mentions"].texts()) == 1


def select_all_items(qtbot, win) -> None:
    win.show_all_items()
    view = win.items_view
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.visualRect(win.items_model.index(0, 1)).center())
    for row in (1, 2):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
                         view.visualRect(win.items_model.index(row, 1)).center())
    assert len(win.analysis.selected_items()) == 3


def test_three_selected_items_graded_attached_and_linked_at_once(qtbot, win) -> None:
    case = win.writer
    select_all_items(qtbot, win)
    head = case.history.head_seq()
    key(qtbot, win, win.items_view, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    dialog = win.analysis.dialog
    assert dialog.windowTitle() == "Grade 3 items"
    dialog.credibility.setCurrentIndex(dialog.credibility.findData("2"))
    dialog.reliability.setCurrentIndex(dialog.reliability.findData("B"))
    qtbot.keyClicks(dialog.rationale, "same clerk, same day, same seal")
    press_ok(qtbot, win, dialog)
    assert [case.items.get(i).credibility for i in (1, 2, 3)] == ["2", "2", "2"]
    graded = [(e.target_type, e.target_id) for e in case.history.entries_after(head)]
    assert sorted(graded) == [("item", 1), ("item", 2), ("item", 3), ("source", 1)]  # one source for all
    shown = {win.items_model.item_at(r).id: win.items_model.item_at(r).grade for r in range(3)}
    assert shown == {1: "B2", 2: "B2", 3: "B2"}

    # attach all three to the second event (Ctrl+L)
    select_all_items(qtbot, win)
    second = case.events.list()[1]
    key(qtbot, win, win.items_view, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    dialog = win.analysis.dialog
    dialog.event.setCurrentIndex(dialog.event.findData(second.id))
    press_ok(qtbot, win, dialog)
    assert sorted(i.id for i in case.items.list(event_id=second.id)) == [1, 2, 3]

    # link all three to a claim (Ctrl+K)
    claim = case.claims.add("The clerk handed over everything")
    win.claims_panel.reload()
    select_all_items(qtbot, win)
    head = case.history.head_seq()
    key(qtbot, win, win.items_view, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    dialog = win.analysis.dialog
    dialog.claim.setCurrentIndex(dialog.claim.findData(claim.id))
    dialog.stance_buttons["mentions"].setChecked(True)
    press_ok(qtbot, win, dialog)
    linked = case.history.entries_after(head)
    assert [(e.action, e.item_id) for e in linked] == [("claim_linked", 1), ("claim_linked", 2),
                                                       ("claim_linked", 3)]
    assert verify(case.path).ok


def test_request_made_then_status_changed_with_the_items_it_produced(qtbot, win) -> None:
    case = win.writer
    key(qtbot, win, win, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
    dialog = win.analysis.dialog
    qtbot.keyClicks(dialog.title, "OEMC dispatch audio 12:00-14:00")
    qtbot.keyClicks(dialog.addressed_to, "OEMC records clerk")
    qtbot.keyClicks(dialog.asked, "2025-10-06")
    assert "Asked: Read as" in dialog.reading.text()
    press_ok(qtbot, win, dialog)
    panel = win.requests_panel
    assert win.middle_tabs.currentWidget() is panel
    assert table_texts(panel.table)[0][:2] == ["OEMC dispatch audio 12:00-14:00", "OEMC records clerk"]
    request = case.requests.list()[0]

    panel.open_only.setChecked(False)
    panel.select_request(request.id)
    key(qtbot, win, panel.table, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = win.analysis.dialog
    dialog.status.setCurrentText("partly fulfilled")
    for row in range(dialog.items.count()):
        if dialog.items.item(row).text().startswith(("#1 ", "#2 ")):
            dialog.items.item(row).setCheckState(Qt.CheckState.Checked)
    qtbot.keyClicks(dialog.reason, "two of three tapes came")
    press_ok(qtbot, win, dialog)
    done = case.requests.get(request.id)
    assert (done.status, done.item_ids) == ("partly fulfilled", (1, 2))
    row = table_texts(panel.table)[0]
    assert row[4] == "partly fulfilled" and row[5] == "memo.txt, radio-log.txt"
    entries = case.history.entries(target_type="request", target_id=request.id)
    assert [(e.action, e.purpose) for e in entries][1:] == [("request_changed", "two of three tapes came")] * 3

    # Ctrl+Z: open again, nothing produced; logged as one more change
    key(qtbot, win, panel.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, win)
    back = case.requests.get(request.id)
    assert (back.status, back.item_ids) == ("open", ())
    assert table_texts(panel.table)[0][4:] == ["open", "—"]
    assert len(case.history.entries(target_type="request", target_id=request.id)) == 7
    assert verify(case.path).ok


def test_nothing_to_edit_in_a_read_only_case(qtbot, three_items_dir: Path) -> None:
    from evidence_desk.gui.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    assert w.open_case(three_items_dir, read_only=True)
    for name in ("new_statement", "new_claim", "new_request", "link_claim", "request_status"):
        assert not w.actions[name].isEnabled(), name
    assert not w.claims_panel.claim_list.writable
    w.close()


def test_a_link_edited_then_taken_off_and_both_undone(qtbot, win) -> None:
    case = win.writer
    claim = case.claims.add("The memo came from the chief")
    case.claims.link(claim.id, "supports", item_id=1, note="first reading")
    win.claims_panel.reload()
    win.reveal_tab(win.claims_panel)
    panel = win.claims_panel
    supports = panel.stance_lists["supports"]
    supports.setCurrentRow(0)
    assert panel.current_claim_link().item_id == 1

    key(qtbot, win, supports, Qt.Key.Key_F2, Qt.KeyboardModifier.ShiftModifier)
    dialog = win.analysis.dialog
    assert dialog.windowTitle() == "Edit link to claim" and not dialog.claim.isEnabled()
    dialog.stance_buttons["mentions"].setChecked(True)
    qtbot.keyClicks(dialog.reason, "it names no one")
    press_ok(qtbot, win, dialog)
    assert [link.stance for link in case.claims.get(claim.id).links] == ["mentions"]
    assert panel.stance_lists["supports"].texts() == [] and len(panel.stance_lists["mentions"].texts()) == 1

    key(qtbot, win, panel.claim_list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, win)
    assert [link.stance for link in case.claims.get(claim.id).links] == ["supports"]

    panel.stance_lists["supports"].setCurrentRow(0)
    key(qtbot, win, panel.stance_lists["supports"], Qt.Key.Key_Delete,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = win.analysis.dialog
    assert dialog.windowTitle() == "Take off the claim" and dialog.ok_button.text() == "Take off"
    assert not dialog.ok_button.isEnabled()  # a reason first
    qtbot.keyClicks(dialog.reason, "linked to the wrong claim")
    press_ok(qtbot, win, dialog)
    assert case.claims.get(claim.id).links == ()
    assert panel.stance_lists["supports"].texts() == []

    key(qtbot, win, panel.claim_list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, win)
    links = case.claims.get(claim.id).links
    assert [(link.item_id, link.stance, link.note) for link in links] == [(1, "supports", "first reading")]
    actions = [(e.action, e.purpose) for e in case.history.entries(target_type="claim", target_id=claim.id)]
    assert actions == [("claim_added", ""), ("claim_linked", ""), ("claim_changed", "it names no one"),
                       ("claim_changed", "undo"), ("claim_changed", "linked to the wrong claim"),
                       ("claim_linked", "")]
    assert verify(case.path).ok


def test_ctrl_z_withdraws_a_statement_claim_or_request_just_made(qtbot, win) -> None:
    """Undo of a creation withdraws the record as a logged change; Redo makes it again."""
    case = win.writer
    statement_id = add_statement_by_dialog(qtbot, win)
    assert win.actions["undo"].text() == "&Undo add the statement by Sgt. A. Ruiz"
    key(qtbot, win, win.statements_panel.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, win)
    assert case.statements.list() == [] and win.statements_panel.table.rowCount() == 0
    *_, entry = case.history.entries(target_type="statement", target_id=statement_id)
    assert (entry.action, entry.purpose, entry.details_dict["withdrawn"]) == ("statement_changed", "undo", True)
    assert entry.details_dict["old"]["speaker"] == "Sgt. A. Ruiz"
    win.undo_stack.redo()  # made again, a new statement: the withdrawn one keeps its number
    wait_idle(qtbot, win)
    [again] = case.statements.list()
    assert again.id != statement_id and again.text == "Per chief of patrol: clear everybody out."

    key(qtbot, win, win, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(win.analysis.dialog.text, "The order came from the chief")
    press_ok(qtbot, win, win.analysis.dialog)
    assert win.claims_panel.claim_list.topLevelItemCount() == 1
    key(qtbot, win, win.claims_panel.claim_list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, win)
    assert case.claims.list() == [] and win.claims_panel.claim_list.topLevelItemCount() == 0

    key(qtbot, win, win, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
    qtbot.keyClicks(win.analysis.dialog.title, "OEMC dispatch audio")
    press_ok(qtbot, win, win.analysis.dialog)
    assert len(case.requests.list()) == 1
    key(qtbot, win, win.requests_panel.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, win)
    assert case.requests.list() == []
    assert verify(case.path).ok


def test_a_statement_linked_to_a_claim_is_kept_when_its_creation_is_undone(qtbot, win) -> None:
    case = win.writer
    statement_id = add_statement_by_dialog(qtbot, win)
    claim = case.claims.add("Made elsewhere")  # the command line links it behind the window's back
    case.claims.link(claim.id, "supports", statement_id=statement_id)
    win.undo_stack.undo()
    wait_idle(qtbot, win)
    assert [s.id for s in case.statements.list()] == [statement_id]
    assert win.errors.shown[-1] == f"the statement #{statement_id} is kept: a claim links it; change it instead"
    win.undo_stack.redo()  # nothing made twice
    wait_idle(qtbot, win)
    assert [s.id for s in case.statements.list()] == [statement_id]
    assert verify(case.path).ok


def test_a_requests_wording_and_times_edited_by_dialog_then_undone(qtbot, win) -> None:
    case = win.writer
    request = case.requests.add("OEMC audio", addressed_to="OEMC", asked="2025-10-06")
    win.requests_panel.reload()
    win.reveal_tab(win.requests_panel)
    win.requests_panel.select_request(request.id)
    key(qtbot, win, win.requests_panel.table, Qt.Key.Key_U,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = win.analysis.dialog
    assert dialog.windowTitle() == "Edit request" and dialog.title.text() == "OEMC audio"
    assert dialog.asked.text() == "2025-10-06" and dialog.problem.text() == "Nothing changed."
    dialog.title.selectAll()
    qtbot.keyClicks(dialog.title, "OEMC dispatch audio 12:00-14:00")
    qtbot.keyClicks(dialog.addressed_to, " records clerk")
    dialog.asked.selectAll()
    qtbot.keyClicks(dialog.asked, "about 3 pm on 6 October 2025")
    qtbot.keyClicks(dialog.due, "2025-10-20")
    assert "Due: Read as" in dialog.reading.text()
    qtbot.keyClicks(dialog.reason, "as the letter words it")
    press_ok(qtbot, win, dialog)
    edited = case.requests.get(request.id)
    assert (edited.title, edited.addressed_to, edited.asked.raw, edited.due.raw, edited.status) == (
        "OEMC dispatch audio 12:00-14:00", "OEMC records clerk", "about 3 pm on 6 October 2025", "2025-10-20", "open")
    assert table_texts(win.requests_panel.table)[0][:2] == ["OEMC dispatch audio 12:00-14:00", "OEMC records clerk"]
    changed = [e.details_dict["field"] for e in case.history.entries(target_type="request", target_id=request.id)
               if e.action == "request_changed"]
    assert sorted(changed) == ["addressed_to", "asked", "due", "title"]

    key(qtbot, win, win.requests_panel.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, win)
    back = case.requests.get(request.id)
    assert (back.title, back.addressed_to, back.asked.raw, back.due.raw) == ("OEMC audio", "OEMC", "2025-10-06", "")
    assert verify(case.path).ok
