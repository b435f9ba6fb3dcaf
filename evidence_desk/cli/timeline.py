"""The visual timeline as a file: ``timeline CASE -o FILE.svg|FILE.png``.

The SVG is written from core's layout with no Qt at all; the PNG is painted
offscreen by the same code that draws the app's widget (a QGuiApplication on
the "offscreen" platform when no display is there). Reading the case only:
nothing is logged, nothing changes.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from .common import EXIT_OK, add_command, open_case

FORMATS = ("svg", "png")


def cmd_timeline(args: argparse.Namespace) -> int:
    from ..core.errors import BadInput

    fmt = args.output.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise BadInput(f"cannot write a timeline as {args.output.name!r}: use a .svg or .png file name")
    if not 400 <= args.width <= 20_000:
        raise BadInput("--width must be between 400 and 20000 pixels")
    from ..core import timeline_layout as tl
    from ..core.report import write_atomically

    with open_case(args, read_only=True) as case:
        data = tl.from_case(case)
        title = f"Timeline \u2014 {case.info().title}"
    lay = tl.layout(data, float(args.width))
    if fmt == "svg":
        from ..core.timeline_svg import render_svg

        svg = render_svg(lay, title)
        write_atomically(args.output, lambda tmp: tmp.write_text(svg, "utf-8"))
    else:
        _gui_application()
        from ..gui.timeline_view import write_png

        write_atomically(args.output, lambda tmp: write_png(lay, tmp, args.scale))
    marks = sum(1 for m in lay.marks)
    unknown = sum(1 for m in lay.marks if m.shape == "unknown")
    print(f"wrote {args.output}: {marks} mark(s) in {len(lay.lanes)} lane(s), {unknown} with an unknown time")
    return EXIT_OK


def _gui_application() -> Any:
    """The QGuiApplication painting needs; offscreen when there is no display to use."""
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    return QGuiApplication.instance() or QGuiApplication(["evidence-desk"])


def register(sub: Any) -> None:
    p = add_command(sub, "timeline", cmd_timeline,
                    "draw the case's visual timeline (events and statements by time, lanes by source) "
                    "as SVG or PNG", writes=False)
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.svg|FILE.png")
    p.add_argument("--width", type=int, default=1200, help="drawing width in pixels (default 1200)")
    p.add_argument("--scale", type=float, default=2.0, help="PNG pixels per drawing pixel (default 2)")
