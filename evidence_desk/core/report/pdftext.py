"""Case text of any script drawn with ReportLab: strings on a canvas, and paragraphs.

Plain strings the primary face draws as they are go straight to ReportLab, as
before. Anything else (other scripts, right-to-left text, marks, emoji, control
characters) is laid out by :mod:`textruns` into pieces, left to right, each in
one face. A paragraph holding such text is broken into lines here, on the
logical text, and each line is then put in visual order; ReportLab is handed
lines that already fit, so it never re-breaks (and so never re-orders) them.
Paragraphs whose first strong character is right to left are right-aligned.
Hidden and bidi control characters are drawn as marks (:func:`..display.visible`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, Paragraph

from ..display import visible
from . import fonts, textruns

# A run of a paragraph: its text, the primary face it is set in, and a colour ("#rrggbb") or None.
Span = tuple[str, str, str | None]


def span_width(text: str, font: str, size: float) -> float:
    return textruns.width(text, font, size)


def draw_string(canvas: Any, x: float, y: float, text: str, font: str, size: float) -> float:
    """Draw one line of ``text`` from ``x`` (left) and return its width."""
    text = visible(text)
    if textruns.is_simple(text, font):
        canvas.setFont(font, size)
        canvas.drawString(x, y, text)
        return pdfmetrics.stringWidth(text, font, size)
    start = x
    for piece in textruns.layout(text, font):
        canvas.setFont(piece.font, size)
        canvas.drawString(x, y, piece.text)
        x += piece.width * size / 1000
    canvas.setFont(font, size)
    return x - start


def text_line(textobject: Any, line: str, font: str, size: float, leading: float) -> None:
    """Add ``line`` to a ReportLab text object and move to the next line, in face ``font``."""
    line = visible(line)
    if textruns.is_simple(line, font):
        textobject.textLine(line)
        return
    for piece in textruns.layout(line, font):
        textobject.setFont(piece.font, size, leading)
        textobject.textOut(piece.text)
    textobject.setFont(font, size, leading)
    textobject.textLine("")


def paragraph(spans: Sequence[Span], style: ParagraphStyle) -> Flowable:
    """A paragraph of ``spans`` (case text: never parsed as markup; ``\\n`` breaks the line).

    Hidden and bidi controls are drawn as their marks (``⟨RLO⟩``), never obeyed or shown as boxes."""
    spans = [(visible(t, multiline=True), f, c) for t, f, c in spans]
    if all(textruns.is_simple(t.replace("\n", " "), f) for t, f, _ in spans if t):
        return Paragraph(_markup_simple(spans, style), style)
    return ScriptParagraph(spans, style)


def plain(text: str, style: ParagraphStyle) -> Flowable:
    """A paragraph of one string in the style's own face."""
    return paragraph([(text, style.fontName, None)], style)


def _font_tag(text: str, font: str, colour: str | None) -> str:
    name = f' name="{font}"' if font else ""
    colour_attr = f' color="{colour}"' if colour else ""
    return f"<font{name}{colour_attr}>{text}</font>"


# Faces a paragraph in DejaVu Sans reaches with <b> and <i> (cheaper for ReportLab to parse than <font>).
_TAGS = {fonts.SANS_BOLD: ("<b>", "</b>"), fonts.SANS_ITALIC: ("<i>", "</i>"),
         fonts.SANS_BOLD_ITALIC: ("<b><i>", "</i></b>")}


def _markup_simple(spans: Sequence[Span], style: ParagraphStyle) -> str:
    out = []
    for text, font, colour in spans:
        if not text:
            continue
        body = escape(text).replace("\n", "<br/>")
        if font != style.fontName:
            tags = _TAGS.get(font) if style.fontName == fonts.SANS else None
            body = f"{tags[0]}{body}{tags[1]}" if tags else _font_tag(body, font, None)
        out.append(_font_tag(body, "", colour) if colour else body)
    return "".join(out)


class ScriptParagraph(Flowable):
    """A paragraph of text that needs layout: broken into lines for the width it is given, then
    drawn (and split across pages) by an ordinary ReportLab paragraph of those lines."""

    def __init__(self, spans: Sequence[Span], style: ParagraphStyle) -> None:
        super().__init__()
        self.spans = [s for s in spans if s[0]]
        self.style = style
        self._built: tuple[float, Paragraph] | None = None

    def _paragraph(self, avail_width: float) -> Paragraph:
        if self._built is None or abs(self._built[0] - avail_width) > 0.01:
            room = avail_width - self.style.leftIndent - self.style.rightIndent - 1  # slack: ReportLab must not re-break
            lines, rtl = layout_lines(self.spans, room, self.style.fontSize)
            style = self.style
            if rtl:
                style = ParagraphStyle(f"{style.name}-rtl", parent=style, alignment=TA_RIGHT)
            markup = "<br/>".join("".join(_font_tag(escape(p.text), p.font, p.tag) for p in line) for line in lines)
            self._built = (avail_width, Paragraph(markup, style))
        return self._built[1]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (ReportLab's names)
        self._inner = self._paragraph(availWidth)
        self.width, self.height = self._inner.wrap(availWidth, availHeight)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        return self._paragraph(availWidth).split(availWidth, availHeight)

    def draw(self) -> None:
        self._inner.drawOn(self.canv, 0, 0)

    def getSpaceBefore(self) -> float:  # noqa: N802
        return self.style.spaceBefore

    def getSpaceAfter(self) -> float:  # noqa: N802
        return self.style.spaceAfter


# --- line breaking --------------------------------------------------------------------------------------

def layout_lines(spans: Sequence[Span], room: float, size: float) -> tuple[list[tuple[textruns.Piece, ...]], bool]:
    """Break ``spans`` into lines no wider than ``room`` at ``size`` (words first, then characters)
    and lay each out in visual order. Also says whether the first paragraph reads right to left."""
    out: list[tuple[textruns.Piece, ...]] = []
    first_rtl: bool | None = None
    for para in _paragraphs(spans):
        text = "".join(t for t, _, _ in para)
        base = textruns.base_level(text)
        if first_rtl is None:
            first_rtl = bool(base)
        for line in _break(para, room, size):
            out.append(textruns.layout_spans(tuple(line), base))
    return out, bool(first_rtl)


def _paragraphs(spans: Sequence[Span]) -> list[list[Span]]:
    paras: list[list[Span]] = [[]]
    for text, font, colour in spans:
        parts = text.split("\n")
        for k, part in enumerate(parts):
            if k:
                paras.append([])
            if part:
                paras[-1].append((part, font, colour))
    return paras


def _words(para: Sequence[Span]) -> list[list[Span]]:
    """The paragraph's words (split at spaces), each a list of spans; spaces are dropped."""
    words: list[list[Span]] = [[]]
    for text, font, colour in para:
        for k, part in enumerate(text.split(" ")):
            if k:
                words.append([])
            if part:
                words[-1].append((part, font, colour))
    return [w for w in words if w]


def _width(spans: Sequence[Span], size: float) -> float:
    return sum(span_width(t, f, size) for t, f, _ in spans)


def _break(para: Sequence[Span], room: float, size: float) -> list[list[Span]]:
    lines: list[list[Span]] = []
    line: list[Span] = []
    used = 0.0
    for word in _words(para):
        w = _width(word, size)
        space = span_width(" ", word[0][1], size)
        if line and used + space + w <= room:
            line = _join(line, [(" ", word[0][1], word[0][2]), *word])
            used += space + w
            continue
        if line:
            lines.append(line)
        while w > room and _length(word) > 1:  # an unbroken run longer than the line: cut it
            head, word, head_w = _cut(word, w, room, size)
            lines.append(head)
            w -= head_w  # near enough to go on cutting; measured exactly once it fits
            if w <= room:
                w = _width(word, size)
        line, used = list(word), w
    if line or not lines:
        lines.append(line)
    return lines


def _join(line: list[Span], more: Sequence[Span]) -> list[Span]:
    out = list(line)
    for span in more:
        if out and out[-1][1:] == span[1:]:
            out[-1] = (out[-1][0] + span[0], span[1], span[2])
        else:
            out.append(span)
    return out


def _length(word: Sequence[Span]) -> int:
    return sum(len(t) for t, _, _ in word)


def _cut(word: Sequence[Span], w: float, room: float, size: float) -> tuple[list[Span], list[Span], float]:
    """The longest head of ``word`` (``w`` wide; at least one character) that fits in ``room``,
    the rest, and the head's width. Only heads near the expected length are measured."""
    flat = [(ch, f, c) for t, f, c in word for ch in t]
    guess = max(1, int(len(flat) * room / w))
    low, high = 1, min(len(flat) - 1, 2 * guess + 8)  # the answer lies in [low, high]
    while low < high:
        mid = (low + high + 1) // 2
        if _width(_join([], flat[:mid]), size) <= room:
            low = mid
        else:
            high = mid - 1
    head = _join([], flat[:low])
    return head, _join([], flat[low:]), _width(head, size)
