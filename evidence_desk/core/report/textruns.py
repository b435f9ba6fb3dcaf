"""Text of any script laid out for the PDF: bidi order, font runs, shaped glyphs.

A string from a case is cut into runs: each run is one direction (the Unicode
bidirectional algorithm, via python-bidi) and one face (:func:`fonts.face_for`
picks, per character, a face that has its glyph). Each run is shaped by
HarfBuzz (uharfbuzz): Arabic letters join, Devanagari conjuncts form and its
vowel signs move before their consonant, marks sit on their letters. The runs
are then put in visual order and come out as :class:`Piece` s, left to right,
each a string ReportLab draws in one face as it draws any string.

A glyph that is not simply "the glyph of its character" is drawn through a
private-use code of its face (see :meth:`fonts.ScriptTTFont.private_code`)
whose advance is the shaped one and which extracts as the characters it came
from; a character no face has is drawn as a box that still extracts as itself.

Hostile text: explicit bidi controls (LRE, RLE, LRO, RLO, PDF, LRI, RLI, FSI,
PDI) and other control characters do not steer the layout. Each is drawn as a
visible box, and extracts as itself.

Nearly every string in a report is plain text the primary face draws
character for character; :func:`is_simple` tells those apart cheaply and they
skip all of this.
"""

from __future__ import annotations

import functools
import threading
import unicodedata
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from bidi import algorithm as uba
from reportlab.pdfbase import pdfmetrics

from . import fonts

EXPLICIT_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_NEUTRALISE = {ord(c): "\ufffd" for c in EXPLICIT_BIDI}  # U+FFFD is an "other neutral": it steers nothing
# Characters that belong with the one before them (a mark on its letter, a joiner, an
# emoji modifier or variation selector): they stay in that character's run.
_JOINING_CATEGORIES = frozenset({"Mn", "Mc", "Me", "Cf", "Sk"})
_NEUTRAL_CATEGORIES = frozenset({"Zs", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Nd"})


@dataclass(frozen=True, slots=True)
class Piece:
    """Part of a line, left to right: ``text`` drawn in face ``font`` is ``width`` wide at size 1000."""

    font: str
    text: str
    width: float
    tag: Hashable = None


_simple: dict[str, frozenset[str]] = {}


def is_simple(text: str, primary: str) -> bool:
    """Whether ``primary`` draws ``text`` character for character, left to right (no layout needed)."""
    if text.isascii():
        return text.isprintable()
    chars = _simple.get(primary)
    if chars is None:
        chars = _simple[primary] = fonts.simple_chars(primary)
    return chars.issuperset(text)


def is_simple_block(text: str, primary: str) -> bool:
    """:func:`is_simple` for every line of ``text`` (lines separated by ``\n``)."""
    return is_simple(text.replace("\n", " ") if "\n" in text else text, primary)


def width(text: str, primary: str, size: float) -> float:
    """How wide ``text`` is drawn in ``primary`` (with fallback faces and shaping) at ``size``."""
    if is_simple(text, primary):
        return pdfmetrics.stringWidth(text, primary, size)
    return sum(p.width for p in layout(text, primary)) * size / 1000


def base_level(text: str) -> int:
    """0 if ``text`` reads left to right (its first strong character), 1 if right to left."""
    return uba.get_base_level(text.translate(_NEUTRALISE))


def layout(text: str, primary: str, base: int | None = None) -> tuple[Piece, ...]:
    """``text`` (one line, logical order) as pieces in visual order; ``base`` is the paragraph's
    direction (0 left to right, 1 right to left; by default the text's own)."""
    if is_simple(text, primary):
        return (Piece(primary, text, pdfmetrics.stringWidth(text, primary, 1000)),)
    return layout_spans(((text, primary, None),), base)


@functools.lru_cache(maxsize=8192)
def layout_spans(spans: tuple[tuple[str, str, Hashable], ...], base: int | None = None) -> tuple[Piece, ...]:
    """Like :func:`layout`, for a line made of spans ``(text, primary face, tag)``; each piece keeps
    its span's tag (a colour, say), and no piece crosses from one span to the next."""
    text = "".join(s[0] for s in spans)
    if not text:
        return ()
    owner: list[int] = []
    for k, span in enumerate(spans):
        owner += [k] * len(span[0])
    if base is None:
        base = base_level(text)
    levels = _levels(text, base)
    runs = _runs(text, spans, owner, levels)
    order = _visual_order([r.level for r in runs])
    pieces: list[Piece] = []
    for k in order:
        run = runs[k]
        piece = _shape(run)
        if pieces and pieces[-1].font == piece.font and pieces[-1].tag == piece.tag:
            last = pieces.pop()
            piece = Piece(piece.font, last.text + piece.text, last.width + piece.width, piece.tag)
        pieces.append(piece)
    return tuple(pieces)


# --- bidi -----------------------------------------------------------------------------------------------

def _levels(text: str, base: int) -> list[int]:
    """The resolved embedding level of every character (rules X1-I2, and L1 for trailing spaces)."""
    storage = uba.get_empty_storage()
    storage["base_level"], storage["base_dir"] = base, ("L", "R")[base]
    uba.get_embedding_levels(text.translate(_NEUTRALISE), storage)
    for index, ch in enumerate(storage["chars"]):
        ch["index"] = index
    uba.explicit_embed_and_overrides(storage)  # drops boundary neutrals (joiners...) from the list
    uba.resolve_weak_types(storage)
    uba.resolve_neutral_types(storage, False)
    uba.resolve_implicit_levels(storage, False)
    resolved: list[int | None] = [None] * len(text)
    for ch in storage["chars"]:
        resolved[ch["index"]] = ch["level"]
    levels = []
    level = base
    for found in resolved:  # a dropped character takes the level of the one before it
        level = level if found is None else found
        levels.append(level)
    for i in range(len(text) - 1, -1, -1):  # L1: trailing white space takes the paragraph's level
        if unicodedata.bidirectional(text[i]) not in ("WS", "BN"):
            break
        levels[i] = base
    return levels


def _visual_order(levels: Sequence[int]) -> list[int]:
    """L2 over runs: from the highest level down to the lowest odd one, reverse every
    stretch of runs at that level or above. (Each run's own glyphs come out of HarfBuzz
    already in visual order.)"""
    order = list(range(len(levels)))
    if not levels:
        return order
    highest = max(levels)
    odd = [lv for lv in levels if lv % 2]
    if not odd:
        return order
    for level in range(highest, min(odd) - 1, -1):
        k = 0
        while k < len(order):
            if levels[order[k]] >= level:
                end = k
                while end < len(order) and levels[order[end]] >= level:
                    end += 1
                order[k:end] = order[k:end][::-1]
                k = end
            else:
                k += 1
    return order


# --- runs -----------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Run:
    text: str
    font: str
    level: int
    tag: Hashable
    marker: bool  # a control character: drawn as a visible box, not shaped


def _is_marker(ch: str) -> bool:
    return ch in EXPLICIT_BIDI or (unicodedata.category(ch) == "Cc" and ch != "\t")


def _runs(text: str, spans: Sequence[tuple[str, str, Hashable]], owner: Sequence[int],
          levels: Sequence[int]) -> list[_Run]:
    runs: list[_Run] = []
    start = 0
    current: tuple | None = None
    prev_font = ""
    for i, ch in enumerate(text):
        primary = spans[owner[i]][1]
        marker = _is_marker(ch)
        category = unicodedata.category(ch)
        if marker:
            font = primary
        elif prev_font and category in _JOINING_CATEGORIES:
            font = prev_font
        elif prev_font and prev_font != fonts.EMOJI and category in _NEUTRAL_CATEGORIES \
                and ord(ch) in fonts.coverage(prev_font) and spans[owner[i - 1]][1] == primary:
            font = prev_font
        else:
            font = fonts.face_for(ord(ch), primary)
        key = (font, levels[i], owner[i], marker)
        if key != current:
            if current is not None:
                runs.append(_Run(text[start:i], current[0], current[1], spans[current[2]][2], current[3]))
            current, start = key, i
        prev_font = font
    assert current is not None
    runs.append(_Run(text[start:], current[0], current[1], spans[current[2]][2], current[3]))
    return runs


# --- shaping --------------------------------------------------------------------------------------------

_hb_lock = threading.Lock()


@functools.cache
def _hb_font(name: str):  # noqa: ANN202 (a uharfbuzz Font)
    import uharfbuzz as hb

    hb_font = hb.Font(hb.Face(fonts.font_path(name).read_bytes()))
    return hb_font, 1000 / hb_font.face.upem


def _shape(run: _Run) -> Piece:
    face = fonts.face(run.font)
    if run.marker:
        box = face.face.defaultWidth
        return Piece(run.font, "".join(face.private_code(0, ch, box) for ch in run.text), box * len(run.text), run.tag)
    import uharfbuzz as hb

    hb_font, scale = _hb_font(run.font)
    buf = hb.Buffer()
    buf.add_codepoints([ord(c) for c in run.text])
    buf.direction = "rtl" if run.level % 2 else "ltr"
    buf.guess_segment_properties()
    with _hb_lock:  # a uharfbuzz Font is not promised to be shared between threads
        hb.shape(hb_font, buf, {})
    infos, positions = buf.glyph_infos, buf.glyph_positions
    n = len(infos)
    if not n:
        return Piece(run.font, "", 0.0, run.tag)
    texts = _glyph_texts(run.text, [info.cluster for info in infos], rtl=bool(run.level % 2))
    # Offsets folded into advances: glyph g starts where the pen is plus its x offset.
    x_off = [p.x_offset * scale for p in positions] + [0.0]
    cmap = face.face.charToGlyph
    widths = face.face.charWidths
    out = []
    total = 0.0
    for g, (info, pos) in enumerate(zip(infos, positions, strict=True)):
        advance = pos.x_advance * scale + x_off[g + 1] - x_off[g]
        total += advance
        text = texts[g]
        if len(text) == 1 and cmap.get(ord(text)) == info.codepoint and info.codepoint \
                and abs(widths.get(ord(text), -1.0) - advance) < 0.01:
            out.append(text)
        else:
            out.append(face.private_code(info.codepoint, text, advance))
    return Piece(run.font, "".join(out), total, run.tag)


def _glyph_texts(text: str, clusters: Sequence[int], *, rtl: bool) -> list[str]:
    """What each glyph (in visual order) extracts as, so that the run extracts as ``text``.

    A cluster's characters are shared out over its glyphs in reading order, one each and
    the rest to the last (a ligature takes them all). Text extractors read glyphs left to
    right and turn right-to-left stretches around (pdftotext does so character by
    character), so in a right-to-left run each glyph's share is stored reversed."""
    n = len(clusters)
    starts = sorted(set(clusters))
    end_of = dict(zip(starts, [*starts[1:], len(text)], strict=True))
    glyphs_of: dict[int, list[int]] = {}
    for g in (range(n - 1, -1, -1) if rtl else range(n)):
        glyphs_of.setdefault(clusters[g], []).append(g)
    out = [""] * n
    for start, glyphs in glyphs_of.items():
        chars = text[start:end_of[start]]
        for k, g in enumerate(glyphs):
            share = chars[k:] if k == len(glyphs) - 1 else chars[k:k + 1]
            out[g] = share[::-1] if rtl else share
    return out
