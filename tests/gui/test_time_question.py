"""Where a time is typed, the dialog shows how it is read and asks when the reader cannot tell."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from evidence_desk.core.case import Case
from evidence_desk.gui.case_dialogs import NewEventDialog
from evidence_desk.gui.event_edit import EditEventDialog

from .conftest import wait_idle


def _radio(dialog, text: str):
    matches = [b for b in dialog.question.buttons() if text in b.text()]
    assert len(matches) == 1, [b.text() for b in dialog.question.buttons()]
    return matches[0]


def test_an_ambiguous_numeric_date_is_asked_before_the_event_can_be_added(qtbot) -> None:
    dialog = NewEventDialog(None, "America/Chicago")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.title, "Memo written")
    qtbot.keyClicks(dialog.when, "04/10/2025")
    assert dialog.question.isVisible()
    assert [b.text() for b in dialog.question.buttons()] == [
        "month/day/year (US): 2025-04-10 (day)", "day/month/year: 2025-10-04 (day)"]
    assert not any(b.isChecked() for b in dialog.question.buttons()), "nothing is chosen for the examiner"
    assert "ambiguous" in dialog.reading.text() and dialog.reading.text().startswith("⚠")
    assert not dialog.ok_button.isEnabled()
    assert dialog.problem.text() == "Choose which reading of the time is meant (below the time)."
    qtbot.mouseClick(_radio(dialog, "day/month/year"), Qt.MouseButton.LeftButton)
    assert "2025-10-04 (day)" in dialog.reading.text() and "examiner chose" in dialog.reading.text()
    assert dialog.ok_button.isEnabled() and dialog.question.choose() == "day-first"
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_a_plain_time_asks_nothing(qtbot) -> None:
    dialog = NewEventDialog(None, "America/Chicago")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.title, "Order relayed")
    qtbot.keyClicks(dialog.when, "about 3 pm on 4 October 2025")
    assert not dialog.question.isVisible() and dialog.question.buttons() == []
    assert "2025-10-04 14:30–15:30 America/Chicago" in dialog.reading.text()
    assert "±30 min" in dialog.reading.text()
    assert dialog.ok_button.isEnabled()


def test_the_date_order_then_the_daylight_saving_overlap_are_asked_in_turn(qtbot) -> None:
    dialog = NewEventDialog(None, "America/Chicago")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.title, "Call logged")
    qtbot.keyClicks(dialog.when, "11/2/2025 1:30 AM")
    assert len(dialog.question.buttons()) == 2  # first only the date order
    qtbot.mouseClick(_radio(dialog, "month/day/year"), Qt.MouseButton.LeftButton)
    labels = [b.text() for b in dialog.question.buttons()]
    assert len(labels) == 4 and "happens twice" in dialog.reading.text()
    assert not dialog.ok_button.isEnabled()
    qtbot.mouseClick(_radio(dialog, "the second time"), Qt.MouseButton.LeftButton)
    assert dialog.question.choose() == "month-first,dst-second"
    assert "second time (CST, UTC−06:00)" in dialog.reading.text()
    assert dialog.ok_button.isEnabled()


def test_the_examiners_answer_is_saved_logged_and_undone(qtbot, window) -> None:
    window.select_event_row(0)
    event = window.events_model.event_at(0)
    window.actions["edit_event"].trigger()
    dialog: EditEventDialog = window.edit_event_dialog
    dialog.when.selectAll()
    qtbot.keyClicks(dialog.when, "2025-11-02 01:30")
    assert "happens twice in America/Chicago" in dialog.reading.text()
    first, second = dialog.question.buttons()
    assert "01:30 CDT, 06:30 UTC" in first.text() and "01:30 CST, 07:30 UTC" in second.text()
    qtbot.keyClicks(dialog.reason, "radio log gives the time after the clocks went back")
    assert not dialog.ok_button.isEnabled()  # not answered yet
    qtbot.mouseClick(second, Qt.MouseButton.LeftButton)
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    saved = window.case.events.get(event.id)
    assert (saved.time.start, saved.time.sort_utc) == ("2025-11-02T01:30:00-06:00", "2025-11-02T07:30:00Z")
    assert "as the examiner chose" in saved.time.note
    # opening the dialog again shows the answer given, and a title edit does not ask again
    window.actions["edit_event"].trigger()
    again: EditEventDialog = window.edit_event_dialog
    assert [b.isChecked() for b in again.question.buttons()] == [False, True]
    again.title.setText("Dispatch order relayed (radio)")
    qtbot.keyClicks(again.reason, "title as in the log")
    assert set(again.changes()) == {"title"} and again.ok_button.isEnabled()
    again.reject()
    window.undo_stack.undo()
    wait_idle(qtbot, window)
    assert window.case.events.get(event.id).time.start == event.time.start


def test_a_time_alone_is_read_on_the_events_day_and_a_damaged_digit_is_said(qtbot, window) -> None:
    window.select_event_row(0)
    window.actions["edit_event"].trigger()
    dialog: EditEventDialog = window.edit_event_dialog
    dialog.when.selectAll()
    qtbot.keyClicks(dialog.when, "03:1O")
    text = dialog.reading.text()
    assert "Read as 2025-10-04 03:10 America/Chicago" in text
    assert "'03:1O' read as 03:10 (damaged text)" in text and "time alone" in text
    dialog.reject()


def test_an_ambiguous_time_stored_by_the_command_line_is_preselected(qtbot, tmp_path) -> None:
    path = tmp_path / "case"
    with Case.create(path, "Ambiguous", "Test Examiner", tz="America/Chicago") as case:
        event = case.events.add("Memo dated", when="04/10/2025", choose="day-first")
    with Case.open(path) as case:
        stored = case.events.get(event.id)
    dialog = EditEventDialog(None, stored)
    qtbot.addWidget(dialog)
    assert stored.time.start == "2025-10-04T00:00:00-05:00"
    assert [(b.text(), b.isChecked()) for b in dialog.question.buttons()] == [
        ("month/day/year (US): 2025-04-10 (day)", False), ("day/month/year: 2025-10-04 (day)", True)]
    dialog.notes.setPlainText("from the memo header")
    assert set(dialog.changes()) == {"notes"}


def test_the_statement_editor_asks_too_and_reads_a_time_alone_on_the_events_day(qtbot, tmp_path) -> None:
    from evidence_desk.gui.analysis_dialogs import StatementDialog

    path = tmp_path / "case"
    with Case.create(path, "Statements", "Test Examiner", tz="America/Chicago") as case:
        event = case.events.add("Shift change", when="2 November 2025")
        dialog = StatementDialog(None, case, event_ids=[event.id])
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.keyClicks(dialog.speaker, "Dispatcher")
        dialog.text.setPlainText("All units clear out.")
        qtbot.keyClicks(dialog.when, "01:30")
        assert "2025-11-02 01:30" in dialog.reading.text() and "time alone" in dialog.reading.text()
        assert "happens twice" in dialog.reading.text()
        assert not dialog.ok_button.isEnabled()
        qtbot.mouseClick(_radio(dialog, "the first time"), Qt.MouseButton.LeftButton)
        assert dialog.ok_button.isEnabled()
        options = dialog.add_options()
        assert options["choose"] == "dst-first"
        said = case.statements.add("Dispatcher", "radio", "All units clear out.", **options)
        assert said.time.start == "2025-11-02T01:30:00-05:00"
        # editing it: the answer is shown, and reading it the other way is a change to save with a reason
        edit = StatementDialog(None, case, case.statements.get(said.id))
        qtbot.addWidget(edit)
        assert [b.isChecked() for b in edit.question.buttons()] == [True, False]
        qtbot.mouseClick(_radio(edit, "the second time"), Qt.MouseButton.LeftButton)
        assert edit.changes() == {"when": "01:30", "tz": "America/Chicago", "choose": "dst-second"}
        edited = case.statements.edit(said.id, "the log says CST", **edit.changes())
        assert edited.time.start == "2025-11-02T01:30:00-06:00"
