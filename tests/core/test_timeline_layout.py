"""The visual timeline's scene, computed without Qt: lanes, marks, ticks, contested flags,
and the SVG written from it (case text escaped), and the report's own timeline."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from evidence_desk.core import timeline_layout as tl
from evidence_desk.core import uncertain_time as utime
from evidence_desk.core.case import Case
from evidence_desk.core.report import build_report_model
from evidence_desk.core.report.timeline import from_report, report_svg
from evidence_desk.core.timeline_svg import render_svg

SVG = "{http://www.w3.org/2000/svg}"
CHICAGO = ZoneInfo("America/Chicago")


def at(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=CHICAGO).timestamp()


@pytest.fixture
def case(tmp_path: Path):
    with Case.create(tmp_path / "case", "Timeline test", "Test Examiner", tz="America/Chicago") as c:
        yield c


def marks_by_title(lay: tl.TimelineLayout) -> dict[str, tl.Mark]:
    return {m.title: m for m in lay.marks}


def test_interval_widths_follow_the_precision_of_each_time(case: Case) -> None:
    case.events.add("to the second", when="2025-10-04 12:34:44")
    case.events.add("to the minute", when="2025-10-04 12:34")
    case.events.add("a quarter hour", when="between 12:30 and 12:45 on 2025-10-04")
    case.events.add("the day", when="2025-10-04")
    lay = tl.layout(tl.from_case(case), 2000, tl.View(at("2025-10-04 00:00"), at("2025-10-05 00:00")))
    m = marks_by_title(lay)
    plot = lay.plot_x1 - lay.plot_x0
    assert m["to the second"].shape == m["to the minute"].shape == "point"
    assert m["to the second"].x0 == m["to the second"].x1 == pytest.approx(lay.x_of(at("2025-10-04 12:34:44")))
    assert m["to the minute"].x1 == m["to the minute"].x0
    quarter = m["a quarter hour"]
    assert quarter.shape == "bar"
    assert quarter.x0 == pytest.approx(lay.x_of(at("2025-10-04 12:30")))
    assert quarter.x1 - quarter.x0 == pytest.approx(plot * 16 * 60 / 86400, abs=0.1)  # 12:30:00 to 12:45:59
    day = m["the day"]
    assert day.shape == "bar" and day.x1 - day.x0 == pytest.approx(plot, rel=1e-3)
    assert day.label_inside  # the whole-day bar carries its title inside
    # zoomed out to the year, the quarter hour is still drawn, at the least visible width
    year = tl.layout(tl.from_case(case), 2000, tl.View(at("2025-01-01 00:00"), at("2026-01-01 00:00")))
    assert marks_by_title(year)["a quarter hour"].x1 - marks_by_title(year)["a quarter hour"].x0 == tl.MIN_BAR_W


def test_unknown_times_sit_in_their_own_lane_last(case: Case) -> None:
    case.events.add("known", when="2025-10-04")
    case.events.add("never dated")
    case.statements.add("Witness", "interview", "I do not remember when", when="yesterday-ish", source="Witnesses")
    lay = tl.layout(tl.from_case(case))
    assert [lane.name for lane in lay.lanes] == ["Events", tl.UNKNOWN_LANE]
    assert lay.lanes[-1].unknown
    m = marks_by_title(lay)
    assert m["never dated"].shape == "unknown" and m["never dated"].lane == 1
    statement = next(x for x in lay.marks if x.kind == "statement")
    assert statement.shape == "unknown" and statement.lane == 1 and "yesterday-ish" in statement.when
    assert m["known"].lane == 0 and m["known"].shape == "bar"
    unknown = [x for x in lay.marks if x.shape == "unknown"]
    assert all(lay.lanes[1].y0 < x.y < lay.lanes[1].y1 for x in unknown)
    assert unknown[0].x1 + tl.LABEL_GAP <= unknown[1].x0  # side by side, not on top of each other


def test_statements_get_a_lane_per_source_and_events_their_own(case: Case) -> None:
    event = case.events.add("Shooting", when="2025-10-04 12:40")
    case.statements.add("Dispatcher", "radio", "Units, stand down", when="2025-10-04 12:34:44",
                        source="OEMC", event_ids=[event.id])
    case.statements.add("Spokesperson", "press release", "Officers responded", when="2025-10-04", source="DHS")
    case.statements.add("Bystander", "interview", "I heard shots", when="2025-10-04 12:41")
    lay = tl.layout(tl.from_case(case))
    assert [lane.name for lane in lay.lanes] == ["Events", "DHS", "OEMC", tl.NO_SOURCE_LANE]
    lanes = {m.title.split(":")[0]: lay.lanes[m.lane].name for m in lay.marks}
    assert lanes == {"Shooting": "Events", "Dispatcher": "OEMC", "Spokesperson": "DHS", "Bystander": tl.NO_SOURCE_LANE}
    for m in lay.marks:  # every mark inside its lane's band
        assert lay.lanes[m.lane].y0 < m.y < lay.lanes[m.lane].y1


def test_contested_claims_flag_the_events_their_evidence_is_attached_to(case: Case, tmp_path: Path) -> None:
    ordered = case.events.add("Stand-down order", when="2025-10-04 12:34:44")
    scene = case.events.add("Officers at the scene", when="2025-10-04 13:00")
    quiet = case.events.add("Press conference", when="2025-10-05")
    order = case.statements.add("Dispatcher", "radio", "Stand down", source="OEMC", event_ids=[ordered.id])
    memo = tmp_path / "memo.txt"
    memo.write_text("officers on scene at 13:02", "utf-8")
    item = case.items.import_file(memo, event_ids=[scene.id], source="CPD")
    press = case.statements.add("CPD", "press release", "We responded", source="CPD", event_ids=[quiet.id])
    contested = case.claims.add("CPD units were ordered not to respond")
    case.claims.link(contested.id, "supports", statement_id=order.id)
    case.claims.link(contested.id, "contradicts", item_id=item.id)
    one_sided = case.claims.add("A press conference was held")
    case.claims.link(one_sided.id, "supports", statement_id=press.id)
    lay = tl.layout(tl.from_case(case))
    m = {(x.kind, x.id): x for x in lay.marks}
    assert m[("event", ordered.id)].contested == ("CPD units were ordered not to respond",)
    assert m[("event", scene.id)].contested == ("CPD units were ordered not to respond",)
    assert m[("event", quiet.id)].contested == ()  # its claim has no evidence against it
    assert all(not x.contested for x in lay.marks if x.kind == "statement")
    svg = ET.fromstring(render_svg(lay))
    flagged = {int(g.get("data-id")) for g in svg.iter(f"{SVG}g") if "contested" in (g.get("class") or "").split()}
    assert flagged == {ordered.id, scene.id}
    assert len([p for p in svg.iter(f"{SVG}path") if p.get("class") == "contested-flag"]) == 2


def test_hundreds_of_events_stay_in_bounded_rows_and_labels_never_overlap() -> None:
    data = tl.make_data(((i, f"Event number {i} with a fairly long title",
                          utime.parse(f"2025-10-04 {8 + i % 12:02d}:{i % 60:02d}", "America/Chicago"))
                         for i in range(400)), (), {}, "America/Chicago")
    lay = tl.layout(data, 1400)
    assert len(lay.marks) == 400
    lane = lay.lanes[0]
    assert lane.y1 - lane.y0 <= 2 * tl.LANE_PAD + tl.MAX_ROWS * tl.ROW_H
    rows: dict[float, list[tl.Mark]] = {}
    for m in lay.marks:
        rows.setdefault(m.y, []).append(m)
    assert len(rows) <= tl.MAX_ROWS
    for row in rows.values():
        labelled = sorted((m for m in row if m.label), key=lambda m: m.x0)
        for a, b in zip(labelled, labelled[1:], strict=False):
            assert lay.label_x(a) + tl.label_width(a.label) < b.x0 - tl.POINT_R
    assert any(not m.label for m in lay.marks)  # the crowded ones drop their labels, not their marks
    zoomed = tl.layout(data, 1400, lay.view.zoomed(40, 0.5))
    assert sum(1 for m in zoomed.marks if m.label and zoomed.plot_x0 <= m.x0 <= zoomed.plot_x1) > 0


def test_zoom_keeps_the_anchor_and_pan_moves_by_a_fraction_of_the_span() -> None:
    view = tl.View(1000.0, 2000.0)
    zoomed = view.zoomed(2, anchor=0.25)
    assert zoomed.span == 500 and zoomed.start + 0.25 * zoomed.span == pytest.approx(1250)
    assert view.zoomed(1e9).span == tl.MIN_SPAN_S
    assert view.panned(0.1) == tl.View(1100.0, 2100.0)
    far = tl.View(tl.LATEST - 100, tl.LATEST)
    assert far.panned(1).end == tl.LATEST  # the calendar ends somewhere
    assert far.zoomed(1e-9, anchor=1).end == tl.LATEST and far.zoomed(1e-9).span == tl.MAX_SPAN_S
    tl.layout(tl.TimelineData((), "UTC", ()), 800, far.zoomed(1e-9))  # ticks at the calendar's end


def test_ticks_are_labelled_in_the_case_zone_and_hit_testing_finds_marks(case: Case) -> None:
    event = case.events.add("Dispatch", when="2025-10-04 12:34:44")
    lay = tl.layout(tl.from_case(case), 1200, tl.View(at("2025-10-04 10:00"), at("2025-10-04 16:00")))
    labels = [t.label for t in lay.ticks]
    assert "12:00" in labels and "America/Chicago" in lay.caption
    assert all(lay.plot_x0 - 1 <= t.x <= lay.plot_x1 + 1 for t in lay.ticks)
    noon = next(t for t in lay.ticks if t.label == "12:00")
    assert noon.x == pytest.approx(lay.x_of(at("2025-10-04 12:00")))
    mark = lay.find("event", event.id)
    assert mark is not None and lay.mark_at(mark.x0, mark.y) == mark
    assert lay.mark_at(mark.x0, mark.y + tl.ROW_H) is None
    days = tl.layout(tl.from_case(case), 1200, tl.View(at("2025-09-01 00:00"), at("2025-12-01 00:00")))
    assert any("Oct" in t.label for t in days.ticks)


def test_svg_shows_markup_in_case_text_as_text(case: Case) -> None:
    hostile = 'A <script>alert("x")</script> & <b>bold</b> \x01 event'
    case.events.add(hostile, when="2025-10-04")
    case.statements.add("<i>Speaker</i>", "radio", "said ]]> & <svg onload=x>", source='"><g onclick="x', when="2025-10-04")
    svg_text = render_svg(tl.layout(tl.from_case(case), 1600), 'Case "<title>"')
    root = ET.fromstring(svg_text)  # well-formed despite the markup and the control character
    assert root.find(f"{SVG}script") is None and "onload" not in {k for e in root.iter() for k in e.attrib}
    texts = ["".join(e.itertext()) for e in root.iter(f"{SVG}text")]
    assert any(t.startswith('A <script>alert("x")</script> & <b>bold</b>') for t in texts)  # the label
    titles = ["".join(e.itertext()) for e in root.iter(f"{SVG}title")]
    assert titles[0] == 'Case "<title>"'
    assert any(hostile.replace("\x01", "⟨U+0001⟩") in t for t in titles)  # a control shown as its mark
    lanes = [t for t in texts if t.startswith('"><g')]
    assert lanes, texts  # the source's name is a lane label, as written
    assert "<b>" not in svg_text and "&lt;b&gt;" in svg_text


def test_the_report_draws_the_same_entries_as_the_case(case: Case) -> None:
    event = case.events.add("Stand-down order", when="2025-10-04 12:34:44")
    case.events.add("Undated")
    s = case.statements.add("Dispatcher", "radio", "Stand down", source="OEMC", event_ids=[event.id],
                            when="between 12:30 and 12:45 on 2025-10-04")
    claim = case.claims.add("Ordered to stand down")
    case.claims.link(claim.id, "supports", statement_id=s.id)
    case.claims.link(claim.id, "contradicts", statement_id=s.id)
    model = build_report_model(case)
    assert from_report(model) == tl.from_case(case)
    svg = ET.fromstring(report_svg(model))
    assert svg.get("width") == "100%" and svg.get("viewBox")
    assert len([g for g in svg.iter(f"{SVG}g") if g.get("data-kind") == "event"]) == 2
