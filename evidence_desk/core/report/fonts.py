"""The report's fonts: bundled faces, what each covers, and which face draws a character.

Evidence comes in every script, so one face is never enough. DejaVu Sans (and Sans
Mono) stays the report's primary face; Arabic, Hebrew and Devanagari are drawn by
the Noto face made for them, Chinese, Japanese and Korean by Droid Sans Fallback,
and emoji by the monochrome Noto Emoji (see ``resources/fonts/LICENSES.md``).
Which characters a face has is read from its ``cmap`` with fontTools, once per
face, and kept for the life of the process; faces other than the primary are
registered with ReportLab only when a report first needs them.

Shaped text draws glyphs that no single character stands for (a lam-alef
ligature, a half-form conjunct, a mark moved over its letter). Such a glyph is
given a private-use code in its face, with its own advance, and the code is
remembered with the text it came from, so the PDF's ``ToUnicode`` map gives the
original characters back to anyone who extracts the text.
"""

from __future__ import annotations

import bisect
import functools
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

from ..resources import resource

SANS, SANS_BOLD, SANS_ITALIC, SANS_BOLD_ITALIC = ("DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique",
                                                  "DejaVuSans-BoldOblique")
MONO, MONO_BOLD = "DejaVuSansMono", "DejaVuSansMono-Bold"
PRIMARY = (SANS, SANS_BOLD, SANS_ITALIC, SANS_BOLD_ITALIC, MONO, MONO_BOLD)
BOLD = frozenset({SANS_BOLD, SANS_BOLD_ITALIC, MONO_BOLD})

ARABIC, ARABIC_BOLD = "NotoSansArabic-Regular", "NotoSansArabic-Bold"
HEBREW, HEBREW_BOLD = "NotoSansHebrew-Regular", "NotoSansHebrew-Bold"
DEVANAGARI, DEVANAGARI_BOLD = "NotoSansDevanagari-Regular", "NotoSansDevanagari-Bold"
CJK = "DroidSansFallback"
EMOJI = "NotoEmoji-Regular"
FALLBACK = (ARABIC, ARABIC_BOLD, HEBREW, HEBREW_BOLD, DEVANAGARI, DEVANAGARI_BOLD, CJK, EMOJI)
ALL_FACES = PRIMARY + FALLBACK


@dataclass(frozen=True)
class Specialist:
    """A face that draws its script even where the primary face has glyphs for it too."""

    ranges: tuple[tuple[int, int], ...]
    regular: str
    bold: str


SPECIALISTS = (
    Specialist(((0x0600, 0x06FF), (0x0750, 0x077F), (0x0870, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)),
               ARABIC, ARABIC_BOLD),
    Specialist(((0x0590, 0x05FF), (0xFB1D, 0xFB4F)), HEBREW, HEBREW_BOLD),
    Specialist(((0x0900, 0x097F), (0xA8E0, 0xA8FF), (0x1CD0, 0x1CFF)), DEVANAGARI, DEVANAGARI_BOLD),
    Specialist(((0x1F000, 0x1FAFF),), EMOJI, EMOJI),
)
# Tried in order for a character no specialist and not the primary face can draw.
GENERAL = (CJK, EMOJI, SANS)

_SPEC_STARTS: list[int] = []
_SPEC_SPANS: list[tuple[int, int, Specialist]] = []
for _spec in SPECIALISTS:
    _SPEC_SPANS += [(lo, hi, _spec) for lo, hi in _spec.ranges]
_SPEC_SPANS.sort(key=lambda span: span[0])
_SPEC_STARTS = [lo for lo, _, _ in _SPEC_SPANS]


def font_path(name: str) -> Path:
    return resource("fonts", f"{name}.ttf")


@functools.cache
def coverage(name: str) -> frozenset[int]:
    """The code points face ``name`` has a glyph for (read from its cmap, once)."""
    from fontTools.ttLib import TTFont as FontToolsFont

    with FontToolsFont(str(font_path(name)), lazy=True) as font:
        return frozenset(font.getBestCmap())


def _specialist(code: int) -> Specialist | None:
    k = bisect.bisect_right(_SPEC_STARTS, code) - 1
    if k >= 0 and code <= _SPEC_SPANS[k][1]:
        return _SPEC_SPANS[k][2]
    return None


_choice: dict[tuple[int, str], str] = {}


def face_for(code: int, primary: str) -> str:
    """The face that draws code point ``code`` in text set in ``primary``.

    A specialist for the character's script first, then the primary face, then the
    general fallbacks; the primary face (its missing-glyph box) if none has it."""
    key = (code, primary)
    found = _choice.get(key)
    if found is None:
        found = _choose(code, primary)
        _choice[key] = found
    return found


def _choose(code: int, primary: str) -> str:
    spec = _specialist(code)
    if spec is not None:
        name = spec.bold if primary in BOLD else spec.regular
        if code in coverage(name):
            return name
    for name in (primary, *GENERAL):
        if code in coverage(name):
            return name
    return primary


_SIMPLE_BIDI = frozenset({"L", "EN", "ES", "ET", "CS", "ON", "WS", "S", "B"})


@functools.cache
def simple_chars(primary: str) -> frozenset[str]:
    """Characters ``primary`` draws one for one, left to right, with no shaping.

    A string made only of these is drawn as ReportLab draws it (the fast path that
    nearly every string of a report takes); anything else goes through shaping."""
    out = []
    for code in coverage(primary):
        ch = chr(code)
        if (code >= 0x20 and _specialist(code) is None and unicodedata.bidirectional(ch) in _SIMPLE_BIDI
                and unicodedata.category(ch) not in ("Mn", "Me", "Mc", "Cf", "Cc", "Co", "Cs")):
            out.append(ch)
    return frozenset(out)


# --- ReportLab faces ------------------------------------------------------------------------------------

class ScriptTTFont(TTFont):
    """A TTFont that draws shaped glyphs and remembers how it encoded each string for a document.

    Reports repeat the same short strings thousands of times (examiner, host,
    action); ReportLab maps every character to its subset code on every draw,
    which was the largest single cost of a big report. Once a string's
    characters have codes in a document they never change, so the result can
    be kept with that document's font state (and dies with it)."""

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename)
        self._private: dict[tuple[int, str, float], int] = {}
        self._next_private = 0xE000
        self._lock = threading.Lock()

    def splitString(self, text, doc, encoding="utf-8"):  # noqa: N802 (ReportLab's name)
        state = self.state.get(doc)
        cache = getattr(state, "evidence_desk_memo", None) if state is not None else None
        if cache is None:
            result = super().splitString(text, doc, encoding)
            self.state[doc].evidence_desk_memo = {}
            return result
        found = cache.get(text)
        if found is None:
            found = cache[text] = super().splitString(text, doc, encoding)
        return found

    def private_code(self, glyph: int, text: str, width: float) -> str:
        """A private-use character that draws ``glyph`` with advance ``width`` (1000 units per em)
        and extracts as ``text``; the same glyph, text and advance always get the same code."""
        key = (glyph, text, round(width, 2))
        with self._lock:
            code = self._private.get(key)
            if code is None:
                face = self.face
                code = self._next_private
                while code in face.charToGlyph:
                    code += 1
                if code > 0xF8FF:  # the private-use area is full: draw the glyph, extract nothing better
                    return text[:1] or " "
                self._next_private = code + 1
                face.charToGlyph[code] = glyph
                face.charWidths[code] = key[2]
                _EXTRACTS_AS.setdefault(_face_name(face), {})[code] = text
                self._private[key] = code
        return chr(code)


# face name (as the embedded font is named) -> private code -> the text it stands for
_EXTRACTS_AS: dict[str, dict[int, str]] = {}


def _face_name(face) -> str:  # noqa: ANN001 (ReportLab's TTFontFace)
    return (face.name + face.subfontNameX).decode("latin-1")
_register_lock = threading.Lock()


def _utf16_hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """ReportLab's ToUnicode CMap, with private codes mapped back to their text and characters
    beyond the BMP written as UTF-16 surrogate pairs (ReportLab writes them as 5 hex digits)."""
    private = _EXTRACTS_AS.get(fontname.split("+", 1)[-1], {})
    pairs = []
    for i, code in enumerate(subset):
        text = private.get(code)
        pairs.append(f"<{i:02X}> <{_utf16_hex(chr(code)) if text is None else _utf16_hex(text)}>")
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap", "/CIDSystemInfo",
        f"<< /Registry ({fontname})", f"/Ordering ({fontname})", "/Supplement 0", ">> def",
        f"/CMapName /{fontname} def", "/CMapType 2 def", "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>", "endcodespacerange", f"{len(subset)} beginbfchar", *pairs,
        "endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"])


def register(names: Iterable[str] = PRIMARY) -> None:
    """Register the named bundled faces with ReportLab (once each); TTFs are always embedded."""
    with _register_lock:
        if ttfonts.makeToUnicodeCMap is not _to_unicode_cmap:
            # ReportLab builds each subset's ToUnicode map through this module function.
            ttfonts.makeToUnicodeCMap = _to_unicode_cmap
        for name in names:
            if name not in _registered:
                pdfmetrics.registerFont(ScriptTTFont(name, str(font_path(name))))
                _registered.add(name)
        if SANS in _registered and not _families_mapped:
            from reportlab.lib.fonts import addMapping

            for family, bold, italic, name in ((SANS, 0, 0, SANS), (SANS, 1, 0, SANS_BOLD),
                                               (SANS, 0, 1, SANS_ITALIC), (SANS, 1, 1, SANS_BOLD_ITALIC),
                                               (MONO, 0, 0, MONO), (MONO, 1, 0, MONO_BOLD),
                                               (MONO, 0, 1, MONO), (MONO, 1, 1, MONO_BOLD)):
                addMapping(family, bold, italic, name)
            _families_mapped.append(True)


_registered: set[str] = set()
_families_mapped: list[bool] = []


def face(name: str) -> ScriptTTFont:
    """The registered ReportLab face ``name`` (registered now if it was not yet)."""
    if name not in _registered:
        register([name])
    found = pdfmetrics.getFont(name)
    assert isinstance(found, ScriptTTFont)
    return found
