"""Issue 11, "done when": an investigator builds a case's analysis in the app alone.

From an empty start, without the command line: a new case, one event at "about 3 pm", a
recording and a scan imported, two transcript lines marked from the keyboard and one region
dragged on the scan, two statements, a claim with one statement for it and one against (and
the scan dragged on against it), grades for them, and a report (PDF and HTML) whose claims
section shows it all. Only the file dialogs' answers are patched; everything else is the
window's own actions, dialogs, keys and mouse."""

from __future__ import annotations

import math
import shutil
import struct
import subprocess
import wave
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog

from evidence_desk.core.verify import verify
from evidence_desk.gui.case_dialogs import NewCaseDialog, NewEventDialog
from evidence_desk.gui.main_window import MainWindow

from .conftest import wait_idle
from .test_analysis_editing import drag_rows_onto
from .test_annotate import activate, drag, focused, open_item, press, seek_to

CLAIM = "The stand-down order came from the chief of patrol"
LINE_1 = "All units, stand down on Michigan."
LINE_2 = "Copy, clearing the plaza."
REGION_NOTE = "CAD remark: NO UNITS WILL RESPOND"


def make_tone(path: Path, seconds: float = 4.0, rate: int = 8000) -> Path:
    """A few seconds of a 440 Hz tone, 16-bit mono."""
    frames = b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * n / rate)))
                      for n in range(int(seconds * rate)))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames)
    return path


def make_scan(path: Path) -> Path:
    image = QImage(800, 600, QImage.Format.Format_RGB32)
    image.fill(QColor(235, 235, 235))
    painter = QPainter(image)
    painter.setFont(QFont("DejaVu Sans", 22))
    painter.drawText(QPoint(60, 100), "CAD EVENT 2025-1004-0912")
    painter.drawRect(200, 150, 300, 150)
    painter.drawText(QPoint(220, 230), "NO UNITS WILL RESPOND")
    painter.end()
    assert image.save(str(path))
    return path


def when_modal(qtbot, kind: type, fill: Callable) -> None:
    """Fill the modal dialog of type ``kind`` once it is up (a dialog run with exec())."""
    def attempt() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind):
            QTimer.singleShot(10, attempt)
            return
        fill(dialog)
    QTimer.singleShot(0, attempt)


def press_ok(qtbot, win: MainWindow, dialog) -> None:
    assert dialog.ok_button.isEnabled(), dialog.problem.text()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, win)


def key(qtbot, win: MainWindow, widget, k, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    activate(qtbot, win)
    widget.setFocus()
    qtbot.keyClick(widget, k, modifiers)


def choose_grade(qtbot, dialog, reliability: str | None, credibility: str, rationale: str) -> None:
    for buttons, choice in ((dialog.reliability_buttons, reliability), (dialog.credibility_buttons, credibility)):
        if choice is not None:
            button = buttons[choice]
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))
            assert button.isChecked()
    qtbot.keyClicks(dialog.rationale, rationale)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


class _Text(HTMLParser):
    """The text of each <section> of the HTML report, as a browser shows it (markup gone)."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "section":
            self.sections.append("")
        if tag in ("style", "script"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip -= 1
        elif self.sections and tag in ("td", "th", "p", "h2", "h3", "li", "div", "br", "tr"):
            self.sections[-1] += " "

    def handle_data(self, data: str) -> None:
        if self.sections and not self._skip:
            self.sections[-1] += data


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # Qt 6's QPoint drag-event constructors
def test_an_analysis_built_in_the_app_from_an_empty_case_ends_in_the_report(
        qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    monkeypatch.delenv("EVIDENCE_DESK_EXAMINER")  # a first start: nobody has said who examines yet
    audio, scan = make_tone(tmp_path / "dispatch-call.wav"), make_scan(tmp_path / "cad-printout.png")

    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1500, 950)
    win.show()
    qtbot.waitExposed(win)
    assert win.case is None

    # --- File > New Case: the dialog, then the examiner's name, asked once -----------------------
    def new_case(dialog: NewCaseDialog) -> None:
        qtbot.keyClicks(dialog.title, "Plaza stand-down")
        dialog.tz.selectAll()
        qtbot.keyClicks(dialog.tz, "America/Chicago")
        dialog.folder.setText(str(tmp_path))
        when_modal(qtbot, QInputDialog, lambda ask: (ask.setTextValue("Test Examiner"), ask.accept()))
        press_ok(qtbot, win, dialog)

    when_modal(qtbot, NewCaseDialog, new_case)
    win.actions["new_case"].trigger()
    case_dir = tmp_path / "Plaza stand-down"
    assert win.case is not None and win.case.path == case_dir and win.writer.examiner == "Test Examiner"
    case = win.writer

    # --- one event, at an approximate time --------------------------------------------------------
    def new_event(dialog: NewEventDialog) -> None:
        qtbot.keyClicks(dialog.title, "Stand-down order on the radio")
        qtbot.keyClicks(dialog.when, "about 3 pm on 4 October 2025")
        assert "±30 min around 15:00" in dialog.reading.text()
        qtbot.keyClicks(dialog.place, "OEMC dispatch")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    when_modal(qtbot, NewEventDialog, new_event)
    win.actions["new_event"].trigger()
    wait_idle(qtbot, win)
    [event] = case.events.list()
    assert (event.time.start, event.time.end, event.time.precision) == (
        "2025-10-04T14:30:00-05:00", "2025-10-04T15:30:00-05:00", "range")

    # --- File > Import: the recording and the scan, into the event ----------------------------------
    win.select_event_row(0)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(lambda *a, **k: ([str(audio), str(scan)], "")))
    win.actions["import"].trigger()
    intake = win.intake_dialog
    assert intake.event.currentData() == event.id
    intake.source.setEditText("OEMC")
    qtbot.keyClicks(intake.acquired_from, "OEMC records clerk")
    qtbot.keyClicks(intake.method, "copied from the dispatch recorder")
    qtbot.mouseClick(intake.buttons.button(intake.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton)
    wait_idle(qtbot, win)
    if win.intake_message is not None:
        win.intake_message.close()
    items = {i.name: i for i in case.items.list()}
    assert set(items) == {"dispatch-call.wav", "cad-printout.png"}
    assert (items["dispatch-call.wav"].kind, items["cad-printout.png"].kind) == ("audio", "scan")
    activate(qtbot, win)

    # --- two transcript lines, from the keyboard: F5 plays, F6 in, F7 out, speaker, Tab, text, Enter --
    viewer = open_item(qtbot, win, "dispatch-call.wav")
    press(qtbot, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: viewer.player.playbackState() == viewer.player.PlaybackState.PlayingState)
    press(qtbot, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: viewer.player.playbackState() == viewer.player.PlaybackState.PausedState)
    seek_to(qtbot, viewer, 500)
    press(qtbot, Qt.Key.Key_F6)
    seek_to(qtbot, viewer, 1800)
    press(qtbot, Qt.Key.Key_F7)
    assert focused() is viewer.marker.speaker
    qtbot.keyClicks(focused(), "Dispatcher")
    press(qtbot, Qt.Key.Key_Tab)
    qtbot.keyClicks(focused(), LINE_1)
    press(qtbot, Qt.Key.Key_Return)
    wait_idle(qtbot, win)
    seek_to(qtbot, viewer, 3200)  # the next line starts where the last one ended
    press(qtbot, Qt.Key.Key_F7)
    qtbot.keyClicks(focused(), "Officer Diaz")
    press(qtbot, Qt.Key.Key_Tab)
    qtbot.keyClicks(focused(), LINE_2)
    press(qtbot, Qt.Key.Key_Return)
    wait_idle(qtbot, win)
    lines = [(a.start_s, a.end_s, a.speaker, a.text) for a in case.annotations.list(items["dispatch-call.wav"].id)]
    assert lines == [(0.5, 1.8, "Dispatcher", LINE_1), (1.8, 3.2, "Officer Diaz", LINE_2)]
    assert viewer.segment_model.rowCount() == 2

    # --- one region on the scan, dragged with the mouse ----------------------------------------------
    page = open_item(qtbot, win, "cad-printout.png")
    qtbot.waitUntil(lambda: page.page_loaded)
    drag(qtbot, page.view, (200, 150), (500, 300))
    assert focused() is page.region_editor.note
    qtbot.keyClicks(focused(), REGION_NOTE)
    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, win)
    [region] = case.annotations.list(items["cad-printout.png"].id)
    assert region.kind == "region" and region.text == REGION_NOTE
    assert (round(region.x * 800), round(region.y * 600)) == pytest.approx((200, 150), abs=3)

    # --- two statements, by dialog (Ctrl+Shift+S) ---------------------------------------------------
    def add_statement(speaker: str, affiliation: str, medium: str, when: str, text: str, item_id: int) -> int:
        key(qtbot, win, win.items_view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier
            | Qt.KeyboardModifier.ShiftModifier)
        dialog = win.analysis.dialog
        assert dialog.windowTitle() == "New statement" and dialog.isVisible()
        qtbot.keyClicks(dialog.speaker, speaker)
        qtbot.keyClicks(dialog.affiliation, affiliation)
        dialog.medium.setCurrentText(medium)
        qtbot.keyClicks(dialog.when, when)
        qtbot.keyClicks(dialog.text, text)
        dialog.item.setCurrentIndex(dialog.item.findData(item_id))
        dialog.events.item(0).setCheckState(Qt.CheckState.Checked)
        press_ok(qtbot, win, dialog)
        return case.statements.list()[-1].id

    win.reveal_items()
    for_id = add_statement("Dispatcher", "OEMC", "radio", "about 3 pm on 4 October 2025",
                           "Chief of patrol says all units stand down.", items["dispatch-call.wav"].id)
    against_id = add_statement("Officer Diaz", "CPD 9th district", "interview", "2025-10-06 10:00",
                               "Nobody told us who gave the order.", items["cad-printout.png"].id)
    assert [s.speaker for s in case.statements.list()] == ["Dispatcher", "Officer Diaz"]

    # --- a claim (Ctrl+Shift+M); one statement for it, one against (Ctrl+K), the scan dragged on ------
    key(qtbot, win, win, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = win.analysis.dialog
    qtbot.keyClicks(dialog.text, CLAIM)
    press_ok(qtbot, win, dialog)
    [claim] = case.claims.list()

    for statement_id, stance, note in ((for_id, "supports", "the dispatcher names the chief"),
                                       (against_id, "contradicts", "the officer heard no name")):
        win.reveal_tab(win.statements_panel)
        win.statements_panel.select_statement(statement_id)
        key(qtbot, win, win.statements_panel.table, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
        dialog = win.analysis.dialog
        assert dialog.claim_id() == claim.id
        dialog.stance_buttons[stance].setChecked(True)
        qtbot.keyClicks(dialog.note, note)
        press_ok(qtbot, win, dialog)

    win.reveal_items()
    win.show_all_items()
    mime = win.items_view.model().mimeData([win.items_model.index(win.items_model.row_of(
        items["cad-printout.png"].id), 0)])
    win.reveal_tab(win.claims_panel)
    panel = win.claims_panel
    assert drag_rows_onto(qtbot, panel.claim_list, panel.claim_list.visualItemRect(
        panel.claim_list.topLevelItem(0)).center(), mime)
    dialog = win.analysis.dialog
    dialog.stance_buttons["contradicts"].setChecked(True)
    qtbot.keyClicks(dialog.note, "the printout says no unit would respond")
    press_ok(qtbot, win, dialog)
    assert case.claims.get(claim.id).contested
    assert panel.claim_list.topLevelItem(0).text(0) == "CONTESTED"

    # --- grades, through Grade… (Ctrl+G on what the tab has selected) ------------------------------------
    for statement_id, credibility, why in ((for_id, "2", "the recording has it word for word"),
                                           (against_id, "4", "said two days later, from memory")):
        win.reveal_tab(win.statements_panel)
        win.statements_panel.select_statement(statement_id)
        win.actions["grade"].trigger()
        assert win.grade_dialog.target.kind == "statement" and win.grade_dialog.target.id == statement_id
        choose_grade(qtbot, win.grade_dialog, None, credibility, why)
        wait_idle(qtbot, win)
    win.reveal_tab(panel)
    panel.select_claim(claim.id)
    win.actions["grade"].trigger()
    assert win.grade_dialog.target.kind == "claim"
    choose_grade(qtbot, win.grade_dialog, None, "3", "one voice for it, one against")
    wait_idle(qtbot, win)
    win.reveal_items()
    win.select_item_row(win.items_model.row_of(items["dispatch-call.wav"].id))
    win.actions["grade"].trigger()
    choose_grade(qtbot, win.grade_dialog, "B", "2", "the dispatch recorder's own file")
    wait_idle(qtbot, win)
    assert [s.credibility for s in case.statements.list()] == ["2", "4"]
    assert case.claims.get(claim.id).credibility == "3"

    # --- File > Export Report…, as PDF and as HTML ---------------------------------------------------
    texts: dict[str, str] = {}
    for suffix in ("pdf", "html"):
        out = tmp_path / f"plaza report.{suffix}"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, o=out, **k: (str(o), "")))
        win.last_export = None
        win.actions["export_report"].trigger()
        export = win.export_dialog
        qtbot.mouseClick(export.browse_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(export.ok_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: win.last_export is not None, timeout=60_000)
        wait_idle(qtbot, win)
        assert out.exists()
        if suffix == "pdf":
            texts[suffix] = squash(subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True,
                                                  text=True, check=True).stdout)
        else:
            parser = _Text()
            parser.feed(out.read_text("utf-8"))
            texts[suffix] = " ".join(squash(s) for s in parser.sections)

    for suffix, text in texts.items():
        claims = text[text.index("5. Claims and contradictions"):text.index("6. Requests")]
        assert f"Claim {claim.id}: {CLAIM} [CONTESTED]" in claims, suffix
        assert "credibility 3" in claims and "Supporting (1)" in claims and "Contradicting (2)" in claims, suffix
        # the supporting side names the dispatcher's statement; the contradicting side the officer's and the scan
        sides = claims[claims.index("Supporting (1)"):]
        assert "Contradicting (2)" in sides, suffix
        for words in ("Dispatcher", "Officer Diaz", "cad-printout.png", "the dispatcher names the chief",
                      "the officer heard no name", "the printout says no unit would respond"):
            assert words in claims, (suffix, words)
        statements = text[text.index("4. Statements"):text.index("5. Claims and contradictions")]
        for speaker, grade in (("Dispatcher", "-2 — 2: probably true"), ("Officer Diaz", "-4 — 4: doubtful")):
            part = statements[statements.index(f"— {speaker}"):]
            assert f"Grade {grade}" in part[:600], (suffix, speaker, part[:600])
        assert "the recording has it word for word" in statements and "said two days later" in statements
        for words in (LINE_1, LINE_2, REGION_NOTE, "audio 00:00.500–00:01.800", "audio 00:01.800–00:03.200"):
            assert words in text, (suffix, words)
        assert "region x=" in text, suffix

    # --- custody: an entry for every step; the chain verifies -----------------------------------------
    actions = [e.action for e in case.history.entries()]
    for action, count in (("case_created", 1), ("event_added", 1), ("acquired", 2), ("annotated", 3),
                          ("statement_added", 2), ("claim_added", 1), ("claim_linked", 3), ("graded", 4),
                          ("exported", 2)):
        assert actions.count(action) >= count, (action, actions)
    assert verify(case_dir).ok
    win.close()
