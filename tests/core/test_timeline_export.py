"""The visual timeline leaves the app: ``evidence-desk timeline CASE -o FILE.svg`` and the report's
figure (HTML embeds the SVG, the PDF draws it). Case text with markup is shown, never obeyed."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from evidence_desk import cli
from evidence_desk.core import report
from evidence_desk.core.case import Case

SVG = "{http://www.w3.org/2000/svg}"
TITLES = ['Dispatch <order> & "relay"', "Units <b>cleared</b>", "Press </text><script>x()</script>"]


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    path = tmp_path / "case"
    with Case.create(path, "Stand-down <i>inquiry</i>", "Test Examiner", tz="America/Chicago") as case:
        dispatch = case.events.add(TITLES[0], when="2025-10-04 12:34:44")
        case.events.add(TITLES[1], when="between 12:30 and 12:45 on 2025-10-04")
        case.events.add(TITLES[2])
        order = case.statements.add("Dispatcher", "radio", "Clear <everybody> out.", when="2025-10-04 12:34",
                                    event_ids=[dispatch.id], source="OEMC <radio>")
        denial = case.statements.add("Spokesperson", "press release", "No order.", when="2025-10-05",
                                     source="CPD News Affairs")
        claim = case.claims.add("Units were told to stand down")
        case.claims.link(claim.id, "supports", statement_id=order.id)
        case.claims.link(claim.id, "contradicts", statement_id=denial.id)
    return path


def _marks(root: ET.Element, kind: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if g.get("data-kind") == kind]


def _texts(element: ET.Element, tag: str = "text") -> list[str]:
    return ["".join(e.itertext()) for e in element.iter(f"{SVG}{tag}")]


def test_cli_writes_an_svg_with_one_mark_per_event_and_the_titles_as_text(
        tmp_path: Path, case_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "timeline.svg"
    assert cli.main(["timeline", str(case_dir), "-o", str(out)]) == 0
    assert "5 mark(s)" in capsys.readouterr().out
    raw = out.read_text("utf-8")
    root = ET.parse(out).getroot()  # well-formed
    assert root.tag == f"{SVG}svg" and root.find(f"{SVG}script") is None and "<script>" not in raw
    events = _marks(root, "event")
    with Case.open(case_dir, read_only=True) as case:
        ids = sorted(e.id for e in case.events.list())
    assert sorted(int(g.get("data-id")) for g in events) == ids  # one mark per event
    assert len(_marks(root, "statement")) == 2
    for title in TITLES:  # each title, escaped in the file, reads back as written
        assert any(t.startswith("Event #") and title in t for t in _texts(root, "title")), title
        assert any(title in t for g in events for t in _texts(g)), title
    assert "&lt;order&gt; &amp;" in raw and "<b>" not in raw
    lanes = _texts(root)
    assert "OEMC <radio>" in lanes and "Time unknown" in lanes
    contested = [g for g in events if "contested" in g.get("class").split()]
    assert [_texts(g, "title")[0].splitlines()[0] for g in contested] == [f"Event #1: {TITLES[0]}"]
    assert _texts(root, "title")[0] == "Timeline \u2014 Stand-down <i>inquiry</i>"
    with Case.open(case_dir, read_only=True) as case:  # the export is in the custody chain, with the file's hash
        logged = [e for e in case.history.entries() if e.action == "exported"]
    assert len(logged) == 1 and logged[0].details_dict["timeline_sha256"] == hashlib.sha256(raw.encode()).hexdigest()
    assert "timeline.svg" in logged[0].purpose


def test_cli_refuses_other_extensions_with_exit_2(tmp_path: Path, case_dir: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("timeline.jpg", "timeline", "timeline.svg.txt"):
        assert cli.main(["timeline", str(case_dir), "-o", str(tmp_path / name)]) == 2
        assert ".svg or .png" in capsys.readouterr().err
        assert not (tmp_path / name).exists()
    assert cli.main(["timeline", str(tmp_path / "no-such-case"), "-o", str(tmp_path / "t.svg")]) == 2


def test_html_report_embeds_the_timeline_svg(tmp_path: Path, case_dir: Path) -> None:
    out = tmp_path / "report.html"
    with Case.open(case_dir, read_only=True) as case:
        report.write_report(case, out)
    page = out.read_text("utf-8")
    found = re.findall(r'<svg xmlns="http://www.w3.org/2000/svg".*?</svg>', page, re.S)
    assert len(found) == 1
    root = ET.fromstring(found[0])
    assert len(_marks(root, "event")) == 3 and len(_marks(root, "statement")) == 2
    assert any(TITLES[2] in t for t in _texts(root))
    section = page[page.index("3. Timeline of events"):]
    assert section.index("<svg") < section.index("<table")  # the figure heads the timeline section
    assert "<script>x()" not in page


def test_html_report_of_a_case_without_events_has_no_figure(tmp_path: Path) -> None:
    with Case.create(tmp_path / "empty", "Empty", "Test Examiner") as case:
        out = report.write_report(case, tmp_path / "report.html")
    assert "evidence-desk-timeline" not in out.read_text("utf-8")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext)")
def test_pdf_report_draws_the_timeline_on_the_timeline_page(tmp_path: Path, case_dir: Path) -> None:
    out = tmp_path / "report.pdf"
    with Case.open(case_dir, read_only=True) as case:
        report.write_report(case, out)
    pages = subprocess.run(["pdftotext", "-enc", "UTF-8", str(out), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    page = next(p for p in pages if "3. Timeline of events" in p)
    figure = page[:page.index("Ordered by normalised time")]  # the drawing comes before the table
    assert "Visual timeline." in figure
    for text in ("Events", "OEMC <radio>", "CPD News Affairs", "Time unknown", "America/Chicago"):
        assert text in figure, text
    assert "Units <b>cleared</b>" in figure  # drawn as text, tags and all


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext)")
def test_a_tall_timeline_runs_over_pages_under_its_axis(tmp_path: Path) -> None:
    with Case.create(tmp_path / "case", "Many sources", "Test Examiner", tz="UTC") as case:
        for i in range(40):
            for k in range(2):
                case.statements.add(f"Speaker {i}.{k}", "radio", "said", when=f"2025-10-{1 + k:02d} 10:{i:02d}",
                                    source=f"Source {i}")
        out = report.write_report(case, tmp_path / "report.pdf")
    pages = subprocess.run(["pdftotext", "-enc", "UTF-8", str(out), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    start = next(n for n, p in enumerate(pages) if "3. Timeline of events" in p)
    end = next(n for n, p in enumerate(pages) if "Ordered by normalised time" in p)
    assert end > start  # more than one page of drawing
    drawing = "\n".join(pages[start:end + 1])
    drawing = drawing[:drawing.index("Ordered by normalised time")]
    assert "(continued)" in drawing
    lanes = [line.strip() for line in drawing.splitlines() if line.strip().startswith("Source ")]
    assert lanes == [f"Source {i}" for i in range(40)]  # each lane once, in natural order
