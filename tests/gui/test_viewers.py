"""The evidence viewers, driven as a user drives them: real cases, real media
files, real widgets (offscreen). What is asserted is what a person sees or
hears: rows, text, positions, rectangles, messages."""

from __future__ import annotations

import hashlib
import io
import math
import os
import stat
import struct
import wave
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from evidence_desk.core.case import Case
from evidence_desk.core.demo import build_demo
from evidence_desk.core.resources import resource
from evidence_desk.gui.viewers import AudioViewer, FallbackViewer, ScanViewer, TextViewer, VideoViewer, create_viewer
from evidence_desk.gui.viewers.fallback import hex_dump
from evidence_desk.gui.viewers.text import decode_evidence_text, document_position

HOSTILE = "Statement: <b>html</b><script>alert('x')</script> &amp; <img src=x onerror=1>\n"


# --- real files made here ------------------------------------------------------

def make_wav(path: Path, seconds: float = 3.0, rate: int = 16000) -> Path:
    """Two tone bursts (0.2–1.0 s, 1.5–2.5 s) in silence: a tiny 'recording'."""
    frames = bytearray()
    for n in range(int(seconds * rate)):
        t = n / rate
        loud = 0.2 <= t < 1.0 or 1.5 <= t < 2.5
        frames += struct.pack("<h", int(12000 * math.sin(2 * math.pi * 440 * t)) if loud else 0)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(frames))
    return path


def make_png(path: Path, size: tuple[int, int] = (400, 200)) -> Path:
    image = Image.new("L", size, 235)
    ImageDraw.Draw(image).rectangle((100, 100, 300, 150), outline=0, width=3)
    image.save(path)
    return path


def make_avi(path: Path, frames: int = 10, fps: int = 5, size: tuple[int, int] = (160, 120)) -> Path:
    """A real Motion-JPEG AVI written by hand (no video encoder on the test machine)."""
    width, height = size
    jpegs = []
    for n in range(frames):
        image = Image.new("RGB", size, (20 * n % 255, 80, 160))
        ImageDraw.Draw(image).text((10, 10), f"frame {n}", fill="white")
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=80)
        jpegs.append(buffer.getvalue())

    def chunk(fourcc: bytes, data: bytes) -> bytes:
        return fourcc + struct.pack("<I", len(data)) + data + (b"\0" if len(data) % 2 else b"")

    biggest = max(map(len, jpegs))
    avih = struct.pack("<IIIIIIIIII4I", 1_000_000 // fps, biggest * fps, 0, 0x10, frames, 0, 1, biggest,
                       width, height, 0, 0, 0, 0)
    strh = struct.pack("<4s4sIHHIIIIIIIIhhhh", b"vids", b"MJPG", 0, 0, 0, 0, 1, fps, 0, frames, biggest,
                       0xFFFFFFFF, 0, 0, 0, width, height)
    strf = struct.pack("<IiiHH4sIiiII", 40, width, height, 1, 24, b"MJPG", width * height * 3, 0, 0, 0, 0)
    hdrl = chunk(b"LIST", b"hdrl" + chunk(b"avih", avih) +
                 chunk(b"LIST", b"strl" + chunk(b"strh", strh) + chunk(b"strf", strf)))
    movi, index, offset = b"", b"", 4
    for jpeg in jpegs:
        frame = chunk(b"00dc", jpeg)
        index += b"00dc" + struct.pack("<III", 0x10, offset, len(jpeg))
        movi += frame
        offset += len(frame)
    body = b"AVI " + hdrl + chunk(b"LIST", b"movi" + movi) + chunk(b"idx1", index)
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    return path


MINIMAL_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
               b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


@pytest.fixture
def case(tmp_path: Path) -> Case:
    opened = Case.create(tmp_path / "case", "Viewer test case", "Test Examiner")
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Case:
    opened = build_demo(tmp_path_factory.mktemp("demo") / "case")
    yield opened
    opened.close()


def demo_item(demo: Case, name: str) -> int:
    return next(i.id for i in demo.items.list() if i.name == name)


def show(qtbot, viewer):
    qtbot.addWidget(viewer)
    viewer.resize(1100, 700)
    viewer.show()
    qtbot.waitExposed(viewer)
    return viewer


def click_row(qtbot, table, row: int) -> None:
    rect = table.visualRect(table.model().index(row, 4))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


# --- audio ----------------------------------------------------------------------

def test_demo_audio_lists_its_lines_and_plays_from_the_one_clicked(qtbot, demo: Case) -> None:
    item_id = demo_item(demo, "dispatch-audio.flac")
    seen: list[int] = []
    viewer = show(qtbot, create_viewer(demo, item_id, on_viewed=seen.append))
    assert isinstance(viewer, AudioViewer)
    qtbot.waitUntil(lambda: viewer.player.duration() > 0)
    assert viewer.player.duration() == pytest.approx(31_865, abs=150)
    assert viewer.duration_label.text() == "0:31.87"

    model = viewer.segment_model
    assert model.rowCount() == 5
    assert model.index(2, 3).data() == "Male voice (off-mic)"
    assert "clear everybody out" in model.index(2, 4).data()
    assert [model.index(r, 1).data() for r in range(5)] == ["0:00.60", "0:06.78", "0:13.49", "0:19.00", "0:26.42"]

    click_row(qtbot, viewer.segment_table, 2)
    qtbot.waitUntil(lambda: 13_450 <= viewer.player.position() < 18_200)
    assert viewer.player.playbackState() == viewer.player.PlaybackState.PlayingState
    assert model.current == 2
    assert model.index(2, 0).data().startswith("▶")
    assert viewer.waveform.current == 2

    # The keyboard way: Enter on the last line.
    viewer.segment_table.setFocus()
    viewer.segment_table.setCurrentIndex(model.index(4, 0))
    qtbot.keyClick(viewer.segment_table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: 26_400 <= viewer.player.position() < 31_000)
    assert model.current == 4

    # The waveform decodes the whole file: nothing is missing.
    qtbot.waitUntil(lambda: len(viewer.waveform.peaks) > 3000)
    assert viewer.peak_reader.decoded_ms == pytest.approx(31_865, abs=100)
    assert viewer.problem == ""
    viewer.player.stop()
    assert seen == [item_id]


def test_wav_recording_seeks_by_waveform_click_and_pauses(qtbot, case: Case, tmp_path: Path) -> None:
    item = case.items.import_file(make_wav(tmp_path / "call.wav"))
    case.annotations.add(item.id, "audio_segment", "first burst", start_s=0.2, end_s=1.0, speaker="A <b>x</b>")
    case.annotations.add(item.id, "audio_segment", "second burst", start_s=1.5, end_s=2.5, speaker="B")
    viewer = show(qtbot, create_viewer(case, item.id))
    qtbot.waitUntil(lambda: viewer.player.duration() > 0)
    assert viewer.player.duration() == pytest.approx(3000, abs=50)
    assert viewer.segment_model.index(0, 3).data() == "A <b>x</b>"  # speaker shown as typed
    qtbot.waitUntil(lambda: len(viewer.waveform.peaks) >= 290)
    peaks = viewer.waveform.peaks
    assert max(peaks[25:95]) > 0.3 and max(peaks[105:145]) < 0.01  # tone, then silence

    wave_view = viewer.waveform
    qtbot.mouseClick(wave_view, Qt.MouseButton.LeftButton, pos=QPoint(int(wave_view.width() * 0.6), 10))
    qtbot.waitUntil(lambda: 1_750 <= viewer.player.position() < 2_600)
    assert viewer.segment_model.current == 1
    qtbot.mouseClick(viewer.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: viewer.player.playbackState() == viewer.player.PlaybackState.PausedState)
    assert viewer.status.text() == "Paused"


def test_truncated_flac_says_it_is_damaged(qtbot, case: Case, tmp_path: Path) -> None:
    data = resource("demo", "dispatch-audio.flac").read_bytes()
    half = tmp_path / "half.flac"
    half.write_bytes(data[:len(data) // 2])
    item = case.items.import_file(half)
    viewer = show(qtbot, create_viewer(case, item.id))
    qtbot.waitUntil(lambda: "damaged" in viewer.problem or "truncated" in viewer.problem)
    assert "of 0:31.87" in viewer.problem or "declared 0:31.87" in viewer.problem


def test_unplayable_audio_shows_a_message_not_a_blank(qtbot, case: Case, tmp_path: Path) -> None:
    stub = tmp_path / "stub.flac"
    stub.write_bytes(resource("demo", "dispatch-audio.flac").read_bytes()[:100])
    item = case.items.import_file(stub)
    viewer = show(qtbot, create_viewer(case, item.id))
    qtbot.waitUntil(lambda: "cannot be played" in viewer.problem)
    assert viewer.banner.isVisible()
    assert not viewer.play_button.isEnabled()


def test_video_loads_and_plays_from_a_segment(qtbot, case: Case, tmp_path: Path) -> None:
    item = case.items.import_file(make_avi(tmp_path / "bodycam.avi"))
    case.annotations.add(item.id, "audio_segment", "officer speaks", start_s=1.2, end_s=1.8, speaker="Officer")
    viewer = show(qtbot, create_viewer(case, item.id))
    assert isinstance(viewer, VideoViewer)
    qtbot.waitUntil(lambda: viewer.player.duration() > 0)
    assert viewer.player.duration() == pytest.approx(2000, abs=50)
    click_row(qtbot, viewer.segment_table, 0)
    qtbot.waitUntil(lambda: viewer.player.position() >= 1_150)
    assert viewer.problem == ""



def flip_avi_stream_length(path: Path) -> Path:
    """The stream header of ``path`` made to say 2**31 - 1 frames at one a second: 68 years."""
    data = bytearray(path.read_bytes())
    scale = data.index(b"strh") + 8 + 20  # fccType, fccHandler, flags, priority, language, initial frames
    struct.pack_into("<III", data, scale, 1, 1, 0)  # scale, rate, start
    struct.pack_into("<I", data, scale + 12, 0x7FFF_FFFF)  # length
    path.write_bytes(bytes(data))
    return path


def test_an_absurd_video_duration_is_said_unreadable_not_a_crash(qtbot, case: Case, tmp_path: Path) -> None:
    item = case.items.import_file(flip_avi_stream_length(make_avi(tmp_path / "flipped.avi")))
    viewer = show(qtbot, create_viewer(case, item.id))
    assert isinstance(viewer, VideoViewer)
    qtbot.waitUntil(lambda: viewer.player.duration() > 2**31)  # what the header claims, in ms
    assert viewer.duration_label.text() == "duration unreadable"
    assert viewer.duration_ms is None
    assert viewer.slider.maximum() == 2**31 - 1
    assert "cannot be right" in viewer.problem


def test_milliseconds_past_32_bits_cross_signals_intact(qtbot, case: Case, tmp_path: Path) -> None:
    item = case.items.import_file(make_wav(tmp_path / "call.wav"))
    viewer = show(qtbot, create_viewer(case, item.id))
    asked: list[int] = []
    viewer.waveform.seekRequested.connect(asked.append)
    viewer.waveform.seekRequested.emit(3_000_000_000)
    finished: list[int] = []
    viewer.peak_reader.finished.connect(lambda _peaks, ms: finished.append(ms))
    viewer.peak_reader.finished.emit([], 5_000_000_000)
    assert asked == [3_000_000_000] and finished == [5_000_000_000]
    viewer._duration_changed(2**40)  # what the player says of a damaged file
    assert viewer.duration_label.text() == "duration unreadable"
    viewer._position_changed(2**40)
    assert viewer.slider.value() == 2**31 - 1

# --- scans ----------------------------------------------------------------------

def test_demo_memo_scan_beside_its_transcription(qtbot, demo: Case) -> None:
    item_id = demo_item(demo, "dispatcher-memo.png")
    viewer = show(qtbot, create_viewer(demo, item_id))
    assert isinstance(viewer, ScanViewer)
    assert viewer.page_size == (1240, 1754)
    qtbot.waitUntil(lambda: viewer.page_loaded)
    assert viewer.page_item.pixmap().size().toTuple() == (1240, 1754)
    [region] = viewer.regions
    rect = region.rect()
    assert (rect.x(), rect.y()) == pytest.approx((0.077 * 1240, 0.259 * 1754))
    assert (rect.width(), rect.height()) == pytest.approx((0.815 * 1240, 0.108 * 1754))
    [transcription] = viewer.transcription_edits
    assert "CAD REMARKS:" in transcription.toPlainText()
    assert "04-Oc5-2025/12:34:44" in transcription.toPlainText()

    point = viewer.view.mapFromScene(rect.center())
    qtbot.mouseClick(viewer.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert viewer.region_list.currentRow() == 0
    [found] = transcription.extraSelections()
    assert found.cursor.selectedText().startswith("PLEASE CHIEF OF PATROL NO UNITS WILL RESPOND")
    assert region.pen().width() == 3  # highlighted


def test_scan_zooms_and_draws_regions_in_page_fractions(qtbot, case: Case, tmp_path: Path) -> None:
    item = case.items.import_file(make_png(tmp_path / "memo.png"))
    case.annotations.add(item.id, "region", "the boxed line", page=1, x=0.25, y=0.5, w=0.5, h=0.25)
    case.annotations.add(item.id, "region", "on page two", page=2, x=0.1, y=0.1, w=0.2, h=0.2)
    viewer = show(qtbot, create_viewer(case, item.id))
    qtbot.waitUntil(lambda: viewer.page_loaded)
    first, second = viewer.regions
    assert first.rect().getRect() == pytest.approx((100, 100, 200, 50))
    assert second is None and viewer.region_list.count() == 2  # listed, not drawn
    assert viewer.transcriptions.tabText(0) == "none"
    viewer.region_list.setCurrentRow(0)  # choosing the note marks its rectangle
    assert first.pen().width() == 3

    view = viewer.view
    qtbot.mouseClick(viewer.actual_button, Qt.MouseButton.LeftButton)
    assert view.zoom == pytest.approx(1.0)
    assert viewer.zoom_label.text() == "100 %"
    qtbot.mouseClick(viewer.zoom_in_button, Qt.MouseButton.LeftButton)
    assert view.zoom == pytest.approx(1.25)
    wheel = QWheelEvent(QPointF(50, 50), QPointF(view.mapToGlobal(QPoint(50, 50))), QPoint(0, 0), QPoint(0, 120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.ControlModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view.viewport(), wheel)
    assert view.zoom == pytest.approx(1.5625)
    qtbot.keyClick(view, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom == pytest.approx(1.0)
    qtbot.mouseClick(viewer.fit_button, Qt.MouseButton.LeftButton)
    shown = view.mapFromScene(view.sceneRect()).boundingRect()
    assert shown.width() <= view.viewport().width() + 2 and shown.height() <= view.viewport().height() + 2


@pytest.mark.parametrize("content", [b"\x89PNG\r\n\x1a\n" + b"garbage" * 50, b"\x00\x01\x02 unknown bytes"])
def test_garbage_image_shows_a_message(qtbot, case: Case, tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "scan.png"
    bad.write_bytes(content)
    item = case.items.import_file(bad, kind="scan")
    case.items.add_derived(item.id, b"what the memo said", name="memo.txt", reason="typed from the paper original")
    viewer = show(qtbot, create_viewer(case, item.id))
    assert isinstance(viewer, ScanViewer)
    qtbot.waitUntil(lambda: "cannot be displayed" in viewer.problem)
    assert not viewer.page_loaded
    assert viewer.transcription_edits[0].toPlainText() == "what the memo said"  # the rest still works


# --- text -----------------------------------------------------------------------

def test_hostile_html_is_shown_as_literal_text(qtbot, case: Case, tmp_path: Path) -> None:
    path = tmp_path / "<img src=x onerror=alert(1)>statement.txt"
    text = HOSTILE + "Line two 😀 with\r\nCRLF and the quoted words here.\n"
    path.write_bytes(text.encode("utf-8"))
    item = case.items.import_file(path, kind="statement")
    start = text.index("the quoted words")
    case.annotations.add(item.id, "passage", "key quote", text_start=start, text_end=start + len("the quoted words"))
    script = text.index("<script>")
    case.annotations.add(item.id, "passage", "", text_start=script, text_end=text.index("&amp;"))
    viewer = show(qtbot, create_viewer(case, item.id))
    assert isinstance(viewer, TextViewer)
    shown = viewer.editor.toPlainText()
    assert "<b>html</b><script>alert('x')</script> &amp; <img src=x onerror=1>" in shown
    assert not any(block.charFormat().fontWeight() > 400 for block in _blocks(viewer.editor.document()))
    assert viewer.header.title.text() == f"Item {item.id} · <img src=x onerror=alert(1)>statement.txt"
    assert viewer.header.title.textFormat() == Qt.TextFormat.PlainText
    # Highlights land on the right characters despite an emoji (2 UTF-16 units) and CR LF.
    assert viewer.highlighted_passages() == ["<script>alert('x')</script> ", "the quoted words"]
    assert "UTF-8" in viewer.encoding_label.text() and "CR LF" in viewer.encoding_label.text()
    viewer.passage_list.setCurrentRow(1)
    assert viewer.editor.textCursor().selectedText() == "the quoted words"

    # In a narrow inspector pane the passages go below the text instead of beside it.
    assert viewer.splitter.orientation() == Qt.Orientation.Horizontal
    viewer.resize(500, 700)
    qtbot.waitUntil(lambda: viewer.splitter.orientation() == Qt.Orientation.Vertical)


def _blocks(document):
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            yield it.fragment()
            it += 1
        block = block.next()


def test_text_that_is_not_utf8_falls_back_to_latin1(qtbot, case: Case, tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_bytes("Café au lait, reçu à 12h30\n".encode("latin-1"))
    item = case.items.import_file(path)
    viewer = show(qtbot, create_viewer(case, item.id))
    assert viewer.editor.toPlainText().startswith("Café au lait, reçu à 12h30")
    assert "Latin-1" in viewer.encoding_label.text()


def test_decoding_and_offsets() -> None:
    assert decode_evidence_text("abc".encode("utf-16")) == ("abc", "UTF-16 (byte-order mark)")
    assert decode_evidence_text(b"\xef\xbb\xbfx")[0] == "\ufeffx"  # offsets keep counting the mark
    assert document_position("a😀\r\nb", 2) == 3  # the emoji is two UTF-16 units
    assert document_position("a😀\r\nb", 4) == 4  # CR LF is one line break


def test_demo_statement_passages_are_highlighted(qtbot, demo: Case) -> None:
    viewer = show(qtbot, create_viewer(demo, demo_item(demo, "cpd-statement.txt")))
    assert viewer.passage_list.count() == 2
    first, second = viewer.highlighted_passages()
    assert first.startswith("“did in fact respond to the shooting scene")
    assert second.endswith("in accordance with City law.”")


# --- everything else ----------------------------------------------------------------

def test_pdf_gets_facts_hex_and_a_logged_external_copy(qtbot, case: Case, tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(MINIMAL_PDF)
    item = case.items.import_file(path)
    opened: list[tuple[int, Path]] = []
    launched: list[Path] = []
    viewer = create_viewer(case, item.id, on_opened_externally=lambda i, p: opened.append((i, p)))
    assert isinstance(viewer, FallbackViewer)
    viewer._open_externally = lambda p: launched.append(p) or True  # no desktop in tests
    show(qtbot, viewer)
    assert viewer.hex_view.toPlainText().splitlines()[0].startswith("00000000  25 50 44 46 2d 31 2e 34")
    assert viewer.header.sha256.text() == hashlib.sha256(MINIMAL_PDF).hexdigest()
    assert "recorded in the chain of custody" in viewer.open_note.text()

    qtbot.mouseClick(viewer.open_button, Qt.MouseButton.LeftButton)
    [(logged_id, copy)] = opened
    assert logged_id == item.id and launched == [copy]
    assert copy.read_bytes() == MINIMAL_PDF and copy.name == "report.pdf"
    assert not os.stat(copy).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def test_external_open_is_not_offered_when_it_cannot_be_logged(qtbot, case: Case, tmp_path: Path) -> None:
    path = tmp_path / "blob.bin"
    path.write_bytes(bytes(range(256)) * 20)
    item = case.items.import_file(path)
    viewer = show(qtbot, create_viewer(case, item.id))
    assert not viewer.open_button.isEnabled()
    assert len(viewer.hex_view.toPlainText().splitlines()) == 4096 // 16
    assert hex_dump(b"AB\x00") == f"00000000  {'41 42 00':<48}  |AB.|"


def test_missing_stored_copy_is_explained(qtbot, case: Case, tmp_path: Path) -> None:
    item = case.items.import_file(make_png(tmp_path / "gone.png"))
    stored = case.items.object_path(item.id)
    os.chmod(stored.parent, 0o700)
    os.chmod(stored, 0o600)
    stored.unlink()
    viewer = show(qtbot, create_viewer(case, item.id))
    assert "cannot be read" in viewer.problem and "Verify" in viewer.problem


def test_viewing_reports_once_and_writes_nothing(qtbot, demo: Case) -> None:
    before = len(demo.history.entries())
    for item in demo.items.list():
        seen: list[int] = []
        viewer = create_viewer(demo, item.id, on_viewed=seen.append)
        qtbot.addWidget(viewer)
        assert seen == []  # not yet shown to anyone
        viewer.show()
        viewer.hide()
        viewer.show()
        assert seen == [item.id], item.name
        assert viewer.header.sha256.text() == item.sha256
        viewer.close()
    assert len(demo.history.entries()) == before


def test_truncated_png_decodes_off_the_gui_thread_and_says_so(qtbot, case: Case, tmp_path: Path) -> None:
    good = make_png(tmp_path / "whole.png", size=(600, 400)).read_bytes()
    cut = tmp_path / "cut.png"
    cut.write_bytes(good[:len(good) // 2])
    item = case.items.import_file(cut)
    case.annotations.add(item.id, "region", "still placed", page=1, x=0.5, y=0.5, w=0.1, h=0.1)
    viewer = show(qtbot, create_viewer(case, item.id))
    assert viewer.page_size == (600, 400)  # from the header, before decoding
    assert viewer.regions[0].rect().getRect() == pytest.approx((300, 200, 60, 40))
    qtbot.waitUntil(lambda: "cannot be displayed" in viewer.problem)
    assert "Unable to read image data" in viewer.problem and not viewer.page_loaded
