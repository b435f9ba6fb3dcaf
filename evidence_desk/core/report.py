"""Chain-of-custody report: PDF and HTML from one model.

:func:`build_report_model` gathers what the report states (the whole case,
one event, or chosen items); :func:`render_pdf` and :func:`render_html` draw
that same model; :func:`write_report` does both steps and writes the file
atomically, so a failed render never leaves a partial report behind.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import BadInput
from .fsutil import fsync_dir
from .report_model import ReportModel, build_report_model, model_json, report_hash

if TYPE_CHECKING:
    from .case import Case
    from .verify import VerifyReport

__all__ = ["FORMATS", "ReportModel", "build_report_model", "model_json", "render_html", "render_pdf",
           "report_hash", "write_report", "write_report_model"]

FORMATS = ("pdf", "html")


def render_pdf(model: ReportModel, out: Path) -> Path:
    """Write the PDF edition of ``model`` to ``out``."""
    from .report_pdf import render_pdf as _render

    return _render(model, Path(out))


def render_html(model: ReportModel, out: Path) -> Path:
    """Write the self-contained HTML edition of ``model`` to ``out``."""
    from .report_html import render_html as _render

    return _render(model, Path(out))


def format_for(out: Path, fmt: str | None = None) -> str:
    """The report format asked for: ``fmt`` if given, else from the file's extension."""
    chosen = (fmt or Path(out).suffix.lstrip(".")).lower()
    if chosen == "htm":
        chosen = "html"
    if chosen not in FORMATS:
        raise BadInput(f"cannot write a report as {Path(out).name!r}: use a .pdf or .html file name")
    return chosen


def write_report(case: Case, out: Path, *, fmt: str | None = None, event_id: int | None = None,
                 item_ids: Sequence[int] | None = None, verification: VerifyReport | None = None,
                 packet_fingerprint: str = "") -> Path:
    """Build the report of ``case`` (or a subset) and write it to ``out`` atomically."""
    write_report_model(case, out, fmt=fmt, event_id=event_id, item_ids=item_ids, verification=verification,
                       packet_fingerprint=packet_fingerprint)
    return Path(out)


def write_report_model(case: Case, out: Path, *, fmt: str | None = None, event_id: int | None = None,
                       item_ids: Sequence[int] | None = None, verification: VerifyReport | None = None,
                       packet_fingerprint: str = "") -> ReportModel:
    """:func:`write_report`, returning the model written (for its hash and counts)."""
    out = Path(out)
    chosen = format_for(out, fmt)
    model = build_report_model(case, event_id=event_id, item_ids=item_ids, verification=verification,
                               packet_fingerprint=packet_fingerprint)
    renderer: Callable[[ReportModel, Path], Any] = render_pdf if chosen == "pdf" else render_html
    write_atomically(out, lambda tmp: renderer(model, tmp))
    return model


def write_atomically(out: Path, produce: Callable[[Path], Any]) -> None:
    """Let ``produce`` write a temporary file beside ``out``, then rename it into place."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        produce(tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(out.parent)
