"""Journal notes are evidence too: timestamped, custody-logged, linked to the selection."""

from __future__ import annotations

from PySide6.QtCore import Qt

from .conftest import wait_idle


def test_a_note_on_the_selected_event_is_custody_logged(qtbot, window) -> None:
    window.select_event_row(1)
    event = window.selected_event
    window.journal.entry.setPlainText("Memo time reads 04-Oc5-2025: ask OEMC for the CAD log.")
    qtbot.keyClick(window.journal.entry, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, window)

    notes = window.case.journal.list()
    assert [(n.text, n.event_id, n.author) for n in notes] == [
        ("Memo time reads 04-Oc5-2025: ask OEMC for the CAD log.", event.id, "Test Examiner")]
    entry = window.case.history.entries()[-1]
    assert entry.action == "journal_note" and entry.details_dict["event_id"] == event.id
    assert window.journal.entry.toPlainText() == ""
    shown = window.journal.notes.item(0).text()
    assert "Memo written" in shown and "ask OEMC" in shown
