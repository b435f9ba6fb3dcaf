"""The visual timeline as SVG, written by hand from a :class:`~.timeline_layout.TimelineLayout`.

Every string from the case (titles, source names, statement text, claim text)
goes through :func:`text`: XML-escaped, with characters XML cannot carry
(controls, lone surrogates) replaced by U+FFFD, so a title containing markup is
shown as the characters it is and can never add an element or an attribute.
The drawing uses the same colours and shapes as the app's widget.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from .display import visible
from .timeline_layout import BAR_H, FONT_PX, POINT_R, ROW_H, Mark, TimelineLayout

COLOURS = {
    "event": "#1f4e79", "statement": "#2a7f62", "unknown": "#c26a00", "unknown_fill": "#ffe3b3",
    "contested": "#b3261e", "text": "#1b2733", "muted": "#52606d", "lane_odd": "#f5f7fa", "lane_even": "#ffffff",
    "lane_line": "#d5dce4", "grid": "#e6ebf0", "grid_major": "#b9c4cf", "axis": "#7b8794",
}

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def text(value: str) -> str:
    """``value`` as XML character data: hidden and bidi controls as marks (``⟨RLO⟩``, :mod:`.display`)."""
    return escape(_NOT_XML.sub("\ufffd", visible(value, multiline=True)))


def tooltip(mark: Mark) -> str:
    """What hovering a mark says: the whole title, the time as read, the contested claims."""
    kind = "Event" if mark.kind == "event" else "Statement"
    lines = [f"{kind} #{mark.id}: {mark.title}", f"When: {mark.when}"]
    lines += [f"Contested claim: {claim}" for claim in mark.contested]
    return "\n".join(lines)


def _n(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def render_svg(lay: TimelineLayout, title: str = "", fluid: bool = False) -> str:
    """The SVG document of ``lay`` (UTF-8 text, no external references).

    ``fluid``: scaled to the width of its container (for embedding in HTML)."""
    c = COLOURS
    w, h = lay.width, lay.height
    size = 'width="100%" style="max-width:100%;height:auto"' if fluid else f'width="{_n(w)}" height="{_n(h)}"'
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" {size} '
           f'viewBox="0 0 {_n(w)} {_n(h)}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" '
           f'font-size="{_n(FONT_PX)}" role="img" class="evidence-desk-timeline">',
           f"<title>{text(title or 'Timeline')}</title>",
           f'<defs><clipPath id="tl-plot"><rect x="{_n(lay.plot_x0)}" y="0" '
           f'width="{_n(lay.plot_x1 - lay.plot_x0)}" height="{_n(h)}"/></clipPath></defs>',
           f'<rect x="0" y="0" width="{_n(w)}" height="{_n(h)}" fill="#ffffff"/>']
    for i, lane in enumerate(lay.lanes):
        fill = c["lane_odd"] if i % 2 == 0 else c["lane_even"]
        out.append(f'<g class="lane"><rect x="0" y="{_n(lane.y0)}" width="{_n(w)}" height="{_n(lane.y1 - lane.y0)}" '
                   f'fill="{fill}"/>')
        lines = lane.label_lines
        top = (lane.y0 + lane.y1) / 2 - (len(lines) - 1) * 7 + 4
        colour = c["unknown"] if lane.unknown else c["text"]
        for k, line in enumerate(lines):
            out.append(f'<text x="8" y="{_n(top + k * 14)}" fill="{colour}" font-weight="bold">{text(line)}</text>')
        out.append(f'<line x1="0" y1="{_n(lane.y1)}" x2="{_n(w)}" y2="{_n(lane.y1)}" stroke="{c["lane_line"]}"/></g>')
    known_bottom = next((lane.y0 for lane in lay.lanes if lane.unknown), lay.lanes[-1].y1 if lay.lanes else h)
    out.append(f'<line x1="{_n(lay.plot_x0)}" y1="{_n(lay.axis_y)}" x2="{_n(lay.plot_x1)}" y2="{_n(lay.axis_y)}" '
               f'stroke="{c["axis"]}"/>')
    out.append(f'<line x1="{_n(lay.plot_x0)}" y1="{_n(lay.axis_y)}" x2="{_n(lay.plot_x0)}" y2="{_n(known_bottom)}" '
               f'stroke="{c["lane_line"]}"/>')
    out.append('<g class="ticks">')
    for tick in lay.ticks:
        out.append(f'<line x1="{_n(tick.x)}" y1="{_n(lay.axis_y - 5)}" x2="{_n(tick.x)}" y2="{_n(known_bottom)}" '
                   f'stroke="{c["grid_major"] if tick.major else c["grid"]}"/>')
        weight = ' font-weight="bold"' if tick.major else ""
        out.append(f'<text x="{_n(tick.x + 3)}" y="{_n(lay.axis_y - 8)}" fill="{c["muted"]}"{weight}>'
                   f'{text(tick.label)}</text>')
    out.append("</g>")
    out.append(f'<text x="8" y="16" fill="{c["muted"]}">{text(lay.caption)}</text>')
    if lay.empty_text:
        out.append(f'<text x="{_n(lay.plot_x0 + 8)}" y="{_n(lay.axis_y + 24)}" fill="{c["muted"]}" '
                   f'font-style="italic">{text(lay.empty_text)}</text>')
    out.append('<g class="marks" clip-path="url(#tl-plot)">')
    out += [_mark(m, lay) for m in lay.marks if m.shape != "unknown"]
    out.append("</g>")
    out.append('<g class="marks unknown">')
    out += [_mark(m, lay) for m in lay.marks if m.shape == "unknown"]
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _mark(m: Mark, lay: TimelineLayout) -> str:
    c = COLOURS
    colour = c[m.kind]
    classes = f"mark {m.kind}" + (" contested" if m.contested else "")
    parts = [f'<g class="{classes}" data-kind="{m.kind}" data-id="{m.id}">', f"<title>{text(tooltip(m))}</title>"]
    y = m.y
    if m.shape == "point":
        if m.kind == "event":
            parts.append(f'<circle cx="{_n(m.x0)}" cy="{_n(y)}" r="{_n(POINT_R)}" fill="{colour}"/>')
        else:
            parts.append(f'<rect x="{_n(m.x0 - POINT_R + 0.5)}" y="{_n(y - POINT_R + 0.5)}" width="{_n(2 * POINT_R - 1)}" '
                         f'height="{_n(2 * POINT_R - 1)}" fill="{colour}" transform="rotate(45 {_n(m.x0)} {_n(y)})"/>')
    elif m.shape == "bar":
        parts.append(f'<rect x="{_n(m.x0)}" y="{_n(y - BAR_H / 2)}" width="{_n(m.x1 - m.x0)}" height="{_n(BAR_H)}" rx="4" '
                     f'fill="{colour}" fill-opacity="0.22" stroke="{colour}" stroke-width="1.5"/>')
    else:
        parts.append(f'<circle cx="{_n(m.x0)}" cy="{_n(y)}" r="{_n(POINT_R + 1)}" fill="{c["unknown_fill"]}" '
                     f'stroke="{c["unknown"]}" stroke-width="1.5" stroke-dasharray="2 1.5"/>')
        parts.append(f'<text x="{_n(m.x0)}" y="{_n(y + 3.5)}" text-anchor="middle" font-size="9" font-weight="bold" '
                     f'fill="{c["unknown"]}">?</text>')
    if m.contested:
        fx = m.x0
        top = y - ROW_H / 2 + 1
        parts.append(f'<path class="contested-flag" d="M {_n(fx - 5)} {_n(top)} L {_n(fx + 5)} {_n(top)} '
                     f'L {_n(fx)} {_n(top + 7)} Z" fill="{c["contested"]}"/>')
        if m.shape == "bar":
            parts.append(f'<rect x="{_n(m.x0)}" y="{_n(y - BAR_H / 2)}" width="{_n(m.x1 - m.x0)}" height="{_n(BAR_H)}" rx="4" '
                         f'fill="none" stroke="{c["contested"]}" stroke-width="1.5" stroke-dasharray="4 2"/>')
        else:
            parts.append(f'<circle cx="{_n(m.x0)}" cy="{_n(y)}" r="{_n(POINT_R + 3)}" fill="none" '
                         f'stroke="{c["contested"]}" stroke-width="1.5"/>')
    if m.label:
        parts.append(f'<text x="{_n(lay.label_x(m))}" y="{_n(y + 4)}" fill="{c["text"]}">{text(m.label)}</text>')
    parts.append("</g>")
    return "".join(parts)


__all__ = ["COLOURS", "render_svg", "text", "tooltip"]
