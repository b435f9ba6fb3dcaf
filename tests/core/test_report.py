"""The chain-of-custody report: what a reviewer reads in the PDF and the HTML.

Reports are checked through the real tools a reviewer would use
(``pdftotext``, ``pdfinfo``, ``pdffonts``), not through ReportLab internals.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from html import escape as html_escape
from pathlib import Path

import pytest
from markupsafe import escape

from evidence_desk.cli import main
from evidence_desk.core import report
from evidence_desk.core.case import Case
from evidence_desk.core.custody import canonical
from evidence_desk.core.report import pdf as report_pdf

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext)")

HOSTILE = '<script>alert("pwned")</script> & <b>bold</b>'
LONG_NAME = "x" * 180 + ".bin"  # no space to break at: must still fit and not hide the hash


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def _pdf_pages(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


@pytest.fixture(scope="module")
def small_case(tmp_path_factory: pytest.TempPathFactory):
    """A small real case: files in the vault, two events, a derived record, a transfer, an edit,
    grades, statements and a contested claim; names and text carry markup."""
    root = tmp_path_factory.mktemp("report")
    files = root / "files"
    files.mkdir()
    (files / "memo.txt").write_text("Clear everybody out.\n", "utf-8")
    (files / "audio.flac").write_bytes(b"fLaC" + bytes(range(256)) * 64)
    (files / LONG_NAME).write_bytes(os.urandom(3000))
    (files / "press.txt").write_text("Officers did in fact respond.", "utf-8")
    case = Case.create(root / "case", "South Side <i>stand-down</i>", "Ada Examiner", tz="America/Chicago")
    order = case.events.add("Dispatch order", when="04-Oc5-2025/12:34:44", place="Chicago")
    press = case.events.add("CPD press statement", when="2025-10-05")
    memo = case.items.import_file(files / "memo.txt", event_ids=[order.id], source="Dispatcher",
                            description=HOSTILE + " " + "word " * 4000, acquired_from="courier", method="USB")
    audio = case.items.import_file(files / "audio.flac", event_ids=[order.id], source="OEMC", kind="audio")
    odd = case.items.import_file(files / LONG_NAME, event_ids=[order.id])
    release = case.items.import_file(files / "press.txt", event_ids=[press.id], source="CPD", kind="statement")
    derived = case.items.add_derived(memo.id, b"transcript of the memo", name="memo-transcript.txt",
                               reason="typed transcription")
    case.annotations.add(audio.id, "audio_segment", text="clear everybody out", start_s=1.5, end_s=3.0,
                        speaker="Dispatcher")
    case.history.record_transfer([memo.id], released_by="Ada Examiner", received_by="Lab", purpose="imaging")
    case.items.edit(audio.id, reason="channel identified", description="Channel 3")
    case.grades.add("source", memo.source_id, "leaked via a known channel", reliability="C")
    case.grades.add("item", memo.id, "matches the audio", credibility="2")
    said = case.statements.add("CPD spokesperson", "press release", "Officers did in fact respond. " + HOSTILE,
                              affiliation="CPD", event_ids=[press.id], item_id=release.id)
    claim = case.claims.add("CPD units responded")
    case.claims.link(claim.id, "supports", statement_id=said.id)
    case.claims.link(claim.id, "contradicts", item_id=audio.id, note="order to clear out")
    case.requests.add("Body-worn video", addressed_to="CPD", asked="2025-10-06")
    items = {"memo": memo, "audio": audio, "odd": odd, "release": release, "derived": derived}
    yield case, items, {"order": order, "press": press}
    case.close()


@pytest.fixture(scope="module")
def whole_pdf(small_case, tmp_path_factory) -> Path:
    case, _, _ = small_case
    return report.write_report(case, tmp_path_factory.mktemp("out") / "report.pdf")


def test_pdf_text_holds_every_items_full_hash(small_case, whole_pdf: Path) -> None:
    _, items, _ = small_case
    text = _pdf_text(whole_pdf)
    for item in items.values():
        assert item.sha256 in text, f"full SHA-256 of {item.name} not extractable from the PDF"
    assert HOSTILE in text  # hostile text survives as plain text, not markup
    assert "South Side <i>stand-down</i>" in text


def test_pdf_footer_counts_pages_and_header_names_the_report_hash(small_case, whole_pdf: Path) -> None:
    pages = _pdf_pages(whole_pdf)
    assert pages > 2
    text = _pdf_text(whole_pdf)
    assert f"Page 1 of {pages}" in text
    assert f"Page {pages} of {pages}" in text
    assert f"Page {pages + 1} of" not in text
    digest = re.search(r"Report SHA-256\s+([0-9a-f]{64})", text).group(1)
    assert text.count(f"report SHA-256 {digest[:16]}") == pages  # running header on every page


def test_pdf_embeds_every_font(whole_pdf: Path) -> None:
    out = subprocess.run(["pdffonts", str(whole_pdf)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), out  # the "emb" column
    assert "DejaVuSansMono" in out


def test_html_holds_every_hash_escapes_hostile_text_and_embeds_its_hashed_content(small_case, tmp_path) -> None:
    case, items, _ = small_case
    out = report.write_report(case, tmp_path / "report.html")
    page = out.read_text("utf-8")
    for item in items.values():
        assert item.sha256 in page
    assert "<script>alert" not in page
    assert str(escape(HOSTILE)) in page  # shown as text
    assert "<i>stand-down</i>" not in page
    assert re.findall(r"<script\b[^>]*>", page) == ['<script type="application/json" id="report-content">']
    printed = re.search(r'<meta name="report-sha256" content="([0-9a-f]{64})">', page).group(1)
    embedded = re.search(r'id="report-content">(.*?)</script>', page, re.S).group(1)
    content = json.loads(embedded)
    assert hashlib.sha256(canonical(content).encode("utf-8")).hexdigest() == printed
    assert content["items"][0]["description"].startswith(HOSTILE)


def test_subset_by_event_contains_only_that_events_items(small_case, tmp_path) -> None:
    case, items, events = small_case
    model = report.build_report_model(case, event_id=events["press"].id)
    assert [i.id for i in model.items] == [items["release"].id]
    assert [s.speaker for s in model.statements] == ["CPD spokesperson"]
    assert [c.text for c in model.claims] == ["CPD units responded"]
    out = report.render_pdf(model, tmp_path / "press.pdf")
    text = _pdf_text(out)
    assert items["release"].sha256 in text
    for other in ("memo", "audio", "odd", "derived"):
        assert items[other].sha256 not in text
    assert "SUBSET" in text and "CPD press statement" in text


def test_item_subset_brings_derived_records_and_marks_outside_evidence(small_case) -> None:
    case, items, _ = small_case
    model = report.build_report_model(case, item_ids=[items["memo"].id])
    assert [i.id for i in model.items] == [items["memo"].id, items["derived"].id]
    assert model.scope == "items" and model.is_subset
    audio_model = report.build_report_model(case, item_ids=[items["audio"].id])
    (claim,) = audio_model.claims
    assert claim.contested
    assert [e.in_report for e in claim.supporting] == [False]  # the statement lies outside this subset


def test_model_states_custody_grades_and_uncertain_times(small_case) -> None:
    case, items, events = small_case
    model = report.build_report_model(case)
    memo = next(i for i in model.items if i.id == items["memo"].id)
    transfer = next(c for c in memo.custody if c.action == "transferred")
    assert (transfer.released_by, transfer.received_by, transfer.item_sha256) == ("Ada Examiner", "Lab",
                                                                                 items["memo"].sha256)
    assert all(c.matches_catalogue for c in memo.custody if c.item_sha256)
    assert memo.grade == "C2" and [g.grade for g in memo.grades] == ["C-", "-2"]
    assert memo.derived[0].id == items["derived"].id
    audio = next(i for i in model.items if i.id == items["audio"].id)
    assert any("description" in c.detail and "Channel 3" in c.detail for c in audio.custody)
    order = next(e for e in model.events if e.id == events["order"].id)
    assert order.time.raw == "04-Oc5-2025/12:34:44" and order.time.precision == "second"
    assert model.verification.ok
    assert model.packet_fingerprint == case.info().fingerprint and "no packet" in model.fingerprint_label
    given = report.build_report_model(case, packet_fingerprint="ab:cd")
    assert given.packet_fingerprint == "ab:cd"


def test_report_states_a_failed_verification_and_names_the_item(tmp_path) -> None:
    src = tmp_path / "exhibit.txt"
    src.write_text("original bytes", "utf-8")
    case = Case.create(tmp_path / "case", "Tamper test", "Ada Examiner")
    item = case.items.import_file(src)
    stored = case.items.object_path(item.id)
    os.chmod(stored, 0o644)
    stored.write_text("altered bytes!", "utf-8")
    out = report.write_report(case, tmp_path / "r.pdf")
    text = _pdf_text(out)
    case.close()
    assert "VERIFICATION FAILED" in text and "exhibit.txt" in text and "content altered" in text


def test_writing_is_atomic_when_rendering_fails(small_case, tmp_path, monkeypatch) -> None:
    case, _, _ = small_case
    target = tmp_path / "report.pdf"
    target.write_bytes(b"%PDF- the previous report")

    def broken(*args, **kwargs):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(report_pdf, "build_story", broken)
    with pytest.raises(RuntimeError):
        report.write_report(case, target)
    assert target.read_bytes() == b"%PDF- the previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pdf"]
    with pytest.raises(RuntimeError):
        report.write_report(case, tmp_path / "new.html", fmt="pdf")
    assert not (tmp_path / "new.html").exists()


def test_cli_writes_pdf_and_html(small_case, tmp_path, capsys) -> None:
    case, items, events = small_case
    assert main(["report", str(case.path), "-o", str(tmp_path / "r.pdf")]) == 0
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF-")
    assert main(["report", str(case.path), "-o", str(tmp_path / "r.html"), "--event", str(events["press"].id)]) == 0
    page = (tmp_path / "r.html").read_text("utf-8")
    assert items["release"].sha256 in page and items["memo"].sha256 not in page
    assert "report SHA-256" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["--event", "999"], "no event with id 999"),
    ([], "use a .pdf, .html or .json file name"),
])
def test_cli_refuses_unknown_event_or_extension_in_one_line(small_case, tmp_path, capsys, args, message) -> None:
    case, _, _ = small_case
    name = "r.pdf" if args else "r.docx"
    assert main(["report", str(case.path), "-o", str(tmp_path / name), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_huge_text_in_every_field_still_renders_whole(tmp_path) -> None:
    """Text taller than a page (a long edit, rationale, transcript, event note) breaks across pages
    instead of making the report impossible to produce."""
    src = tmp_path / "a.txt"
    src.write_text("x", "utf-8")
    case = Case.create(tmp_path / "case", "Giant", "Ada Examiner")
    item = case.items.import_file(src, description="word " * 3000)
    case.items.edit(item.id, reason="why " * 1500, description="new " * 3000)
    case.grades.add("item", item.id, "because " * 2000, credibility="2")
    case.annotations.add(item.id, "passage", text="t " * 4000, text_start=0, text_end=1)
    case.events.add("E" * 2000, notes="n " * 3000)
    out = report.write_report(case, tmp_path / "giant.pdf")
    case.close()
    text = _pdf_text(out)
    assert item.sha256 in text
    assert _pdf_pages(out) > 5


def test_pdf_outline_leads_to_each_section_and_item(small_case, whole_pdf: Path) -> None:
    _, items, _ = small_case
    xml = subprocess.run(["pdftohtml", "-xml", "-i", "-q", "-stdout", str(whole_pdf)], capture_output=True,
                         text=True, check=True).stdout
    outline = re.findall(r'<item page="(\d+)">([^<]*)', xml)
    titles = [title for _, title in outline]
    assert titles[:3] == ["Cover", "1. Items in this report", "2. Custody history of each item"]
    for item in items.values():
        assert f"Item {item.id}: {html_escape(item.name)}" in titles
    pages = [int(page) for page, _ in outline]
    assert pages == sorted(pages) and pages[-1] > 1


def test_editions_written_together_share_one_report_hash(small_case, tmp_path) -> None:
    case, _, _ = small_case
    outs = [tmp_path / "report.pdf", tmp_path / "report.html", tmp_path / "report.json"]
    model = report.write_reports(case, outs, packet_fingerprint="tag-manifest:abc")
    digest = report.report_hash(model)
    assert hashlib.sha256(outs[2].read_bytes()).hexdigest() == digest
    assert f'<meta name="report-sha256" content="{digest}">' in outs[1].read_text("utf-8")
    assert digest in _pdf_text(outs[0]) and "tag-manifest:abc" in _pdf_text(outs[0])


def test_a_new_empty_case_reports_without_error(tmp_path) -> None:
    case = Case.create(tmp_path / "case", "Empty", "Ada Examiner")
    model = report.write_reports(case, [tmp_path / "e.pdf", tmp_path / "e.html"])
    case.close()
    assert model.items == () and model.verification.ok
    assert "No statements in this report." in _pdf_text(tmp_path / "e.pdf")
