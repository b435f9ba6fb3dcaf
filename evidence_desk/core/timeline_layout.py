"""The visual timeline as plain geometry: lanes, marks with x-intervals, ticks with labels.

One layout feeds every renderer: the app's widget and the PNG export paint it
with Qt (``gui/timeline_view.py``), the SVG export writes it by hand
(:mod:`.timeline_svg`) and the PDF report draws it with ReportLab. This module
knows nothing of Qt or of any output format.

The steps: :func:`from_case` (or ``report.timeline.from_report``) gathers a
:class:`TimelineData` of entries, one per event and statement, each with its
time as an interval in UTC seconds; :func:`layout` places them for a width and
a :class:`View` (the span of time shown). Zooming and panning make a new View
and a new layout; nothing else changes.

How uncertainty is drawn: a time read to the second or minute is a point; a
coarser or ranged time (hour, day, month, "between 12:30 and 12:45") is a bar
over the whole interval the text allows; an unknown time has no place on the
axis and sits in its own lane, "Time unknown", in timeline order. Events sit in
the "Events" lane, statements in a lane per source. An event that a contested
claim concerns (a claim with evidence both for and against, where a linked
statement or item is attached to the event) carries a contested flag.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from .display import visible
from .uncertain_time import UncertainTime, zone

if TYPE_CHECKING:
    from .case import Case

EVENTS_LANE = "Events"
UNKNOWN_LANE = "Time unknown"
NO_SOURCE_LANE = "Statements (no source)"
POINT_PRECISIONS = ("second", "minute")

# geometry, in pixels of the layout (renderers scale it)
LANE_LABEL_W = 150.0  # gutter on the left with the lane names
RIGHT_PAD = 16.0
AXIS_H = 40.0  # tick labels above the lanes
ROW_H = 22.0
LANE_PAD = 8.0
MAX_ROWS = 8  # rows per lane before marks share a row and lose their labels
FONT_PX = 11.0
CHAR_W = 6.4  # a generous average advance of the 11 px sans face, to keep labels apart
BOLD_CHAR_W = 7.3
LABEL_CHARS = 52  # longer titles are cut with an ellipsis
POINT_R = 5.0
MIN_BAR_W = 6.0
LABEL_GAP = 5.0
INSIDE_PAD = 6.0
BAR_H = 14.0
UNKNOWN_CHIP_PAD = 22.0  # room for the "?" marker in front of an unknown entry's label
MIN_SPAN_S = 10.0
EARLIEST = datetime(2, 1, 1, tzinfo=UTC).timestamp()  # datetime's range, with room for time zones
LATEST = datetime(9998, 1, 1, tzinfo=UTC).timestamp()
MAX_SPAN_S = 200 * 365.25 * 86400


@dataclass(frozen=True)
class Entry:
    """One event or statement to place: its label, lane and time as a UTC interval."""

    kind: str  # "event" or "statement"
    id: int
    title: str
    lane: str
    start: float | None  # UTC seconds; None: the time is unknown
    end: float | None  # inclusive end of the interval the source's text allows
    precision: str
    when: str  # the time as the app shows it ("2025-10-04 (day)", "unknown (yesterday-ish)")
    contested: tuple[str, ...] = ()  # texts of the contested claims that concern this event

    @property
    def known(self) -> bool:
        return self.start is not None

    @property
    def is_point(self) -> bool:
        return self.precision in POINT_PRECISIONS or self.end is None or self.end <= (self.start or 0)


@dataclass(frozen=True)
class TimelineData:
    entries: tuple[Entry, ...]
    tz: str  # the zone ticks are labelled in (the case's)
    lanes: tuple[str, ...]  # lane order, the unknown lane last when present


@dataclass(frozen=True)
class View:
    """The span of time shown, in UTC seconds."""

    start: float
    end: float

    @property
    def span(self) -> float:
        return self.end - self.start

    def zoomed(self, factor: float, anchor: float = 0.5) -> View:
        """``factor`` > 1 zooms in (a shorter span); ``anchor`` (0..1 across the plot) stays put."""
        span = min(max(self.span / factor, MIN_SPAN_S), MAX_SPAN_S)
        at = self.start + self.span * anchor
        start = min(max(at - span * anchor, EARLIEST), LATEST - span)
        return View(start, start + span)

    def panned(self, fraction: float) -> View:
        """Move by ``fraction`` of the span (positive: later), never past the calendar's ends."""
        shift = self.span * fraction
        shift = min(max(shift, EARLIEST - self.start), LATEST - self.end)
        return View(self.start + shift, self.end + shift)


@dataclass(frozen=True)
class Lane:
    name: str
    y0: float
    y1: float
    unknown: bool = False

    @property
    def label_lines(self) -> tuple[str, ...]:
        """The name in lines that fit the gutter: two, or as many as a taller lane has room for (up to 4)."""
        room = max(2, min(4, int((self.y1 - self.y0 - 6) / 14)))
        return wrap(self.name, int((LANE_LABEL_W - 14) / BOLD_CHAR_W), room)


@dataclass(frozen=True)
class Mark:
    """An entry as placed: a point (x0 == x1) or a bar from x0 to x1, or a chip in the unknown lane."""

    kind: str
    id: int
    shape: str  # "point", "bar" or "unknown"
    x0: float
    x1: float
    y: float  # centre line of its row
    lane: int
    label: str  # "" when there is no room for it
    label_x: float
    title: str  # the whole title, for tooltips
    when: str
    precision: str
    contested: tuple[str, ...] = ()
    label_inside: bool = False  # drawn inside its bar (long bars), else right of the mark

    def hit(self, x: float, y: float, slop: float = 3.0) -> bool:
        """Whether (x, y) falls on the mark (or on its label)."""
        if abs(y - self.y) > ROW_H / 2:
            return False
        right = max(self.x1, self.x0) + POINT_R + slop
        if self.label and not self.label_inside:
            right = max(right, self.label_x + label_width(self.label))
        return self.x0 - POINT_R - slop <= x <= right


@dataclass(frozen=True)
class Tick:
    x: float
    label: str
    major: bool  # the first tick of a new day (or month, year) is labelled with the date


@dataclass(frozen=True)
class TimelineLayout:
    width: float
    height: float
    plot_x0: float
    plot_x1: float
    axis_y: float  # the line the ticks stand on; lanes start below it
    view: View
    tz: str
    lanes: tuple[Lane, ...]
    marks: tuple[Mark, ...]
    ticks: tuple[Tick, ...]
    caption: str  # e.g. "04 Oct 2025 12:00 – 13:10 America/Chicago"
    empty_text: str = ""  # said in the plot when nothing has a known time
    extra: dict[str, int] = field(default_factory=dict)

    def x_of(self, t: float) -> float:
        return self.plot_x0 + (t - self.view.start) / self.view.span * (self.plot_x1 - self.plot_x0)

    def time_at(self, x: float) -> float:
        return self.view.start + (x - self.plot_x0) / (self.plot_x1 - self.plot_x0) * self.view.span

    def mark_at(self, x: float, y: float) -> Mark | None:
        """The mark under (x, y); a mark's shape wins over a neighbour's label."""
        hits = [m for m in self.marks if m.hit(x, y) and (m.shape == "unknown" or self._visible(m))]
        if not hits:
            return None
        return min(hits, key=lambda m: 0 if m.x0 - POINT_R - 3 <= x <= max(m.x0, m.x1) + POINT_R + 3 else 1)

    def _visible(self, m: Mark) -> bool:
        return max(m.x0, m.x1) >= self.plot_x0 - POINT_R and m.x0 <= self.plot_x1 + POINT_R

    def label_x(self, m: Mark) -> float:
        """Where ``m``'s label starts: a label inside a bar stays in view while the bar is panned."""
        if not m.label_inside:
            return m.label_x + (4 if m.contested and m.shape != "bar" else 0)
        x = max(m.label_x, self.plot_x0 + INSIDE_PAD)
        return min(x, m.x1 - INSIDE_PAD - label_width(m.label))

    def find(self, kind: str, record_id: int) -> Mark | None:
        return next((m for m in self.marks if m.kind == kind and m.id == record_id), None)


# --- gathering ------------------------------------------------------------------------------------------

def seconds(iso: str | None) -> float | None:
    if not iso:
        return None
    moment = datetime.fromisoformat(iso)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def interval(t: UncertainTime) -> tuple[float | None, float | None]:
    """The UTC interval of an uncertain time; (None, None) when unknown."""
    start = seconds(t.start)
    if start is None:
        return None, None
    end = seconds(t.end)
    return start, end if end is not None and end >= start else start


def statement_title(speaker: str, text: str) -> str:
    flat = " ".join(text.split())
    return f"{speaker.strip()}: \u201c{flat}\u201d" if flat else speaker.strip()


def lane_order(entries: Iterable[Entry]) -> tuple[str, ...]:
    """Events first, then the statement sources by name, the no-source lane, the unknown lane last."""
    names = {e.lane for e in entries}
    sources = sorted(names - {EVENTS_LANE, NO_SOURCE_LANE}, key=_natural)
    order = ([EVENTS_LANE] if EVENTS_LANE in names else []) + sources
    order += [NO_SOURCE_LANE] if NO_SOURCE_LANE in names else []
    return tuple(order)


def _natural(name: str) -> tuple[tuple[int, int | str], ...]:
    """"Source 2" before "Source 10"; letters without regard to case."""
    return tuple((0, int(part)) if part.isdigit() else (1, part.casefold())
                 for part in re.split(r"(\d+)", name) if part)


def contested_events(claims: Iterable[tuple[str, bool, Sequence[tuple[str, int]]]],
                     statement_events: dict[int, Sequence[int]],
                     item_events: dict[int, Sequence[int]]) -> dict[int, list[str]]:
    """Event id -> texts of the contested claims that concern it.

    ``claims``: (text, contested, [(kind, id) of its supporting and contradicting evidence]).
    A claim concerns an event when a statement linked to it is about that event, or an item
    linked to it is attached to that event."""
    out: dict[int, list[str]] = {}
    for text, contested, links in claims:
        if not contested:
            continue
        events: set[int] = set()
        for kind, record_id in links:
            events.update((statement_events if kind == "statement" else item_events).get(record_id, ()))
        for event_id in sorted(events):
            out.setdefault(event_id, []).append(text)
    return out


def make_data(events: Iterable[tuple[int, str, UncertainTime]],
              statements: Iterable[tuple[int, str, str, UncertainTime]],
              contested: dict[int, list[str]], tz: str) -> TimelineData:
    """Entries from (event id, title, time) and (statement id, title, source name, time)."""
    entries: list[Entry] = []
    for event_id, title, t in events:
        start, end = interval(t)
        entries.append(Entry("event", event_id, title, EVENTS_LANE, start, end, t.precision, t.display(),
                             tuple(contested.get(event_id, ()))))
    for statement_id, title, source, t in statements:
        start, end = interval(t)
        entries.append(Entry("statement", statement_id, title, source.strip() or NO_SOURCE_LANE, start, end,
                             t.precision, t.display()))
    return TimelineData(entries=tuple(entries), tz=tz, lanes=lane_order(entries))


def from_case(case: Case) -> TimelineData:
    """Every event and statement of ``case``, and the contested claims that concern its events."""
    statements = case.statements.list()
    statement_events = {s.id: s.event_ids for s in statements}
    item_events: dict[int, list[int]] = {}
    events = case.events.list()
    all_claims = case.claims.list()
    linked_items = {link.item_id for c in all_claims for link in c.links if link.item_id is not None}
    for item_id in sorted(linked_items):
        item_events[item_id] = [e.id for e in case.events.of_item(item_id)]
    claims = [(c.text, c.contested, [("item", link.item_id) if link.item_id is not None
                                     else ("statement", link.statement_id or 0)
                                     for link in c.links if link.stance in ("supports", "contradicts")])
              for c in all_claims]
    contested = contested_events(claims, statement_events, item_events)
    return make_data(((e.id, e.title, e.time) for e in events),
                     ((s.id, statement_title(s.speaker, s.text), s.source_name, s.time) for s in statements),
                     contested, case.info().default_tz)


# --- placing --------------------------------------------------------------------------------------------

def short(text: str, limit: int = LABEL_CHARS) -> str:
    """One line of at most ``limit`` characters (line breaks and tabs become spaces, other hidden and
    bidi controls their marks, ``⟨RLO⟩``: a label cannot reorder itself or its neighbours)."""
    flat = " ".join(visible("".join(" " if c in "\n\r\t\x0b\x0c\x85\u2028\u2029" else c for c in text)).split())
    return flat if len(flat) <= limit else flat[:limit - 1].rstrip() + "\u2026"


def wrap(text: str, width: int, lines: int) -> tuple[str, ...]:
    """``text`` in at most ``lines`` lines of ``width`` characters, the last cut with an ellipsis."""
    words = short(text, 10_000).split(" ")
    out: list[str] = []
    line = ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    out.append(line)
    if len(out) > lines:
        out = out[:lines - 1] + [" ".join(out[lines - 1:])]
    return tuple(short(t, width) for t in out)


def label_width(text: str) -> float:
    return len(text) * CHAR_W


def full_view(data: TimelineData) -> View:
    """A view showing every entry with a known time, with a margin."""
    known = [e for e in data.entries if e.start is not None]
    if not known:
        now = 0.0
        return View(now, now + 86400)
    lo = min(e.start for e in known if e.start is not None)
    hi = max((e.end if e.end is not None else e.start) for e in known if e.start is not None)
    span = max(hi - lo, 600.0)
    middle = (lo + hi) / 2
    span *= 1.12
    # room on the right for the labels of the last entries
    return View(middle - span / 2, middle + span / 2 + span * 0.18)


def layout(data: TimelineData, width: float = 1100.0, view: View | None = None) -> TimelineLayout:
    """Place ``data`` on a plot ``width`` pixels wide showing ``view`` (default: everything)."""
    view = view or full_view(data)
    width = max(width, LANE_LABEL_W + 200)
    plot_x0, plot_x1 = LANE_LABEL_W, width - RIGHT_PAD
    scale = (plot_x1 - plot_x0) / view.span

    def x_of(t: float) -> float:
        return plot_x0 + (t - view.start) * scale

    lanes: list[Lane] = []
    marks: list[Mark] = []
    y = AXIS_H
    by_lane: dict[str, list[Entry]] = {}
    unknown: list[Entry] = []
    for e in data.entries:
        (by_lane.setdefault(e.lane, []) if e.known else unknown).append(e)
    for name in data.lanes:
        entries = sorted(by_lane.get(name, []), key=lambda e: (e.start, e.end, e.id))
        if not entries:
            continue
        lane_index = len(lanes)
        placed = _rows(entries, x_of)
        rows = max((p.row for p in placed), default=0) + 1
        top = y
        for p in placed:
            e = p.entry
            marks.append(Mark(e.kind, e.id, "point" if e.is_point else "bar", p.x0, p.x1,
                              top + LANE_PAD + p.row * ROW_H + ROW_H / 2, lane_index, p.label if p.show_label else "",
                              p.label_x, e.title, e.when, e.precision, e.contested, p.inside))
        y = top + 2 * LANE_PAD + rows * ROW_H
        lanes.append(Lane(name, top, y))
    if unknown:
        lane_index = len(lanes)
        top = y
        x, row = plot_x0 + POINT_R + 2, 0
        for e in unknown:
            label = short(e.title)
            chip = UNKNOWN_CHIP_PAD + label_width(label)
            if x + chip > plot_x1 and x > plot_x0 + POINT_R + 2:
                x, row = plot_x0 + POINT_R + 2, row + 1
            marks.append(Mark(e.kind, e.id, "unknown", x, x, top + LANE_PAD + row * ROW_H + ROW_H / 2, lane_index,
                              label, x + POINT_R + LABEL_GAP, e.title, e.when, e.precision, e.contested))
            x += chip + 12
        y = top + 2 * LANE_PAD + (row + 1) * ROW_H
        lanes.append(Lane(UNKNOWN_LANE, top, y, unknown=True))
    ticks = [t if t.x + 3 + label_width(t.label) <= width else Tick(t.x, "", t.major)
             for t in _ticks(view, data.tz, plot_x0, plot_x1)]
    known = sum(1 for e in data.entries if e.known)
    return TimelineLayout(
        width=width, height=max(y, AXIS_H + ROW_H) + 14, plot_x0=plot_x0, plot_x1=plot_x1, axis_y=AXIS_H,
        view=view, tz=data.tz, lanes=tuple(lanes), marks=tuple(marks), ticks=tuple(ticks),
        caption=_caption(view, data.tz),
        empty_text="" if known or not data.entries else "No event or statement has a known time yet",
        extra={"entries": len(data.entries), "known": known})


@dataclass
class _Placed:
    entry: Entry
    x0: float
    x1: float
    label: str
    label_x: float
    inside: bool  # the label is drawn inside its (long) bar
    row: int = 0
    show_label: bool = True

    @property
    def left(self) -> float:
        return self.x0 - POINT_R

    def right(self, with_label: bool) -> float:
        end = self.x1 + POINT_R
        if with_label and not self.inside:
            end = self.label_x + label_width(self.label)
        return end + 8


def _place(e: Entry, x_of) -> _Placed:  # noqa: ANN001 (a local mapping)
    x0 = x_of(e.start or 0.0)
    x1 = x0 if e.is_point else max(x_of(e.end or 0.0), x0 + MIN_BAR_W)
    label = short(e.title)
    if not e.is_point and x1 - x0 >= label_width(label) + 2 * INSIDE_PAD:
        room = int((x1 - x0 - 2 * INSIDE_PAD) / CHAR_W)  # a long bar shows more of its title
        return _Placed(e, x0, x1, short(e.title, max(LABEL_CHARS, min(room, 160))), x0 + INSIDE_PAD, True)
    return _Placed(e, x0, x1, label, x1 + POINT_R + LABEL_GAP, False)


def _rows(entries: Sequence[Entry], x_of) -> list[_Placed]:  # noqa: ANN001 (a local mapping)
    """First-fit rows inside a lane: a mark and its label never overlap another's.

    A bar long enough holds its label inside; other labels follow their mark. When every
    row of the lane is taken, the mark goes to the row that frees up first and is drawn
    without its label (its tooltip still names it)."""
    ends: list[float] = []
    out: list[_Placed] = []
    for e in entries:
        p = _place(e, x_of)
        row = next((r for r, end in enumerate(ends) if end <= p.left), None)
        if row is not None:
            ends[row] = p.right(True)
            p.row = row
        elif len(ends) < MAX_ROWS:
            ends.append(p.right(True))
            p.row = len(ends) - 1
        else:
            p.row = min(range(len(ends)), key=lambda r: ends[r])
            ends[p.row] = max(ends[p.row], p.right(False))
            p.show_label = False
        out.append(p)
    return out


# --- ticks ----------------------------------------------------------------------------------------------

_FIXED_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200,
                86400, 2 * 86400, 7 * 86400)
_MONTH_STEPS = (1, 3, 6)  # months
_YEAR_STEPS = (1, 2, 5, 10, 20, 50, 100)
MIN_TICK_PX = 96.0


def _ticks(view: View, tz: str, plot_x0: float, plot_x1: float) -> list[Tick]:
    try:
        zone_info = zone(tz)
    except Exception:  # a zone this machine lacks: label in UTC
        zone_info = UTC
    px_per_s = (plot_x1 - plot_x0) / view.span
    need = MIN_TICK_PX / px_per_s  # seconds between ticks at least
    times: list[datetime] = []
    start = datetime.fromtimestamp(view.start, zone_info)
    if need <= _FIXED_STEPS[-1]:
        step = next(s for s in _FIXED_STEPS if s >= need)
        if step >= 86400:
            first = start.replace(hour=0, minute=0, second=0, microsecond=0)
            days = step // 86400
            t = first
            while t.timestamp() <= view.end:
                times.append(t)
                t = _add_days(t, days)
        else:
            offset = (start.utcoffset() or timedelta()).total_seconds()
            t0 = math.floor((view.start + offset) / step) * step - offset
            n = 0
            while t0 + n * step <= view.end and n < 2000:
                times.append(datetime.fromtimestamp(t0 + n * step, zone_info))
                n += 1
        fmt_minor = "%H:%M:%S" if step < 60 else "%H:%M"
        if step >= 86400:
            fmt_minor = "%d %b"
        ticks = []
        last_day: object = None
        for t in times:
            if step >= 86400:
                major = (t.year, t.month) != last_day
                last_day = (t.year, t.month)
                label = t.strftime("%d %b %Y" if major else "%d %b")
            else:
                major = t.date() != last_day
                last_day = t.date()
                if major and (t.hour, t.minute, t.second) == (0, 0, 0):
                    label = t.strftime("%d %b")
                elif major:
                    label = t.strftime("%d %b ") + t.strftime(fmt_minor)
                else:
                    label = t.strftime(fmt_minor)
            ticks.append(Tick(plot_x0 + (t.timestamp() - view.start) * px_per_s, label, major))
        return [k for k in ticks if plot_x0 - 1 <= k.x <= plot_x1 + 1]
    month_step = next((m for m in _MONTH_STEPS if m * 30.4 * 86400 >= need), None)
    if month_step is not None:
        t = start.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        t = t.replace(month=(t.month - 1) // month_step * month_step + 1)
        while t.timestamp() <= view.end:
            times.append(t)
            t = _add_months(t, month_step)
        ticks = [Tick(plot_x0 + (t.timestamp() - view.start) * px_per_s,
                      t.strftime("%b %Y" if t.month <= month_step else "%b"), t.month <= month_step) for t in times]
        return [k for k in ticks if plot_x0 - 1 <= k.x <= plot_x1 + 1]
    year_step = next((y for y in _YEAR_STEPS if y * 365.25 * 86400 >= need), _YEAR_STEPS[-1])
    year = start.year // year_step * year_step
    while True:
        try:
            t = datetime(year, 1, 1, tzinfo=zone_info)
        except ValueError:
            break
        if t.timestamp() > view.end:
            break
        times.append(t)
        year += year_step
    ticks = [Tick(plot_x0 + (t.timestamp() - view.start) * px_per_s, f"{t.year}", True) for t in times]
    return [k for k in ticks if plot_x0 - 1 <= k.x <= plot_x1 + 1]


def _add_days(t: datetime, days: int) -> datetime:
    naive = t.replace(tzinfo=None) + timedelta(days=days)
    return naive.replace(tzinfo=t.tzinfo)


def _add_months(t: datetime, months: int) -> datetime:
    month = t.month - 1 + months
    return t.replace(year=t.year + month // 12, month=month % 12 + 1)


def _caption(view: View, tz: str) -> str:
    try:
        zone_info = zone(tz)
    except Exception:
        zone_info, tz = UTC, "UTC"
    a = datetime.fromtimestamp(view.start, zone_info)
    b = datetime.fromtimestamp(view.end, zone_info)
    if a.date() == b.date():
        return f"{a:%d %b %Y %H:%M} \u2013 {b:%H:%M} ({tz})"
    if view.span < 3 * 86400:
        return f"{a:%d %b %Y %H:%M} \u2013 {b:%d %b %Y %H:%M} ({tz})"
    return f"{a:%d %b %Y} \u2013 {b:%d %b %Y} ({tz})"
