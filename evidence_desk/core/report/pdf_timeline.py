"""The report's visual timeline drawn on the PDF page with ReportLab primitives.

It paints the same :class:`~..timeline_layout.TimelineLayout` the app and the
exports paint, scaled to the frame; case text goes through :mod:`.pdftext`, so
any script is drawn with a face that has it, and always as plain text.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.platypus import Flowable

from .. import timeline_layout as tl
from ..timeline_svg import COLOURS
from . import pdftext
from .fonts import SANS, SANS_BOLD


def _colour(name: str, alpha: float = 1.0) -> Any:
    c = colors.HexColor(COLOURS[name])
    return colors.Color(c.red, c.green, c.blue, alpha=alpha)


class TimelineFlowable(Flowable):
    """``lay`` scaled to ``width`` points; lanes ``first``..``last`` (all by default).

    A timeline taller than the space left splits between lanes, each part under its own
    time axis, so a case with many sources runs over pages at a legible size. A lane
    that cannot fit even on a page of its own (hundreds of undated records) is scaled
    down to ``max_height``."""

    def __init__(self, lay: tl.TimelineLayout, width: float, max_height: float,
                 first: int = 0, last: int | None = None, squeeze: bool = False) -> None:
        super().__init__()
        self.lay, self.frame_width, self.max_height = lay, width, max_height
        self.first, self.last = first, len(lay.lanes) if last is None else last
        self.shift = lay.lanes[first].y0 - lay.axis_y if lay.lanes else 0.0
        px = self._px(self.first, self.last)
        self.s = width / lay.width
        if squeeze:
            self.s = min(self.s, max_height / px)
        self.width, self.height = lay.width * self.s, px * self.s

    def _px(self, first: int, last: int) -> float:
        """The height in layout pixels of the axis and lanes first..last."""
        lanes = self.lay.lanes[first:last]
        if not lanes:
            return self.lay.axis_y + 14
        return self.lay.axis_y + (lanes[-1].y1 - lanes[0].y0) + 14

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        if self.height <= avail_height or self.last - self.first <= 1:
            if self.height > avail_height and avail_height < self.max_height * 0.9:
                return []  # a lane alone: on the next page
            return [self] if self.height <= avail_height else [
                TimelineFlowable(self.lay, self.frame_width, min(avail_height, self.max_height), self.first,
                                 self.last, squeeze=True)]
        s = self.frame_width / self.lay.width
        fits = self.first
        while fits < self.last and self._px(self.first, fits + 1) * s <= avail_height:
            fits += 1
        if fits == self.first:
            return []
        return [TimelineFlowable(self.lay, self.frame_width, self.max_height, self.first, fits),
                TimelineFlowable(self.lay, self.frame_width, self.max_height, fits, self.last)]

    # layout pixels -> points, y downwards -> y upwards; lanes move up under the axis
    def _x(self, x: float) -> float:
        return x * self.s

    def _y(self, y: float) -> float:
        return self.height - (y - self.shift) * self.s

    def _hy(self, y: float) -> float:
        return self.height - y * self.s

    def _text(self, x: float, y: float, text: str, bold: bool = False, colour: str = "text",
              size: float = tl.FONT_PX, header: bool = False) -> None:
        c = self.canv
        c.setFillColor(_colour(colour))
        pdftext.draw_string(c, self._x(x), self._hy(y) if header else self._y(y), text,
                            SANS_BOLD if bold else SANS, size * self.s)

    def _line(self, x0: float, y0: float, x1: float, y1: float, colour: str, width: float = 1.0,
              header: bool = False) -> None:
        """From (x0, y0) to (x1, y1); with ``header`` the start is on the axis, which does not move with the lanes."""
        c = self.canv
        c.setStrokeColor(_colour(colour))
        c.setLineWidth(width * self.s)
        c.line(self._x(x0), self._hy(y0) if header else self._y(y0), self._x(x1), self._y(y1))

    def draw(self) -> None:
        lay, c, s = self.lay, self.canv, self.s
        lanes = lay.lanes[self.first:self.last]
        c.saveState()
        for i, lane in enumerate(lanes, start=self.first):
            c.setFillColor(_colour("lane_odd" if i % 2 == 0 else "lane_even"))
            c.rect(0, self._y(lane.y1), self.width, (lane.y1 - lane.y0) * s, stroke=0, fill=1)
            lines = lane.label_lines
            top = (lane.y0 + lane.y1) / 2 - (len(lines) - 1) * 7 + 4
            for k, line in enumerate(lines):
                self._text(8, top + k * 14, line, bold=True, colour="unknown" if lane.unknown else "text")
            self._line(0, lane.y1, lay.width, lane.y1, "lane_line")
        known = [lane for lane in lanes if not lane.unknown]
        bottom = known[-1].y1 if known else lay.axis_y + self.shift
        self._line(lay.plot_x0, lay.axis_y, lay.plot_x1, lay.axis_y + self.shift, "axis", header=True)
        if known:
            self._line(lay.plot_x0, lay.axis_y, lay.plot_x0, bottom, "lane_line", header=True)
        for tick in lay.ticks:
            self._line(tick.x, lay.axis_y - 5, tick.x, bottom if known else lay.axis_y + self.shift,
                       "grid_major" if tick.major else "grid", header=True)
            if tick.label:
                self._text(tick.x + 3, lay.axis_y - 8, tick.label, bold=tick.major, colour="muted", header=True)
        caption = lay.caption if self.first == 0 else f"{lay.caption} (continued)"
        self._text(8, 16, caption, colour="muted", header=True)
        for m in lay.marks:
            if self.first <= m.lane < self.last:
                self._mark(m)
        c.restoreState()

    def _mark(self, m: tl.Mark) -> None:
        c, s, lay = self.canv, self.s, self.lay
        colour = m.kind
        r = tl.POINT_R * s
        x, y = self._x(m.x0), self._y(m.y)
        if m.shape == "point":
            c.setFillColor(_colour(colour))
            if m.kind == "event":
                c.circle(x, y, r, stroke=0, fill=1)
            else:
                p = c.beginPath()
                p.moveTo(x, y + r)
                p.lineTo(x + r, y)
                p.lineTo(x, y - r)
                p.lineTo(x - r, y)
                p.close()
                c.drawPath(p, stroke=0, fill=1)
        elif m.shape == "bar":
            c.setFillColor(_colour(colour, 0.22))
            c.setStrokeColor(_colour(colour))
            c.setLineWidth(1.5 * s)
            c.roundRect(x, y - tl.BAR_H / 2 * s, (m.x1 - m.x0) * s, tl.BAR_H * s, 4 * s, stroke=1, fill=1)
        else:
            c.setFillColor(_colour("unknown_fill"))
            c.setStrokeColor(_colour("unknown"))
            c.setLineWidth(1.5 * s)
            c.setDash(2 * s, 1.5 * s)
            c.circle(x, y, r + s, stroke=1, fill=1)
            c.setDash()
            c.setFillColor(_colour("unknown"))
            c.setFont(SANS_BOLD, 9 * s)
            c.drawCentredString(x, y - 3.2 * s, "?")
        if m.contested:
            top = self._y(m.y - tl.ROW_H / 2 + 1)
            p = c.beginPath()
            p.moveTo(x - 5 * s, top)
            p.lineTo(x + 5 * s, top)
            p.lineTo(x, top - 7 * s)
            p.close()
            c.setFillColor(_colour("contested"))
            c.drawPath(p, stroke=0, fill=1)
            c.setStrokeColor(_colour("contested"))
            c.setLineWidth(1.5 * s)
            if m.shape == "bar":
                c.setDash(4 * s, 2 * s)
                c.roundRect(x, y - tl.BAR_H / 2 * s, (m.x1 - m.x0) * s, tl.BAR_H * s, 4 * s, stroke=1, fill=0)
                c.setDash()
            else:
                c.circle(x, y, r + 3 * s, stroke=1, fill=0)
        if m.label:
            self._text(lay.label_x(m), m.y + 4, m.label)
