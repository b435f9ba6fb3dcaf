"""The New Case and New Event dialogs refuse what core would refuse, with a
message in the dialog, before anything is written: OK stays disabled while
something is wrong, and the first problem is said beside it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from evidence_desk.gui.case_dialogs import NewCaseDialog, NewEventDialog
from evidence_desk.gui.intake import IntakeDialog


def test_new_case_dialog_needs_a_title_a_known_zone_and_a_free_folder(qtbot, tmp_path: Path) -> None:
    dialog = NewCaseDialog(None, tmp_path)
    qtbot.addWidget(dialog)
    dialog.accept()
    assert dialog.problem.text() == "A case needs a title."
    dialog.title.setText("South Side")
    dialog.tz.setText("America/Chikago")
    dialog.accept()
    assert "unknown time zone" in dialog.problem.text()
    dialog.tz.setText("America/Chicago")
    (tmp_path / "South Side").mkdir()
    dialog.accept()
    assert "already exists" in dialog.problem.text()
    dialog.title.setText("South Side 2")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_new_event_dialog_reads_the_time_and_refuses_a_bad_zone(qtbot) -> None:
    dialog = NewEventDialog(None, "America/Chicago")
    qtbot.addWidget(dialog)
    dialog.when.setText("04-Oc5-2025/12:34:44")
    assert "2025-10-04 12:34:44" in dialog.reading.text()
    assert "month 'Oc5' read as Oct" in dialog.reading.text()
    dialog.accept()
    assert dialog.problem.text() == "An event needs a title."
    dialog.title.setText("Stand-down order")
    dialog.tz.setText("Mars/Olympus")
    dialog.accept()
    assert "unknown time zone" in dialog.problem.text()
    dialog.tz.setText("America/Chicago")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_ok_waits_for_the_required_field_and_says_why(qtbot) -> None:
    dialog = NewEventDialog(None, "America/Chicago")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert not dialog.ok_button.isEnabled()
    assert dialog.problem.isVisible() and dialog.problem.text() == "An event needs a title."
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()  # a disabled OK does nothing

    qtbot.keyClicks(dialog.title, "Stand-down order")
    assert dialog.ok_button.isEnabled() and dialog.problem.text() == ""
    qtbot.keyClicks(dialog.tz, "x")  # America/Chicagox
    assert not dialog.ok_button.isEnabled() and "unknown time zone" in dialog.problem.text()
    qtbot.keyClick(dialog.tz, Qt.Key.Key_Backspace)
    assert dialog.ok_button.isEnabled()
    qtbot.keyClick(dialog.title, Qt.Key.Key_Return)  # Enter in a field presses the enabled OK
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()


def test_a_title_of_spaces_is_not_a_title(qtbot, tmp_path: Path) -> None:
    dialog = NewCaseDialog(None, tmp_path)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.title, "   ")
    assert not dialog.ok_button.isEnabled() and dialog.problem.text() == "A case needs a title."
    qtbot.keyClicks(dialog.title, "South Side")
    assert dialog.ok_button.isEnabled()
    (tmp_path / "South Side").mkdir()  # made meanwhile by someone else: OK refuses it after all
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted and "already exists" in dialog.problem.text()
    assert not dialog.ok_button.isEnabled()


def test_intake_needs_who_handed_the_files_over(qtbot, tmp_path: Path) -> None:
    memo = tmp_path / "memo.txt"
    memo.write_text("clear everybody out\n", "utf-8")
    dialog = IntakeDialog(None, [memo], [], None, [])
    qtbot.addWidget(dialog)
    assert dialog.buttons.button(dialog.buttons.StandardButton.Ok) is dialog.ok_button
    assert dialog.ok_button.text() == "Import" and not dialog.ok_button.isEnabled()
    assert "Acquired from" in dialog.problem.text()
    qtbot.keyClicks(dialog.acquired_from, "OEMC records clerk")
    assert dialog.ok_button.isEnabled() and dialog.problem.text() == ""
    assert dialog.request().acquired_from == "OEMC records clerk"

    (tmp_path / "empty").mkdir()
    nothing = IntakeDialog(None, [tmp_path / "empty"], [], None, [])  # a dropped folder with no files
    qtbot.addWidget(nothing)
    qtbot.keyClicks(nothing.acquired_from, "someone")
    assert nothing.files == [] and nothing.problem.text() == "There are no files to import."
    assert not nothing.ok_button.isEnabled()
