"""Annotating evidence in the app, as a typist and an investigator do it: transcript
lines marked on a recording from the keyboard, regions dragged on a scan, a passage
quoted into a statement. Each write goes through the window's operations and is
checked in the case database and in the custody chain."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from PySide6.QtCore import QItemSelectionModel, QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from evidence_desk.core import subtitles
from evidence_desk.core.case import Case
from evidence_desk.core.replay import compare, replay
from evidence_desk.gui.main_window import MainWindow

from .conftest import wait_idle
from .test_viewers import make_wav

STATEMENT_TEXT = "Sergeant Kowalski said: clear everybody out of the plaza now.\nThen the radio went quiet.\n"


@pytest.fixture
def annot_dir(tmp_path: Path) -> Path:
    """A case with a recording, a scan and a written statement, nothing annotated."""
    path = tmp_path / "case"
    scan = tmp_path / "memo.png"
    image = Image.new("L", (800, 600), 235)
    ImageDraw.Draw(image).rectangle((200, 150, 500, 300), outline=0, width=4)
    image.save(scan)
    text = tmp_path / "statement.txt"
    text.write_text(STATEMENT_TEXT, "utf-8")
    with Case.create(path, "Annotation inquiry", "Test Examiner", tz="America/Chicago") as case:
        for file in (make_wav(tmp_path / "call.wav"), scan, text):
            case.items.import_file(file)
    return path


@pytest.fixture
def win(qtbot, annot_dir: Path):
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.open_case(annot_dir)
    window.resize(1500, 950)
    window.show()
    qtbot.waitExposed(window)
    activate(qtbot, window)
    yield window
    if window.case is not None:
        wait_idle(qtbot, window)
        window.close()


def activate(qtbot, window: MainWindow) -> None:
    """Offscreen, the window can lose its active state (a media backend, a closed dialog);
    shortcuts and the keyboard focus need it active, as it is on a desktop."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def rows(case_dir: Path, sql: str) -> list[tuple]:
    with closing(sqlite3.connect(case_dir / "case.sqlite")) as conn:
        return conn.execute(sql).fetchall()


def chain_agrees(case_dir: Path) -> None:
    """Every annotation row is what the custody chain's entries say it is."""
    with Case.open(case_dir, read_only=True) as case:
        state = replay(case.history.entries()).state
        assert compare(state, {"annotation": case.table_rows("annotation")}, tables=["annotation"]) == []


def open_item(qtbot, win: MainWindow, name: str):
    """Select the item in the list and open its preview with Ctrl+P, as from the keyboard."""
    model = win.items_model
    row = next(r for r in range(model.rowCount()) if model.item_at(r).name == name)
    # the one row chosen (a Ctrl just pressed for Ctrl+P must not make it a multi-selection)
    flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    win.items_view.selectionModel().setCurrentIndex(model.index(row, 0), flags)
    assert win.inspector.item is not None and win.inspector.item.name == name
    win.items_view.setFocus()
    qtbot.keyClick(win.items_view, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    viewer = win.inspector.preview.viewer
    assert viewer is not None and viewer.item.name == name
    if hasattr(viewer, "play_button"):
        qtbot.waitUntil(lambda: viewer.play_button.isEnabled())
    qtbot.wait(50)
    activate(qtbot, win)
    return viewer


def focused():
    return QApplication.focusWidget()


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key pressed wherever the keyboard focus is, as a typist presses it."""
    qtbot.keyClick(focused(), key, modifier)


def seek_to(qtbot, viewer, ms: int) -> None:
    # Offscreen playback may not advance on its own: the playhead is put where the typist stopped it.
    viewer.seek(ms)
    qtbot.waitUntil(lambda: abs(viewer.playhead_ms() - ms) < 5)


def mark_line(qtbot, viewer, start: int, end: int, speaker: str | None, text: str) -> None:
    seek_to(qtbot, viewer, start)
    press(qtbot, Qt.Key.Key_F6)
    seek_to(qtbot, viewer, end)
    press(qtbot, Qt.Key.Key_F7)
    assert focused() is viewer.marker.speaker
    if speaker is not None:
        qtbot.keyClicks(focused(), speaker)
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is viewer.marker.text
    qtbot.keyClicks(focused(), text)
    press(qtbot, Qt.Key.Key_Return)


def accept_next_message_box(qtbot, button_text: str) -> None:
    def click() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        button = next(b for b in box.buttons() if b.text() == button_text)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    QTimer.singleShot(0, click)


def test_transcript_lines_marked_corrected_and_removed_from_the_keyboard(qtbot, win: MainWindow,
                                                                        annot_dir: Path) -> None:
    viewer = open_item(qtbot, win, "call.wav")
    assert viewer.marker.isVisible() and viewer.segment_model.rowCount() == 0
    assert win.inspector.preview.isAncestorOf(focused())

    # F5 plays and pauses, even from the typing fields
    press(qtbot, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: viewer.player.playbackState() == viewer.player.PlaybackState.PlayingState)
    press(qtbot, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: viewer.player.playbackState() == viewer.player.PlaybackState.PausedState)

    mark_line(qtbot, viewer, 200, 1000, "Dispatcher", "Units on Michigan, stand down.")
    wait_idle(qtbot, win)
    assert rows(annot_dir, "SELECT start_s, end_s, speaker, text FROM annotation WHERE kind = 'audio_segment'") == [
        (0.2, 1.0, "Dispatcher", "Units on Michigan, stand down.")]
    table = viewer.segment_model
    assert [table.index(0, c).data() for c in range(5)][1:] == ["0:00.20", "0:01.00", "Dispatcher",
                                                                "Units on Michigan, stand down."]
    assert viewer.marker.mark_in_ms == 1000  # the next line starts where this one ended
    assert focused() is viewer.marker.text

    # the second line: start taken over from the last end; F7 at the playhead, a new speaker
    seek_to(qtbot, viewer, 2500)
    press(qtbot, Qt.Key.Key_F7)
    qtbot.keyClicks(focused(), "Officer Diaz")  # the old speaker was selected: typing replaces it
    press(qtbot, Qt.Key.Key_Tab)
    qtbot.keyClicks(focused(), "Copy, clearing out.")
    press(qtbot, Qt.Key.Key_Return)
    wait_idle(qtbot, win)
    assert rows(annot_dir, "SELECT start_s, end_s, speaker FROM annotation ORDER BY start_s") == [
        (0.2, 1.0, "Dispatcher"), (1.0, 2.5, "Officer Diaz")]
    assert table.rowCount() == 2 and viewer.waveform.segments == [(200, 1000), (1000, 2500)]
    entries = rows(annot_dir, "SELECT purpose FROM custody WHERE action = 'annotated' ORDER BY seq")
    assert entries == [("transcribed segment",), ("transcribed segment",)]

    # the current line follows the playhead; clicking a line seeks there
    seek_to(qtbot, viewer, 1500)
    assert table.current == 1
    rect = viewer.segment_table.visualRect(table.index(0, 4))
    qtbot.mouseClick(viewer.segment_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: 200 <= viewer.player.position() < 1000)
    assert table.current == 0
    viewer.player.pause()

    # correct line 1 from the keyboard: F8 takes it back, new end at the playhead, new text, Enter
    viewer.segment_table.setFocus()
    viewer.segment_table.setCurrentIndex(table.index(0, 0))
    press(qtbot, Qt.Key.Key_F8)
    assert focused() is viewer.marker.text and viewer.marker.text.text() == "Units on Michigan, stand down."
    seek_to(qtbot, viewer, 900)
    press(qtbot, Qt.Key.Key_F7)
    press(qtbot, Qt.Key.Key_Tab)
    focused().selectAll()
    qtbot.keyClicks(focused(), "Units on Michigan Avenue, stand down.")
    press(qtbot, Qt.Key.Key_Return)
    wait_idle(qtbot, win)
    assert rows(annot_dir, "SELECT end_s, text FROM annotation ORDER BY start_s")[0] == (
        0.9, "Units on Michigan Avenue, stand down.")
    assert table.index(0, 4).data() == "Units on Michigan Avenue, stand down."
    assert rows(annot_dir, "SELECT count(*) FROM annotation") == [(2,)]  # corrected, not added

    # remove line 2 with the Delete key; the custody entry keeps what it said
    viewer.segment_table.setFocus()
    viewer.segment_table.setCurrentIndex(table.index(1, 0))
    accept_next_message_box(qtbot, "Remove")
    press(qtbot, Qt.Key.Key_Delete)
    wait_idle(qtbot, win)
    assert rows(annot_dir, "SELECT speaker FROM annotation") == [("Dispatcher",)]
    assert table.rowCount() == 1
    last = rows(annot_dir, "SELECT purpose, details FROM custody WHERE action = 'annotated' ORDER BY seq")
    assert [p for p, _ in last] == ["transcribed segment", "transcribed segment", "corrected segment",
                                    "removed segment"]
    removed, corrected = json.loads(last[-1][1]), json.loads(last[-2][1])
    assert removed["change"] == "deleted" and removed["old"]["text"] == "Copy, clearing out."
    assert removed["old"]["speaker"] == "Officer Diaz" and removed["old"]["start_s"] == 1.0
    assert corrected["old"] == {"end_s": 1.0, "text": "Units on Michigan, stand down."}
    chain_agrees(annot_dir)


def test_incomplete_lines_are_refused_plainly(qtbot, win: MainWindow, annot_dir: Path) -> None:
    viewer = open_item(qtbot, win, "call.wav")
    qtbot.waitUntil(lambda: viewer.play_button.isEnabled())
    viewer.marker.text.setFocus()
    press(qtbot, Qt.Key.Key_Return)
    assert viewer.marker.status.text() == "Mark where the line starts first (F6)"
    seek_to(qtbot, viewer, 2000)
    press(qtbot, Qt.Key.Key_F6)
    seek_to(qtbot, viewer, 1000)
    press(qtbot, Qt.Key.Key_F7)
    press(qtbot, Qt.Key.Key_Tab)
    qtbot.keyClicks(focused(), "backwards")
    press(qtbot, Qt.Key.Key_Return)
    assert "is before the start" in viewer.marker.status.text()
    wait_idle(qtbot, win)
    assert rows(annot_dir, "SELECT count(*) FROM annotation") == [(0,)]


def test_webvtt_and_srt_in_and_out_from_the_viewer(qtbot, win: MainWindow, annot_dir: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QFileDialog

    viewer = open_item(qtbot, win, "call.wav")
    source = tmp_path / "from-elsewhere.vtt"
    source.write_text("WEBVTT\n\n00:00.200 --> 00:01.000\n<v Chief>Clear everybody out.\n\n"
                      "00:01.500 --> 00:02.500\n<v Officer>Copy.\n", "utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(source), ""))
    qtbot.mouseClick(viewer.marker.import_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, win)
    assert viewer.segment_model.rowCount() == 2 and viewer.marker.status.text() == (
        "2 lines imported from from-elsewhere.vtt")
    assert rows(annot_dir, "SELECT speaker, start_s, end_s FROM annotation ORDER BY start_s") == [
        ("Chief", 0.2, 1.0), ("Officer", 1.5, 2.5)]

    out = tmp_path / "back.srt"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "SubRip (*.srt)"))
    qtbot.mouseClick(viewer.marker.export_button, Qt.MouseButton.LeftButton)
    assert out.read_text("utf-8").startswith("1\n00:00:00,200 --> 00:00:01,000\nChief: Clear everybody out.\n")

    broken = tmp_path / "broken.srt"
    broken.write_text("1\n00:00:00,000 --> 00:00:01,000\nfine\n\nsecond\n00:00:01,000 --> 00:00:02,000\nx\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(broken), ""))
    qtbot.mouseClick(viewer.marker.import_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, win)
    assert viewer.marker.status.text() == ("Nothing imported: broken.srt: line 5: expected a cue number, "
                                           "found 'second'")
    assert rows(annot_dir, "SELECT count(*) FROM annotation") == [(2,)]
    assert subtitles.read_file(out)[1] == subtitles.Segment(1500, 2500, "Copy.", "Officer")
    chain_agrees(annot_dir)


# --- regions on a scan --------------------------------------------------------------

def drag(qtbot, view, start: tuple[float, float], end: tuple[float, float]) -> None:
    """Press at image pixel ``start``, move, release at ``end``: through the view as it is zoomed now."""
    a, b = view.mapFromScene(*start), view.mapFromScene(*end)
    viewport = view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(viewport, QPoint((a.x() + b.x()) // 2, (a.y() + b.y()) // 2))
    qtbot.mouseMove(viewport, b)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=b)


def pixel_rows(case_dir: Path) -> list[tuple]:
    return [(round(x * 800), round(y * 600), round(w * 800), round(h * 600), text) for x, y, w, h, text in
            rows(case_dir, "SELECT x, y, w, h, text FROM annotation WHERE kind = 'region' ORDER BY id")]


def test_regions_dragged_on_a_scan_in_image_pixels_at_any_zoom(qtbot, win: MainWindow, annot_dir: Path) -> None:
    viewer = open_item(qtbot, win, "memo.png")
    qtbot.waitUntil(lambda: viewer.page_loaded)
    view = viewer.view
    assert viewer.draw_button.isChecked() and view.zoom < 1  # fitted: the page is shown smaller than it is

    drag(qtbot, view, (200, 150), (500, 300))
    assert viewer.region_editor.box_label.text().startswith("Box: x ")
    assert viewer.pending_box is not None  # drawn on the page until saved
    assert focused() is viewer.region_editor.note
    qtbot.keyClicks(focused(), "the boxed paragraph: <b>CAD remark</b>")
    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, win)
    # fitted, one screen pixel covers more than one of the image's: the mouse is that exact, no more
    blur = 1 / view.zoom + 1
    [(x, y, w, h, text)] = pixel_rows(annot_dir)
    assert (x, y, w, h) == pytest.approx((200, 150, 300, 150), abs=blur)
    assert text == "the boxed paragraph: <b>CAD remark</b>"
    assert viewer.region_list.count() == 1 and viewer.regions[0].rect().width() == pytest.approx(w, abs=0.01)
    assert viewer.region_list.item(0).text() == "R1 · page 1\nthe boxed paragraph: <b>CAD remark</b>"

    # zoomed in 250 %, scrolled: the same drag lands on the same image pixels
    view.set_zoom(2.5)
    view.centerOn(650, 450)
    drag(qtbot, view, (600, 400), (700, 500))
    qtbot.keyClicks(viewer.region_editor.note, "signature")
    qtbot.mouseClick(viewer.region_editor.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, win)
    assert pixel_rows(annot_dir)[1] == (600, 400, 100, 100, "signature")
    assert [e[0] for e in rows(annot_dir, "SELECT purpose FROM custody WHERE action = 'annotated'")] == [
        "marked region", "marked region"]

    # choosing a region in the list highlights it on the page
    viewer.region_list.setCurrentRow(0)
    first, second = viewer.regions
    assert first.pen().width() == 3 and second.pen().width() == 2
    # correct its note, then remove the other
    qtbot.mouseClick(viewer.region_editor.edit_button, Qt.MouseButton.LeftButton)
    assert viewer.region_editor.note.toPlainText() == "the boxed paragraph: <b>CAD remark</b>"
    viewer.region_editor.note.selectAll()
    qtbot.keyClicks(viewer.region_editor.note, "CAD remark: NO UNITS WILL RESPOND")
    qtbot.mouseClick(viewer.region_editor.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, win)
    assert pixel_rows(annot_dir)[0][4] == "CAD remark: NO UNITS WILL RESPOND"
    viewer.region_list.setCurrentRow(1)
    viewer.region_list.setFocus()
    accept_next_message_box(qtbot, "Remove")
    qtbot.keyClick(viewer.region_list, Qt.Key.Key_Delete)
    wait_idle(qtbot, win)
    assert len(pixel_rows(annot_dir)) == 1 and viewer.region_list.count() == 1
    details = [json.loads(d) for (d,) in rows(annot_dir, "SELECT details FROM custody WHERE action = 'annotated' "
                                                         "ORDER BY seq")]
    assert [d.get("change") for d in details] == [None, None, "edited", "deleted"]
    assert details[-1]["old"]["text"] == "signature"
    chain_agrees(annot_dir)


# --- passages of a text -------------------------------------------------------------

def test_a_selected_passage_quoted_into_a_statement_and_a_claim(qtbot, win: MainWindow, annot_dir: Path) -> None:
    viewer = open_item(qtbot, win, "statement.txt")
    words = "clear everybody out of the plaza now."
    assert not viewer.quote_statement_button.isEnabled()
    qtbot.keyClick(viewer.editor, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    assert viewer.editor.find(words)  # the words selected, as with the mouse
    assert viewer.quote_statement_button.isEnabled()
    qtbot.mouseClick(viewer.quote_statement_button, Qt.MouseButton.LeftButton)
    dialog = viewer.quote_dialog
    assert dialog is not None and dialog.isVisible() and dialog.quoted.toPlainText() == words
    assert not dialog.ok.isEnabled()  # a statement needs its speaker
    qtbot.keyClicks(dialog.speaker, "Sgt. Kowalski")
    dialog.medium.setCurrentText("interview")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, win)
    start = STATEMENT_TEXT.index(words)
    item_id = viewer.item.id
    assert rows(annot_dir, "SELECT speaker, medium, text, item_id FROM statement") == [
        ("Sgt. Kowalski", "interview", words, item_id)]
    assert rows(annot_dir, "SELECT text_start, text_end, text FROM annotation WHERE kind = 'passage'") == [
        (start, start + len(words), "quoted into statement 1")]
    assert viewer.highlighted_passages() == [words]
    assert viewer.quote_status.text() == "Quoted into statement 1; see the Statements panel (Ctrl+5)"

    second = "Then the radio went quiet."
    qtbot.keyClick(viewer.editor, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    assert viewer.editor.find(second)
    qtbot.mouseClick(viewer.quote_claim_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(viewer.quote_dialog.ok, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, win)
    assert rows(annot_dir, "SELECT text FROM claim") == [(second,)]
    assert rows(annot_dir, "SELECT stance, item_id FROM claim_link") == [("mentions", item_id)]
    assert viewer.passage_list.count() == 2 and sorted(viewer.highlighted_passages()) == sorted([words, second])
    chain_agrees(annot_dir)


def test_passage_offsets_count_the_file_s_characters_not_the_display_s(qtbot, tmp_path: Path) -> None:
    """CR LF is one line end on screen, an emoji two UTF-16 units, a long line is broken for display:
    the passage's offsets still count the characters of the file as decoded."""
    from evidence_desk.gui.viewers import create_viewer
    from evidence_desk.gui.viewers.lazy_text import SEGMENT_CHARS

    text = "😀 first\r\nsecond 🚓 line\r\n" + "x" * (SEGMENT_CHARS + 50) + " the quoted words here\r\n"
    path = tmp_path / "odd.txt"
    path.write_bytes(text.encode("utf-8"))
    with Case.create(tmp_path / "case", "Offsets", "Test Examiner") as case:
        item = case.items.import_file(path)
        viewer = create_viewer(case, item.id, annotate=lambda _label, op, on_done: on_done(op(case).value))
        qtbot.addWidget(viewer)
        viewer.show()
        for words in ("🚓 line", "the quoted words"):
            viewer.editor.moveCursor(viewer.editor.textCursor().MoveOperation.Start)
            assert viewer.editor.find(words)
            start, end = viewer.selected_span()
            assert text[start:end] == words
        viewer.quote_selection("claim")
        viewer.quote_dialog.accept()
        [passage] = case.annotations.list(item.id)
        assert text[passage.text_start:passage.text_end] == "the quoted words"
        assert [c.text for c in case.claims.list()] == ["the quoted words"]
        assert viewer.highlighted_passages() == ["the quoted words"]


def test_closing_the_preview_while_a_line_is_saved_loses_nothing(qtbot, win: MainWindow, annot_dir: Path) -> None:
    viewer = open_item(qtbot, win, "call.wav")
    mark_line(qtbot, viewer, 200, 1000, "Dispatcher", "stand down")  # Enter pressed: the write is under way
    open_item(qtbot, win, "memo.png")  # the recording's viewer is closed at once
    wait_idle(qtbot, win)
    assert rows(annot_dir, "SELECT speaker, text FROM annotation") == [("Dispatcher", "stand down")]
    viewer = open_item(qtbot, win, "call.wav")
    assert viewer.segment_model.rowCount() == 1


def test_video_lines_are_marked_the_same_way(qtbot, tmp_path: Path) -> None:
    from evidence_desk.gui.viewers import VideoViewer, create_viewer

    from .test_viewers import make_avi

    with Case.create(tmp_path / "case", "Video", "Test Examiner") as case:
        item = case.items.import_file(make_avi(tmp_path / "bodycam.avi"))
        viewer = create_viewer(case, item.id, annotate=lambda _label, op, on_done: on_done(op(case).value))
        assert isinstance(viewer, VideoViewer)
        qtbot.addWidget(viewer)
        viewer.show()
        qtbot.waitUntil(lambda: viewer.play_button.isEnabled())
        viewer.seek(400)
        qtbot.waitUntil(lambda: viewer.playhead_ms() == 400)
        viewer.marker.mark_in()
        viewer.seek(1200)
        qtbot.waitUntil(lambda: viewer.playhead_ms() == 1200)
        viewer.marker.mark_out()
        qtbot.keyClicks(viewer.marker.speaker, "Officer")
        qtbot.keyClicks(viewer.marker.text, "Step back")
        qtbot.keyClick(viewer.marker.text, Qt.Key.Key_Return)
        [line] = case.annotations.list(item.id)
        assert (line.start_s, line.end_s, line.speaker, line.text) == (0.4, 1.2, "Officer", "Step back")
        assert viewer.segment_model.index(0, 4).data() == "Step back"
        viewer.close()


def test_a_read_only_case_shows_annotations_but_offers_no_marking(qtbot, annot_dir: Path) -> None:
    with Case.open(annot_dir) as case:
        wav = next(i for i in case.items.list() if i.name == "call.wav")
        case.annotations.add(wav.id, "audio_segment", "stand down", start_s=0.2, end_s=1.0, speaker="Dispatcher")
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.open_case(annot_dir, read_only=True)
    window.show()
    qtbot.waitExposed(window)
    activate(qtbot, window)
    viewer = open_item(qtbot, window, "call.wav")
    marker = viewer.marker
    assert viewer.segment_model.rowCount() == 1
    assert not any(w.isVisible() for w in (marker.in_button, marker.out_button, marker.text, marker.save_button,
                                           marker.delete_button, marker.import_button))
    assert marker.export_button.isVisible()  # reading the lines out writes nothing to the case
    before = rows(annot_dir, "SELECT count(*) FROM custody")
    press(qtbot, Qt.Key.Key_F6)
    assert marker.mark_in_ms is None
    scan = open_item(qtbot, window, "memo.png")
    assert not scan.draw_button.isVisible() and not scan.region_editor.isVisible()
    text = open_item(qtbot, window, "statement.txt")
    assert not text.quote_statement_button.isVisible()
    wait_idle(qtbot, window)
    assert rows(annot_dir, "SELECT count(*) FROM custody") == before
    window.close()


# --- Ctrl+Z on annotation edits -------------------------------------------------------

def ctrl_z(qtbot, win: MainWindow, widget, redo: bool = False) -> None:
    activate(qtbot, win)
    widget.setFocus()
    modifiers = Qt.KeyboardModifier.ControlModifier | (Qt.KeyboardModifier.ShiftModifier if redo else
                                                       Qt.KeyboardModifier.NoModifier)
    qtbot.keyClick(widget, Qt.Key.Key_Z, modifiers)
    wait_idle(qtbot, win)


def test_a_corrected_or_removed_line_and_region_come_back_with_ctrl_z(qtbot, win: MainWindow,
                                                                       annot_dir: Path) -> None:
    viewer = open_item(qtbot, win, "call.wav")
    mark_line(qtbot, viewer, 200, 1000, "Dispatcher", "stand down")
    wait_idle(qtbot, win)
    table = viewer.segment_table
    # correct it (F8, new text, Enter), then Ctrl+Z: the old words come back, as one more logged edit
    table.setFocus()
    table.setCurrentIndex(viewer.segment_model.index(0, 0))
    press(qtbot, Qt.Key.Key_F8)
    focused().selectAll()
    qtbot.keyClicks(focused(), "stand down now")
    press(qtbot, Qt.Key.Key_Return)
    wait_idle(qtbot, win)
    assert rows(annot_dir, "SELECT text FROM annotation") == [("stand down now",)]
    assert win.actions["undo"].text() == "&Undo correct a transcript line"
    ctrl_z(qtbot, win, table)
    assert rows(annot_dir, "SELECT text FROM annotation") == [("stand down",)]
    assert viewer.segment_model.index(0, 4).data() == "stand down"
    # remove it with Delete, then Ctrl+Z: the line is made again, with what it held; Ctrl+Shift+Z removes it again
    table.setCurrentIndex(viewer.segment_model.index(0, 0))
    table.setFocus()
    accept_next_message_box(qtbot, "Remove")
    press(qtbot, Qt.Key.Key_Delete)
    wait_idle(qtbot, win)
    assert rows(annot_dir, "SELECT count(*) FROM annotation") == [(0,)]
    ctrl_z(qtbot, win, table)
    assert rows(annot_dir, "SELECT start_s, end_s, speaker, text FROM annotation") == [
        (0.2, 1.0, "Dispatcher", "stand down")]
    assert viewer.segment_model.rowCount() == 1
    win.undo_stack.redo()
    wait_idle(qtbot, win)
    assert rows(annot_dir, "SELECT count(*) FROM annotation") == [(0,)] and viewer.segment_model.rowCount() == 0
    purposes = [p for (p,) in rows(annot_dir, "SELECT purpose FROM custody WHERE action = 'annotated' ORDER BY seq")]
    assert purposes == ["transcribed segment", "corrected segment", "undo", "removed segment", "undo",
                        "redo: removed segment"]

    scan = open_item(qtbot, win, "memo.png")
    qtbot.waitUntil(lambda: scan.page_loaded)
    drag(qtbot, scan.view, (200, 150), (500, 300))
    qtbot.keyClicks(scan.region_editor.note, "CAD remark")
    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, win)
    before = pixel_rows(annot_dir)
    scan.region_list.setCurrentRow(0)
    qtbot.mouseClick(scan.region_editor.edit_button, Qt.MouseButton.LeftButton)
    scan.region_editor.note.selectAll()
    qtbot.keyClicks(scan.region_editor.note, "CAD remark: NO UNITS")
    qtbot.mouseClick(scan.region_editor.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, win)
    assert pixel_rows(annot_dir)[0][4] == "CAD remark: NO UNITS"
    ctrl_z(qtbot, win, scan.region_list)
    assert pixel_rows(annot_dir) == before and scan.region_list.item(0).text().endswith("CAD remark")
    scan.region_list.setCurrentRow(0)
    scan.region_list.setFocus()
    accept_next_message_box(qtbot, "Remove")
    qtbot.keyClick(scan.region_list, Qt.Key.Key_Delete)
    wait_idle(qtbot, win)
    assert pixel_rows(annot_dir) == []
    ctrl_z(qtbot, win, scan.region_list)
    assert pixel_rows(annot_dir) == before and scan.region_list.count() == 1
    chain_agrees(annot_dir)
