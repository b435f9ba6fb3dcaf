"""Chain-of-custody report: PDF and HTML from one model.

:func:`build_report_model` gathers what the report states (the whole case,
one event, or chosen items); :func:`render_pdf` and :func:`render_html` draw
that same model; :func:`write_report` does both steps and writes the file
atomically, so a failed render never leaves a partial report behind.
:func:`write_reports` writes several editions of one model (a review packet
carries the PDF, the HTML and the JSON of the same report, with one hash).

The package: this module is the way in; :mod:`.model` builds the plain-data
:class:`ReportModel` and its hash, :mod:`.pdf` and :mod:`.html` draw it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BadInput, user_error
from ..fsutil import fsync_dir, owned_name, remove_dead_temporaries
from .model import ReportModel, build_report_model, model_json, report_hash

if TYPE_CHECKING:
    from ..case import Case
    from ..verify import VerifyReport

__all__ = ["FORMATS", "ReportModel", "build_report_model", "model_json", "render_html", "render_pdf",
           "report_hash", "write_edition", "write_report",
           "write_report_model", "write_reports"]

FORMATS = ("pdf", "html", "json")
TMP = ".tmp"  # a report being written beside its destination


def render_pdf(model: ReportModel, out: Path) -> Path:
    """Write the PDF edition of ``model`` to ``out``."""
    from .pdf import render_pdf as _render

    return _render(model, Path(out))


def render_html(model: ReportModel, out: Path) -> Path:
    """Write the self-contained HTML edition of ``model`` to ``out``."""
    from .html import render_html as _render

    return _render(model, Path(out))


def format_for(out: Path, fmt: str | None = None) -> str:
    """The report format asked for: ``fmt`` if given, else from the file's extension."""
    chosen = (fmt or Path(out).suffix.lstrip(".")).lower()
    if chosen == "htm":
        chosen = "html"
    if chosen not in FORMATS:
        raise BadInput(f"cannot write a report as {Path(out).name!r}: use a .pdf, .html or .json file name")
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
    chosen = format_for(Path(out), fmt)
    model = build_report_model(case, event_id=event_id, item_ids=item_ids, verification=verification,
                               packet_fingerprint=packet_fingerprint)
    write_edition(model, Path(out), chosen)
    return model


def write_reports(case: Case, outs: Sequence[Path], *, event_id: int | None = None,
                  item_ids: Sequence[int] | None = None, verification: VerifyReport | None = None,
                  packet_fingerprint: str = "") -> ReportModel:
    """Write several editions of ONE report (e.g. ``report.pdf``, ``report.html``, ``report.json``).

    They share one model, so they state the same content and print the same report hash; writing
    them one by one with :func:`write_report` would give each its own generation time and hash.
    Each file is written atomically; the format of each comes from its extension."""
    chosen = [format_for(Path(out)) for out in outs]
    model = build_report_model(case, event_id=event_id, item_ids=item_ids, verification=verification,
                               packet_fingerprint=packet_fingerprint)
    for out, fmt in zip(outs, chosen, strict=True):
        write_edition(model, Path(out), fmt)
    return model


def write_edition(model: ReportModel, out: Path, fmt: str) -> Path:
    """Write one edition of ``model`` atomically: pdf, html, or json (the canonical content that the
    report hash is the SHA-256 of)."""
    renderers: dict[str, Callable[[ReportModel, Path], Any]] = {
        "pdf": render_pdf, "html": render_html,
        "json": lambda m, path: path.write_bytes(model_json(m).encode("utf-8"))}
    write_atomically(out, lambda tmp: renderers[fmt](model, tmp))
    return out


def write_atomically(out: Path, produce: Callable[[Path], Any]) -> None:
    """Let ``produce`` write a temporary file beside ``out``, then rename it into place.

    Temporaries that killed writers left beside ``out`` are removed first; a full
    disk or a read-only folder is reported naming ``out``."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        remove_dead_temporaries(out.parent, (TMP,))
        tmp = out.parent / owned_name(out.name, TMP)
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as exc:
        raise (user_error(exc, out) or exc) from exc
    try:
        produce(tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, out)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError) and (refused := user_error(exc, out)) is not None:
            raise refused from exc
        raise
    fsync_dir(out.parent)
