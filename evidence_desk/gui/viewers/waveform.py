"""A recording's loudness envelope, decoded off the GUI thread by Qt's audio
decoder, drawn with the transcript segments and the playhead.

Decoding also tells how much of the file really decodes, which is how a
truncated or damaged recording is noticed even when its header claims the
full length.
"""

from __future__ import annotations

from array import array
from pathlib import Path

from PySide6.QtCore import QObject, QPointF, QRectF, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtMultimedia import QAudioBuffer, QAudioDecoder, QAudioFormat
from PySide6.QtWidgets import QSizePolicy, QWidget

#: Peaks are kept per 10 ms of audio: fine enough to zoom a little, small for hours.
BUCKET_MS = 10
#: Samples a second the envelope is computed from (a faster recording is looked at in strides).
_DECODE_RATE = 8000

_TYPECODES = {QAudioFormat.SampleFormat.Int16: ("h", 32768.0, 0.0),
              QAudioFormat.SampleFormat.Int32: ("i", 2147483648.0, 0.0),
              QAudioFormat.SampleFormat.Float: ("f", 1.0, 0.0),
              QAudioFormat.SampleFormat.UInt8: ("B", 128.0, 128.0)}


class PeakReader(QObject):
    """Decodes a file once and reports per-bucket peak levels (0..1).

    ``finished(peaks, decoded_ms)`` on success; ``failed(message, decoded_ms)``
    when decoding stops on an error, with what was decoded before it.
    """

    # qint64, not int: a Qt int is 32 bits, and milliseconds of a long recording are not
    finished = Signal(list, "qint64")
    failed = Signal(str, "qint64")

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._peaks: list[float] = []
        self._pending: array | None = None
        self._scale, self._offset, self._channels = 32768.0, 0.0, 1
        self._frames = 0
        self._rate = _DECODE_RATE
        self._done = False
        # Decoded as the file is, not resampled: resampling costs the decoder time that grows with the
        # rate the header declares (a flipped bit saying 67 MHz made closing the viewer wait 6 s for
        # it). The envelope looks at about _DECODE_RATE samples a second whatever the rate.
        self._decoder = QAudioDecoder(self)
        self._decoder.bufferReady.connect(self._take_buffer)
        self._decoder.finished.connect(self._finish)
        self._decoder.error.connect(self._fail)
        self._decoder.setSource(QUrl.fromLocalFile(str(path)))

    def start(self) -> None:
        self._decoder.start()

    def stop(self) -> None:
        self._done = True
        if self._decoder.isDecoding():
            self._decoder.stop()

    @property
    def peaks(self) -> list[float]:
        """The levels decoded so far."""
        return self._peaks

    @property
    def decoded_ms(self) -> int:
        return int(self._frames * 1000 / self._rate) if self._rate else 0

    def _take_buffer(self) -> None:
        buffer: QAudioBuffer = self._decoder.read()
        fmt = buffer.format()
        spec = _TYPECODES.get(fmt.sampleFormat())
        if spec is None or not buffer.isValid():
            return
        typecode, scale, offset = spec
        if self._pending is None or self._pending.typecode != typecode:
            self._pending = array(typecode)
            self._scale, self._offset = scale, offset
        self._pending.frombytes(bytes(buffer.constData()))
        self._channels = max(1, fmt.channelCount())
        self._rate = fmt.sampleRate() or self._rate
        self._frames += buffer.frameCount()
        # The envelope takes the largest magnitude over interleaved channels;
        # slicing the raw array keeps the work in C even for hours of audio.
        per_bucket = max(1, self._rate * BUCKET_MS // 1000) * self._channels
        stride = max(1, self._rate * self._channels // _DECODE_RATE)
        whole = len(self._pending) // per_bucket * per_bucket
        for start in range(0, whole, per_bucket):
            self._peaks.append(self._level(self._pending[start:start + per_bucket:stride]))
        del self._pending[:whole]

    def _level(self, chunk: array) -> float:
        return min(1.0, max(max(chunk) - self._offset, self._offset - min(chunk)) / self._scale)

    def _finish(self) -> None:
        if self._done:
            return
        self._done = True
        if self._pending is not None and len(self._pending):
            self._peaks.append(self._level(self._pending))
        self.finished.emit(self._peaks, self.decoded_ms)

    def _fail(self, _error: QAudioDecoder.Error) -> None:
        if self._done:
            return
        self._done = True
        if self._pending is not None and len(self._pending):
            self._peaks.append(self._level(self._pending))
            del self._pending[:]
        self.failed.emit(self._decoder.errorString() or "the audio could not be decoded", self.decoded_ms)


class WaveformView(QWidget):
    """Envelope, segment bands and playhead; a click asks to seek there."""

    seekRequested = Signal("qint64")  # noqa: N815 (Qt signal naming): milliseconds

    BACKGROUND = QColor("#1d232d")
    WAVE = QColor("#5fb3b3")
    SEGMENT = QColor(255, 214, 102, 40)
    CURRENT = QColor(255, 214, 102, 90)
    PLAYHEAD = QColor("#ff6b6b")
    MARK = QColor("#7fd1ff")
    AXIS = QColor("#9aa4b2")
    AXIS_HEIGHT = 18
    TICK_STEPS_S = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Click to play from that moment")
        self.peaks: list[float] = []
        self.duration_ms = 0
        self.position_ms = 0
        self.segments: list[tuple[int, int]] = []
        self.current = -1
        #: the segment being marked: in and out points (ms), either may be unset
        self.mark_in: int | None = None
        self.mark_out: int | None = None
        self.message = "Reading waveform…"

    def set_peaks(self, peaks: list[float]) -> None:
        self.peaks = peaks
        self.message = "" if peaks else "No audio could be decoded"
        self.update()

    def set_message(self, text: str) -> None:
        self.message = text
        self.update()

    def set_duration(self, ms: int) -> None:
        self.duration_ms = ms
        self.update()

    def set_position(self, ms: int) -> None:
        self.position_ms = ms
        self.update()

    def set_segments(self, segments: list[tuple[int, int]], current: int = -1) -> None:
        self.segments = segments
        self.current = current
        self.update()

    def set_marks(self, mark_in: int | None, mark_out: int | None) -> None:
        """Show the in and out points of the segment being marked (None: not set)."""
        self.mark_in, self.mark_out = mark_in, mark_out
        self.update()

    def _span_ms(self) -> int:
        return max(self.duration_ms, len(self.peaks) * BUCKET_MS, 1)

    def _x(self, ms: float) -> float:
        return ms / self._span_ms() * self.width()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        if event.button() == Qt.MouseButton.LeftButton and self.width() > 0:
            self.seekRequested.emit(int(event.position().x() / self.width() * self._span_ms()))

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.BACKGROUND)
        height = self.height() - self.AXIS_HEIGHT
        for index, (start, end) in enumerate(self.segments):
            band = QRectF(QPointF(self._x(start), 0), QPointF(self._x(end), height))
            painter.fillRect(band, self.CURRENT if index == self.current else self.SEGMENT)
            # Numbered as in the transcript table, so a band and its line match up.
            painter.setPen(self.AXIS if index != self.current else QColor("#ffd666"))
            painter.drawText(band.adjusted(4, 2, 0, 0), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                             str(index + 1))
        mid = height / 2
        if self.peaks:
            painter.setPen(QPen(self.WAVE, 1))
            per_pixel = self._span_ms() / max(1, self.width()) / BUCKET_MS
            for x in range(self.width()):
                lo = int(x * per_pixel)
                hi = max(lo + 1, int((x + 1) * per_pixel))
                chunk = self.peaks[lo:hi]
                if not chunk:
                    break
                level = max(chunk) * (height / 2 - 4)
                painter.drawLine(QPointF(x + 0.5, mid - level), QPointF(x + 0.5, mid + level))
        else:
            painter.setPen(self.AXIS)
            painter.drawText(QRectF(0, 0, self.width(), height), Qt.AlignmentFlag.AlignCenter, self.message)
        painter.setPen(QPen(QColor("#3a4350"), 1))
        painter.drawLine(QPointF(0, mid), QPointF(self.width(), mid))
        self._paint_axis(painter, height)
        self._paint_marks(painter, height)
        if self.duration_ms:
            painter.setPen(QPen(self.PLAYHEAD, 2))
            x = self._x(self.position_ms)
            painter.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        painter.end()

    def _paint_marks(self, painter: QPainter, height: float) -> None:
        if self.mark_in is None and self.mark_out is None:
            return
        if self.mark_in is not None and self.mark_out is not None:
            span = QColor(self.MARK)
            span.setAlpha(50)
            painter.fillRect(QRectF(QPointF(self._x(self.mark_in), 0), QPointF(self._x(self.mark_out), height)),
                             span)
        pen = QPen(self.MARK, 2, Qt.PenStyle.DashLine)
        for ms, word in ((self.mark_in, "in"), (self.mark_out, "out")):
            if ms is None:
                continue
            x = self._x(ms)
            painter.setPen(pen)
            painter.drawLine(QPointF(x, 0), QPointF(x, height))
            painter.drawText(QRectF(x + 3, height - 18, 40, 16),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, word)

    def _paint_axis(self, painter: QPainter, top: float) -> None:
        span_s = self._span_ms() / 1000
        if span_s <= 0.001 or self.width() < 10:
            return
        step = next((s for s in self.TICK_STEPS_S if s / span_s * self.width() >= 70), self.TICK_STEPS_S[-1])
        painter.setPen(QPen(self.AXIS, 1))
        font = painter.font()
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        painter.setFont(font)
        second = 0
        while second <= span_s:
            x = self._x(second * 1000)
            painter.drawLine(QPointF(x, top), QPointF(x, top + 4))
            minutes, seconds = divmod(second, 60)
            painter.drawText(QRectF(x + 3, top, 60, self.AXIS_HEIGHT),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, f"{minutes}:{seconds:02d}")
            second += step
