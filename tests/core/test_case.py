"""The case facade: kinds read from content, batch import, finding items again."""

from __future__ import annotations

import io
import math
import shutil
import struct
import subprocess
import wave
from pathlib import Path

import pytest
from PIL import Image

from evidence_desk.core import kinds
from evidence_desk.core.case import Case
from evidence_desk.core.errors import BadInput, CaseExists, CaseNotFound, UnknownRecord
from evidence_desk.core.verify import verify


@pytest.fixture
def case(tmp_path: Path) -> Case:
    c = Case.create(tmp_path / "case", "Kinds", "Ann Examiner")
    yield c
    c.close()


def wav_bytes(seconds: float = 0.2, rate: int = 8000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate)))
                               for i in range(int(seconds * rate))))
    return out.getvalue()


def image_bytes(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 180, 120)).save(out, fmt)
    return out.getvalue()


def pdf_bytes() -> bytes:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=letter)
    page.drawString(72, 720, "Chicago Police Department - statement, 5 October 2025")
    page.save()
    return out.getvalue()


SAMPLES = {
    # name deliberately misleading: the content decides
    "dispatch.dat": (wav_bytes, "audio", "audio/wav"),
    "memo-scan.txt": (lambda: image_bytes("PNG"), "scan", "image/png"),
    "photo.bin": (lambda: image_bytes("JPEG"), "scan", "image/jpeg"),
    "statement.png": (pdf_bytes, "document", "application/pdf"),
    "press-release": (lambda: "Officers did in fact respond. — CPD\n".encode(), "document", "text/plain"),
    "random.jpg": (lambda: bytes(range(256)) * 4, "other", "application/octet-stream"),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_kind_is_read_from_content_not_the_name(case: Case, tmp_path: Path, name: str) -> None:
    make, kind, media = SAMPLES[name]
    path = tmp_path / name
    path.write_bytes(make())
    item = case.items.import_file(path)
    assert (item.kind, item.media_type) == (kind, media)
    assert case.history.entries(item_id=item.id)[0].details_dict["item"]["kind"] == kind


@pytest.mark.skipif(shutil.which("sox") is None, reason="sox is not installed")
def test_audio_made_by_sox_is_audio(case: Case, tmp_path: Path) -> None:
    for ext, media in (("flac", "audio/flac"), ("wav", "audio/wav")):
        out = tmp_path / f"radio.{ext}"
        subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", str(out), "synth", "0.3", "sine", "440"],
                       check=True, capture_output=True)
        item = case.items.import_file(out)
        assert (item.kind, item.media_type) == ("audio", media)


def test_a_stated_kind_wins_over_detection(case: Case, tmp_path: Path) -> None:
    path = tmp_path / "witness.txt"
    path.write_text("I saw the cars leave at 12:40.")
    assert case.items.import_file(path, kind="statement").kind == "statement"
    with pytest.raises(BadInput, match="kind"):
        case.items.import_file(path, kind="hologram")


def test_text_cut_inside_a_multibyte_character_is_still_text() -> None:
    head = ("é" * 2048).encode()[:4095]
    assert kinds.sniff_media_type(head) == "text/plain"


def test_importing_folders_reports_each_failure_and_keeps_the_rest(case: Case, tmp_path: Path) -> None:
    folder = tmp_path / "handover"
    (folder / "audio").mkdir(parents=True)
    (folder / "audio" / "dispatch.wav").write_bytes(wav_bytes())
    (folder / "memo.png").write_bytes(image_bytes("PNG"))
    (folder / ".DS_Store").write_bytes(b"hidden")
    report = case.items.import_files([folder, tmp_path / "missing.pdf"], source="OEMC")
    assert sorted(i.name for i in report.items) == ["dispatch.wav", "memo.png"]
    assert [(f.path, "not found" in f.reason) for f in report.failures] == [(str(tmp_path / "missing.pdf"), True)]
    assert all(i.source_name == "OEMC" for i in report.items)
    assert verify(case.path).ok


def test_items_filter_sort_and_page_in_the_database(case: Case, tmp_path: Path) -> None:
    event = case.events.add("Dispatch order")
    for i in range(7):
        path = tmp_path / f"clip-{i}.txt"
        path.write_text(f"clip {i}")
        case.items.import_file(path, event_ids=[event.id] if i % 2 else [])
    assert case.items.count() == 7 and case.items.count(event_id=event.id) == 3
    page = case.items.list(sort="name", descending=True, offset=2, limit=3)
    assert [i.name for i in page] == ["clip-4.txt", "clip-3.txt", "clip-2.txt"]
    assert [i.name for i in case.items.list(text="clip-5")] == ["clip-5.txt"]
    with pytest.raises(BadInput):
        case.items.list(sort="sha256; DROP TABLE item")


def test_opening_what_is_not_a_case_and_creating_over_one_are_refused(tmp_path: Path) -> None:
    with pytest.raises(CaseNotFound):
        Case.open(tmp_path / "nowhere")
    Case.create(tmp_path / "case", "One", "Ann").close()
    with pytest.raises(CaseExists):
        Case.create(tmp_path / "case", "Two", "Ann")
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("someone's files")
    with pytest.raises(CaseExists):
        Case.create(tmp_path / "busy", "Three", "Ann")
    assert sorted(p.name for p in (tmp_path / "busy").iterdir()) == ["notes.txt"]


def test_unknown_ids_are_named(case: Case) -> None:
    with pytest.raises(UnknownRecord, match="item with id 42"):
        case.items.get(42)
    with pytest.raises(UnknownRecord, match="event with id 7"):
        case.statements.add("CPD", "press release", "text", event_ids=[7])


def test_each_case_has_its_own_signing_key(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    with Case.create(tmp_path / "a", "A", "Ann") as a, Case.create(tmp_path / "b", "B", "Ann") as b:
        assert a.info().public_key_hex != b.info().public_key_hex
        key = Ed25519PrivateKey.from_private_bytes(a.signing_key_bytes())
        signature = key.sign(b"manifest")
        key.public_key().verify(signature, b"manifest")
        assert key.public_key().public_bytes_raw().hex() == a.info().public_key_hex
