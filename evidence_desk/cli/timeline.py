"""The visual timeline as a file: ``timeline CASE -o FILE.svg|FILE.png``.

The SVG is written from core's layout with no Qt at all; the PNG is painted
offscreen by the same code that draws the app's widget (a QGuiApplication on
the "offscreen" platform when no display is there). The export is logged in
the custody chain with the file's SHA-256, as a report's export is.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from .common import EXIT_OK, add_command, open_case


def cmd_timeline(args: argparse.Namespace) -> int:
    from ..core import operations as ops
    from ..core.errors import BadInput

    if args.output.suffix.lstrip(".").lower() not in ops.TIMELINE_FORMATS:  # before the case is opened
        raise BadInput(f"cannot write a timeline as {args.output.name!r}: use a .svg or .png file name")
    if not 400 <= args.width <= 20_000:
        raise BadInput("--width must be between 400 and 20000 pixels")
    if not 0.5 <= args.scale <= 8:
        raise BadInput("--scale must be between 0.5 and 8")
    write_png = None
    if args.output.suffix.lower() == ".png":
        _gui_application()
        from ..gui.timeline_view import write_png as paint

        def write_png(lay: Any, path: Path) -> None:
            paint(lay, path, args.scale)

    with open_case(args) as case:
        written = ops.export_timeline(case, args.output, width=float(args.width), write_png=write_png).value
    print(f"wrote {args.output}: {written.marks} mark(s) in {written.lanes} lane(s), {written.undated} with an "
          f"unknown time; SHA-256 {written.sha256}")
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
                    "as SVG or PNG; the export is custody-logged with the file's hash")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.svg|FILE.png")
    p.add_argument("--width", type=int, default=1200, help="drawing width in pixels (default 1200)")
    p.add_argument("--scale", type=float, default=2.0, help="PNG pixels per drawing pixel (default 2)")
