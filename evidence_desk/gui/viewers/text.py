"""Text evidence (documents, statements, transcripts) shown as literal text,
with its annotated passages highlighted and listed.

Evidence is never interpreted: HTML, Markdown or control sequences in a file
show as the characters they are. A text is shown lazily: its first
:data:`~.lazy_text.CHUNK_BYTES` at once, the rest on demand ("Show more",
or scrolling to the end), and no line longer than
:data:`~.lazy_text.SEGMENT_CHARS` is given to Qt as one paragraph, so a
huge or single-line file opens in a moment (see :mod:`.lazy_text`).

When the viewer may write (``context.annotate``), a selected passage is quoted
into a new statement or claim ("Quote into statement…", "Quote into claim…"):
the passage is marked with its character offsets in the file as decoded, and
the statement or claim holds its exact words.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from evidence_desk.core import operations as ops
from evidence_desk.core import store
from evidence_desk.core.records import Annotation
from evidence_desk.core.sizes import format_bytes
from evidence_desk.gui.plain import block, line

from .base import EvidenceViewer, plain_label, roomy, section_title
from .context import ViewerContext
from .lazy_text import CHUNK_BYTES, SEGMENT_CHARS, Piece, TextSource, choose_encoding, utf16_length

#: Show more stops here (a 100 MB text, all shown, takes the program about 1 GB of memory).
MAX_SHOWN_BYTES = 128 * 1024 * 1024
PASSAGE_COLOUR = QColor(255, 214, 102, 120)
CHOSEN_COLOUR = QColor(41, 128, 185, 90)


def decode_evidence_text(data: bytes) -> tuple[str, str]:
    """(text, how it was decoded): UTF-8 (or UTF-16 with its byte-order mark), else Latin-1.

    Latin-1 maps every byte to a character, so nothing is lost or replaced;
    the description says so, because the characters may then be wrong.
    A UTF-8 byte-order mark stays in the text so character offsets agree
    with annotations made on the decoded file.
    """
    codec, how = choose_encoding(data, complete=True)
    return data.decode(codec), how


def document_position(text: str, offset: int) -> int:
    """Where character ``offset`` of ``text`` lands in a QTextDocument.

    The document counts UTF-16 code units and turns CR LF into one line
    break, while annotations count Unicode code points of the file as decoded.
    """
    prefix = text[:offset]
    return utf16_length(prefix) - prefix.count("\r\n")


class TextViewer(EvidenceViewer):
    """A read-only text with its passages, loaded a piece at a time."""

    media_types = ("text/", "application/json", "application/xml", "message/rfc822")

    def __init__(self, context: ViewerContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        #: the characters loaded so far, exactly as decoded from the file
        self.text = ""
        self.source: TextSource | None = None
        self._breaks: list[int] = []  # offsets into self.text where the display breaks a long line
        self._piece_starts: list[int] = []  # offset into self.text of each piece shown
        self._piece_positions: list[int] = []  # and where it begins in the document
        self.encoding_label = plain_label("", selectable=True)
        self.encoding_label.setObjectName("encodingLabel")
        self.encoding_label.setWordWrap(True)  # a long description must not widen the window
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("evidenceText")
        self.editor.setReadOnly(True)
        self.editor.setUndoRedoEnabled(False)  # read-only: an undo history would only cost memory
        self.editor.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse |
                                            Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.editor.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.extent_label = plain_label("", selectable=True)
        self.extent_label.setObjectName("textExtent")
        self.extent_label.setWordWrap(True)
        self.more_button = QPushButton("Show more")
        self.more_button.setObjectName("showMore")
        self.more_button.setToolTip(f"Show the next {format_bytes(CHUNK_BYTES)} of the text "
                                    "(scrolling to the end does the same)")
        self.more_button.clicked.connect(lambda: self.show_more())
        self.more_button.hide()
        self.passage_list = QListWidget()
        self.passage_list.setObjectName("passageList")
        roomy(self.passage_list)
        self.passage_list.currentRowChanged.connect(self.select_passage)
        writable = context.annotate is not None
        self.quote_statement_button = QPushButton("Quote into statement…")
        self.quote_statement_button.setObjectName("quoteIntoStatement")
        self.quote_statement_button.setToolTip("Make the selected words a statement drawn from this item, "
                                               "and mark them as a passage")
        self.quote_claim_button = QPushButton("Quote into claim…")
        self.quote_claim_button.setObjectName("quoteIntoClaim")
        self.quote_claim_button.setToolTip("Make the selected words a claim that mentions this item, "
                                           "and mark them as a passage")
        for button, into in ((self.quote_statement_button, "statement"), (self.quote_claim_button, "claim")):
            button.setVisible(writable)
            button.setEnabled(False)
            button.clicked.connect(lambda _checked=False, into=into: self.quote_selection(into))
        self.quote_status = plain_label("", object_name="quoteStatus")
        self.quote_status.setWordWrap(True)
        self.quote_dialog: QuoteDialog | None = None
        self.editor.selectionChanged.connect(self._selection_changed)

        text_side = QWidget()
        text_layout = QVBoxLayout(text_side)
        text_layout.setContentsMargins(0, 0, 0, 0)
        text_layout.addWidget(self.encoding_label)
        text_layout.addWidget(self.editor, 1)
        more_row = QHBoxLayout()
        more_row.addWidget(self.extent_label, 1)
        more_row.addWidget(self.more_button)
        text_layout.addLayout(more_row)
        passages_side = QWidget()
        passages_layout = QVBoxLayout(passages_side)
        passages_layout.setContentsMargins(0, 0, 0, 0)
        self.passages_title = section_title("Passages")
        passages_layout.addWidget(self.passages_title)
        passages_layout.addWidget(self.passage_list, 1)
        passages_layout.addWidget(self.quote_statement_button)
        passages_layout.addWidget(self.quote_claim_button)
        passages_layout.addWidget(self.quote_status)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(text_side)
        self.splitter.addWidget(passages_side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.stack_when_narrow(self.splitter)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

        self.passages = [a for a in self.reader.annotations.list(self.item.id) if a.kind == "passage"]
        self._load()

    # --- loading ---------------------------------------------------------------

    def _load(self) -> None:
        if not self.stored_copy_readable():
            self.encoding_label.setText("The text is not available.")
            return
        try:
            self.source = TextSource(self.path)
        except OSError as exc:
            self.report_problem(f"The stored copy of this item cannot be read ({exc.strerror or exc}).")
            self.encoding_label.setText("The text is not available.")
            return
        for _ in self.passages:
            self.passage_list.addItem(QListWidgetItem())
        self.passages_title.setText(f"Passages ({len(self.passages)})" if self.passages
                                    else "Passages — none annotated")
        self.show_more()

    @property
    def has_more(self) -> bool:
        """Part of the file is not shown yet (and may be, below :data:`MAX_SHOWN_BYTES`)."""
        return self.source is not None and not self.source.exhausted and self.source.offset < MAX_SHOWN_BYTES

    def show_more(self, at_least_bytes: int = CHUNK_BYTES) -> bool:
        """Add the next piece of the file to what is shown; False when there is no more."""
        source = self.source
        if source is None or not self.has_more:
            return False
        try:
            piece = source.read(min(max(CHUNK_BYTES, at_least_bytes), MAX_SHOWN_BYTES - source.offset))
        except OSError as exc:
            self.report_problem(f"Reading the rest of the text failed ({exc.strerror or exc}).")
            self.source = None
            self._describe()
            return False
        self._append(piece)
        self._describe()
        self._refresh_passages()
        return True

    def show_through(self, offset: int) -> None:
        """Load until character ``offset`` is shown (or the file, or the limit, ends)."""
        if len(self.text) >= offset or not self.has_more:
            return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # a passage far in takes a moment
        try:
            while len(self.text) < offset and self.has_more:
                # every character is at least one byte: this many more bytes are needed at least
                self.show_more(offset - len(self.text))
        finally:
            QApplication.restoreOverrideCursor()

    def _append(self, piece: Piece) -> None:
        document = self.editor.document()
        start = len(self.text)
        self._piece_starts.append(start)
        self._piece_positions.append(document.characterCount() - 1)
        self._breaks.extend(start + cut for cut in piece.breaks)
        self.text += piece.text
        cursor = QTextCursor(document)
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(piece.display())  # at the end: the reader's view and selection stay put

    def _describe(self) -> None:
        source = self.source
        how = source.how if source is not None else ""
        line_ends = " · CR LF line ends" if "\r\n" in self.text else ""
        more = " shown" if self.has_more else ""
        self.encoding_label.setText(f"Encoding: {how}{line_ends} · {len(self.text):,} characters{more}")
        size = self.item.size if source is None else source.size
        shown = source.offset if source is not None else 0
        parts = []
        if self.has_more:
            parts.append(f"Showing the first {format_bytes(shown)} of {format_bytes(size)} "
                         f"({shown:,} of {size:,} bytes); Show more, or scroll to the end, for the next part.")
        elif source is not None and source.offset < source.size:
            parts.append(f"Only the first {format_bytes(MAX_SHOWN_BYTES)} of this {size:,}-byte text can be "
                         "shown here.")
        if self._breaks:
            parts.append(f"Lines longer than {SEGMENT_CHARS:,} characters are broken for display.")
        self.extent_label.setText(" ".join(parts))
        self.more_button.setVisible(self.has_more)
        if source is not None and not self.has_more and source.offset < source.size:
            self.report_problem(f"Only the first {format_bytes(MAX_SHOWN_BYTES)} of this {size:,}-byte text "
                                "can be shown here.")

    def _scrolled(self, value: int) -> None:
        bar = self.editor.verticalScrollBar()
        if value >= bar.maximum() and bar.maximum() > 0 and self.has_more:
            self.show_more()

    # --- passages --------------------------------------------------------------

    def _refresh_passages(self) -> None:
        for row, passage in enumerate(self.passages):
            start, end = passage.text_start or 0, passage.text_end or 0
            quoted = self.text[start:end]
            label = f"characters {start:,}–{end:,}"
            if end > len(self.text):
                label += " (beyond the text shown: click to show it)" if self.has_more else \
                    " (beyond the text shown)"
            summary = line(quoted if len(quoted) <= 160 else quoted[:157] + "…")
            note = f"\nNote: {block(passage.text, 2000)}" if passage.text and passage.text != quoted else ""
            entry = self.passage_list.item(row)
            if entry is not None:
                entry.setText(f"{label}\n{summary}{note}")
        self._highlight(self.passage_list.currentRow())

    def position_of(self, offset: int, *, end: bool = False) -> int:
        """Where character ``offset`` of the file's text is in the document shown.

        The document counts UTF-16 code units, turns CR LF into one line end,
        and has a line end at each display break: a passage's start lies after
        a break at its offset, its end (``end=True``) before it."""
        offset = max(0, min(offset, len(self.text)))
        if not self._piece_starts:
            return 0
        piece = bisect_right(self._piece_starts, offset) - 1
        start = self._piece_starts[piece]
        inside = self.text[start:offset]  # never more than one piece's worth
        breaks = (bisect_left if end else bisect_right)(self._breaks, offset) - bisect_left(self._breaks, start)
        return self._piece_positions[piece] + utf16_length(inside) - inside.count("\r\n") + breaks

    def offset_of(self, position: int, *, end: bool = False) -> int:
        """The character offset in the file's text of document ``position`` (the inverse of
        :meth:`position_of`): the first offset shown at or after it."""
        low, high = 0, len(self.text)
        while low < high:
            middle = (low + high) // 2
            if self.position_of(middle, end=end) < position:
                low = middle + 1
            else:
                high = middle
        return low

    def selected_span(self) -> tuple[int, int] | None:
        """Offsets in the file's text of the selection, or None when nothing is selected."""
        cursor = self.editor.textCursor()
        if not cursor.hasSelection():
            return None
        start = self.offset_of(cursor.selectionStart())
        end = max(start, self.offset_of(cursor.selectionEnd(), end=True))
        return (start, end) if end > start else None

    def _selection_changed(self) -> None:
        has = self.editor.textCursor().hasSelection()
        self.quote_statement_button.setEnabled(has)
        self.quote_claim_button.setEnabled(has)

    def quote_selection(self, into: str) -> None:
        """Ask who said it (for a statement), then quote the selected words into a new statement or claim."""
        span = self.selected_span()
        if span is None or self.context.annotate is None:
            self.quote_status.setText("Select the words to quote first")
            return
        start, end = span
        self.quote_dialog = QuoteDialog(self, into, self.text[start:end])
        self.quote_dialog.accepted.connect(lambda: self._quote(into, start, end, self.quote_dialog))
        self.quote_dialog.open()

    def _quote(self, into: str, start: int, end: int, dialog: QuoteDialog | None) -> None:
        annotate = self.context.annotate
        if annotate is None or dialog is None:
            return
        item_id, quoted = self.item.id, self.text[start:end]
        speaker, medium = dialog.speaker.text().strip(), dialog.medium.currentText()
        self.run_annotation(
            f"Quoting the passage into a {into}",
            lambda writer: ops.quote_passage(writer, item_id, start, end, quoted, into=into, speaker=speaker,
                                             medium=medium),
            lambda value: self._quoted(into, value))

    def _quoted(self, into: str, value: tuple[Annotation, object]) -> None:
        annotation, record = value
        self.reload_passages()
        row = next((r for r, p in enumerate(self.passages) if p.id == annotation.id), -1)
        if row >= 0:
            self.passage_list.setCurrentRow(row)
        panel = "Statements panel (Ctrl+5)" if into == "statement" else "Claims panel (Ctrl+4)"
        self.quote_status.setText(f"Quoted into {into} {getattr(record, 'id', '')}; see the {panel}")

    def reload_passages(self) -> None:
        """Re-read the item's passages (after one was quoted)."""
        self.passages = [a for a in self.reader.annotations.list(self.item.id) if a.kind == "passage"]
        self.passage_list.blockSignals(True)
        self.passage_list.clear()
        for _ in self.passages:
            self.passage_list.addItem(QListWidgetItem())
        self.passage_list.blockSignals(False)
        self.passages_title.setText(f"Passages ({len(self.passages)})" if self.passages
                                    else "Passages — none annotated")
        self._refresh_passages()

    def _cursor_for(self, passage: Annotation) -> QTextCursor:
        cursor = QTextCursor(self.editor.document())
        last = self.editor.document().characterCount() - 1
        start = min(self.position_of(passage.text_start or 0), last)
        end = max(start, min(self.position_of(passage.text_end or 0, end=True), last))
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        return cursor

    def _highlight(self, chosen: int) -> None:
        selections = []
        for row, passage in enumerate(self.passages):
            selection = QTextEdit.ExtraSelection()
            selection.cursor = self._cursor_for(passage)
            selection.format = QTextCharFormat()
            selection.format.setBackground(CHOSEN_COLOUR if row == chosen else PASSAGE_COLOUR)
            selections.append(selection)
        self.editor.setExtraSelections(selections)

    def highlighted_passages(self) -> list[str]:
        """The text each highlight covers, as a reader sees it."""
        return [s.cursor.selectedText() for s in self.editor.extraSelections()]

    def select_passage(self, row: int) -> None:
        """Scroll to passage ``row`` (loading the text up to it) and mark it as the one chosen."""
        if row < 0 or row >= len(self.passages):
            return
        passage = self.passages[row]
        if (passage.text_end or 0) > len(self.text) and self.has_more:
            self.show_through(passage.text_end or 0)  # refreshes the highlights on the way
        self._highlight(row)
        cursor = self._cursor_for(passage)
        self.editor.setTextCursor(cursor)
        self.editor.ensureCursorVisible()


class QuoteDialog(QDialog):
    """The words to quote, and (for a statement) who said them and how."""

    def __init__(self, parent: QWidget, into: str, quoted: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Quote into a {into}")
        form = QFormLayout(self)
        self.quoted = QPlainTextEdit(quoted)
        self.quoted.setObjectName("quotedText")
        self.quoted.setReadOnly(True)  # verbatim: the statement or claim holds exactly these words
        self.quoted.setMaximumHeight(120)
        form.addRow("Verbatim", self.quoted)
        self.speaker = QLineEdit()
        self.speaker.setObjectName("quoteSpeaker")
        self.medium = QComboBox()
        self.medium.setObjectName("quoteMedium")
        self.medium.addItems(store.MEDIA)
        if into == "statement":
            form.addRow("Speaker", self.speaker)
            form.addRow("Medium", self.medium)
        else:
            self.speaker.hide()
            self.medium.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(f"Create {into}")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        if into == "statement":
            self.ok.setEnabled(False)
            self.speaker.textChanged.connect(lambda text: self.ok.setEnabled(bool(text.strip())))
            self.speaker.setFocus()
