"""Audio and video viewers: a transport (play/pause, position, duration) over
Qt Multimedia, and the transcript segments annotated on the recording.

Clicking a segment, or pressing Enter on it, plays the recording from that
line; the line under the playhead is highlighted while it plays. That is how
a reviewer "hears the audio at a transcript line". Lines are marked, corrected
and removed from the keyboard with the :class:`~.marking.SegmentMarker` under
the transport, when the viewer is given a way to write (``context.annotate``).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QKeySequence, QPalette, QResizeEvent, QShortcut
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QSlider,
    QSplitter,
    QStyle,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from evidence_desk.core.records import Annotation
from evidence_desk.gui.plain import line, tip

from .base import EvidenceViewer, monospace_font, plain_label, section_title
from .context import ViewerContext
from .marking import SegmentMarker
from .waveform import PeakReader, WaveformView

#: A decode that falls this short of the declared duration means a damaged file.
TRUNCATION_TOLERANCE_MS = 500
#: The position slider counts in Qt's 32-bit int: 24.8 days. No recording is that long; a file
#: declaring more has a damaged header (a flipped bit in an AVI's stream length gives 68 years).
MAX_DURATION_MS = 2**31 - 1


def slider_ms(ms: int) -> int:
    """``ms`` clamped to what the 32-bit position slider can hold."""
    return max(0, min(int(ms), MAX_DURATION_MS))


def clock(ms: float) -> str:
    """``1:02.35``: minutes, seconds and hundredths, as segment times are given."""
    hundredths = (max(0, int(ms)) + 5) // 10  # half up, in integers: 31865 ms is 0:31.87
    minutes, hundredths = divmod(hundredths, 6000)
    hours, minutes = divmod(minutes, 60)
    seconds = f"{hundredths // 100:02d}.{hundredths % 100:02d}"
    return f"{hours}:{minutes:02d}:{seconds}" if hours else f"{minutes}:{seconds}"


Index = QModelIndex | QPersistentModelIndex


class SegmentModel(QAbstractTableModel):
    """The transcript lines of a recording, with the one being played marked."""

    HEADERS = ("#", "Start", "End", "Speaker", "Transcript")

    def __init__(self, segments: list[Annotation], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.segments = segments
        self.current = -1

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 (Qt override)
        return 0 if parent.isValid() else len(self.segments)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 (Qt override)
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 (Qt override)
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        segment, column = self.segments[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == 0:
                return ("▶ " if index.row() == self.current else "") + str(index.row() + 1)
            if column == 1:
                return clock((segment.start_s or 0) * 1000)
            if column == 2:
                return clock((segment.end_s or 0) * 1000)
            if column == 3:
                return line(segment.speaker)
            return line(segment.text) if role == Qt.ItemDataRole.DisplayRole else tip(segment.text)
        if role == Qt.ItemDataRole.BackgroundRole and index.row() == self.current:
            return QColor(255, 214, 102, 110)
        if role == Qt.ItemDataRole.FontRole and index.row() == self.current:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (0, 1, 2):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        return None

    def set_segments(self, segments: list[Annotation]) -> None:
        self.beginResetModel()
        self.segments = segments
        self.current = -1
        self.endResetModel()

    def segment_at(self, ms: int) -> int:
        """Row of the segment playing at ``ms``, or -1 between lines."""
        for row, segment in enumerate(self.segments):
            if (segment.start_s or 0) * 1000 <= ms < (segment.end_s or 0) * 1000:
                return row
        return -1

    def set_current(self, row: int) -> None:
        if row == self.current:
            return
        old, self.current = self.current, row
        for changed in (old, row):
            if changed >= 0:
                self.dataChanged.emit(self.index(changed, 0), self.index(changed, self.columnCount() - 1))


class SegmentTable(QTableView):
    """A table where Enter plays the selected line, as a click does."""

    segmentChosen = Signal(int)  # noqa: N815 (Qt signal naming)
    editRequested = Signal()  # noqa: N815 (Qt signal naming): double-click
    deleteRequested = Signal()  # noqa: N815 (Qt signal naming): the Delete key

    def __init__(self, model: SegmentModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for column in (0, 1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.setToolTip("Click a line, or press Enter on it, to play the recording from there")
        self.clicked.connect(lambda index: self.segmentChosen.emit(index.row()))
        self.doubleClicked.connect(lambda _index: self.editRequested.emit())
        header.sectionResized.connect(lambda *_: self.resizeRowsToContents())
        self.resizeRowsToContents()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        # Wrapped transcript lines need their rows re-measured at the new width.
        self.resizeRowsToContents()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.segmentChosen.emit(self.currentIndex().row())
            return
        if event.key() == Qt.Key.Key_Delete and self.currentIndex().isValid():
            self.deleteRequested.emit()
            return
        super().keyPressEvent(event)


class MediaViewer(EvidenceViewer):
    """Transport and transcript shared by the audio and video viewers."""

    def __init__(self, context: ViewerContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self._pending_seek_ms: int | None = None
        #: the duration the file declares, when it is believable (None: not known, or unreadable)
        self.duration_ms: int | None = None
        self._dragging = False
        self._player_failed = False
        self.player = QMediaPlayer(self)
        self.audio_output = QAudioOutput(self)
        self.player.setAudioOutput(self.audio_output)

        self.play_button = QToolButton()
        self.play_button.setObjectName("playButton")
        self.play_button.setAutoRaise(True)
        self.play_button.setIconSize(QSize(24, 24))
        self.play_button.setToolTip("Play / pause (Space, F5 or Ctrl+Space)")
        self.play_button.setEnabled(False)
        self.position_label = plain_label(clock(0))
        self.duration_label = plain_label("–:––")
        for label in (self.position_label, self.duration_label):
            label.setFont(monospace_font())
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("positionSlider")
        self.slider.setEnabled(False)
        self.slider.setToolTip("Position in the recording")
        self.status = plain_label("Loading…")
        self.status.setMinimumWidth(110)
        self.status.setObjectName("mediaStatus")

        transport = QHBoxLayout()
        transport.setContentsMargins(0, 0, 0, 0)
        transport.addWidget(self.play_button)
        transport.addWidget(self.position_label)
        transport.addWidget(self.slider, 1)
        transport.addWidget(self.duration_label)
        transport.addSpacing(8)
        transport.addWidget(self.status)

        segments = [a for a in self.reader.annotations.list(self.item.id) if a.kind == "audio_segment"]
        self.segment_model = SegmentModel(segments, self)
        self.segment_table = SegmentTable(self.segment_model)
        self.segment_table.setObjectName("segmentTable")
        self.segment_table.segmentChosen.connect(self.play_segment)
        self.segment_table.setVisible(bool(segments))
        self.no_segments = plain_label("No transcript lines are annotated on this recording.")
        self.no_segments.setVisible(not segments)
        self.no_segments.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_segments.setWordWrap(True)

        self.media_area = QWidget()  # the waveform or the picture
        self.media_area_layout = QVBoxLayout(self.media_area)
        self.media_area_layout.setContentsMargins(0, 0, 0, 0)
        self.media_area_layout.setSpacing(4)
        self.media_area_layout.addLayout(transport)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.media_area)
        transcript = QWidget()
        transcript_layout = QVBoxLayout(transcript)
        transcript_layout.setContentsMargins(0, 0, 0, 0)
        self.transcript_title = section_title("")
        transcript_layout.addWidget(self.transcript_title)
        self.marker = SegmentMarker(self, clock)
        transcript_layout.addWidget(self.marker)
        transcript_layout.addWidget(self.segment_table, 1)
        transcript_layout.addWidget(self.no_segments, 1)
        self.splitter.addWidget(transcript)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

        self.play_button.clicked.connect(self.toggle_play)
        QShortcut(QKeySequence(Qt.Key.Key_Space), self, self.toggle_play,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        # Space types into the marking fields; these play and pause from anywhere in the viewer.
        for keys in ("F5", "Ctrl+Space"):
            QShortcut(QKeySequence(keys), self, self.toggle_play, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.segment_table.editRequested.connect(self.marker.edit_chosen)
        self.segment_table.deleteRequested.connect(self.marker.delete_chosen)
        self.setFocusProxy(self.segment_table)
        self._show_segment_count()
        self.slider.sliderPressed.connect(lambda: setattr(self, "_dragging", True))
        self.slider.sliderReleased.connect(self._slider_released)
        self.slider.sliderMoved.connect(lambda ms: self.position_label.setText(clock(ms)))
        self.player.durationChanged.connect(self._duration_changed)
        self.player.positionChanged.connect(self._position_changed)
        self.player.playbackStateChanged.connect(self._state_changed)
        self.player.mediaStatusChanged.connect(self._status_changed)
        self.player.errorOccurred.connect(self._player_error)
        self._state_changed(self.player.playbackState())

        if self.stored_copy_readable():
            self.player.setSource(QUrl.fromLocalFile(str(self.path)))
        else:
            self.status.setText("Not available")

    # --- what a user does ------------------------------------------------------

    def toggle_play(self) -> None:
        if self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self.player.pause()
        elif self.play_button.isEnabled():
            self.player.play()

    def play_segment(self, row: int) -> None:
        segment = self.segment_model.segments[row]
        self.seek((segment.start_s or 0) * 1000, play=True)

    def playhead_ms(self) -> int:
        """Where the playhead is (a seek asked before the media loaded counts)."""
        if self._pending_seek_ms is not None:
            return self._pending_seek_ms
        return int(self.player.position())

    def chosen_segment(self) -> Annotation | None:
        """The transcript line chosen in the table, if any."""
        index = self.segment_table.currentIndex()
        rows = self.segment_model.segments
        return rows[index.row()] if index.isValid() and index.row() < len(rows) else None

    def segment_row(self, annotation_id: int) -> int:
        return next((row for row, s in enumerate(self.segment_model.segments) if s.id == annotation_id), -1)

    def reload_annotations(self) -> None:
        self.reload_segments()

    def reload_segments(self, select_id: int | None = None) -> None:
        """Re-read the recording's lines (after a line was saved, corrected, removed or imported)."""
        segments = [a for a in self.reader.annotations.list(self.item.id) if a.kind == "audio_segment"]
        self.segment_model.set_segments(segments)
        self._show_segment_count()
        self.segment_table.resizeRowsToContents()
        row = self.segment_row(select_id) if select_id is not None else -1
        if row >= 0:
            self.segment_table.setCurrentIndex(self.segment_model.index(row, 0))
            self.segment_table.scrollTo(self.segment_model.index(row, 0))
        self._segments_reloaded()
        self._position_changed(self.playhead_ms())

    def _show_segment_count(self) -> None:
        count = len(self.segment_model.segments)
        self.transcript_title.setText(f"Transcript — {count} annotated lines" if count else "Transcript")
        # A viewer that can mark lines keeps the (empty) table: it holds the keyboard focus.
        self.segment_table.setVisible(bool(count) or self.context.annotate is not None)
        self.no_segments.setVisible(not count)
        if not count and self.context.annotate is not None:
            self.no_segments.setText("No transcript lines yet. Play (F5), mark the start (F6) and the end (F7), "
                                     "type the speaker and the text, Enter saves.")

    def marks_changed(self, mark_in: int | None, mark_out: int | None) -> None:
        """Hook for subclasses that draw the in and out marks elsewhere too."""

    def _segments_reloaded(self) -> None:
        """Hook for subclasses that draw the lines elsewhere too."""

    def seek(self, ms: float, play: bool = False) -> None:
        """Go to ``ms``; remembered until the media has loaded if it has not yet."""
        ms = int(round(ms))
        if self.player.mediaStatus() in (QMediaPlayer.MediaStatus.NoMedia, QMediaPlayer.MediaStatus.LoadingMedia):
            self._pending_seek_ms = ms
        else:
            self.player.setPosition(ms)
        self._position_changed(ms)
        if play and self.play_button.isEnabled():
            self.player.play()

    # --- what the player tells -------------------------------------------------

    def _slider_released(self) -> None:
        self._dragging = False
        self.seek(self.slider.value())

    def _duration_changed(self, ms: int) -> None:
        if ms < 0 or ms > MAX_DURATION_MS:
            self.duration_ms = None
            self.slider.setRange(0, MAX_DURATION_MS)
            self.duration_label.setText("duration unreadable")
            self.duration_label.setToolTip(f"The file declares {ms:,} ms ({clock(ms)}), which cannot be right")
            self.report_problem(f"This {self.item.kind} declares a duration of {clock(ms)}, which cannot be "
                                "right: its header is damaged. The duration is unreadable; what plays may "
                                "still be shown.")
        else:
            self.duration_ms = ms
            self.slider.setRange(0, ms)
            self.duration_label.setText(clock(ms))
            self.duration_label.setToolTip("")
        self._duration_known(self.duration_ms or 0)

    def _duration_known(self, ms: int) -> None:
        """Hook for subclasses that draw the duration elsewhere too (0: unknown or unreadable)."""

    def _position_changed(self, ms: int) -> None:
        if not self._dragging:
            self.slider.setValue(slider_ms(ms))
            self.position_label.setText(clock(ms))
        row = self.segment_model.segment_at(ms)
        if row != self.segment_model.current:
            self.segment_model.set_current(row)
            if row >= 0:
                self.segment_table.scrollTo(self.segment_model.index(row, 0))
            self._segment_changed(row)

    def _segment_changed(self, row: int) -> None:
        """Hook for subclasses that draw the current line elsewhere too."""

    def _state_changed(self, state: QMediaPlayer.PlaybackState) -> None:
        playing = state == QMediaPlayer.PlaybackState.PlayingState
        icon = QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
        self.play_button.setIcon(self.style().standardIcon(icon))
        self.play_button.setText("Pause" if playing else "Play")
        if playing:
            self.status.setText("Playing")
        elif state == QMediaPlayer.PlaybackState.PausedState:
            self.status.setText("Paused")

    def _status_changed(self, status: QMediaPlayer.MediaStatus) -> None:
        ready = status in (QMediaPlayer.MediaStatus.LoadedMedia, QMediaPlayer.MediaStatus.BufferingMedia,
                           QMediaPlayer.MediaStatus.BufferedMedia, QMediaPlayer.MediaStatus.EndOfMedia,
                           QMediaPlayer.MediaStatus.StalledMedia)
        if ready:
            self.play_button.setEnabled(True)
            self.slider.setEnabled(True)
            if self._pending_seek_ms is not None:
                self.player.setPosition(self._pending_seek_ms)
                self._pending_seek_ms = None
        words = {QMediaPlayer.MediaStatus.LoadingMedia: "Loading…",
                 QMediaPlayer.MediaStatus.LoadedMedia: "Ready",
                 QMediaPlayer.MediaStatus.BufferedMedia: "Ready",
                 QMediaPlayer.MediaStatus.EndOfMedia: "End of recording",
                 QMediaPlayer.MediaStatus.InvalidMedia: "Cannot be played"}
        if status in words and not (status == QMediaPlayer.MediaStatus.BufferedMedia and
                                    self.player.playbackState() != QMediaPlayer.PlaybackState.StoppedState):
            self.status.setText(words[status])
        if status == QMediaPlayer.MediaStatus.InvalidMedia:
            self.play_button.setEnabled(False)
            self.slider.setEnabled(False)

    def _player_error(self, _error: QMediaPlayer.Error, message: str) -> None:
        if self._player_failed:  # one explanation is enough; later errors repeat it
            return
        self._player_failed = True
        if self.player.mediaStatus() == QMediaPlayer.MediaStatus.InvalidMedia or not self.duration_ms:
            self.report_problem(f"This {self.item.kind} cannot be played: {message or 'unrecognised format'}. "
                                "The stored bytes are unchanged; the file itself is damaged or in a "
                                "format this computer cannot decode.")
        else:
            self.report_problem(f"Playback stopped at {clock(self.player.position())}: {message}. "
                                "The file may be truncated or damaged.")

    def closeEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        self.player.stop()
        super().closeEvent(event)


class AudioViewer(MediaViewer):
    """A recording with its waveform and transcript."""

    media_types = ("audio/",)
    kinds = ("audio",)

    def __init__(self, context: ViewerContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.waveform = WaveformView()
        self.waveform.setObjectName("waveform")
        self.waveform.set_segments(self._segment_spans())
        self.waveform.set_duration(self.duration_ms or 0)
        self.waveform.seekRequested.connect(lambda ms: self.seek(ms, play=True))
        self.media_area_layout.insertWidget(0, self.waveform, 1)
        self.peak_reader: PeakReader | None = None
        if self.problem:  # the stored copy cannot even be opened
            self.waveform.set_message("No waveform: the recording is not available")
            return
        self.peak_reader = PeakReader(self.path, self)
        self.peak_reader.finished.connect(self._peaks_ready)
        self.peak_reader.failed.connect(self._peaks_failed)
        self.peak_reader.start()
        self.splitter.setSizes([190, 420])

    def _segment_spans(self) -> list[tuple[int, int]]:
        return [(int((s.start_s or 0) * 1000), int((s.end_s or 0) * 1000)) for s in self.segment_model.segments]

    def _position_changed(self, ms: int) -> None:
        super()._position_changed(ms)
        if hasattr(self, "waveform"):
            self.waveform.set_position(ms)

    def _segment_changed(self, row: int) -> None:
        if hasattr(self, "waveform"):
            self.waveform.set_segments(self._segment_spans(), row)

    def _segments_reloaded(self) -> None:
        if hasattr(self, "waveform"):
            self.waveform.set_segments(self._segment_spans(), self.segment_model.current)

    def marks_changed(self, mark_in: int | None, mark_out: int | None) -> None:
        if hasattr(self, "waveform"):
            self.waveform.set_marks(mark_in, mark_out)

    def _duration_known(self, ms: int) -> None:
        if hasattr(self, "waveform"):
            self.waveform.set_duration(ms)

    def _peaks_ready(self, peaks: list[float], decoded_ms: int) -> None:
        self.waveform.set_peaks(peaks)
        declared = self.duration_ms
        if declared and decoded_ms + TRUNCATION_TOLERANCE_MS < declared:
            self.report_problem(f"Only {clock(decoded_ms)} of the declared {clock(declared)} could be decoded: "
                                "the recording is probably truncated.")

    def _peaks_failed(self, message: str, decoded_ms: int) -> None:
        if decoded_ms:
            of = f" of {clock(self.duration_ms)}" if self.duration_ms else ""
            self.report_problem(f"The recording is damaged: decoding stopped at {clock(decoded_ms)}{of} "
                                f"({message}). Audio after that point cannot be heard.")
            self.waveform.set_peaks(self.peak_reader.peaks if self.peak_reader else [])
        else:
            self.waveform.set_message("No waveform: the recording cannot be decoded")
            self.report_problem(f"This audio cannot be decoded: {message}.")

    def closeEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        if self.peak_reader is not None:
            self.peak_reader.stop()
        super().closeEvent(event)


class VideoViewer(MediaViewer):
    """A video with the same transport and transcript as audio."""

    media_types = ("video/",)
    kinds = ("video",)

    def __init__(self, context: ViewerContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.video = QVideoWidget()
        self.video.setObjectName("videoWidget")
        self.video.setMinimumHeight(200)
        palette = self.video.palette()
        palette.setColor(QPalette.ColorRole.Window, Qt.GlobalColor.black)
        self.video.setPalette(palette)
        self.video.setAutoFillBackground(True)
        self.player.setVideoOutput(self.video)
        self.media_area_layout.insertWidget(0, self.video, 1)
        self.splitter.setSizes([420, 180])
