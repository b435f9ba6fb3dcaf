"""The HTML edition of the chain-of-custody report: one self-contained file.

CSS is inlined (screen and print), nothing is fetched, no script runs.
Jinja2 autoescaping turns every value from the case into text, so a file
name or statement containing markup is shown, never interpreted. The report's
canonical JSON is embedded (as inert ``application/json``) so a reviewer can
recompute the report hash printed on the page.

Case strings are isolated in ``<bdi>`` (long texts get ``dir="auto"``), so a
right-to-left name, or a bidi control inside one, cannot reorder the text
around it, and every hidden or bidi control is shown as a mark (``⟨RLO⟩``,
:func:`..display.visible`) rather than obeyed. Faces for the scripts the report uses are embedded
(:mod:`webfonts`), so it shows Arabic or CJK on a machine without such fonts.
"""

from __future__ import annotations

import functools
import secrets
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from ..display import is_hidden, visible
from ..fsutil import atomic_write_text
from ..resources import resource
from .model import HEAD_CODE_EXPLANATION, REPORT_HASH_EXPLANATION, ReportModel, model_json, report_hash
from .timeline import report_svg
from .webfonts import font_face_css


def _shown(value: Any) -> Any:
    """Every value the template prints: hidden and bidi controls marked (``⟨RLO⟩``), lines kept.

    Markup of our own (the CSS, the embedded JSON, the font faces) passes as it is."""
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    return visible(value, multiline=True)


@functools.cache
def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(resource("report"))), autoescape=select_autoescape(
        enabled_extensions=("html", "j2"), default_for_string=True, default=True),
        undefined=StrictUndefined, trim_blocks=False, lstrip_blocks=False, finalize=_shown)
    return env


def embedded_json(model: ReportModel) -> str:
    """The canonical JSON, made inert inside a <script> element.

    ``<``, ``>`` and ``&`` become JSON escapes: the parsed value, and so the
    hash of its canonical form, is unchanged, but no text can close the element.
    Hidden and bidi controls are escaped too, so the page holds none raw.
    """
    text = model_json(model)
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    # (raw C0 controls cannot be inside a JSON string: a newline or tab here is layout, left alone)
    return "".join(_json_escape(c) if is_hidden(c) and c not in "\n\r\t" else c for c in text)


def _json_escape(char: str) -> str:
    """A hidden character as a JSON escape (a surrogate pair above U+FFFF): same value, nothing raw."""
    code = ord(char)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def render_html_text(model: ReportModel) -> str:
    digest = report_hash(model)
    template = _environment().get_template("report.html.j2")
    slot = f"/* embedded faces {secrets.token_hex(16)} */"  # unguessable: case text cannot stand in for it
    page = template.render(
        m=model, digest=digest, css=Markup(resource("report", "report.css").read_text("utf-8")),
        font_faces=Markup(slot),
        hash_explanation=REPORT_HASH_EXPLANATION, head_code_explanation=HEAD_CODE_EXPLANATION,
        content_json=Markup(embedded_json(model)),
        timeline_svg=Markup(report_svg(model)),  # hand-written SVG: every case string in it is XML-escaped
        custody_total=sum(len(i.custody) for i in model.items),
        contested=sum(c.contested for c in model.claims),
        source_grades=[g for s in model.sources for g in s.grades])
    # The faces are picked from the text the page really holds, so it is rendered first.
    return page.replace(slot, font_face_css(page), 1)


def render_html(model: ReportModel, out: Path) -> Path:
    """Write the HTML edition of ``model`` to ``out``."""
    atomic_write_text(Path(out), render_html_text(model))
    return Path(out)
