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
    """``lay`` scaled to ``width`` points (and to at most ``max_height``)."""

    def __init__(self, lay: tl.TimelineLayout, width: float, max_height: float) -> None:
        super().__init__()
        self.lay = lay
        self.s = min(width / lay.width, max_height / lay.height)
        self.width, self.height = lay.width * self.s, lay.height * self.s

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    # layout pixels -> points, y downwards -> y upwards
    def _x(self, x: float) -> float:
        return x * self.s

    def _y(self, y: float) -> float:
        return self.height - y * self.s

    def _text(self, x: float, y: float, text: str, bold: bool = False, colour: str = "text",
              size: float = tl.FONT_PX) -> None:
        c = self.canv
        c.setFillColor(_colour(colour))
        pdftext.draw_string(c, self._x(x), self._y(y), text, SANS_BOLD if bold else SANS, size * self.s)

    def _line(self, x0: float, y0: float, x1: float, y1: float, colour: str, width: float = 1.0,
              dash: tuple[float, ...] | None = None) -> None:
        c = self.canv
        c.setStrokeColor(_colour(colour))
        c.setLineWidth(width * self.s)
        c.setDash(*(tuple(d * self.s for d in dash),) if dash else ())
        c.line(self._x(x0), self._y(y0), self._x(x1), self._y(y1))
        c.setDash()

    def draw(self) -> None:
        lay, c, s = self.lay, self.canv, self.s
        c.saveState()
        for i, lane in enumerate(lay.lanes):
            c.setFillColor(_colour("lane_odd" if i % 2 == 0 else "lane_even"))
            c.rect(0, self._y(lane.y1), self.width, (lane.y1 - lane.y0) * s, stroke=0, fill=1)
            lines = lane.label_lines
            top = (lane.y0 + lane.y1) / 2 - (len(lines) - 1) * 7 + 4
            for k, line in enumerate(lines):
                self._text(8, top + k * 14, line, bold=True, colour="unknown" if lane.unknown else "text")
            self._line(0, lane.y1, lay.width, lane.y1, "lane_line")
        known_bottom = next((lane.y0 for lane in lay.lanes if lane.unknown), lay.lanes[-1].y1 if lay.lanes else lay.height)
        self._line(lay.plot_x0, lay.axis_y, lay.plot_x1, lay.axis_y, "axis")
        self._line(lay.plot_x0, lay.axis_y, lay.plot_x0, known_bottom, "lane_line")
        for tick in lay.ticks:
            self._line(tick.x, lay.axis_y - 5, tick.x, known_bottom, "grid_major" if tick.major else "grid")
            if tick.label:
                self._text(tick.x + 3, lay.axis_y - 8, tick.label, bold=tick.major, colour="muted")
        self._text(8, 16, lay.caption, colour="muted")
        for m in lay.marks:
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
