"""The PDF edition of the chain-of-custody report (ReportLab platypus, A4).

Fonts are DejaVu Sans / DejaVu Sans Mono from ``resources/fonts``, with a face
for each script they lack (:mod:`fonts`), all embedded (subset) in the file, so
the report prints the same everywhere. Text in other scripts, right to left,
with marks or emoji, is shaped and put in visual order (:mod:`pdftext`,
:mod:`textruns`); its text extracts as it was written.
Every SHA-256 is printed whole, on one line, in the monospace font, in a cell
wide enough for it, so text extraction (``pdftotext``) yields it unbroken.
Text from the case is hostile input: it is escaped before it reaches
ReportLab's paragraph markup, and long text is placed where it can break
across pages.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import (
    CellStyle,
    CondPageBreak,
    Flowable,
    LongTable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from ..display import visible
from . import fonts, pdftext, textruns
from .fonts import MONO, MONO_BOLD, SANS, SANS_BOLD, SANS_BOLD_ITALIC, SANS_ITALIC
from .model import (
    HEAD_CODE_EXPLANATION,
    REPORT_HASH_EXPLANATION,
    CustodyLine,
    EvidenceLine,
    GradeLine,
    ItemSection,
    ReportModel,
    TimeText,
    report_hash,
)

__all__ = ["MONO", "MONO_BOLD", "SANS", "SANS_BOLD", "SANS_BOLD_ITALIC", "SANS_ITALIC", "build_story", "register_fonts",
           "render_pdf"]

PAGE_W, PAGE_H = A4
MARGIN_X = 16 * mm
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 17 * mm
FRAME_W = PAGE_W - 2 * MARGIN_X

INK = colors.HexColor("#1b1f24")
NAVY = colors.HexColor("#1f3a5f")
MUTED = colors.HexColor("#5b6470")
RULE = colors.HexColor("#b8c0cc")
ZEBRA = colors.HexColor("#f3f5f8")
BAND = colors.HexColor("#e6ebf2")
OK_GREEN = colors.HexColor("#1e6b3a")
ALERT_RED = colors.HexColor("#a3201b")
PAD = 3
MUTED_HEX, ALERT_HEX = "#5b6470", "#a3201b"


def register_fonts() -> None:
    """Register the bundled primary faces (the others register when first needed); TTFs are always embedded."""
    fonts.register()


# --- styles ------------------------------------------------------------------------------------------

def _style(name: str, **kw: Any) -> ParagraphStyle:
    base: dict[str, Any] = {"fontName": SANS, "fontSize": 8.5, "leading": 11, "textColor": INK,
                            "splitLongWords": 1}
    base.update(kw)
    return ParagraphStyle(name, **base)


BODY = _style("body")
SMALL = _style("small", fontSize=7.2, leading=9)
SMALL_MUTED = _style("small-muted", fontSize=7, leading=8.8, textColor=MUTED)
CELL = _style("cell", fontSize=7.2, leading=8.8)
CELL_BOLD = _style("cell-bold", fontName=SANS_BOLD, fontSize=7.2, leading=8.8)
HEAD_CELL = _style("head-cell", fontName=SANS_BOLD, fontSize=7, leading=8.5, textColor=colors.white)
QUOTE = _style("quote", fontSize=8.5, leading=11.5, leftIndent=10, borderPadding=(3, 4, 3, 6),
               borderColor=RULE, borderWidth=0, backColor=ZEBRA)
H1 = _style("h1", fontName=SANS_BOLD, fontSize=14, leading=18, textColor=NAVY, spaceBefore=4, spaceAfter=6)
H2 = _style("h2", fontName=SANS_BOLD, fontSize=10.5, leading=13, textColor=NAVY, spaceBefore=8, spaceAfter=3)
H3 = _style("h3", fontName=SANS_BOLD, fontSize=8.5, leading=11, textColor=INK, spaceBefore=5, spaceAfter=2)
COVER_TITLE = _style("cover-title", fontName=SANS_BOLD, fontSize=22, leading=27, textColor=NAVY)
COVER_SUB = _style("cover-sub", fontSize=10, leading=13.5, textColor=INK)
LABEL = _style("label", fontName=SANS_BOLD, fontSize=7.2, leading=8.8, textColor=MUTED)
RIGHT = _style("right", fontSize=7.2, leading=8.8, alignment=TA_RIGHT)

CELL_SIZE = 7.2
HASH_SIZE = 7.0


def _esc(text: Any) -> str:
    """Escape for ReportLab paragraph markup; keep line breaks."""
    return escape(visible(str(text), multiline=True)).replace("\n", "<br/>")


def _p(text: Any, style: ParagraphStyle = CELL) -> Flowable:
    return pdftext.plain(str(text), style)


def _wrap(text: str, width: float, font: str = SANS, size: float = CELL_SIZE) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` (words first, then characters).

    Table cells hold plain strings wrapped here rather than Paragraphs: they
    lay out several times faster, and case text is never parsed as markup.
    """
    room = width - 2 * PAD - 0.5
    width_of = functools.partial(textruns.width, primary=font, size=size)
    out: list[str] = []
    for raw in visible(text, multiline=True).split("\n"):  # controls as marks: drawn, never obeyed
        # A whole line is measured at once only when that is cheap; text that needs shaping
        # is measured word by word (a 50,000-character statement is one line of the custody log).
        if (len(raw) < 400 or textruns.is_simple(raw, font)) and width_of(raw) <= room:
            out.append(raw)
            continue
        line, used = "", 0.0
        space = width_of(" ")
        for word in raw.split(" "):
            w = width_of(word)
            if used + (space if line else 0.0) + w <= room:  # words are measured one by one, not whole lines
                line, used = (f"{line} {word}", used + space + w) if line else (word, w)
                continue
            if line:
                out.append(line)
            while w > room:  # an unbroken run longer than the cell: cut it
                cut = max(1, int(len(word) * room / w))
                while cut > 1 and width_of(word[:cut]) > room:
                    cut -= 1
                out.append(word[:cut])
                word = word[cut:]
                w = width_of(word)
            line, used = word, w
        out.append(line)
    return out


def _cell(lines: Iterable[str], width: float, font: str = SANS, size: float = CELL_SIZE) -> str:
    """A table cell as a plain, pre-wrapped string (drawn in the table's font for that cell)."""
    return "\n".join(wrapped for line in lines if line for wrapped in _wrap(line, width, font, size))


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _utc_display(at_utc: str) -> str:
    """``2026-11-27T04:48:05.932105Z`` -> ``2026-11-27 04:48:05 UTC`` (the model keeps full precision)."""
    return f"{at_utc[:10]} {at_utc[11:19]} UTC" if len(at_utc) >= 19 else at_utc


def _grade_text(grade: str) -> str:
    return grade or "not graded"


class _Outline(Flowable):
    """An invisible entry in the PDF's bookmarks (outline) at this point of the story."""

    _count = 0

    def __init__(self, title: str, level: int) -> None:
        super().__init__()
        self.title, self.level = title, level
        _Outline._count += 1
        self.key = f"outline-{_Outline._count}"

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        _, top = self.canv.absolutePosition(0, 0)
        self.canv.bookmarkPage(self.key, fit="XYZ", left=0, top=top + 24)
        self.canv.addOutlineEntry(self.title, self.key, level=self.level, closed=self.level > 0)


def _section(title: str) -> list[Flowable]:
    return [_Outline(title, 0), Paragraph(_esc(title), H1)]


# --- page decoration: running header, "Page x of y" ---------------------------------------------------

class _NumberedCanvas(pdfcanvas.Canvas):
    """Holds every page until the end so each footer can say how many pages there are.

    Bookmarks are held with their page too: the document only learns a page's
    place when the page is finally written."""

    def __init__(self, *args: Any, decorate: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self._decorate = decorate
        self._marks: list[tuple[str, tuple, dict[str, Any]]] = []

    def bookmarkPage(self, *args: Any, **kwargs: Any) -> None:  # noqa: N802 (ReportLab's name)
        self._marks.append(("bookmarkPage", args, kwargs))

    def addOutlineEntry(self, *args: Any, **kwargs: Any) -> None:  # noqa: N802
        self._marks.append(("addOutlineEntry", args, kwargs))

    def showPage(self) -> None:  # noqa: N802
        self._pages.append(dict(self.__dict__))
        self._marks = []
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            for name, args, kwargs in state["_marks"]:
                getattr(pdfcanvas.Canvas, name)(self, *args, **kwargs)
            self._decorate(self, total)
            super().showPage()
        super().save()


def _decorator(model: ReportModel, digest: str):
    case_title = model.case_title
    left = "CHAIN-OF-CUSTODY REPORT" + ("  ·  SUBSET" if model.is_subset else "")

    def decorate(canvas: pdfcanvas.Canvas, total: int) -> None:
        page = canvas.getPageNumber()
        canvas.saveState()
        top = PAGE_H - 11 * mm
        canvas.setFillColor(NAVY)
        canvas.setFont(SANS_BOLD, 7)
        canvas.drawString(MARGIN_X, top, left)
        canvas.setFont(MONO, 6.8)
        right = f"report SHA-256 {digest[:16]}…"
        canvas.drawRightString(PAGE_W - MARGIN_X, top, right)
        canvas.setFont(SANS, 7)
        canvas.setFillColor(INK)
        room = FRAME_W - pdfmetrics.stringWidth(left, SANS_BOLD, 7) - pdfmetrics.stringWidth(right, MONO, 6.8) - 24
        title = _clip(f"Case: {case_title}", SANS, 7, room)
        pdftext.draw_string(canvas, MARGIN_X + pdfmetrics.stringWidth(left, SANS_BOLD, 7) + 12, top, title, SANS, 7)
        canvas.setStrokeColor(NAVY)
        canvas.setLineWidth(0.6)
        canvas.line(MARGIN_X, top - 3, PAGE_W - MARGIN_X, top - 3)

        bottom = 10 * mm
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN_X, bottom + 8, PAGE_W - MARGIN_X, bottom + 8)
        canvas.setFont(SANS, 6.8)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN_X, bottom, f"{model.software}  ·  generated {model.generated_at_utc}  ·  "
                                            f"case {model.case_id}")
        canvas.setFont(SANS_BOLD, 7.5)
        canvas.setFillColor(INK)
        canvas.drawRightString(PAGE_W - MARGIN_X, bottom, f"Page {page} of {total}")
        canvas.restoreState()

    return decorate


def _clip(text: str, font: str, size: float, width: float) -> str:
    # No glyph is narrower than a fifth of an em (marks aside), so nothing past this can show.
    text = visible(text.replace("\n", " "))[:int(width / (size * 0.2)) + 2]
    if textruns.width(text, font, size) <= width:
        return text
    while text and textruns.width(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


# --- building blocks --------------------------------------------------------------------------------------

class _CellDefaults(CellStyle):
    """The report's default cell look, so tables need no style command touching every cell
    (ReportLab applies each command cell by cell: that dominated layout time)."""

    fontname = SANS
    fontsize = CELL_SIZE
    leading = CELL_SIZE + 1.6
    leftPadding = PAD
    rightPadding = PAD
    topPadding = 2
    bottomPadding = 2.5
    color = INK
    valign = "TOP"


class _FastCells:
    """Draw a plain-string cell as one PDF text object instead of one per line.

    Same placement as ReportLab's own drawing for left-aligned, top-aligned
    cells (the only kind this report uses for strings); anything else is
    drawn by ReportLab."""

    def _drawCell(self, cellval: Any, cellstyle: Any, pos: Any, size: Any) -> None:  # noqa: N802
        if (type(cellval) is not str or cellstyle.alignment != "LEFT" or cellstyle.valign != "TOP"
                or cellstyle.href or cellstyle.destination or cellstyle.direction or cellstyle.shaping):
            return super()._drawCell(cellval, cellstyle, pos, size)  # type: ignore[misc]
        canv = self.canv  # type: ignore[attr-defined]
        current = self._curcellstyle  # type: ignore[has-type]
        if current is not cellstyle:  # the same state switching ReportLab does, kept in step with it
            if current is None or cellstyle.color != current.color:
                canv.setFillColor(cellstyle.color)
            if current is None or (cellstyle.leading, cellstyle.fontname, cellstyle.fontsize) != (
                    current.leading, current.fontname, current.fontsize):
                canv.setFont(cellstyle.fontname, cellstyle.fontsize, cellstyle.leading)
            self._curcellstyle = cellstyle
        if not cellval:
            return None
        colpos, rowpos = pos
        text = canv.beginText(colpos + cellstyle.leftPadding,
                              rowpos + size[1] - cellstyle.topPadding - cellstyle.fontsize)
        if textruns.is_simple_block(cellval, cellstyle.fontname):
            for line in cellval.split("\n"):
                text.textLine(line)
        else:
            for line in cellval.split("\n"):
                pdftext.text_line(text, line, cellstyle.fontname, cellstyle.fontsize, cellstyle.leading)
        canv.drawText(text)
        return None


class _Table(_FastCells, Table):
    pass


class _LongTable(_FastCells, LongTable):
    pass


def _table(data: list[list[Any]], widths: Sequence[float], cmds: list[tuple], *, long: bool = True,
           **kw: Any) -> Table:
    styles = [[_CellDefaults("") for _ in row] for row in data]
    cls = _LongTable if long else _Table
    kw.pop("splitInRow", None)
    # Rows break between pages whole; only a row too tall to fit on any page (a huge
    # statement, an edit of a long description) is split inside, so none is ever refused.
    return cls(data, colWidths=list(widths), style=TableStyle(cmds), cellStyles=styles, hAlign="LEFT",
               splitInRow=int(any(_is_giant(cell) for row in data for cell in row)), **kw)


def _is_giant(cell: Any) -> bool:
    if isinstance(cell, str):
        return cell.count("\n") > 40
    if isinstance(cell, list | tuple):
        return sum(len(getattr(f, "text", "")) for f in cell) > 3000
    return len(getattr(cell, "text", "")) > 3000


def _table_style(header_rows: int = 1, zebra_from: int = 1, n_rows: int = 0, step: int = 1) -> list[tuple]:
    cmds: list[tuple] = [("LINEBELOW", (0, -1), (-1, -1), 0.5, RULE)]
    if header_rows:
        cmds += [("BACKGROUND", (0, 0), (-1, header_rows - 1), NAVY),
                 ("TEXTCOLOR", (0, 0), (-1, header_rows - 1), colors.white),
                 ("FONT", (0, 0), (-1, header_rows - 1), SANS_BOLD, 7, 8.6)]
    if n_rows > zebra_from:
        cmds.append(("ROWBACKGROUNDS", (0, zebra_from), (-1, -1), [None, ZEBRA]))
    return cmds


def _kv_table(rows: Sequence[tuple[str, Any]], label_w: float = 34 * mm,
              head: tuple[str, str] | None = None) -> Table:
    """Label / value pairs; values may be strings, paragraphs, or ("mono", text).

    ``head``: a title band on top (an item's number and name) kept with its rows."""
    value_w = FRAME_W - label_w
    data: list[list[Any]] = []
    cmds: list[tuple] = [
        ("FONT", (0, 0), (0, -1), SANS_BOLD, CELL_SIZE, CELL_SIZE + 1.6),
        ("TEXTCOLOR", (0, 0), (0, -1), MUTED),
        ("TOPPADDING", (0, 0), (-1, -1), 1.8),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.8),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
    ]
    if head is not None:
        data.append([head[0], _cell([head[1]], value_w, SANS_BOLD, 9)])
        rows = [("", "")] + list(rows)
        cmds += [("BACKGROUND", (0, 0), (-1, 0), BAND), ("FONT", (0, 0), (-1, 0), SANS_BOLD, 9, 11.5),
                 ("TEXTCOLOR", (0, 0), (-1, 0), INK), ("TEXTCOLOR", (0, 0), (0, 0), NAVY),
                 ("LINEABOVE", (0, 0), (-1, 0), 1, NAVY), ("TOPPADDING", (0, 0), (-1, 0), 3),
                 ("BOTTOMPADDING", (0, 0), (-1, 0), 3), ("NOSPLIT", (0, 0), (-1, 1))]
    for r, (label, value) in enumerate(rows):
        if head is not None and r == 0:
            continue
        if isinstance(value, tuple) and value[0] == "mono":
            cmds.append(("FONT", (1, r), (1, r), MONO, HASH_SIZE, HASH_SIZE + 2))
            value = value[1]
        elif isinstance(value, str):
            value = _cell(value.split("\n"), value_w)
        data.append([label, value])
    return _table(data, [label_w, value_w], cmds, long=False, splitInRow=1)


def _time_lines(t: TimeText) -> list[str]:
    lines = [t.display]
    if t.raw and t.raw != t.display:
        lines.append(f"as given: \u201c{t.raw}\u201d")
    lines.append(f"precision: {t.precision}" + (f", zone {t.tz}" if t.precision != "unknown" else ""))
    if t.note:
        lines.append(t.note)
    return lines


def _grades_table(grades: Sequence[GradeLine]) -> Table:
    widths = [14 * mm, 34 * mm, FRAME_W - 14 * mm - 34 * mm - 30 * mm - 34 * mm, 30 * mm, 34 * mm]
    data: list[list[Any]] = [["Grade", "Of", "Rationale", "Graded by", "Graded at (UTC)"]]
    for g in grades:
        data.append([g.grade or "—", _cell([g.target], widths[1]),
                     _cell([g.rationale, g.meaning], widths[2]), _cell([g.graded_by], widths[3]),
                     _cell([_utc_display(g.graded_at)], widths[4])])
    cmds = _table_style(n_rows=len(data)) + [("FONT", (0, 1), (0, -1), MONO_BOLD, 8, 10)]
    return _table(data, widths, cmds, repeatRows=1, splitInRow=1)


# --- sections ---------------------------------------------------------------------------------------------

def _cover(model: ReportModel, digest: str) -> list[Flowable]:
    v = model.verification
    story: list[Flowable] = [
        Spacer(1, 6 * mm),
        Paragraph("CHAIN-OF-CUSTODY REPORT", _style("kicker", fontName=SANS_BOLD, fontSize=9, textColor=MUTED,
                                                    leading=12)),
        _p(model.case_title, COVER_TITLE),
        Spacer(1, 2 * mm),
    ]
    if model.case_description:
        story.append(_p(model.case_description, COVER_SUB))
    story.append(Spacer(1, 5 * mm))
    scope_style = _style("scope", fontName=SANS_BOLD if model.is_subset else SANS, fontSize=8.5, leading=11,
                         textColor=ALERT_RED if model.is_subset else INK, backColor=BAND,
                         borderPadding=(4, 5, 4, 5))
    story += [_p(model.scope_text, scope_style), Spacer(1, 5 * mm)]
    verdict = ("INTACT — " if v.ok else f"FAILED ({len(v.failures)} problem(s)) — ") + v.summary
    verdict_style = _style("verdict", fontName=SANS_BOLD, fontSize=8.5, leading=11,
                           textColor=OK_GREEN if v.ok else ALERT_RED)
    rows: list[tuple[str, Any]] = [
        ("Case", model.case_title),
        ("Case ID", ("mono", model.case_id)),
        ("Case opened", f"{_utc_display(model.case_created_at)} by {model.case_created_by} (case time zone {model.case_tz})"),
        ("Report prepared by", model.examiner),
        ("Generated (UTC)", model.generated_at_utc),
        ("Generated (local)", model.generated_at_local),
        ("Software", model.software),
        ("Fingerprint", ("mono", model.packet_fingerprint)),
        ("", _p(model.fingerprint_label, SMALL_MUTED)),
        ("Report SHA-256", ("mono", digest)),
        ("", _p(REPORT_HASH_EXPLANATION, SMALL_MUTED)),
        ("Custody chain head", ("mono", f"#{model.custody_head_seq} {model.custody_head_hash}")),
        ("Head code", ("mono", model.custody_head_code)),
        ("", _p(HEAD_CODE_EXPLANATION, SMALL_MUTED)),
        ("Examiner key", ("mono", model.examiner_fingerprint)),
        ("", _p(model.examiner_key_label, SMALL_MUTED)),
                ("Verification at export", _p(verdict, verdict_style)),
        ("Contents", f"{len(model.items)} item(s), {sum(len(i.custody) for i in model.items)} item custody "
                     f"entries, {len(model.events)} event(s), {len(model.statements)} statement(s), "
                     f"{len(model.claims)} claim(s) ({sum(c.contested for c in model.claims)} contested), "
                     f"{len(model.requests)} request(s)"),
    ]
    story.append(_kv_table(rows, label_w=36 * mm))
    story += [Spacer(1, 6 * mm), Paragraph("How to read this report", H3), _p(
        "Times of custody entries are recorded in UTC and shown with the examiner's local offset at that moment. "
        "Times stated by sources are shown as read (normalised, with time zone and precision) beside the text the "
        "source gave. Grades use the Admiralty system: source reliability A (completely reliable) to F (cannot be "
        "judged), information credibility 1 (confirmed) to 6 (cannot be judged); \u201cB2\u201d combines both. "
        "Every SHA-256 is printed in full. The custody chain links each entry to the one before it by hash; "
        "verification recomputed every content hash and walked that chain when this report was generated.",
        SMALL)]
    story += [Spacer(1, 10 * mm), _attestation()]
    story.append(PageBreak())
    return story


def _attestation() -> Table:
    """Lines for a wet signature: printed reports are signed by the examiner who vouches for them."""
    gap = 8 * mm
    w = (FRAME_W - 2 * gap) / 3
    data = [["", "", "", "", ""], ["Prepared by (name, role)", "", "Signature", "", "Date"]]
    style = TableStyle([
        ("FONT", (0, 1), (-1, 1), SANS, 7, 9), ("TEXTCOLOR", (0, 1), (-1, 1), MUTED),
        ("LINEBELOW", (0, 0), (0, 0), 0.6, INK), ("LINEBELOW", (2, 0), (2, 0), 0.6, INK),
        ("LINEBELOW", (4, 0), (4, 0), 0.6, INK),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ])
    return _table(data, [w, gap, w, gap, w], style.getCommands(), long=False, rowHeights=[12 * mm, 10])


SUMMARY_HEAD = ["ID", "Original name", "Kind", "Size", "Acquired at / by", "Source", "Grade"]
SUMMARY_ROWS = 3  # per item: catalogue fields; full SHA-256; from whom and method


def _summary_widths() -> list[float]:
    widths = [9 * mm, 0.0, 17 * mm, 20 * mm, 37 * mm, 38 * mm, 11 * mm]
    widths[1] = FRAME_W - sum(widths)
    return widths


def _summary_table(items: Sequence[ItemSection]) -> LongTable:
    """Three rows per item: its catalogue fields; its full SHA-256 across the table, on one line; from
    whom and by what method it was acquired (free text, so given the full width)."""
    widths = _summary_widths()
    wide = FRAME_W - widths[0]
    data: list[list[Any]] = [SUMMARY_HEAD]
    cmds = _table_style(n_rows=0)
    for item in items:
        r = len(data)
        data.append([str(item.id), _cell([item.name], widths[1]), _cell([item.kind], widths[2]),
                     _cell([f"{item.size:,} B"], widths[3]),
                     _cell([_utc_display(item.acquired_at), item.acquired_by], widths[4]),
                     _cell([item.source], widths[5]), item.grade or "—"])
        data.append(["", f"SHA-256  {item.sha256}", "", "", "", "", ""])
        data.append(["", _cell([f"From whom: {item.acquired_from or '—'}   ·   Method: {item.method or '—'}"], wide),
                     "", "", "", "", ""])
        cmds += [("SPAN", (1, r + 1), (-1, r + 1)), ("FONT", (1, r + 1), (1, r + 1), MONO, HASH_SIZE, 8.5),
                 ("SPAN", (1, r + 2), (-1, r + 2)), ("TEXTCOLOR", (1, r + 2), (1, r + 2), MUTED),
                 ("TOPPADDING", (0, r + 1), (-1, r + 2), 0), ("NOSPLIT", (0, r), (-1, r + 2)),
                 ("LINEBELOW", (0, r + 2), (-1, r + 2), 0.25, RULE), ("FONT", (-1, r), (-1, r), MONO_BOLD, 8, 10)]
    cmds.append(("ROWBACKGROUNDS", (0, 1), (-1, -1), [None] * SUMMARY_ROWS + [ZEBRA] * SUMMARY_ROWS))
    return _table(data, widths, cmds, repeatRows=1)


def _summary(model: ReportModel) -> list[Flowable]:
    intro: list[Flowable] = [
        *_section("1. Items in this report"),
        _p(f"{len(model.items)} item(s). Sizes in bytes; the full SHA-256 of each item's content is on the line "
           "below it. Grade: reliability of the item's source and credibility of its information.", SMALL_MUTED),
        Spacer(1, 2 * mm)]
    # One long table re-measures its remaining rows at every page break (quadratic in
    # rows with spans); instead measure every row once and cut one table per page.
    frame_h = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM - 14  # the frame's own padding, and a margin of safety
    whole = _summary_table(model.items)
    whole.wrap(FRAME_W, frame_h)
    heights = whole._rowHeights  # noqa: SLF001 (ReportLab keeps the measured heights here)
    used = sum(f.wrap(FRAME_W, frame_h)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in intro)
    story = intro
    chunk: list[ItemSection] = []
    room = frame_h - used - heights[0]
    for k, item in enumerate(model.items):
        need = sum(heights[1 + SUMMARY_ROWS * k: 1 + SUMMARY_ROWS * (k + 1)])
        if chunk and need > room:
            story += [_summary_table(chunk), PageBreak()]
            chunk, room = [], frame_h - heights[0]
        chunk.append(item)
        room -= need
    if chunk or not model.items:
        story.append(_summary_table(chunk))
    return story


def _custody_table(lines: Sequence[CustodyLine]) -> LongTable:
    widths = [11 * mm, 40 * mm, 22 * mm, 36 * mm, 0.0]
    widths[4] = FRAME_W - sum(widths)
    data: list[list[Any]] = [["#", "When (UTC / local)", "Action", "Who / where", "Why · transfer · details"]]
    cmds = _table_style(n_rows=0)
    for c in lines:
        r = len(data)
        why = [c.purpose]
        if c.released_by or c.received_by:
            why.append(f"released by {c.released_by or '—'} → received by {c.received_by or '—'}")
        if c.condition:
            why.append(f"condition: {c.condition}")
        if c.detail:
            why.append(c.detail)
        data.append([str(c.seq), _cell([_utc_display(c.at_utc), c.at_local], widths[1]), _cell([c.action], widths[2]),
                     _cell([c.examiner, c.location], widths[3]), _cell(why, widths[4])])
        if c.item_sha256:
            mark = "= catalogue" if c.matches_catalogue else "≠ CATALOGUE"
            hash_line = f"SHA-256 then {c.item_sha256} {mark}  entry {c.entry_hash[:12]}…"
        else:
            hash_line = f"(no content hash recorded by this action)  entry {c.entry_hash[:12]}…"
        data.append(["", hash_line, "", "", ""])
        cmds += [("SPAN", (1, r + 1), (-1, r + 1)), ("FONT", (1, r + 1), (1, r + 1), MONO, 6.6, 8),
                 ("TEXTCOLOR", (1, r + 1), (1, r + 1), MUTED if c.matches_catalogue or not c.item_sha256
                  else ALERT_RED),
                 ("TOPPADDING", (0, r + 1), (-1, r + 1), 0), ("NOSPLIT", (0, r), (-1, r + 1)),
                 ("LINEBELOW", (0, r + 1), (-1, r + 1), 0.25, RULE)]
    cmds += [("ROWBACKGROUNDS", (0, 1), (-1, -1), [None, None, ZEBRA, ZEBRA]), ("FONT", (0, 1), (0, -1), MONO, 7, 9)]
    return _table(data, widths, cmds, repeatRows=1, splitInRow=1)


def _item_section(item: ItemSection) -> list[Flowable]:
    rows: list[tuple[str, Any]] = [
        ("SHA-256", ("mono", item.sha256)),
        ("Kind / media type", f"{item.kind} · {item.media_type}"),
        ("Size", item.size_text),
        ("Acquired", f"{_utc_display(item.acquired_at)} by {item.acquired_by}"),
        ("From whom", item.acquired_from or "—"),
        ("Method", item.method or "—"),
        ("Source", item.source),
        ("Grade", f"{_grade_text(item.grade)} — {item.grade_meaning}" if item.grade else "not graded"),
    ]
    if item.original_path:
        rows.append(("Original path", item.original_path))
    if item.derived_from:
        rows.append(("Derived from", f"{item.derived_from}: {item.derivation_reason}"))
    if item.events:
        rows.append(("Events", "\n".join(item.events)))
    if item.derived:
        rows.append(("Derived records", "\n".join(f"item #{d.id} {d.name} — {d.note}" for d in item.derived)))
    story: list[Flowable] = [CondPageBreak(45 * mm), _Outline(f"Item {item.id}: {item.name}", 1),
                             _kv_table(rows, head=(f"Item {item.id}", item.name))]
    if item.description:
        story += [Paragraph("Description", H3), _p(item.description, BODY)]
    story += [Paragraph(f"Custody history ({_count(len(item.custody), 'entry', 'entries')})", H3), _custody_table(item.custody)]
    if item.annotations:
        widths = [9 * mm, 22 * mm, 38 * mm, 24 * mm, 0.0, 30 * mm]
        widths[4] = FRAME_W - sum(widths)
        data: list[list[Any]] = [["#", "Kind", "Anchor", "Speaker", "Text", "By / at (UTC)"]]
        for a in item.annotations:
            data.append([str(a.id), a.kind, _cell([a.anchor], widths[2]), _cell([a.speaker], widths[3]),
                         _cell([a.text], widths[4]), _cell([a.created_by, _utc_display(a.created_at)], widths[5])])
        story += [Paragraph(f"Annotations ({len(item.annotations)})", H3),
                  _table(data, widths, _table_style(n_rows=len(data)), repeatRows=1, splitInRow=1)]
    if item.grades:
        story += [Paragraph("Grade history", H3), _grades_table(item.grades)]
    story.append(Spacer(1, 4 * mm))
    return story


def _timeline(model: ReportModel) -> list[Flowable]:
    widths = [10 * mm, 52 * mm, 0.0, 24 * mm, 24 * mm]
    widths[2] = FRAME_W - sum(widths)
    data: list[list[Any]] = [["#", "When (as read / as given)", "Event · place · notes", "Items", "Statements"]]
    for e in model.events:
        data.append([str(e.id), _cell(_time_lines(e.time) + ([f"read by {e.normalised_by}"] if e.normalised_by
                                                              else []), widths[1]),
                     pdftext.paragraph([(e.title, SANS_BOLD, None), (f"\n{e.place}" if e.place else "", SANS, None),
                                        (f"\n{e.notes}" if e.notes else "", SANS_ITALIC, None)], CELL),
                     _cell([", ".join(f"#{i}" for i in e.item_ids) or "—"], widths[3]),
                     _cell([", ".join(f"#{s}" for s in e.statement_ids) or "—"], widths[4])])
    return [*_section("3. Timeline of events"), *_timeline_figure(model),
            _p("Ordered by normalised time; events whose time is unknown come last.", SMALL_MUTED), Spacer(1, 2 * mm),
            _table(data, widths, _table_style(n_rows=len(data)), repeatRows=1, splitInRow=1)]


def _timeline_figure(model: ReportModel) -> list[Flowable]:
    """The visual timeline above the table: events and statements on a time axis, lanes by source."""
    from .pdf_timeline import TimelineFlowable
    from .timeline import report_layout

    lay = report_layout(model, 820)
    if lay is None:
        return []
    return [TimelineFlowable(lay, FRAME_W, PAGE_H - MARGIN_TOP - MARGIN_BOTTOM - 60 * mm),
            _p(TIMELINE_LEGEND, SMALL_MUTED), Spacer(1, 4 * mm)]


TIMELINE_LEGEND = ("Visual timeline. Dot: an event at an exact time; diamond: a statement at an exact time; bar: "
                   "an uncertain time, over the whole interval its text allows; ?: time unknown; red flag and ring: "
                   "an event a contested claim concerns. Lanes: events, then statements by source.")


def _statements(model: ReportModel) -> list[Flowable]:
    story: list[Flowable] = [*_section("4. Statements")]
    if not model.statements:
        story.append(_p("No statements in this report.", SMALL_MUTED))
    for s in model.statements:
        who = s.speaker + (f" ({s.affiliation})" if s.affiliation else "")
        rows: list[tuple[str, Any]] = [
            ("When", "\n".join(_time_lines(s.time))),
            ("Medium", s.medium),
            ("Source", s.source),
            ("Grade", f"{s.grade} — {s.grade_meaning}" if s.grade else "not graded"),
        ]
        if s.item:
            rows.append(("Drawn from", s.item))
        if s.event_ids:
            rows.append(("Events", ", ".join(f"#{e}" for e in s.event_ids)))
        story += [CondPageBreak(35 * mm), _Outline(f"Statement {s.id} — {who}", 1),
                  _p(f"Statement {s.id} — {who}", H2), _kv_table(rows),
                  Spacer(1, 2 * mm), _p(s.text, QUOTE), Spacer(1, 1 * mm)]
        if s.grades:
            story += [Paragraph("Grade history", H3), _grades_table(s.grades)]
    return story


def _evidence_cell(lines: Sequence[EvidenceLine]) -> list[Flowable] | str:
    if not lines:
        return "—"
    out: list[Flowable] = []
    for e in lines:
        out.append(pdftext.paragraph([
            (f"• {e.label}", SANS, None), (f" [{e.grade}]" if e.grade else "", MONO_BOLD, None),
            (" (outside this subset)" if not e.in_report else "", SANS_ITALIC, None),
            (f"\n{e.note}" if e.note else "", SANS, MUTED_HEX)], CELL))
    return out


def _claims(model: ReportModel) -> list[Flowable]:
    story: list[Flowable] = [*_section("5. Claims and contradictions"),
                             _p("Each claim with the evidence that supports it beside the evidence that contradicts "
                                "it. A claim is CONTESTED when both exist.", SMALL_MUTED)]
    if not model.claims:
        story.append(_p("No claims in this report.", SMALL_MUTED))
    half = FRAME_W / 2
    for c in model.claims:
        badge = ("  [CONTESTED]", H2.fontName, ALERT_HEX) if c.contested else ("", H2.fontName, None)
        grade = f"credibility {c.grade[1:]} — {c.grade_meaning}" if c.grade else "credibility not graded"
        data: list[list[Any]] = [[f"Supporting ({len(c.supporting)})", f"Contradicting ({len(c.contradicting)})"],
                                 [_evidence_cell(c.supporting), _evidence_cell(c.contradicting)]]
        cmds = _table_style(n_rows=0) + [("LINEAFTER", (0, 0), (0, -1), 0.5, RULE),
                                         ("BACKGROUND", (0, 0), (0, 0), OK_GREEN),
                                         ("BACKGROUND", (1, 0), (1, 0), ALERT_RED)]
        block: list[Flowable] = [pdftext.paragraph([(f"Claim {c.id}: {c.text}", H2.fontName, None), badge], H2),
                                 _p(grade, SMALL_MUTED),
                                 Spacer(1, 1 * mm),
                                 _table(data, [half, half], cmds, long=False, repeatRows=1, splitInRow=1)]
        if c.mentions:
            block += [Spacer(1, 1 * mm), Paragraph("Mentioned by", H3)] + list(_evidence_cell(c.mentions))
        story += [CondPageBreak(30 * mm)] + block
        if c.grades:
            story += [Paragraph("Grade history", H3), _grades_table(c.grades)]
    return story


def _requests(model: ReportModel) -> list[Flowable]:
    widths = [9 * mm, 0.0, 32 * mm, 28 * mm, 28 * mm, 18 * mm, 13 * mm]
    widths[1] = FRAME_W - sum(widths)
    data: list[list[Any]] = [["#", "Request", "Addressed to", "Asked", "Due", "Status", "Items"]]
    cmds = _table_style(n_rows=0)
    for r in model.requests:
        row = len(data)
        data.append([str(r.id), pdftext.paragraph([(r.title, SANS_BOLD, None),
                                                   (f"\n{r.description}" if r.description else "", SANS, None)], CELL),
                     _cell([r.addressed_to], widths[2]), _cell(_time_lines(r.asked)[:2], widths[3]),
                     _cell(_time_lines(r.due)[:2], widths[4]), r.status,
                     _cell([", ".join(f"#{i}" for i in r.item_ids) or "—"], widths[6])])
        if r.status == "open":
            cmds += [("FONT", (5, row), (5, row), SANS_BOLD, CELL_SIZE, 9), ("TEXTCOLOR", (5, row), (5, row), ALERT_RED)]
        if row % 2 == 0:
            cmds.append(("BACKGROUND", (0, row), (-1, row), ZEBRA))
    note = ("Open requests first." if model.scope == "case" else
            "Requests that produced items in this subset, and requests still open with no items yet.")
    story: list[Flowable] = [*_section("6. Requests"), _p(note, SMALL_MUTED), Spacer(1, 2 * mm)]
    if model.requests:
        story.append(_table(data, widths, cmds, repeatRows=1, splitInRow=1))
    else:
        story.append(_p("No requests.", SMALL_MUTED))
    return story


def _sources(model: ReportModel) -> list[Flowable]:
    story: list[Flowable] = [*_section("7. Sources and their reliability")]
    widths = [10 * mm, 50 * mm, 22 * mm, 0.0, 22 * mm]
    widths[3] = FRAME_W - sum(widths)
    data: list[list[Any]] = [["#", "Source", "Kind", "Description", "Reliability"]]
    for s in model.sources:
        data.append([str(s.id), _cell([s.name], widths[1]), s.kind, _cell([s.description], widths[3]),
                     _cell([s.reliability or "not graded"], widths[4])])
    if model.sources:
        story.append(_table(data, widths, _table_style(n_rows=len(data)), repeatRows=1, splitInRow=1))
        history = [g for s in model.sources for g in s.grades]
        if history:
            story += [Paragraph("Source grade history", H3), _grades_table(history)]
    else:
        story.append(_p("No sources recorded.", SMALL_MUTED))
    return story


def _verification(model: ReportModel) -> list[Flowable]:
    v = model.verification
    colour = OK_GREEN if v.ok else ALERT_RED
    verdict = _p(("INTACT" if v.ok else "VERIFICATION FAILED") + f" — {v.summary}",
                 _style("v", fontName=SANS_BOLD, fontSize=9.5, leading=12, textColor=colors.white,
                        backColor=colour, borderPadding=(4, 6, 4, 6)))
    rows: list[tuple[str, Any]] = [
        ("Items checked", f"{v.items:,}"), ("Vault objects rehashed", f"{v.objects:,}"),
        ("Bytes hashed", f"{v.bytes_hashed:,}"), ("Custody entries chained", f"{v.custody_entries:,}"),
        ("Chain head", ("mono", f"#{model.custody_head_seq} {model.custody_head_hash}")),
    ]
    story: list[Flowable] = [*_section("8. Verification at the moment of export"), Spacer(1, 2 * mm), verdict,
                             Spacer(1, 4 * mm), _kv_table(rows)]
    if v.failures:
        story += [Paragraph(f"Failures ({len(v.failures)})", H3)]
        story += [_p(f"• {f}", _style("fail", fontSize=8, leading=10.5, textColor=ALERT_RED)) for f in v.failures]
    return story


def _case_log(model: ReportModel) -> list[Flowable]:
    if not model.case_log:
        return []
    return [PageBreak(), *_section("9. Case-level custody log"),
            _p("Entries of the custody chain that concern the case rather than one item (events, statements, "
               "claims, sources, requests, verifications, seals).", SMALL_MUTED), Spacer(1, 2 * mm),
            _custody_table(model.case_log)]


def build_story(model: ReportModel, digest: str) -> list[Flowable]:
    story = [_Outline("Cover", 0)] + _cover(model, digest) + _summary(model)
    story += [PageBreak(), *_section("2. Custody history of each item"),
              _p("For each item: what it is, where it came from, every custody entry with the item's hash recorded "
                 "at that moment, its annotations, derived records and grades.", SMALL_MUTED), Spacer(1, 2 * mm)]
    for item in model.items:
        story += _item_section(item)
    story += [PageBreak()] + _timeline(model)
    story += [PageBreak()] + _statements(model)
    story += [PageBreak()] + _claims(model)
    story += [PageBreak()] + _requests(model)
    story += [Spacer(1, 6 * mm)] + _sources(model)
    story += [PageBreak()] + _verification(model)
    story += _case_log(model)
    return story


def render_pdf(model: ReportModel, out: Path) -> Path:
    """Write the PDF edition of ``model`` to ``out`` (not atomically; see report.write_report)."""
    register_fonts()
    digest = report_hash(model)
    doc = SimpleDocTemplate(
        str(out), pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM, title=f"Chain-of-custody report — {model.case_title}",
        author=model.examiner, subject=f"report SHA-256 {digest}", creator=model.software,
        keywords=f"case {model.case_id}", initialFontName=SANS)
    doc.build(build_story(model, digest),
              canvasmaker=functools.partial(_NumberedCanvas, decorate=_decorator(model, digest),
                                          initialFontName=SANS))
    return out
