"""Dialogs show names, times and packet fields as the text they are, never as markup."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from evidence_desk.core.case import Case
from evidence_desk.gui.event_edit import EditEventDialog
from evidence_desk.gui.grading import GradeDialog, GradeTarget
from evidence_desk.gui.packets import ImportPacketDialog

MARKUP = "<img src=x onerror=1><b>bold</b>"
NAME = "<img src=x onerror=1><b>bold.txt"  # a file name cannot hold the slash of </b>


def _labels(dialog) -> list[QLabel]:  # noqa: ANN001
    return dialog.findChildren(QLabel)


def test_markup_in_case_text_stays_text_in_the_dialogs(qtbot, tmp_path: Path) -> None:
    memo = tmp_path / NAME
    memo.write_text("memo\n", "utf-8")
    with Case.create(tmp_path / "case", "Hostile", "Test Examiner") as case:
        item = case.items.import_file(memo)
        event = case.events.add("Order", when=MARKUP)
        grade = GradeDialog(None, case, GradeTarget.of(item))
        qtbot.addWidget(grade)
        [heading] = [label for label in _labels(grade) if "Grade the" in label.text()]
        assert "“&lt;img src=x onerror=1&gt;&lt;b&gt;bold.txt”" in heading.text()  # escaped inside <b>

        edit = EditEventDialog(None, event)
        qtbot.addWidget(edit)
        [was] = [label for label in _labels(edit) if label.text().startswith("Now:")]
        assert was.textFormat() == Qt.TextFormat.PlainText and MARKUP in was.text()


def test_a_packets_claimed_sender_is_shown_as_plain_text(qtbot, tmp_path: Path) -> None:
    packet = tmp_path / "packet"
    packet.mkdir()
    (packet / "bag-info.txt").write_text(f"Contact-Name: {MARKUP}\n", "utf-8")
    dialog = ImportPacketDialog(None, tmp_path)
    qtbot.addWidget(dialog)
    dialog.set_packet(packet)
    assert dialog.sealed_by.textFormat() == Qt.TextFormat.PlainText
    assert dialog.sealed_by.text().startswith(f"Says it was sealed by {MARKUP}")
    assert dialog.problem.textFormat() == Qt.TextFormat.PlainText
