"""The visual timeline: events and statements on a time axis, lanes by source.

Beside the event list. :mod:`..core.timeline_layout` computes the scene (lanes,
marks, ticks) without Qt; :func:`paint_layout` paints it with a QPainter, onto
the widget or onto an image (:func:`timeline_image`, the PNG export), so the
screen and the file show the same drawing. The SVG export writes the same
layout by hand (:mod:`..core.timeline_svg`).

Zoom: the wheel (with or without Ctrl), the + and − keys and buttons; pan:
drag, the arrow keys, Shift+wheel; 0 or Home shows everything again. A click
on a mark emits :attr:`TimelineChart.entry_selected` with ("event" | "statement", id);
the main window selects that record in the event list or the statements panel.
Case text is painted as plain text, and escaped in tooltips.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from ..core import timeline_layout as tl
from ..core.display import visible
from ..core.timeline_svg import COLOURS, tooltip

if TYPE_CHECKING:
    from ..core.case import Case
    from ..core.operations import Changes

ZOOM_STEP = 1.5
PAN_STEP = 0.15  # of the visible span, per arrow key press
SELECTED = QColor("#f2b705")


def _font(bold: bool = False, px: float = tl.FONT_PX) -> QFont:
    font = QFont("DejaVu Sans")
    font.setStyleHint(QFont.StyleHint.SansSerif)
    font.setPixelSize(round(px))
    font.setBold(bold)
    return font


def paint_layout(painter: QPainter, lay: tl.TimelineLayout, selected: tuple[str, int] | None = None,
                 exposed: QRectF | None = None) -> None:
    """Paint ``lay`` in its own pixel coordinates (scale the painter first for a bigger image).

    ``exposed``: only marks that can show in this rectangle are painted (a widget's repaint)."""
    c = {k: QColor(v) for k, v in COLOURS.items()}
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.fillRect(QRectF(0, 0, lay.width, lay.height), QColor("#ffffff"))
    regular, bold = _font(), _font(True)
    metrics = QFontMetricsF(regular)
    bold_metrics = QFontMetricsF(bold)
    for i, lane in enumerate(lay.lanes):
        painter.fillRect(QRectF(0, lane.y0, lay.width, lane.y1 - lane.y0), c["lane_odd" if i % 2 == 0 else "lane_even"])
        painter.setFont(bold)
        painter.setPen(c["unknown"] if lane.unknown else c["text"])
        lines = lane.label_lines
        top = (lane.y0 + lane.y1) / 2 - (len(lines) - 1) * 7 + 4
        for k, line in enumerate(lines):
            painter.drawText(QPointF(8, top + k * 14),
                             bold_metrics.elidedText(line, Qt.TextElideMode.ElideRight, tl.LANE_LABEL_W - 12))
        painter.setPen(QPen(c["lane_line"], 1))
        painter.drawLine(QPointF(0, lane.y1), QPointF(lay.width, lane.y1))
    known_bottom = next((lane.y0 for lane in lay.lanes if lane.unknown), lay.lanes[-1].y1 if lay.lanes else lay.height)
    painter.setPen(QPen(c["axis"], 1))
    painter.drawLine(QPointF(lay.plot_x0, lay.axis_y), QPointF(lay.plot_x1, lay.axis_y))
    painter.setPen(QPen(c["lane_line"], 1))
    painter.drawLine(QPointF(lay.plot_x0, lay.axis_y), QPointF(lay.plot_x0, known_bottom))
    for tick in lay.ticks:
        painter.setPen(QPen(c["grid_major" if tick.major else "grid"], 1))
        painter.drawLine(QPointF(tick.x, lay.axis_y - 5), QPointF(tick.x, known_bottom))
        painter.setFont(bold if tick.major else regular)
        painter.setPen(c["muted"])
        painter.drawText(QPointF(tick.x + 3, lay.axis_y - 8), tick.label)
    painter.setFont(regular)
    painter.setPen(c["muted"])
    painter.drawText(QPointF(8, 16), lay.caption)
    if lay.empty_text:
        italic = _font()
        italic.setItalic(True)
        painter.setFont(italic)
        painter.drawText(QPointF(lay.plot_x0 + 8, lay.axis_y + 24), lay.empty_text)
        painter.setFont(regular)
    painter.save()
    painter.setClipRect(QRectF(lay.plot_x0, 0, lay.plot_x1 - lay.plot_x0, lay.height))
    top, bottom = (exposed.top() - tl.ROW_H, exposed.bottom() + tl.ROW_H) if exposed else (-1e9, 1e9)
    for m in lay.marks:
        if m.shape != "unknown" and top <= m.y <= bottom and m.x0 <= lay.plot_x1 + tl.POINT_R and (
                max(m.x1, lay.label_x(m) + tl.label_width(m.label)) >= lay.plot_x0 - tl.POINT_R - 4):
            _paint_mark(painter, lay, m, c, metrics, selected == (m.kind, m.id))
    painter.restore()
    for m in lay.marks:
        if m.shape == "unknown" and top <= m.y <= bottom:
            _paint_mark(painter, lay, m, c, metrics, selected == (m.kind, m.id))
    painter.restore()


def _paint_mark(painter: QPainter, lay: tl.TimelineLayout, m: tl.Mark, c: dict[str, QColor], metrics: QFontMetricsF, selected: bool) -> None:
    colour = c[m.kind]
    y = m.y
    r = tl.POINT_R
    if selected:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(242, 183, 5, 110))
        if m.shape == "bar":
            painter.drawRoundedRect(QRectF(m.x0 - 4, y - tl.BAR_H / 2 - 4, m.x1 - m.x0 + 8, tl.BAR_H + 8), 7, 7)
        else:
            painter.drawEllipse(QPointF(m.x0, y), r + 6, r + 6)
    if m.shape == "point":
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        if m.kind == "event":
            painter.drawEllipse(QPointF(m.x0, y), r, r)
        else:
            diamond = QPainterPath()
            diamond.moveTo(m.x0, y - r - 0.5)
            diamond.lineTo(m.x0 + r + 0.5, y)
            diamond.lineTo(m.x0, y + r + 0.5)
            diamond.lineTo(m.x0 - r - 0.5, y)
            diamond.closeSubpath()
            painter.drawPath(diamond)
    elif m.shape == "bar":
        fill = QColor(colour)
        fill.setAlphaF(0.22)
        painter.setPen(QPen(colour, 1.5))
        painter.setBrush(fill)
        painter.drawRoundedRect(QRectF(m.x0, y - tl.BAR_H / 2, m.x1 - m.x0, tl.BAR_H), 4, 4)
    else:
        pen = QPen(c["unknown"], 1.5)
        pen.setDashPattern([2, 1.5])
        painter.setPen(pen)
        painter.setBrush(c["unknown_fill"])
        painter.drawEllipse(QPointF(m.x0, y), r + 1, r + 1)
        painter.setFont(_font(True, 9))
        painter.setPen(c["unknown"])
        painter.drawText(QRectF(m.x0 - r, y - r - 1, 2 * r, 2 * r + 2), Qt.AlignmentFlag.AlignCenter, "?")
        painter.setFont(_font())
    if m.contested:
        top = y - tl.ROW_H / 2 + 1
        flag = QPainterPath()
        flag.moveTo(m.x0 - 5, top)
        flag.lineTo(m.x0 + 5, top)
        flag.lineTo(m.x0, top + 7)
        flag.closeSubpath()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(c["contested"])
        painter.drawPath(flag)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if m.shape == "bar":
            pen = QPen(c["contested"], 1.5)
            pen.setDashPattern([4, 2])
            painter.setPen(pen)
            painter.drawRoundedRect(QRectF(m.x0, y - tl.BAR_H / 2, m.x1 - m.x0, tl.BAR_H), 4, 4)
        else:
            painter.setPen(QPen(c["contested"], 1.5))
            painter.drawEllipse(QPointF(m.x0, y), r + 3, r + 3)
    if m.label:
        painter.setPen(c["text"])
        painter.setBrush(QBrush())
        painter.drawText(QPointF(lay.label_x(m), y + 4), metrics.elidedText(m.label, Qt.TextElideMode.ElideRight,
                                                               tl.label_width(m.label) + 2))


def timeline_image(lay: tl.TimelineLayout, scale: float = 2.0) -> QImage:
    """``lay`` painted on a white image ``scale`` times its size (needs a QGuiApplication)."""
    image = QImage(max(1, round(lay.width * scale)), max(1, round(lay.height * scale)),
                   QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("#ffffff"))
    image.setDotsPerMeterX(round(3780 * scale))  # 96 dpi at scale 1
    image.setDotsPerMeterY(round(3780 * scale))
    painter = QPainter(image)
    painter.scale(scale, scale)
    paint_layout(painter, lay)
    painter.end()
    return image


def write_png(lay: tl.TimelineLayout, out: Path, scale: float = 2.0) -> None:
    if not timeline_image(lay, scale).save(str(out), "PNG"):
        raise OSError(f"could not write the PNG image {out}")


def tooltip_html(mark: tl.Mark) -> str:
    """The mark's tooltip as rich text with every case string escaped."""
    return "<qt>" + "<br>".join(html.escape(visible(line)) for line in tooltip(mark).split("\n")) + "</qt>"


class TimelineCanvas(QWidget):
    """The drawing: one layout for the widget's width and the current view."""

    clicked = Signal(str, int)
    view_changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setAccessibleName("Visual timeline")
        self.data = tl.TimelineData(entries=(), tz="UTC", lanes=())
        self.view = tl.full_view(self.data)
        self.selected: tuple[str, int] | None = None
        self.lay = tl.layout(self.data, 800, self.view)
        self._press: QPointF | None = None
        self._press_view: tl.View | None = None
        self._dragged = False

    # --- the scene ---

    def set_data(self, data: tl.TimelineData, keep_view: bool = False) -> None:
        self.data = data
        if not keep_view:
            self.view = tl.full_view(data)
        self.relayout()

    def set_view(self, view: tl.View) -> None:
        self.view = view
        self.relayout()
        self.view_changed.emit()

    def relayout(self) -> None:
        self.lay = tl.layout(self.data, max(self.width(), 400), self.view)
        self.setMinimumHeight(round(self.lay.height))
        self.update()

    def zoom(self, factor: float, anchor: float = 0.5) -> None:
        self.set_view(self.view.zoomed(factor, anchor))

    def pan(self, fraction: float) -> None:
        self.set_view(self.view.panned(fraction))

    def fit(self) -> None:
        self.set_view(tl.full_view(self.data))

    def _anchor(self, x: float) -> float:
        span = self.lay.plot_x1 - self.lay.plot_x0
        return min(max((x - self.lay.plot_x0) / span, 0.0), 1.0)

    # --- Qt ---

    def resizeEvent(self, event: QResizeEvent) -> None:
        if event.oldSize().width() != event.size().width():
            self.relayout()
        super().resizeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#ffffff"))  # below the last lane too
        paint_layout(painter, self.lay, self.selected, QRectF(event.rect()))
        if self.hasFocus():
            painter.setPen(QPen(self.palette().highlight().color(), 1, Qt.PenStyle.DotLine))
            painter.drawRect(QRectF(0.5, 0.5, self.width() - 1, self.height() - 1))
        painter.end()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(ZOOM_STEP)
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            self.zoom(1 / ZOOM_STEP)
        elif key == Qt.Key.Key_Left:
            self.pan(-PAN_STEP)
        elif key == Qt.Key.Key_Right:
            self.pan(PAN_STEP)
        elif key in (Qt.Key.Key_0, Qt.Key.Key_Home):
            self.fit()
        else:
            super().keyPressEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta()
        steps = (delta.y() or delta.x()) / 120
        if not steps:
            event.ignore()
            return
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier or (delta.x() and not delta.y()):
            self.pan(-steps * PAN_STEP)
        else:
            self.zoom(ZOOM_STEP ** (steps / 1.5), self._anchor(event.position().x()))
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.setFocus(Qt.FocusReason.MouseFocusReason)
            self._press, self._press_view, self._dragged = event.position(), self.view, False
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if self._press is not None and self._press_view is not None:
            dx = pos.x() - self._press.x()
            if abs(dx) > 4 or self._dragged:
                self._dragged = True
                self.setCursor(Qt.CursorShape.ClosedHandCursor)
                span_px = self.lay.plot_x1 - self.lay.plot_x0
                self.set_view(self._press_view.panned(-dx / span_px))
            return
        mark = self.lay.mark_at(pos.x(), pos.y())
        self.setCursor(Qt.CursorShape.PointingHandCursor if mark else Qt.CursorShape.OpenHandCursor)
        if mark is not None:
            QToolTip.showText(event.globalPosition().toPoint(), tooltip_html(mark), self)
        else:
            QToolTip.hideText()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._press is not None:
            if not self._dragged:
                pos = event.position()
                mark = self.lay.mark_at(pos.x(), pos.y())
                if mark is not None:
                    self.selected = (mark.kind, mark.id)
                    self.update()
                    self.clicked.emit(mark.kind, mark.id)
            self._press, self._press_view, self._dragged = None, None, False
            self.setCursor(Qt.CursorShape.OpenHandCursor)
        super().mouseReleaseEvent(event)


class TimelineChart(QWidget):
    """The visual timeline with its zoom buttons; follows the case's changes."""

    entry_selected = Signal(str, int)  # "event" or "statement", id
    export_requested = Signal(object)  # the Path of the .svg or .png to write

    def __init__(self) -> None:
        super().__init__()
        self.case: Case | None = None
        self.canvas = TimelineCanvas()
        self.canvas.clicked.connect(self.entry_selected)
        self.canvas.view_changed.connect(self._show_span)
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.canvas)
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.zoom_in = self._button("+", "Zoom in (+, or the mouse wheel)", lambda: self.canvas.zoom(ZOOM_STEP))
        self.zoom_out = self._button("\u2212", "Zoom out (\u2212)", lambda: self.canvas.zoom(1 / ZOOM_STEP))
        self.pan_left = self._button("\u25c0", "Earlier (\u2190, or drag)", lambda: self.canvas.pan(-PAN_STEP))
        self.pan_right = self._button("\u25b6", "Later (\u2192, or drag)", lambda: self.canvas.pan(PAN_STEP))
        self.fit_button = self._button("Fit", "Show everything (0 or Home)", self.canvas.fit)
        self.export_button = self._button("Export\u2026", "Save the timeline as SVG or PNG (the export is "
                                          "custody-logged)", self.choose_export)
        self.span_label = QLabel()
        self.span_label.setTextFormat(Qt.TextFormat.PlainText)
        legend = QLabel("\u25cf event   \u25c6 statement   \u25ad uncertain time   ? unknown   \u25bc contested")
        legend.setTextFormat(Qt.TextFormat.PlainText)
        legend.setStyleSheet("color: #52606d")
        legend.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        legend.setToolTip("A bar spans the whole interval an uncertain time allows. "
                          "Wheel or + / \u2212: zoom. Drag, Shift+wheel or \u2190 / \u2192: pan. 0: show everything. "
                          "Click a mark to select that event or statement.")
        for label in (self.span_label, legend):  # never what makes the window wider than the screen
            label.setMinimumWidth(0)
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        for b in (self.zoom_out, self.zoom_in, self.pan_left, self.pan_right, self.fit_button, self.export_button):
            bar.addWidget(b)
        bar.addWidget(self.span_label, 2)
        bar.addWidget(legend, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.scroll, 1)
        self._show_span()

    def _button(self, text: str, tip: str, slot) -> QToolButton:  # noqa: ANN001 (any callable)
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(tip)
        button.setAutoRaise(True)
        button.clicked.connect(slot)
        return button

    def choose_export(self) -> None:
        name, chosen = QFileDialog.getSaveFileName(self, "Export the visual timeline", "timeline.svg",
                                                   "SVG drawing (*.svg);;PNG image (*.png)")
        if not name:
            return
        out = Path(name)
        if out.suffix.lower() not in (".svg", ".png"):
            out = out.with_name(out.name + (".png" if "png" in chosen.lower() else ".svg"))
        self.export_requested.emit(out)

    @property
    def view(self) -> tl.View:
        return self.canvas.view

    def set_case(self, case: Case | None) -> None:
        self.case = case
        self.reload(keep_view=False)

    def case_changed(self, changes: Changes) -> None:
        if changes.events or changes.statements or changes.claims or changes.items or changes.case:
            self.reload(keep_view=True)

    def reload(self, keep_view: bool = True) -> None:
        data = tl.from_case(self.case) if self.case is not None else tl.TimelineData((), "UTC", ())
        self.canvas.set_data(data, keep_view=keep_view)
        self._show_span()

    def select(self, kind: str, record_id: int | None) -> None:
        """Show which record the app has selected (no signal), panning it into view if it is off the plot."""
        self.canvas.selected = (kind, record_id) if record_id is not None else None
        mark = self.canvas.lay.find(kind, record_id) if record_id is not None else None
        lay = self.canvas.lay
        if mark is not None and mark.shape != "unknown" and (mark.x1 < lay.plot_x0 or mark.x0 > lay.plot_x1):
            middle = lay.time_at((mark.x0 + mark.x1) / 2)
            span = self.view.span
            self.canvas.set_view(tl.View(middle - span / 2, middle + span / 2))
            mark = self.canvas.lay.find(kind, record_id)
        if mark is not None:
            self.scroll.ensureVisible(round(mark.x0), round(mark.y), 0, round(tl.ROW_H * 2))
        self.canvas.update()

    def _show_span(self) -> None:
        """The counts, and the span shown (the drawing's caption says it too)."""
        entries = self.canvas.data.entries
        events = sum(1 for e in entries if e.kind == "event")
        unknown = sum(1 for e in entries if not e.known)
        self.span_label.setText(f"{events} event(s), {len(entries) - events} statement(s), {unknown} undated")
        self.span_label.setToolTip(self.canvas.lay.caption)
