"""Scans and photographs: a zoomable, pannable page with its annotated regions,
beside the text derived from it (transcription, OCR).

"Read the memo scan beside its transcription": the page is on the left, the
region notes and the derived text on the right; clicking a region on the page
selects its note and finds its words in the transcription, and the reverse.
When the viewer may write (``context.annotate``), dragging on the page marks a
new region (:mod:`.regions`).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QPointF, QRectF, Qt, QThreadPool, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QImage,
    QImageReader,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPen,
    QPixmap,
    QShortcut,
    QTextCharFormat,
    QTextCursor,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPixmapItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSplitter,
    QTabWidget,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from evidence_desk.core.records import Annotation
from evidence_desk.gui.plain import block, line, tip

from .base import EvidenceViewer, monospace_font, plain_label, roomy, section_title
from .context import ViewerContext
from .regions import MIN_REGION_PX, RegionEditor, pixel_box
from .text import decode_evidence_text

ZOOM_STEP = 1.25
MIN_ZOOM, MAX_ZOOM = 0.02, 16.0
REGION_COLOUR = QColor(230, 126, 34)
SELECTED_COLOUR = QColor(41, 128, 185)
DRAWN_COLOUR = QColor(39, 174, 96)


class _PageDecoder(QObject):
    """Carries a decoded page from the pool thread back to the GUI thread."""

    decoded = Signal(QImage, str)


def _decode_page(path: str, decoder: _PageDecoder) -> None:
    # QImage (unlike QPixmap) may be made off the GUI thread.
    reader = QImageReader(path)
    image = reader.read()
    decoder.decoded.emit(image, "" if not image.isNull() else reader.errorString())


class RegionItem(QGraphicsRectItem):
    """One annotated region: a labelled translucent rectangle on the page."""

    def __init__(self, number: int, annotation: Annotation, rect: QRectF) -> None:
        super().__init__(rect)
        self.number = number
        self.annotation = annotation
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(tip(annotation.text))
        self.setZValue(1)
        self.label = QGraphicsSimpleTextItem(f" R{number} ", self)  # plain text, never HTML
        self.label.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
        self.label.setBrush(QBrush(Qt.GlobalColor.white))
        self.label.setPos(rect.topLeft())
        # Sit on the rectangle's top edge, outside it, so the tag hides none of the page.
        self.label.setTransform(QTransform.fromTranslate(-1, -self.label.boundingRect().height()))
        self._label_background = QGraphicsRectItem(self.label.boundingRect(), self.label)
        self._label_background.setFlag(QGraphicsItem.GraphicsItemFlag.ItemStacksBehindParent, True)
        self._label_background.setPen(QPen(Qt.PenStyle.NoPen))
        self.set_highlighted(False)

    def set_highlighted(self, on: bool) -> None:
        colour = SELECTED_COLOUR if on else REGION_COLOUR
        fill = QColor(colour)
        fill.setAlpha(70 if on else 45)
        pen = QPen(colour, 3 if on else 2)
        pen.setCosmetic(True)  # the outline stays visible at any zoom
        self.setPen(pen)
        self.setBrush(QBrush(fill))
        self._label_background.setBrush(QBrush(colour))


class PageView(QGraphicsView):
    """A page that zooms (Ctrl+wheel, buttons) and pans (drag)."""

    zoomChanged = Signal(float)  # noqa: N815 (Qt signal naming)
    regionClicked = Signal(int)  # noqa: N815 (Qt signal naming)
    #: a rectangle was dragged on the page, in scene units: the image's own pixels
    regionDrawn = Signal(QRectF)  # noqa: N815 (Qt signal naming)

    def __init__(self, scene: QGraphicsScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.SmoothPixmapTransform)
        self.setBackgroundBrush(QColor("#3b4048"))
        self.fitting = True
        self.drawing = False
        self._draw_origin: QPointF | None = None
        self._band: QGraphicsRectItem | None = None

    def set_drawing(self, on: bool) -> None:
        """Left-drag draws a region (on) or pans the page (off)."""
        self.drawing = on
        self.setDragMode(QGraphicsView.DragMode.NoDrag if on else QGraphicsView.DragMode.ScrollHandDrag)
        self.viewport().setCursor(Qt.CursorShape.CrossCursor if on else Qt.CursorShape.OpenHandCursor)

    @property
    def zoom(self) -> float:
        return self.transform().m11()

    def set_zoom(self, factor: float) -> None:
        factor = max(MIN_ZOOM, min(MAX_ZOOM, factor))
        self.fitting = False
        self.resetTransform()
        self.scale(factor, factor)
        self.zoomChanged.emit(self.zoom)

    def zoom_by(self, step: float) -> None:
        self.set_zoom(self.zoom * step)

    def fit(self) -> None:
        rect = self.sceneRect()
        if rect.isEmpty():
            return
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        self.fitting = True
        self.zoomChanged.emit(self.zoom)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        if self.fitting:
            self.fit()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 (Qt override)
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120
            if steps:
                self.zoom_by(ZOOM_STEP ** steps)
            event.accept()
            return
        super().wheelEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        found = [i for i in self.items(event.position().toPoint()) if isinstance(i, RegionItem)]
        if found and event.button() == Qt.MouseButton.LeftButton:
            self.regionClicked.emit(found[0].number)
            event.accept()
            return
        at = self.mapToScene(event.position().toPoint())
        if self.drawing and event.button() == Qt.MouseButton.LeftButton and self.sceneRect().contains(at):
            self._draw_origin = at
            self._band = self.scene().addRect(QRectF(at, at))
            pen = QPen(DRAWN_COLOUR, 2, Qt.PenStyle.DashLine)
            pen.setCosmetic(True)
            self._band.setPen(pen)
            self._band.setZValue(3)
            event.accept()
            return
        super().mousePressEvent(event)

    def _dragged(self, event: QMouseEvent) -> QRectF:
        assert self._draw_origin is not None
        at = self.mapToScene(event.position().toPoint())
        return QRectF(self._draw_origin, at).normalized().intersected(self.sceneRect())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        if self._draw_origin is not None and self._band is not None:
            self._band.setRect(self._dragged(event))
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        if self._draw_origin is not None:
            rect = self._dragged(event)
            if self._band is not None:
                self.scene().removeItem(self._band)
            self._draw_origin = self._band = None
            if rect.width() >= MIN_REGION_PX and rect.height() >= MIN_REGION_PX:
                self.regionDrawn.emit(rect)
            event.accept()
            return
        super().mouseReleaseEvent(event)


class ScanViewer(EvidenceViewer):
    """An image page with its regions, beside the notes and the derived text."""

    media_types = ("image/",)
    kinds = ("scan",)

    def __init__(self, context: ViewerContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.scene = QGraphicsScene(self)
        self.view = PageView(self.scene)
        self.view.setObjectName("pageView")
        self.regions: list[RegionItem | None] = []  # None: a region on a page not shown
        self.region_annotations: list[Annotation] = []
        self.page_size = (0, 0)
        self.page_item: QGraphicsPixmapItem | None = None
        self._decoding: QGraphicsSimpleTextItem | None = None
        self.pending_box: QGraphicsRectItem | None = None  # the region drawn, not yet saved
        writable = context.annotate is not None

        tools = QHBoxLayout()
        tools.setContentsMargins(0, 0, 0, 0)
        self.fit_button = _tool("Fit", "Fit the page in the view (Ctrl+0)", self.view.fit)
        self.actual_button = _tool("100 %", "Show the scan at its stored pixel size (Ctrl+1)", lambda: self.view.set_zoom(1.0))
        self.zoom_out_button = _tool("−", "Zoom out (Ctrl+minus, Ctrl+wheel)", lambda: self.view.zoom_by(1 / ZOOM_STEP))
        self.zoom_in_button = _tool("+", "Zoom in (Ctrl+plus, Ctrl+wheel)", lambda: self.view.zoom_by(ZOOM_STEP))
        self.zoom_label = plain_label("")
        self.zoom_label.setMinimumWidth(52)
        self.pixels_label = plain_label("")
        for widget in (self.fit_button, self.actual_button, self.zoom_out_button, self.zoom_label,
                       self.zoom_in_button):
            tools.addWidget(widget)
        self.draw_button = _tool("Mark region", "Drag on the page to mark a region (on), or to pan it (off)",
                                 lambda: self.view.set_drawing(self.draw_button.isChecked()))
        self.draw_button.setObjectName("drawRegion")
        self.draw_button.setCheckable(True)
        self.draw_button.setVisible(writable)
        tools.addSpacing(12)
        tools.addWidget(self.draw_button)
        tools.addStretch(1)
        tools.addWidget(self.pixels_label)
        self.view.zoomChanged.connect(lambda z: self.zoom_label.setText(f"{z * 100:.0f} %"))
        for keys, slot in ((QKeySequence.StandardKey.ZoomIn, self.zoom_in_button.click),
                           (QKeySequence.StandardKey.ZoomOut, self.zoom_out_button.click),
                           (QKeySequence("Ctrl+0"), self.fit_button.click),
                           (QKeySequence("Ctrl+1"), self.actual_button.click)):
            QShortcut(keys, self, slot, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.addLayout(tools)
        page_layout.addWidget(self.view, 1)

        self.region_list = QListWidget()
        self.region_list.setObjectName("regionList")
        roomy(self.region_list)
        self.region_list.currentRowChanged.connect(self._region_chosen_in_list)
        self.region_list.installEventFilter(self)
        self.region_editor = RegionEditor(self)
        self.region_editor.setVisible(writable)
        if writable:  # beside the editor the list may shrink to two notes: the pane must fit a laptop screen
            self.region_list.setMinimumHeight(44)
        self.region_list.itemDoubleClicked.connect(lambda _entry: self.region_editor.edit_chosen())
        self.transcriptions = QTabWidget()
        self.transcriptions.setObjectName("transcriptions")
        self.transcription_edits: list[QPlainTextEdit] = []

        side = QSplitter(Qt.Orientation.Vertical)
        side.setChildrenCollapsible(False)
        notes = QWidget()
        notes_layout = QVBoxLayout(notes)
        notes_layout.setContentsMargins(0, 0, 0, 0)
        self.regions_title = section_title("Regions")
        notes_layout.addWidget(self.regions_title)
        notes_layout.addWidget(self.region_editor)
        notes_layout.addWidget(self.region_list, 1)
        derived = QWidget()
        derived_layout = QVBoxLayout(derived)
        derived_layout.setContentsMargins(0, 0, 0, 0)
        derived_layout.addWidget(section_title("Transcription — text derived from this scan"))
        derived_layout.addWidget(self.transcriptions, 1)
        side.addWidget(notes)
        side.addWidget(derived)
        side.setSizes([300, 300] if writable else [160, 440])  # the region editor needs room too

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(page)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.stack_when_narrow(self.splitter)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

        self._load_page()
        self._add_regions([a for a in self.reader.annotations.list(self.item.id) if a.kind == "region"])
        self._add_transcriptions()
        self.view.regionClicked.connect(self.select_region)
        self.view.regionDrawn.connect(self._region_drawn)
        if writable and self.page_size[0]:
            self.draw_button.setChecked(True)
            self.view.set_drawing(True)
        elif writable:
            self.draw_button.setEnabled(False)

    # --- building ---------------------------------------------------------------

    def _load_page(self) -> None:
        """Read the page size now (regions need it) and decode the pixels on a pool thread."""
        if not self.stored_copy_readable():
            self._page_message("The scan is not available.")
            return
        reader = QImageReader(str(self.path))
        size = reader.size()
        if not reader.canRead() or not size.isValid() or size.isEmpty():
            self._cannot_display(reader.errorString())
            return
        self.page_size = (size.width(), size.height())
        self.scene.setSceneRect(QRectF(0, 0, size.width(), size.height()))
        pages = reader.imageCount()
        self.pixels_label.setText(f"{size.width()} × {size.height()} px" +
                                  (f" · page 1 of {pages} shown" if pages > 1 else ""))
        self._decoding = self.scene.addSimpleText("Decoding the scan…")
        self._decoding.setBrush(QBrush(Qt.GlobalColor.white))
        self._decoding.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
        self._decoding.setPos(size.width() / 2, size.height() / 2)
        # Unparented on purpose: if the viewer closes mid-decode, the worker
        # still holds a live object to emit on, and nobody is listening.
        self._decoder = _PageDecoder()
        self._decoder.decoded.connect(self._page_decoded)
        path, decoder = str(self.path), self._decoder
        QThreadPool.globalInstance().start(lambda: _decode_page(path, decoder))

    @property
    def page_loaded(self) -> bool:
        return self.page_item is not None

    def _page_decoded(self, image: QImage, error: str) -> None:
        if self._decoding is not None:
            self.scene.removeItem(self._decoding)
            self._decoding = None
        if image.isNull():
            self._cannot_display(error)
            return
        self.page_item = self.scene.addPixmap(QPixmap.fromImage(image))
        self.page_item.setZValue(0)
        self.page_item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)

    def _cannot_display(self, error: str) -> None:
        self.report_problem(f"This image cannot be displayed: {error or 'unknown format'}. The stored bytes "
                            "are unchanged; the file is damaged or not a picture format this program reads.")
        self._page_message("The image cannot be displayed.")

    def _page_message(self, text: str) -> None:
        message = self.scene.addSimpleText(text)
        message.setBrush(QBrush(Qt.GlobalColor.white))
        message.setZValue(2)
        if not self.page_size[0]:
            self.scene.setSceneRect(message.boundingRect().adjusted(-40, -40, 40, 40))
        else:
            message.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
            message.setPos(self.page_size[0] / 2, self.page_size[1] / 2)
        for button in (self.fit_button, self.actual_button, self.zoom_in_button, self.zoom_out_button):
            button.setEnabled(False)

    def _add_regions(self, annotations: list[Annotation]) -> None:
        width, height = self.page_size
        self.region_annotations = annotations
        for number, annotation in enumerate(annotations, start=1):
            where = f"page {annotation.page or 1}"
            entry = QListWidgetItem(f"R{number} · {where}\n{block(annotation.text, 2000) or '(no note)'}")
            px, py, pw, ph = pixel_box(annotation, self.page_size)
            box = f"; x {px}, y {py}, {pw} × {ph} px" if width else ""
            entry.setToolTip(f"x {annotation.x}, y {annotation.y}, w {annotation.w}, h {annotation.h} "
                             f"(fractions of the page){box}")
            self.region_list.addItem(entry)
            if (annotation.page or 1) != 1 or not width:
                # Only the first page is shown; the note stays listed.
                self.regions.append(None)
                continue
            rect = QRectF((annotation.x or 0) * width, (annotation.y or 0) * height,
                          (annotation.w or 0) * width, (annotation.h or 0) * height)
            region = RegionItem(number, annotation, rect)
            self.scene.addItem(region)
            self.regions.append(region)
        self.regions_title.setText(f"Regions ({len(annotations)})" if annotations else
                                   "Regions — none annotated on this scan")

    def _add_transcriptions(self) -> None:
        derived = self.reader.items.derived(self.item.id)
        if not derived:
            empty = QLabel("No transcription or OCR text has been derived from this scan.")
            empty.setTextFormat(Qt.TextFormat.PlainText)
            empty.setWordWrap(True)
            empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.transcriptions.addTab(empty, "none")
            return
        for record in derived:
            edit = QPlainTextEdit()
            edit.setReadOnly(True)
            edit.setFont(monospace_font())  # transcriptions keep the page's columns
            edit.setObjectName(f"transcription-{record.id}")
            if record.media_type.startswith("text/") or record.media_type == "application/json":
                try:
                    text, _ = decode_evidence_text(self.reader.items.read_bytes(record.id))
                except OSError as exc:
                    text = f"[the derived record cannot be read: {exc.strerror or exc}]"
            else:
                text = f"[item {record.id} is {record.media_type}, not text; open it on its own]"
            edit.setPlainText(text)
            edit.setToolTip(tip(f"Item {record.id} · {record.name} · {record.derivation_reason}"))
            self.transcriptions.addTab(edit, f"{line(record.name, 60)} (item {record.id})")
            self.transcription_edits.append(edit)

    # --- marking regions -------------------------------------------------------------

    def _region_drawn(self, box: QRectF) -> None:
        self.show_pending_box(box)
        self.region_editor.box_drawn(box)

    def show_pending_box(self, box: QRectF | None) -> None:
        """Show the rectangle drawn and not yet saved (None: remove it)."""
        if self.pending_box is not None:
            self.scene.removeItem(self.pending_box)
            self.pending_box = None
        if box is not None:
            self.pending_box = self.scene.addRect(box)
            pen = QPen(DRAWN_COLOUR, 2)
            pen.setCosmetic(True)
            fill = QColor(DRAWN_COLOUR)
            fill.setAlpha(50)
            self.pending_box.setPen(pen)
            self.pending_box.setBrush(QBrush(fill))
            self.pending_box.setZValue(2)

    def chosen_region(self) -> Annotation | None:
        row = self.region_list.currentRow()
        return self.region_annotations[row] if 0 <= row < len(self.region_annotations) else None

    def region_number(self, annotation_id: int) -> int:
        return next((n for n, a in enumerate(self.region_annotations, start=1) if a.id == annotation_id), 0)

    def reload_annotations(self) -> None:
        self.reload_regions()

    def reload_regions(self, select_id: int | None = None) -> None:
        """Re-read the scan's regions (after one was saved, corrected or removed)."""
        for region in self.regions:
            if region is not None:
                self.scene.removeItem(region)
        self.regions = []
        self.region_list.blockSignals(True)
        self.region_list.clear()
        self.region_list.blockSignals(False)
        self._add_regions([a for a in self.reader.annotations.list(self.item.id) if a.kind == "region"])
        number = self.region_number(select_id) if select_id is not None else 0
        if number:
            self.select_region(number)

    def eventFilter(self, watched: QObject, event) -> bool:  # noqa: N802 (Qt override)
        if (watched is self.region_list and isinstance(event, QKeyEvent) and event.type() == event.Type.KeyPress
                and event.key() == Qt.Key.Key_Delete and self.context.annotate is not None):
            self.region_editor.delete_chosen()
            return True
        return super().eventFilter(watched, event)

    # --- regions and their text ----------------------------------------------------

    def select_region(self, number: int) -> None:
        """Highlight region ``number`` (1-based) on the page, in the list and in the text."""
        if self.region_list.currentRow() != number - 1:
            self.region_list.setCurrentRow(number - 1)  # comes back here through the list
            return
        for region in self.regions:
            if region is not None:
                region.set_highlighted(region.number == number)
        region = self.regions[number - 1]
        if region is not None:
            self.view.ensureVisible(region.rect(), 40, 40)
        self.region_list.scrollToItem(self.region_list.item(number - 1))
        self._find_in_transcription(self.region_annotations[number - 1].text)

    def _region_chosen_in_list(self, row: int) -> None:
        if row >= 0:
            self.select_region(row + 1)

    def _find_in_transcription(self, words: str) -> None:
        words = words.strip()
        for index, edit in enumerate(self.transcription_edits):
            found = edit.document().find(words) if words else QTextCursor()
            if found.isNull():
                edit.setExtraSelections([])
                continue
            selection = QTextEdit.ExtraSelection()
            selection.cursor = found
            selection.format = QTextCharFormat()
            selection.format.setBackground(QColor(41, 128, 185, 70))
            edit.setExtraSelections([selection])
            edit.setTextCursor(found)
            edit.ensureCursorVisible()
            self.transcriptions.setCurrentIndex(index)
            break

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if self.view.fitting:
            self.view.fit()


def _tool(text: str, tip: str, slot: Callable[[], None]) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.clicked.connect(slot)
    return button
