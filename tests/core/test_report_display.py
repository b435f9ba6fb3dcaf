"""The HTML report isolates every case string in <bdi> and shows hidden controls as marks; the PDF
shows the marks too, never an empty box or a reordered name."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from evidence_desk.core import report
from evidence_desk.core.case import Case

RLO = "\u202e"
CONTROLS = f"{RLO}\u2066\u200b\ufeff\x1b"


def hostile(field: str) -> str:
    return f"HOSTILE {field} rtl{RLO}gnp.exe <b>bold</b> \u2067x\u2069\u200b end"


@pytest.fixture(scope="module")
def hostile_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("display-report")
    (root / f"rtl{RLO}gnp.exe").write_bytes(b"not a picture\n")
    path = root / "case"
    with Case.create(path, hostile("title"), hostile("examiner"), tz="UTC") as case:
        event = case.events.add(hostile("event"), when=hostile("when"), place=hostile("place"),
                                notes=hostile("notes"))
        item = case.items.import_file(root / f"rtl{RLO}gnp.exe", event_ids=[event.id], source=hostile("source"),
                                      description=hostile("description"), acquired_from=hostile("from"),
                                      method=hostile("method"))
        statement = case.statements.add(hostile("speaker"), "radio", hostile("statement"),
                                        affiliation=hostile("affiliation"), event_ids=[event.id])
        claim = case.claims.add(hostile("claim"))
        case.claims.link(claim.id, "supports", statement_id=statement.id, note=hostile("link"))
        case.claims.link(claim.id, "contradicts", item_id=item.id, note=hostile("item link"))
        case.requests.add(hostile("request"), addressed_to=hostile("to"), description=hostile("asked for"))
        case.grades.add("item", item.id, hostile("rationale"), credibility="2")
    return path


class TextNodes(HTMLParser):
    """Every text node of the page with the elements it sits in (``bdi`` for any bidi isolate)."""

    VOID = ("br", "meta", "link", "img", "hr", "wbr", "col", "input")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str]] = []  # (tag, what it counts as)
        self.nodes: list[tuple[str, tuple[str, ...]]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:  # noqa: ANN001
        if tag not in self.VOID:  # an element with a dir attribute is an isolate, as <bdi> is
            isolates = tag == "bdi" or (tag not in ("html", "body") and any(name == "dir" for name, _ in attrs))
            self.stack.append((tag, "bdi" if isolates else tag))

    def handle_endtag(self, tag: str) -> None:
        if any(open_tag == tag for open_tag, _ in self.stack):
            while self.stack and self.stack.pop()[0] != tag:
                pass

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.nodes.append((data, tuple(counted for _, counted in self.stack)))


def test_html_isolates_every_case_string_and_marks_its_controls(hostile_case: Path, tmp_path: Path) -> None:
    with Case.open(hostile_case) as case:
        page = report.write_report(case, tmp_path / "report.html").read_text("utf-8")
    assert not any(c in page for c in CONTROLS)  # no raw control anywhere, the embedded JSON included
    parser = TextNodes()
    parser.feed(page)
    shown = [(text, where) for text, where in parser.nodes if "HOSTILE" in text and "script" not in where]
    assert len(shown) >= 15
    for text, where in shown:  # the timeline's SVG labels are shortened; everything else is whole
        whole = "rtl⟨RLO⟩gnp.exe" if "svg" in where else "rtl⟨RLO⟩gnp.exe <b>bold</b> ⟨RLI⟩x⟨PDI⟩⟨ZWSP⟩ end"
        assert whole in text, (text, where)
    # an SVG <text> is drawn on its own: nothing around it to reorder
    outside = [(text[:60], where[-3:]) for text, where in shown
               if "bdi" not in where and where[-1] != "title" and "svg" not in where]
    assert outside == []
    embedded = re.search(r'id="report-content">(.*?)</script>', page, re.S).group(1)
    content = json.loads(embedded)  # the exact text, for the report hash, behind JSON escapes
    assert content["items"][0]["name"] == f"rtl{RLO}gnp.exe"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext)")
def test_pdf_shows_the_marks_not_boxes(hostile_case: Path, tmp_path: Path) -> None:
    with Case.open(hostile_case) as case:
        out = report.write_report(case, tmp_path / "report.pdf")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "rtl⟨RLO⟩gnp.exe" in text
    assert "⟨RLI⟩x⟨PDI⟩⟨ZWSP⟩" in text
    assert not any(c in text for c in CONTROLS)
