"""Marking regions on a scan: drag a rectangle on the page, attach a note or a
transcription of what the box holds, save; correct or remove a region later.

The rectangle is taken in the image's own pixels whatever the zoom (the page
scene is one unit per pixel) and stored as fractions of the page, as regions
always have been, so it lands on the same words at any size. Every write is a
:mod:`core.operations` call handed to the viewer context's ``annotate``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from evidence_desk.core import operations as ops
from evidence_desk.core.records import Annotation

from .base import annotation_anchor, plain_label

if TYPE_CHECKING:
    from .scan import ScanViewer

ADD_REASON = "marked region"
EDIT_REASON = "corrected region"
DELETE_REASON = "removed region"
#: A smaller drag is a click, not a region.
MIN_REGION_PX = 4


def pixel_box(annotation: Annotation, page_size: tuple[int, int]) -> tuple[int, int, int, int]:
    """A region's box in whole image pixels: x, y, width, height."""
    width, height = page_size
    return (round((annotation.x or 0) * width), round((annotation.y or 0) * height),
            round((annotation.w or 0) * width), round((annotation.h or 0) * height))


class RegionEditor(QWidget):
    """The note of the region being marked or corrected, its reason, and Save / Cancel / Correct / Remove."""

    def __init__(self, viewer: ScanViewer) -> None:
        super().__init__(viewer)
        self.viewer = viewer
        self.setObjectName("regionEditor")
        #: the box drawn, in image pixels (None: nothing drawn yet)
        self.box: QRectF | None = None
        #: the region being corrected (None: a new one is being marked)
        self.editing: Annotation | None = None

        self.box_label = plain_label("Drag a rectangle on the page to mark a region", object_name="regionBox")
        self.box_label.setWordWrap(True)
        self.note = QPlainTextEdit()
        self.note.setObjectName("regionNote")
        self.note.setPlaceholderText("A note on the region, or a transcription of what it holds "
                                     "(Ctrl+Enter saves)")
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(90)
        self.note.setMinimumHeight(44)  # two lines; the pane must still fit a small laptop screen
        self.reason = QLineEdit()
        self.reason.setObjectName("regionReason")
        self.reason.setPlaceholderText(f"Reason: {ADD_REASON}")
        self.reason.setToolTip("Why, for the scan's custody history (left empty: the reason shown)")
        self.reason.returnPressed.connect(self.save)
        self.save_button = QPushButton("Save region")
        self.save_button.setObjectName("saveRegion")
        self.cancel_button = QPushButton("Cancel")
        self.edit_button = QPushButton("Correct note")
        self.edit_button.setObjectName("editRegion")
        self.edit_button.setToolTip("Take the chosen region's note back to correct it; a new drag redraws its box")
        self.delete_button = QPushButton("Remove")
        self.delete_button.setObjectName("deleteRegion")
        self.delete_button.setToolTip("Remove the chosen region; the scan's custody history keeps what it said")
        self.status = plain_label("", object_name="regionStatus")
        self.status.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.box_label)
        layout.addWidget(self.note)
        row = QHBoxLayout()
        row.addWidget(self.reason, 1)
        row.addWidget(self.save_button)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.edit_button)
        row.addWidget(self.delete_button)
        layout.addLayout(row)

        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.cancel)
        self.edit_button.clicked.connect(self.edit_chosen)
        self.delete_button.clicked.connect(self.delete_chosen)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self.note, self.save, context=Qt.ShortcutContext.WidgetShortcut)
        self._show()

    # --- what the user does --------------------------------------------------------

    def box_drawn(self, box: QRectF) -> None:
        """A rectangle was dragged on the page (image pixels)."""
        self.box = QRectF(round(box.x()), round(box.y()), round(box.width()), round(box.height()))
        self._show()
        self._say("Type the note or the transcription, then Save region (Ctrl+Enter)")
        self.note.setFocus()

    def cancel(self) -> None:
        self.box = None
        self.editing = None
        self.note.clear()
        self.viewer.show_pending_box(None)
        self._show()
        self._say("")

    def save(self) -> None:
        annotate = self.viewer.context.annotate
        if annotate is None:
            return
        editing = self.editing
        if editing is None and self.box is None:
            self._say("Drag a rectangle on the page first")
            return
        text = self.note.toPlainText().strip()
        width, height = self.viewer.page_size
        anchor = {}
        if self.box is not None:
            anchor = {"page": 1, "x": self.box.x() / width, "y": self.box.y() / height,
                      "w": self.box.width() / width, "h": self.box.height() / height}
        if editing is None:
            item_id = self.viewer.item.id
            reason = self.reason.text().strip() or ADD_REASON
            self.viewer.run_annotation(
                "Saving the region",
                lambda writer: ops.add_annotation(writer, item_id, "region", text, reason=reason, **anchor),
                self._saved)
        else:
            reason = self.reason.text().strip() or EDIT_REASON
            old = {"text": editing.text, **{k: v for k, v in annotation_anchor(editing).items() if k in anchor}}
            self.viewer.run_annotation(
                "Saving the corrected region",
                lambda writer, why: ops.edit_annotation(writer, editing.id, why, text=text, **anchor),
                self._saved, undo=lambda writer: ops.edit_annotation(writer, editing.id, "undo", **old),
                reason=reason, text="correct a region")

    def _saved(self, annotation: Annotation) -> None:
        was_edit = self.editing is not None
        self.box = None
        self.editing = None
        self.note.clear()
        self.reason.clear()
        self.viewer.show_pending_box(None)
        self._show()
        self.viewer.reload_regions(annotation.id)
        self._say(("Region corrected" if was_edit else "Region saved") + " — it is in the scan's custody history")

    def edit_chosen(self) -> None:
        annotation = self.viewer.chosen_region()
        if annotation is None:
            self._say("Choose a region in the list or on the page first")
            return
        self.editing = annotation
        self.box = None
        self.note.setPlainText(annotation.text)
        self._show()
        self._say("Correct the note; drag a new rectangle to redraw the box; Save region (Ctrl+Enter)")
        self.note.setFocus()

    def delete_chosen(self) -> None:
        annotation = self.viewer.chosen_region()
        annotate = self.viewer.context.annotate
        if annotation is None or annotate is None:
            self._say("Choose a region in the list or on the page first")
            return
        number = self.viewer.region_number(annotation.id)
        reason = self.reason.text().strip() or DELETE_REASON
        box = QMessageBox(QMessageBox.Icon.Question, "Remove region",
                          f"Remove region R{number}?\n\nThe scan's custody history keeps its box and its note, "
                          f"with the reason “{reason}”.", parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        remove = box.addButton("Remove", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(remove)
        box.exec()
        if box.clickedButton() is not remove:
            return
        self.cancel()
        current = [annotation.id]  # an undo makes the region again, with a new id: a redo removes that one

        def remake(writer: Any) -> Any:
            result = ops.add_annotation(writer, annotation.item_id, annotation.kind, annotation.text,
                                        reason="undo", **annotation_anchor(annotation))
            current[0] = result.value.id
            return result

        self.viewer.run_annotation("Removing the region",
                                   lambda writer, why: ops.delete_annotation(writer, current[0], why), self._deleted,
                                   undo=remake, reason=reason, text="remove a region")

    def _deleted(self, _annotation: Annotation) -> None:
        self.reason.clear()
        self.viewer.reload_regions()
        self._say("Region removed — the scan's custody history keeps what it said")

    # --- showing ---------------------------------------------------------------------

    def _show(self) -> None:
        if self.box is not None:
            b = self.box
            words = f"Box: x {b.x():.0f}, y {b.y():.0f}, {b.width():.0f} × {b.height():.0f} px"
            self.box_label.setText(words + (f" (redrawn for R{self.viewer.region_number(self.editing.id)})"
                                            if self.editing else ""))
        elif self.editing is not None:
            self.box_label.setText(f"Correcting R{self.viewer.region_number(self.editing.id)}")
        else:
            self.box_label.setText("Drag a rectangle on the page to mark a region")
        self.save_button.setText("Save correction" if self.editing else "Save region")
        self.reason.setPlaceholderText(f"Reason: {EDIT_REASON if self.editing else ADD_REASON}")

    def _say(self, text: str) -> None:
        self.status.setText(text)
