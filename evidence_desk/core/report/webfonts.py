"""The faces an HTML report embeds so it shows every script offline.

The HTML edition is one self-contained file that fetches nothing, so it cannot
count on the reader's machine having an Arabic or a CJK font. For each bundled
script face (:mod:`fonts`) whose characters occur in the report, a subset holding
just those characters (and the layout tables the browser shapes with) is
embedded as a WOFF ``data:`` URL in an ``@font-face`` rule limited by
``unicode-range`` to them; the report's CSS lists these faces in its font stacks.
A report in Latin, Greek and Cyrillic only embeds nothing.
"""

from __future__ import annotations

import base64
import functools
import io
import re
from dataclasses import dataclass

from . import fonts

# Characters the page's own faces (DejaVu, or the reader's sans-serif) are left to draw.
_NEEDS_LOOKING_AT = re.compile(r"[^\x00-\u052f\u1e00-\u1fff\u2000-\u2bff]")


@dataclass(frozen=True)
class WebFace:
    family: str
    regular: str
    bold: str | None


WEB_FACES = (
    WebFace("ED Arabic", fonts.ARABIC, fonts.ARABIC_BOLD),
    WebFace("ED Hebrew", fonts.HEBREW, fonts.HEBREW_BOLD),
    WebFace("ED Devanagari", fonts.DEVANAGARI, fonts.DEVANAGARI_BOLD),
    WebFace("ED CJK", fonts.CJK, None),
    WebFace("ED Emoji", fonts.EMOJI, None),
)


def font_face_css(text: str) -> str:
    """``@font-face`` rules embedding subsets of the script faces that ``text`` needs ("" if none)."""
    wanted = set(_NEEDS_LOOKING_AT.findall(text))
    if not wanted:
        return ""
    rules = []
    for web in WEB_FACES:
        chars = frozenset(ch for ch in wanted if fonts.face_for(ord(ch), fonts.SANS) == web.regular)
        if not chars:
            continue
        for name, weight in ((web.regular, "normal"), (web.bold, "bold")):
            if name is None:
                continue
            data = base64.b64encode(_subset(name, chars)).decode("ascii")
            rules.append(f'@font-face {{ font-family: "{web.family}"; src: url(data:font/woff;base64,{data}) '
                         f'format("woff"); font-weight: {weight}; font-style: normal; '
                         f"unicode-range: {_unicode_range(chars)}; }}")
    return "\n".join(rules)


@functools.lru_cache(maxsize=64)
def _subset(name: str, chars: frozenset[str]) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features = ["*"]  # the browser shapes Arabic and Devanagari with these
    options.flavor = "woff"
    options.name_IDs = ["*"]  # the licence and copyright travel with the font
    options.notdef_outline = True
    with TTFont(str(fonts.font_path(name))) as font:
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=[ord(c) for c in chars])
        subsetter.subset(font)
        out = io.BytesIO()
        font.flavor = "woff"
        font.save(out)
    return out.getvalue()


def _unicode_range(chars: frozenset[str]) -> str:
    codes = sorted(ord(c) for c in chars)
    spans: list[list[int]] = []
    for code in codes:
        if spans and code == spans[-1][1] + 1:
            spans[-1][1] = code
        else:
            spans.append([code, code])
    return ", ".join(f"U+{a:X}" if a == b else f"U+{a:X}-{b:X}" for a, b in spans)
