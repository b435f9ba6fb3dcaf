"""The New Case and New Event dialogs refuse what core would refuse, with a
message in the dialog, before anything is written."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog

from evidence_desk.gui.case_dialogs import NewCaseDialog, NewEventDialog


def test_new_case_dialog_needs_a_title_a_known_zone_and_a_free_folder(qtbot, tmp_path: Path) -> None:
    dialog = NewCaseDialog(None, tmp_path)
    qtbot.addWidget(dialog)
    dialog._check()
    assert dialog.problem.text() == "A case needs a title."
    dialog.title.setText("South Side")
    dialog.tz.setText("America/Chikago")
    dialog._check()
    assert "unknown time zone" in dialog.problem.text()
    dialog.tz.setText("America/Chicago")
    (tmp_path / "South Side").mkdir()
    dialog._check()
    assert "already exists" in dialog.problem.text()
    dialog.title.setText("South Side 2")
    dialog._check()
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_new_event_dialog_reads_the_time_and_refuses_a_bad_zone(qtbot) -> None:
    dialog = NewEventDialog(None, "America/Chicago")
    qtbot.addWidget(dialog)
    dialog.when.setText("04-Oc5-2025/12:34:44")
    assert "2025-10-04 12:34:44" in dialog.reading.text()
    assert "month 'Oc5' read as Oct" in dialog.reading.text()
    dialog._check()
    assert dialog.problem.text() == "An event needs a title."
    dialog.title.setText("Stand-down order")
    dialog.tz.setText("Mars/Olympus")
    dialog._check()
    assert "unknown time zone" in dialog.problem.text()
    dialog.tz.setText("America/Chicago")
    dialog._check()
    assert dialog.result() == QDialog.DialogCode.Accepted
