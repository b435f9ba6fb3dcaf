"""Editing an event, and attaching items to events, through the real window."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from evidence_desk.core.case import Case
from evidence_desk.core.packet.export import export_packet
from evidence_desk.gui.models import EventRole, ItemCountRole

from .conftest import wait_idle


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    """A dispatch event with a memo on it, a memo event whose time nobody could read yet,
    and a recording attached to nothing."""
    path = tmp_path / "case"
    with Case.create(path, "Stand-down inquiry", "Test Examiner", tz="America/Chicago") as case:
        dispatch = case.events.add("Dispatch order relayed", when="2025-10-05 09:00", place="OEMC dispatch")
        case.events.add("Memo written", when="early one morning")
        for name, text, events in (("memo.txt", "Per chief of patrol: clear everybody out.\n", [dispatch.id]),
                                   ("radio.txt", "Unit 12 to dispatch: copy, clearing out.\n", [])):
            file = tmp_path / name
            file.write_text(text, "utf-8")
            case.items.import_file(file, event_ids=events, source="OEMC", acquired_from="OEMC records clerk")
    return path


def _event_rows(window) -> list[str]:
    model = window.events_model
    return [model.event_at(r).title for r in range(model.rowCount())]


def _select_event(window, title: str):
    row = _event_rows(window).index(title)
    window.select_event_row(row)
    return window.events_model.event_at(row)


def _select_item(window, name: str):
    window.show_all_items()
    model = window.items_model
    row = next(r for r in range(model.rowCount()) if model.item_at(r).name == name)
    window.select_item_row(row)
    return model.item_at(row)


def _drop_items(qtbot, window, item_rows: list[int], event_row: int) -> None:
    """What dragging rows of the item list onto an event delivers: the list's own drag payload."""
    mime = window.items_model.mimeData([window.items_model.index(r, 1) for r in item_rows])
    view = window.timeline
    point = view.visualRect(window.events_model.index(event_row)).center()
    args = (Qt.DropAction.LinkAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view.viewport(), QDragEnterEvent(point, *args))
    QApplication.sendEvent(view.viewport(), QDragMoveEvent(point, *args))
    QApplication.sendEvent(view.viewport(), QDropEvent(QPointF(point), *args))


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_edit_event_time_through_dialog_then_undo(qtbot, window) -> None:
    case = window.writer
    assert _event_rows(window) == ["Dispatch order relayed", "Memo written"]  # unknown time listed last
    memo = _select_event(window, "Memo written")

    window.actions["edit_event"].trigger()
    dialog = window.edit_event_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.title.setText("Memo written (scan)")
    dialog.when.setText("04-Oc5-2025/12:34:44")
    dialog.tz.setCurrentText("America/Chicago")
    # how the damaged text will be read is shown before saving
    assert "2025-10-04 12:34:44 America/Chicago" in dialog.reading.text()
    assert "month 'Oc5' read as Oct" in dialog.reading.text()
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "reason" in dialog.problem.text()  # a reason is required
    dialog.reason.setText("scan of the memo read at last")
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)

    # re-sorted by the new normalised time, still selected, shown as the source's clock read
    assert _event_rows(window) == ["Memo written (scan)", "Dispatch order relayed"]
    index = window.events_model.index(0)
    assert index.data(EventRole).time.display() == "2025-10-04 12:34:44 America/Chicago"
    assert "2025-10-04 12:34:44" in index.data(Qt.ItemDataRole.AccessibleTextRole)
    assert window.timeline.currentIndex().row() == 0
    changes = {e.details_dict["field"]: e for e in case.history.entries(target_type="event", target_id=memo.id)
               if e.action == "event_changed"}
    assert changes["title"].details_dict["old"] == "Memo written"
    assert changes["time"].details_dict["old"] == "early one morning @ America/Chicago"
    assert changes["time"].details_dict["new"] == "04-Oc5-2025/12:34:44 @ America/Chicago"
    assert changes["time"].purpose == "scan of the memo read at last"

    window.timeline.setFocus()
    window.activateWindow()  # offscreen, the closed dialog keeps being the active window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window.timeline, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, window)
    restored = case.events.get(memo.id)
    assert restored.title == "Memo written" and restored.time.raw == "early one morning"
    assert _event_rows(window) == ["Dispatch order relayed", "Memo written"]
    undone = [e for e in case.history.entries(target_type="event", target_id=memo.id)
              if e.action == "event_changed" and e.purpose == "undo"]
    assert {e.details_dict["field"] for e in undone} == {"title", "time"}  # history grows, never erased


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_attach_in_inspector_and_by_drag_then_detach(qtbot, window) -> None:
    case = window.writer
    dispatch = case.events.list()[0]
    memo_event = case.events.list()[1]

    # the inspector's "Grades & events" page: attach the memo to a second event
    memo = _select_item(window, "memo.txt")
    window.actions["attach_event"].trigger()
    inspector = window.inspector
    assert inspector.tabs.currentIndex() == 2
    choices = [inspector.attach_choice.itemData(i) for i in range(inspector.attach_choice.count())]
    assert choices == [memo_event.id]  # the event it already belongs to is not offered
    qtbot.mouseClick(inspector.attach_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert [e.id for e in case.events.of_item(memo.id)] == [dispatch.id, memo_event.id]
    linked = [e for e in case.history.entries(item_id=memo.id) if e.action == "linked"]
    assert [e.details_dict["event_id"] for e in linked] == [memo_event.id]
    assert inspector.events.count() == 2
    assert window.events_model.index(1).data(ItemCountRole) == 1

    # drag the radio log's row from the item list onto the dispatch event
    radio = _select_item(window, "radio.txt")
    _drop_items(qtbot, window, [window.items_model.row_of(radio.id)], event_row=0)
    wait_idle(qtbot, window)
    assert [e.id for e in case.events.of_item(radio.id)] == [dispatch.id]
    assert [e.action for e in case.history.entries(item_id=radio.id)].count("linked") == 1
    assert window.events_model.index(0).data(ItemCountRole) == 2

    # detach it again from the event selected on the timeline
    window.select_event_row(0)
    assert window.items_model.total == 2
    window.select_item_row(window.items_model.row_of(radio.id))
    window.actions["detach_event"].trigger()
    wait_idle(qtbot, window)
    assert case.events.of_item(radio.id) == []
    unlinked = [e for e in case.history.entries(item_id=radio.id) if e.action == "unlinked"]
    assert [e.details_dict["event_id"] for e in unlinked] == [dispatch.id]
    assert window.items_model.total == 1  # the event's list lost it
    assert window.events_model.index(0).data(ItemCountRole) == 1

    # and the memo from its second event, with the inspector's Detach button
    _select_item(window, "memo.txt")
    inspector.events.setCurrentRow(1)
    qtbot.mouseClick(inspector.detach_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert [e.id for e in case.events.of_item(memo.id)] == [dispatch.id]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("mode", ["read_only", "review"])
def test_read_only_and_review_offer_no_event_edits_or_links(qtbot, window, case_dir: Path, tmp_path: Path,
                                                             mode: str) -> None:
    window.close_case()
    if mode == "review":
        with Case.open(case_dir) as sender:
            packet = export_packet(sender, tmp_path / "packet.zip", zip=True)
        window.open_packet(packet)
        qtbot.waitUntil(lambda: window.review is not None, timeout=30_000)
    else:
        assert window.open_case(case_dir, read_only=True)
    case = window.case
    before = len(case.history.entries())
    for name in ("edit_event", "attach_event", "detach_event"):
        assert not window.actions[name].isEnabled(), name
    assert not window.timeline.writable
    window.select_event_row(0)
    window.edit_event()
    rect = window.timeline.visualRect(window.events_model.index(0))
    qtbot.mouseDClick(window.timeline.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.edit_event_dialog is None
    radio = _select_item(window, "radio.txt")
    assert not window.inspector.attach_button.isEnabled() and not window.inspector.detach_button.isEnabled()
    _drop_items(qtbot, window, [window.items_model.row_of(radio.id)], event_row=0)
    window.link_items([radio.id], case.events.list()[0].id, True)
    wait_idle(qtbot, window)
    assert case.events.of_item(radio.id) == [] and len(case.history.entries()) == before
