"""Which viewer shows which item, decided by the viewers' own declarations.

No case is opened here: the items are built from the real demo files (their
media type sniffed from their bytes, their kind as demo.json gives it), so
the choice is tested on its own."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from evidence_desk.core import kinds
from evidence_desk.core.records import Annotation, Item
from evidence_desk.core.resources import resource
from evidence_desk.gui.viewers import (
    VIEWERS,
    AudioViewer,
    EvidenceViewer,
    FallbackViewer,
    ScanViewer,
    TextViewer,
    VideoViewer,
    ViewerContext,
    ViewerRegistry,
)

from .test_viewers import MINIMAL_PDF, make_avi


def item_of(path: Path, kind: str | None = None, item_id: int = 1) -> Item:
    """The catalogue record core would make for ``path``, without a case."""
    data = path.read_bytes()
    detected_kind, media = kinds.detect(path)
    return Item(id=item_id, sha256=hashlib.sha256(data).hexdigest(), name=path.name, size=len(data),
                media_type=media, kind=kind or detected_kind, description="", acquired_at="", acquired_by="",
                acquired_from="", acquisition_method="", original_path=str(path), source_id=None, source_name="",
                derived_from=None, derivation_reason="")


DEMO = json.loads(resource("demo", "demo.json").read_text("utf-8"))
BY_KIND = {"audio": AudioViewer, "scan": ScanViewer, "statement": TextViewer, "document": TextViewer}


@pytest.mark.parametrize("entry", DEMO["items"], ids=[entry["file"] for entry in DEMO["items"]])
def test_each_demo_item_gets_the_viewer_for_its_content(entry: dict) -> None:
    item = item_of(resource("demo", entry["file"]), entry["kind"])
    assert VIEWERS.choose(item) is BY_KIND[entry["kind"]], item.media_type


def test_the_demo_covers_audio_scans_and_text() -> None:
    chosen = {VIEWERS.choose(item_of(resource("demo", e["file"]), e["kind"])) for e in DEMO["items"]}
    assert chosen == {AudioViewer, ScanViewer, TextViewer}


def test_video_unknown_bytes_and_pdf(tmp_path: Path) -> None:
    video = item_of(make_avi(tmp_path / "bodycam.avi"))
    assert video.media_type == "video/x-msvideo" and VIEWERS.choose(video) is VideoViewer
    blob = tmp_path / "blob.bin"
    blob.write_bytes(bytes(range(256)) * 4)
    unknown = item_of(blob)
    assert unknown.media_type == "application/octet-stream" and VIEWERS.choose(unknown) is FallbackViewer
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(MINIMAL_PDF)
    assert VIEWERS.choose(item_of(pdf)) is FallbackViewer  # no PDF viewer yet


def test_the_media_type_decides_before_the_kind(tmp_path: Path) -> None:
    scan_said_audio = item_of(resource("demo", "dispatcher-memo.png"), "audio")
    assert VIEWERS.choose(scan_said_audio) is ScanViewer  # the bytes are a PNG, whatever was typed
    blob = tmp_path / "radio.raw"
    blob.write_bytes(bytes(range(256)) * 4)
    assert VIEWERS.choose(item_of(blob, "audio")) is AudioViewer  # bytes say nothing: the kind decides
    assert VIEWERS.choose(item_of(blob, "statement")) is FallbackViewer


class PdfViewer(EvidenceViewer):
    """What a new viewer needs: what it accepts, and a body."""

    media_types = ("application/pdf",)

    def __init__(self, context: ViewerContext, parent=None) -> None:  # noqa: ANN001
        super().__init__(context, parent)
        with open(self.path, "rb") as f:
            self.first_line = f.readline()


class BetterTextViewer(TextViewer):
    priority = TextViewer.priority + 10


class LesserTextViewer(EvidenceViewer):
    media_types = ("text/",)
    priority = TextViewer.priority - 5


def test_a_registered_viewer_with_a_higher_priority_wins(tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(MINIMAL_PDF)
    pdf_item = item_of(pdf)
    text_item = item_of(resource("demo", "cpd-statement.txt"), "statement")

    extended = VIEWERS.copy()
    extended.register(PdfViewer)
    extended.register(LesserTextViewer)
    assert extended.choose(pdf_item) is PdfViewer  # beats the fallback
    assert extended.choose(text_item) is TextViewer  # a lower priority does not
    assert [cls for _, cls in extended.ranked(text_item)] == [TextViewer, LesserTextViewer, FallbackViewer]
    extended.register(BetterTextViewer)
    assert extended.choose(text_item) is BetterTextViewer
    # the program's own registry is untouched
    assert VIEWERS.choose(pdf_item) is FallbackViewer and VIEWERS.choose(text_item) is TextViewer


def test_on_equal_priority_the_first_registered_wins() -> None:
    class OtherTextViewer(EvidenceViewer):
        media_types = ("text/plain",)

    text_item = item_of(resource("demo", "news-article.txt"), "document")
    assert ViewerRegistry([TextViewer, OtherTextViewer]).choose(text_item) is TextViewer
    assert ViewerRegistry([OtherTextViewer, TextViewer]).choose(text_item) is OtherTextViewer


def test_without_a_fallback_an_unknown_item_is_refused(tmp_path: Path) -> None:
    blob = tmp_path / "blob.bin"
    blob.write_bytes(b"\x00\x01\x02")
    with pytest.raises(LookupError, match="no registered viewer"):
        ViewerRegistry([AudioViewer, TextViewer]).choose(item_of(blob))
    with pytest.raises(TypeError):
        ViewerRegistry([object])  # type: ignore[list-item]


class FolderItems:
    def __init__(self, files: dict[int, Path]) -> None:
        self.files = files

    def object_path(self, item_id: int) -> Path:
        return self.files[item_id]

    def read_bytes(self, item_id: int) -> bytes:
        return self.files[item_id].read_bytes()

    def derived(self, item_id: int) -> list[Item]:
        return []


class NoAnnotations:
    def list(self, item_id: int | None = None) -> list[Annotation]:
        return []


class FolderReader:
    """Read access without a case: items are files in a folder (the EvidenceReader protocol)."""

    def __init__(self, files: dict[int, Path]) -> None:
        self.items = FolderItems(files)
        self.annotations = NoAnnotations()


def test_the_registry_builds_the_new_viewer_from_one_context(qtbot, tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(MINIMAL_PDF)
    item = item_of(pdf, item_id=7)
    seen: list[int] = []
    context = ViewerContext.of(FolderReader({7: pdf}), item, on_viewed=seen.append)
    extended = VIEWERS.copy()
    extended.register(PdfViewer)
    viewer = extended.create(context)
    qtbot.addWidget(viewer)
    assert isinstance(viewer, PdfViewer) and viewer.first_line == b"%PDF-1.4\n"
    assert viewer.header.sha256.text() == hashlib.sha256(MINIMAL_PDF).hexdigest()
    viewer.show()
    assert seen == [7]
    # the program's own viewers are built from the same kind of context
    text = tmp_path / "note.txt"
    text.write_text("seen at 12:34\n", "utf-8")
    text_viewer = VIEWERS.create(ViewerContext.of(FolderReader({8: text}), item_of(text, item_id=8)))
    qtbot.addWidget(text_viewer)
    assert isinstance(text_viewer, TextViewer) and text_viewer.editor.toPlainText() == "seen at 12:34\n"
