"""Editing an item's description and pressing Ctrl+Z: both changes are custody entries."""

from __future__ import annotations

from PySide6.QtCore import Qt

from .conftest import wait_idle


def test_edit_description_then_ctrl_z_restores_it(qtbot, window) -> None:
    case = window.writer
    window.select_event_row(0)
    window.select_item_row(0)
    item = window.inspector.item
    assert item is not None and item.description == "dispatcher memo"
    details = window.inspector.details

    details.description.setPlainText("dispatcher memo, page 1 of 2")
    details.reason.setText("second page found")
    assert details.save.isEnabled()
    qtbot.mouseClick(details.save, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert case.items.get(item.id).description == "dispatcher memo, page 1 of 2"
    assert window.items_model.item_at(0).description == "dispatcher memo, page 1 of 2"

    window.items_view.setFocus()
    qtbot.keyClick(window.items_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, window)
    assert case.items.get(item.id).description == "dispatcher memo"
    assert details.description.toPlainText() == "dispatcher memo"

    changes = [e for e in case.history.entries(item_id=item.id) if e.action == "metadata_changed"]
    assert [(e.details_dict["field"], e.details_dict["old"], e.details_dict["new"], e.purpose) for e in changes] == [
        ("description", "dispatcher memo", "dispatcher memo, page 1 of 2", "second page found"),
        ("description", "dispatcher memo, page 1 of 2", "dispatcher memo", "undo"),
    ]
    # the inspector's custody tab shows both
    shown = [window.inspector.custody.entries[r].action for r in range(window.inspector.custody.rowCount())]
    assert shown.count("metadata_changed") == 2


def test_saving_an_edit_without_a_reason_is_refused_and_nothing_is_written(qtbot, window) -> None:
    case = window.writer
    window.select_event_row(0)
    window.select_item_row(0)
    item = window.inspector.item
    details = window.inspector.details
    before = len(case.history.entries())
    details.description.setPlainText("rewritten without saying why")
    assert details.reason.text() == ""
    with qtbot.waitSignal(details.reason_needed, timeout=2000):
        qtbot.mouseClick(details.save, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert case.items.get(item.id).description == "dispatcher memo"
    assert len(case.history.entries()) == before
    assert "reason is required" in details.reason.placeholderText()
    # giving the reason saves it
    details.reason.setText("the clerk's own words")
    qtbot.mouseClick(details.save, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert case.items.get(item.id).description == "rewritten without saying why"


def test_ctrl_z_in_a_field_undoes_its_typing_then_the_saved_edit(qtbot, window) -> None:
    case = window.writer
    window.select_event_row(0)
    window.select_item_row(0)
    item = window.inspector.item
    details = window.inspector.details
    qtbot.waitUntil(lambda: window.isActiveWindow())
    details.name.setFocus()
    qtbot.waitUntil(lambda: details.name.hasFocus())
    details.name.selectAll()
    qtbot.keyClicks(details.name, "memo-renamed.txt")
    details.reason.setText("the clerk's file name")
    qtbot.mouseClick(details.save, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert case.items.get(item.id).name == "memo-renamed.txt"
    assert window.undo_stack.canUndo()

    # typing in a field: Ctrl+Z there undoes the typing, and nothing is undone in the case
    details.name.setFocus()
    qtbot.waitUntil(lambda: details.name.hasFocus())
    details.name.end(False)
    qtbot.keyClicks(details.name, "x")
    assert details.name.text() == "memo-renamed.txtx"
    qtbot.keyClick(details.name, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, window)
    assert details.name.text() == "memo-renamed.txt"
    assert case.items.get(item.id).name == "memo-renamed.txt" and window.undo_stack.index() == 1

    # nothing left to undo in the field (the save refilled it): Ctrl+Z undoes the saved edit
    details.show_item(window.inspector.item, [])
    assert not details.name.isUndoAvailable() and details.name.hasFocus()
    qtbot.keyClick(details.name, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, window)
    assert case.items.get(item.id).name == "memo.txt"
    assert details.name.text() == "memo.txt"
    assert window.undo_stack.index() == 0
    # and in the multi-line description too
    details.description.setFocus()
    qtbot.waitUntil(lambda: details.description.hasFocus())
    qtbot.keyClick(details.description, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)  # redo
    wait_idle(qtbot, window)
    assert case.items.get(item.id).name == "memo-renamed.txt"
