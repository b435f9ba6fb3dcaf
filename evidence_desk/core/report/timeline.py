"""The visual timeline of a report: built from the report's own model, so it shows
exactly the events and statements the report states (a subset report, a subset
timeline), and drawn from the same layout as the app's widget and the export.

The HTML edition embeds the hand-written SVG (every case string XML-escaped);
the PDF edition draws the layout with ReportLab primitives (:mod:`.pdf_timeline`).
Neither changes the report's canonical JSON: the drawing is derived from it.
"""

from __future__ import annotations

import re

from .. import timeline_layout as tl
from .model import ReportModel, TimeText

_SOURCE_SUFFIX = re.compile(r" \(source #\d+\)$")


def _interval(t: TimeText) -> tuple[float | None, float | None]:
    if not t.normalised:
        return None, None
    start, _, end = t.normalised.partition(" / ")
    a = tl.seconds(start)
    b = tl.seconds(end) if end else a
    return a, b if b is not None and a is not None and b >= a else a


def from_report(model: ReportModel) -> tl.TimelineData:
    """The timeline entries of ``model``: its events and statements, and its contested claims."""
    statement_events = {s.id: s.event_ids for s in model.statements}
    item_events: dict[int, list[int]] = {}
    for e in model.events:
        for item_id in e.item_ids:
            item_events.setdefault(item_id, []).append(e.id)
    claims = [(c.text, c.contested, [(line.kind, line.id) for line in (*c.supporting, *c.contradicting)])
              for c in model.claims]
    contested = tl.contested_events(claims, statement_events, item_events)
    entries: list[tl.Entry] = []
    for e in model.events:
        start, end = _interval(e.time)
        entries.append(tl.Entry("event", e.id, e.title, tl.EVENTS_LANE, start, end, e.time.precision,
                                e.time.display, tuple(contested.get(e.id, ()))))
    for s in model.statements:
        start, end = _interval(s.time)
        source = "" if s.source == "\u2014" else _SOURCE_SUFFIX.sub("", s.source)
        entries.append(tl.Entry("statement", s.id, tl.statement_title(s.speaker, s.text), source or tl.NO_SOURCE_LANE,
                                start, end, s.time.precision, s.time.display))
    return tl.TimelineData(entries=tuple(entries), tz=model.case_tz, lanes=tl.lane_order(entries))


def report_layout(model: ReportModel, width: float) -> tl.TimelineLayout | None:
    """The layout of the report's timeline, or None when it has no event and no statement."""
    data = from_report(model)
    return tl.layout(data, width) if data.entries else None


def report_svg(model: ReportModel, width: float = 1000.0) -> str:
    """The SVG of the report's timeline, fluid (it fills the page's width), or "" when empty."""
    from ..timeline_svg import render_svg

    lay = report_layout(model, width)
    return render_svg(lay, f"Timeline \u2014 {model.case_title}", fluid=True) if lay is not None else ""
