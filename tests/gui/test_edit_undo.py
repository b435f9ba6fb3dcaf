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
