"""What the fuzzer (tests/fuzz) found in kind detection, one test each."""

from __future__ import annotations

from pathlib import Path

from evidence_desk.core import kinds
from evidence_desk.core.case import Case

STATEMENT = "Диспетчер передав наказ о 12:34.\nقال الضابط\n<b>not bold</b>\n"


def test_a_utf16_text_with_its_mark_is_text_not_mpeg_audio(tmp_path: Path) -> None:
    """FF FE, the UTF-16 little-endian mark, also reads as an MPEG frame sync: the statement was
    catalogued as audio/mpeg and opened in the audio player."""
    path = tmp_path / "statement.txt"
    path.write_bytes(STATEMENT.encode("utf-16"))  # the mark, then little-endian on this machine
    assert path.read_bytes()[:2] == b"\xff\xfe"
    assert kinds.detect(path) == ("document", "text/plain")
    assert kinds.sniff_media_type(b"\xfe\xff" + STATEMENT.encode("utf-16-be"),
                                  "memo.csv") == "text/csv"
    with Case.create(tmp_path / "case", "Kinds", "Test Examiner") as case:
        item = case.items.import_file(path)
    assert (item.kind, item.media_type) == ("document", "text/plain")


def test_mpeg_audio_that_starts_like_a_mark_is_still_audio() -> None:
    frame = b"\xff\xfe\x90\x00" + bytes(413)  # an MPEG-1 Layer I frame header, then silence
    assert kinds.sniff_media_type(frame * 8, "call.mp3") == "audio/mpeg"
    assert kinds.sniff_media_type(b"\xff\xfb\x90\x64" + bytes(413), "call.mp3") == "audio/mpeg"
    assert kinds.sniff_media_type(b"\xff\xfe", "x") == "audio/mpeg"  # nothing after the two bytes to judge
