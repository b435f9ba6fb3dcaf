"""Marking transcript segments on a recording from the keyboard.

A typist never needs the mouse: F5 (or Ctrl+Space) plays and pauses, F6
marks where the line starts at the playhead, F7 where it ends and moves to
the speaker field; Tab to the text, Enter saves. The next line starts where
the last one ended. F8 (or a double-click) takes the chosen line back into
the fields to correct it, Delete removes it; both are logged with a reason,
and a removed line stays in the item's custody history. Lines come in from
and go out to WebVTT and SRT files (:mod:`evidence_desk.core.subtitles`).

Every write is a :mod:`core.operations` call handed to the viewer context's
``annotate``, which the window runs on its single writer.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from evidence_desk.core import operations as ops
from evidence_desk.core import subtitles
from evidence_desk.core.errors import BadInput
from evidence_desk.core.records import Annotation

from .base import annotation_anchor, monospace_font, plain_label

if TYPE_CHECKING:
    from .media import MediaViewer

ADD_REASON = "transcribed segment"
EDIT_REASON = "corrected segment"
DELETE_REASON = "removed segment"


class SegmentMarker(QWidget):
    """In, out, speaker, text and reason fields under a recording's transport."""

    def __init__(self, viewer: MediaViewer, clock: Callable[[float], str]) -> None:
        super().__init__(viewer)
        self.viewer = viewer
        self.clock = clock  # how the viewer writes a time (media.clock), given to keep the imports one-way
        self.setObjectName("segmentMarker")
        self.mark_in_ms: int | None = None
        self.mark_out_ms: int | None = None
        #: the line being corrected (None: a new line is being marked)
        self.editing: Annotation | None = None
        writable = viewer.context.annotate is not None

        self.in_button = QPushButton("In (F6)")
        self.in_button.setObjectName("markIn")
        self.in_button.setToolTip("The line starts at the playhead (F6)")
        self.out_button = QPushButton("Out (F7)")
        self.out_button.setObjectName("markOut")
        self.out_button.setToolTip("The line ends at the playhead (F7); then type the speaker and the text")
        self.in_label = plain_label("in –", object_name="markInTime")
        self.out_label = plain_label("out –", object_name="markOutTime")
        for label in (self.in_label, self.out_label):
            label.setFont(monospace_font())
            label.setMinimumWidth(84)
        self.speaker = QLineEdit()
        self.speaker.setObjectName("segmentSpeaker")
        self.speaker.setPlaceholderText("Speaker")
        self.speaker.setMinimumWidth(140)
        self.speaker.setMaximumWidth(220)
        self.text = QLineEdit()
        self.text.setObjectName("segmentText")
        self.text.setPlaceholderText("What was said — Enter saves the line")
        self.reason = QLineEdit()
        self.reason.setObjectName("segmentReason")
        self.reason.setPlaceholderText(f"Reason: {ADD_REASON}")
        self.reason.setToolTip("Why, for the item's custody history (left empty: the reason shown)")
        self.reason.setMinimumWidth(190)
        self.reason.setMaximumWidth(16777215)
        self.save_button = QPushButton("Save line ⏎")
        self.save_button.setObjectName("saveSegment")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Forget the marks and the text typed (Esc)")
        self.edit_button = QPushButton("Correct")
        self.edit_button.setObjectName("editSegment")
        self.edit_button.setToolTip("Take the chosen line back into the fields to correct it (F8, or double-click)")
        self.delete_button = QPushButton("Remove")
        self.delete_button.setObjectName("deleteSegment")
        self.delete_button.setToolTip("Remove the chosen line; its custody history keeps what it said")
        self.import_button = QPushButton("Import…")
        self.import_button.setObjectName("importSegments")
        self.import_button.setToolTip("Import transcript lines from a WebVTT (.vtt) or SRT (.srt) file")
        self.export_button = QPushButton("Export…")
        self.export_button.setObjectName("exportSegments")
        self.export_button.setToolTip("Export the transcript lines as WebVTT (.vtt) or SRT (.srt)")
        self.status = plain_label("", object_name="markStatus")
        self.status.setWordWrap(True)

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(4)
        marks = QHBoxLayout()
        for widget in (self.in_button, self.in_label, self.out_button, self.out_label):
            marks.addWidget(widget)
        marks.addStretch(1)
        grid.addLayout(marks, 0, 0)
        # Three short rows rather than two long ones: the audio preview must still fit beside
        # the item list on a 1024-pixel laptop screen (tests/gui/test_small_screen.py).
        words = QHBoxLayout()
        words.addWidget(self.speaker, 1)
        words.addWidget(self.text, 3)
        grid.addLayout(words, 1, 0)
        saving = QHBoxLayout()
        saving.addWidget(self.reason, 1)
        saving.addWidget(self.save_button)
        saving.addWidget(self.cancel_button)
        grid.addLayout(saving, 2, 0)
        lines = QHBoxLayout()
        lines.addWidget(self.status, 1)
        for widget in (self.edit_button, self.delete_button, self.import_button, self.export_button):
            lines.addWidget(widget)
        grid.addLayout(lines, 3, 0)

        for widget in (self.in_button, self.out_button, self.speaker, self.text, self.reason, self.save_button,
                       self.cancel_button, self.edit_button, self.delete_button, self.import_button):
            widget.setVisible(writable)
        if not writable:
            self.in_label.hide()
            self.out_label.hide()

        self.in_button.clicked.connect(self.mark_in)
        self.out_button.clicked.connect(self.mark_out)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.cancel)
        self.speaker.returnPressed.connect(self.save)
        self.text.returnPressed.connect(self.save)
        self.edit_button.clicked.connect(self.edit_chosen)
        self.delete_button.clicked.connect(self.delete_chosen)
        self.import_button.clicked.connect(self._import_clicked)
        self.export_button.clicked.connect(self._export_clicked)
        if writable:
            for keys, slot in (("F6", self.mark_in), ("F7", self.mark_out), ("F8", self.edit_chosen),
                               ("Esc", self.cancel)):
                QShortcut(QKeySequence(keys), viewer, slot, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._show_marks()

    # --- marking ----------------------------------------------------------------

    def mark_in(self) -> None:
        """The line starts at the playhead."""
        self.mark_in_ms = self.viewer.playhead_ms()
        if self.mark_out_ms is not None and self.mark_out_ms < self.mark_in_ms:
            self.mark_out_ms = None
        self._say("Start marked; F7 marks the end")
        self._show_marks()

    def mark_out(self) -> None:
        """The line ends at the playhead; the speaker is typed next."""
        self.mark_out_ms = self.viewer.playhead_ms()
        self._show_marks()
        self._say("End marked; type the speaker, Tab, what was said, Enter")
        self.speaker.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.speaker.selectAll()

    def cancel(self) -> None:
        self.editing = None
        self.mark_in_ms = self.mark_out_ms = None
        self.text.clear()
        self._show_marks()
        self._say("")

    def _show_marks(self) -> None:
        self.in_label.setText("in " + ("–" if self.mark_in_ms is None else self.clock(self.mark_in_ms)))
        self.out_label.setText("out " + ("–" if self.mark_out_ms is None else self.clock(self.mark_out_ms)))
        self.save_button.setText("Save correction ⏎" if self.editing else "Save line ⏎")
        self.reason.setPlaceholderText(f"Reason: {EDIT_REASON if self.editing else ADD_REASON}")
        self.viewer.marks_changed(self.mark_in_ms, self.mark_out_ms)

    def _say(self, text: str) -> None:
        self.status.setText(text)

    # --- writing ------------------------------------------------------------------

    def save(self) -> None:
        """Save the marked line (or the correction) as an operation; refuse plainly what is incomplete."""
        annotate = self.viewer.context.annotate
        if annotate is None:
            return
        if self.mark_in_ms is None:
            self._say("Mark where the line starts first (F6)")
            return
        if self.mark_out_ms is None:
            self._say("Mark where the line ends first (F7)")
            return
        if self.mark_out_ms < self.mark_in_ms:
            self._say(f"The end ({self.clock(self.mark_out_ms)}) is before the start "
                      f"({self.clock(self.mark_in_ms)}): mark them again")
            return
        text, speaker = self.text.text().strip(), self.speaker.text().strip()
        if not text:
            self._say("Type what was said first")
            self.text.setFocus()
            return
        start_s, end_s = self.mark_in_ms / 1000, self.mark_out_ms / 1000
        editing = self.editing
        if editing is None:
            reason = self.reason.text().strip() or ADD_REASON
            item_id = self.viewer.item.id
            self.viewer.run_annotation(
                "Saving the transcript line",
                lambda writer: ops.add_annotation(writer, item_id, "audio_segment", text, reason=reason,
                                                  start_s=start_s, end_s=end_s, speaker=speaker),
                self._saved)
        else:
            reason = self.reason.text().strip() or EDIT_REASON
            old = {"start_s": editing.start_s, "end_s": editing.end_s, "speaker": editing.speaker,
                   "text": editing.text}
            self.viewer.run_annotation(
                "Saving the corrected transcript line",
                lambda writer, why: ops.edit_annotation(writer, editing.id, why, start_s=start_s, end_s=end_s,
                                                        speaker=speaker, text=text),
                self._saved, undo=lambda writer: ops.edit_annotation(writer, editing.id, "undo", **old),
                reason=reason, text="correct a transcript line")

    def _saved(self, annotation: Annotation) -> None:
        was_edit = self.editing is not None
        self.editing = None
        self.text.clear()
        self.reason.clear()
        # The next line usually starts where this one ended.
        self.mark_in_ms = None if was_edit else int(round((annotation.end_s or 0) * 1000))
        self.mark_out_ms = None
        self._show_marks()
        self.viewer.reload_segments(annotation.id)
        self._say(("Correction saved" if was_edit else "Line saved") + " — it is in the item's custody history")
        self.text.setFocus()

    def edit_chosen(self) -> None:
        """Take the chosen line back into the fields."""
        segment = self.viewer.chosen_segment()
        if segment is None or self.viewer.context.annotate is None:
            self._say("Choose a line in the transcript first")
            return
        self.editing = segment
        self.mark_in_ms = int(round((segment.start_s or 0) * 1000))
        self.mark_out_ms = int(round((segment.end_s or 0) * 1000))
        self.speaker.setText(segment.speaker)
        self.text.setText(segment.text)
        self._show_marks()
        self._say(f"Correcting line {self.viewer.segment_row(segment.id) + 1}: F6/F7 re-mark its times, "
                  "Enter saves, Esc cancels")
        self.text.setFocus()

    def delete_chosen(self) -> None:
        segment = self.viewer.chosen_segment()
        annotate = self.viewer.context.annotate
        if segment is None or annotate is None:
            self._say("Choose a line in the transcript first")
            return
        row = self.viewer.segment_row(segment.id) + 1
        reason = self.reason.text().strip() or DELETE_REASON
        box = QMessageBox(QMessageBox.Icon.Question, "Remove transcript line",
                          f"Remove line {row} ({self.clock((segment.start_s or 0) * 1000)}–"
                          f"{self.clock((segment.end_s or 0) * 1000)})?\n\nThe item's custody history keeps what it "
                          f"said, with the reason “{reason}”.", parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        remove = box.addButton("Remove", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(remove)
        box.exec()
        if box.clickedButton() is not remove:
            return
        if self.editing is not None and self.editing.id == segment.id:
            self.cancel()
        current = [segment.id]  # an undo makes the line again, with a new id: a redo removes that one

        def remake(writer: Any) -> Any:
            result = ops.add_annotation(writer, segment.item_id, segment.kind, segment.text, reason="undo",
                                        **annotation_anchor(segment))
            current[0] = result.value.id
            return result

        self.viewer.run_annotation("Removing the transcript line",
                                   lambda writer, why: ops.delete_annotation(writer, current[0], why), self._deleted,
                                   undo=remake, reason=reason, text="remove a transcript line")

    def _deleted(self, annotation: Annotation) -> None:
        self.reason.clear()
        self.viewer.reload_segments()
        self._say("Line removed — its custody history keeps what it said")

    # --- subtitle files -----------------------------------------------------------

    def import_file(self, path: Path | str) -> None:
        """Add the cues of a .vtt or .srt file; a malformed file is named with its line, nothing is added."""
        annotate = self.viewer.context.annotate
        if annotate is None:
            return
        try:
            segments = subtitles.read_file(path)
        except BadInput as exc:
            self._say(f"Nothing imported: {exc}")
            return
        item_id, name = self.viewer.item.id, Path(path).name
        reason = self.reason.text().strip() or f"imported transcript {name}"
        self.viewer.run_annotation(f"Importing {name}",
                                   lambda writer: ops.import_segments(writer, item_id, segments, reason),
                                   lambda added: self._imported(len(added), name))

    def _imported(self, count: int, name: str) -> None:
        self.reason.clear()
        self.viewer.reload_segments()
        self._say(f"{count} lines imported from {name}")

    def export_file(self, path: Path | str) -> None:
        """Write the recording's lines to a .vtt or .srt file."""
        try:
            segments = subtitles.segments_of(self.viewer.segment_model.segments)
            subtitles.write_file(path, segments)
        except BadInput as exc:
            self._say(f"Not exported: {exc}")
            return
        except OSError as exc:
            self._say(f"Not exported: {Path(path).name} cannot be written ({exc.strerror or exc})")
            return
        self._say(f"{len(segments)} lines written to {Path(path).name}")

    def _import_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import a transcript", "",
                                              "Subtitles (*.vtt *.srt);;All files (*)")
        if path:
            self.import_file(path)

    def _export_clicked(self) -> None:
        stem = Path(self.viewer.item.name).stem or "transcript"
        path, chosen = QFileDialog.getSaveFileName(self, "Export the transcript", f"{stem}.vtt",
                                                   "WebVTT (*.vtt);;SubRip (*.srt)")
        if path:
            if not Path(path).suffix:
                path += ".srt" if "srt" in chosen else ".vtt"
            self.export_file(path)
