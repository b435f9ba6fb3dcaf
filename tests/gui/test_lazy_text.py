"""A text shown a piece at a time: pieces decode to exactly the file's text,
display breaks keep every line short without changing a character, and the
viewer opens a 100 MB single-line file at once, with the rest on demand and
passages still found and highlighted on the right characters."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence_desk.core.case import Case
from evidence_desk.gui.viewers import TextViewer, ViewerContext, create_viewer, lazy_text
from evidence_desk.gui.viewers.lazy_text import CHUNK_BYTES, Piece, TextSource, display_breaks
from evidence_desk.gui.viewers.text import decode_evidence_text


@pytest.fixture
def case(tmp_path: Path) -> Case:
    opened = Case.create(tmp_path / "case", "Lazy text case", "Test Examiner")
    yield opened
    opened.close()


def show(qtbot, viewer):
    qtbot.addWidget(viewer)
    viewer.resize(1100, 700)
    viewer.show()
    qtbot.waitExposed(viewer)
    return viewer


def read_all(source: TextSource, step: int) -> list[Piece]:
    pieces = []
    while not source.exhausted:
        pieces.append(source.read(step))
    return pieces


# --- display breaks ---------------------------------------------------------------

lines = st.text(alphabet=st.sampled_from("ab \r\n€😀"), max_size=400)


@given(lines, st.integers(min_value=1, max_value=40), st.integers(min_value=0, max_value=40))
def test_display_breaks_keep_every_line_short_and_never_split_crlf(text: str, width: int, run: int) -> None:
    run = min(run, width)
    breaks, left = display_breaks(text, width, run)
    assert breaks == sorted(set(breaks)) and all(0 <= b <= len(text) for b in breaks)
    assert all(not (text[b - 1:b] == "\r" and text[b:b + 1] == "\n") for b in breaks)
    shown = Piece(text, breaks).display()
    assert shown.replace("\n", "") == text.replace("\n", "")  # only line ends were added
    assert len(shown) == len(text) + len(breaks)
    displayed = shown.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    assert len(displayed[0]) + run <= width  # the first line continues the one before the text
    assert all(len(line) <= width for line in displayed)
    assert left == len(displayed[-1]) + (run if len(displayed) == 1 else 0)


def test_a_long_line_breaks_after_a_space_when_one_is_near() -> None:
    text = "word " * 1000
    breaks, _ = display_breaks(text, 2048)
    assert breaks and all(text[b - 1] == " " for b in breaks)
    assert display_breaks("x" * 5000, 2048)[0] == [2048, 4096]  # no space: a hard break


# --- reading a piece at a time --------------------------------------------------------

@settings(deadline=None, max_examples=60)
@given(st.text(alphabet=st.sampled_from("aé€😀\r\n "), max_size=300),
       st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]), st.integers(min_value=1, max_value=17))
def test_pieces_decode_to_the_whole_text(tmp_path_factory, text: str, encoding: str, step: int) -> None:
    path = tmp_path_factory.mktemp("pieces") / "t.txt"
    data = text.encode(encoding)
    path.write_bytes(data)
    source = TextSource(path, width=7)
    pieces = read_all(source, step)
    assert "".join(p.text for p in pieces) == decode_evidence_text(data)[0]
    # a CR LF cut between two reads is kept together, so it stays one line end
    assert not any(a.text.endswith("\r") and b.text.startswith("\n") for a, b in itertools.pairwise(pieces))


def test_a_file_not_utf8_past_the_probe_is_latin1_from_there(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(lazy_text, "PROBE_BYTES", 64)
    path = tmp_path / "mixed.txt"
    path.write_bytes("é".encode() * 100 + b"\xff caf\xe9")
    source = TextSource(path)
    assert source.codec == "utf-8"
    text = "".join(p.text for p in read_all(source, 50))
    assert text == "é" * 100 + "ÿ café"
    assert source.switched_at == 200
    assert "from byte 200" in source.how and "Latin-1" in source.how


def test_invalid_utf8_in_the_probe_makes_the_whole_text_latin1(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Café au lait, reçu à 12h30\n".encode("latin-1"))
    source = TextSource(path)
    assert source.codec == "latin-1" and "byte 3" in source.how
    assert source.read().text == "Café au lait, reçu à 12h30\n"


# --- the viewer -----------------------------------------------------------------------

def test_a_100_mb_single_line_opens_at_once_with_the_rest_on_demand(qtbot, case: Case, tmp_path: Path) -> None:
    path = tmp_path / "one-line.txt"
    size = 100 * 1000 * 1000
    with open(path, "wb") as f:
        block = b"0123456789" * 100_000
        for _ in range(size // len(block)):
            f.write(block)
    item = case.items.import_file(path)
    path.unlink()
    far = size - 15
    case.annotations.add(item.id, "passage", "near the end", text_start=far, text_end=far + 10)
    started = time.monotonic()
    viewer = show(qtbot, create_viewer(case, item.id))
    opened = time.monotonic() - started
    assert isinstance(viewer, TextViewer)
    assert opened < 1.0, f"took {opened:.2f} s to open"
    assert viewer.text == ("0123456789" * (CHUNK_BYTES // 10 + 1))[:CHUNK_BYTES]
    assert viewer.editor.document().blockCount() == CHUNK_BYTES // 2048  # segmented, not one paragraph
    assert viewer.more_button.isVisible() and "262,144 of 100,000,000 bytes" in viewer.extent_label.text()
    assert "beyond the text shown" in viewer.passage_list.item(0).text()

    viewer.more_button.click()
    assert len(viewer.text) == 2 * CHUNK_BYTES
    bar = viewer.editor.verticalScrollBar()
    bar.setValue(bar.maximum())  # scrolling to the end loads the next part
    assert len(viewer.text) == 3 * CHUNK_BYTES

    viewer.passage_list.setCurrentRow(0)  # a passage far in: clicking it shows the text up to it
    assert len(viewer.text) >= far + 10
    assert viewer.highlighted_passages() == ["5678901234"]
    assert viewer.editor.textCursor().selectedText() == "5678901234"
    assert "(beyond" not in viewer.passage_list.item(0).text()


def test_a_passage_across_a_display_break_covers_its_characters(qtbot, case: Case, tmp_path: Path) -> None:
    text = "".join(f"w{n:04d} " for n in range(1500))  # one 9,000-character line
    path = tmp_path / "line.txt"
    path.write_text(text, "utf-8")
    item = case.items.import_file(path)
    case.annotations.add(item.id, "passage", "", text_start=2030, text_end=2070)
    case.annotations.add(item.id, "passage", "", text_start=6000, text_end=6012)
    viewer = show(qtbot, create_viewer(case, item.id))
    across, later = viewer.highlighted_passages()
    assert "\u2029" in across  # the display break falls inside it
    assert across.replace("\u2029", "") == text[2030:2070]
    assert later == text[6000:6012]
    assert viewer.text == text and not viewer.more_button.isVisible()
    assert "broken for display" in viewer.extent_label.text()


def test_a_huge_text_stops_at_the_limit_and_says_so(qtbot, case: Case, tmp_path: Path, monkeypatch) -> None:
    from evidence_desk.gui.viewers import text as text_viewer

    monkeypatch.setattr(text_viewer, "MAX_SHOWN_BYTES", CHUNK_BYTES * 2)
    path = tmp_path / "log.txt"
    path.write_bytes(b"line of a log\n" * (CHUNK_BYTES // 5))
    item = case.items.import_file(path)
    viewer = show(qtbot, TextViewer(ViewerContext.of(case, case.items.get(item.id))))
    assert viewer.show_more() and not viewer.show_more()
    assert len(viewer.text) == CHUNK_BYTES * 2
    assert "Only the first 512.0 KiB" in viewer.problem and not viewer.more_button.isVisible()
