"""Text evidence (documents, statements, transcripts) shown as literal text,
with its annotated passages highlighted and listed.

Evidence is never interpreted: HTML, Markdown or control sequences in a file
show as the characters they are.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QPlainTextEdit, QSplitter, QTextEdit, QVBoxLayout, QWidget

from evidence_desk.core.records import Annotation

from .base import EvidenceViewer, plain_label, roomy, section_title
from .context import ViewerContext

#: More than this is shown truncated, so a huge log cannot freeze the window.
MAX_SHOWN_BYTES = 8 * 1024 * 1024
PASSAGE_COLOUR = QColor(255, 214, 102, 120)
CHOSEN_COLOUR = QColor(41, 128, 185, 90)


def decode_evidence_text(data: bytes) -> tuple[str, str]:
    """(text, how it was decoded): UTF-8 (or UTF-16 with its byte-order mark), else Latin-1.

    Latin-1 maps every byte to a character, so nothing is lost or replaced;
    the description says so, because the characters may then be wrong.
    A UTF-8 byte-order mark stays in the text so character offsets agree
    with annotations made on the decoded file.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16 (byte-order mark)"
        except UnicodeDecodeError:
            pass
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return data.decode("latin-1"), (f"not valid UTF-8 (byte {exc.start:,}); shown as Latin-1 "
                                         "(ISO-8859-1), some characters may be wrong")
    return text, "UTF-8 with byte-order mark" if data.startswith(b"\xef\xbb\xbf") else "UTF-8"


def document_position(text: str, offset: int) -> int:
    """Where character ``offset`` of ``text`` lands in a QTextDocument.

    The document counts UTF-16 code units and turns CR LF into one line
    break, while annotations count Unicode code points of the file as decoded.
    """
    prefix = text[:offset]
    utf16 = len(prefix.encode("utf-16-le")) // 2
    return utf16 - prefix.count("\r\n")


class TextViewer(EvidenceViewer):
    """A read-only text with its passages."""

    media_types = ("text/", "application/json", "application/xml", "message/rfc822")

    def __init__(self, context: ViewerContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.text = ""
        self.encoding_label = plain_label("", selectable=True)
        self.encoding_label.setObjectName("encodingLabel")
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("evidenceText")
        self.editor.setReadOnly(True)
        self.editor.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse |
                                            Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.passage_list = QListWidget()
        self.passage_list.setObjectName("passageList")
        roomy(self.passage_list)
        self.passage_list.currentRowChanged.connect(self.select_passage)

        text_side = QWidget()
        text_layout = QVBoxLayout(text_side)
        text_layout.setContentsMargins(0, 0, 0, 0)
        text_layout.addWidget(self.encoding_label)
        text_layout.addWidget(self.editor, 1)
        passages_side = QWidget()
        passages_layout = QVBoxLayout(passages_side)
        passages_layout.setContentsMargins(0, 0, 0, 0)
        self.passages_title = section_title("Passages")
        passages_layout.addWidget(self.passages_title)
        passages_layout.addWidget(self.passage_list, 1)
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

    def _load(self) -> None:
        if not self.stored_copy_readable():
            self.encoding_label.setText("The text is not available.")
            return
        with open(self.path, "rb") as f:
            data = f.read(MAX_SHOWN_BYTES + 1)
        cut = len(data) > MAX_SHOWN_BYTES
        data = data[:MAX_SHOWN_BYTES]
        self.text, how = decode_evidence_text(data)
        line_ends = " · CR LF line ends" if "\r\n" in self.text else ""
        self.encoding_label.setText(f"Encoding: {how}{line_ends} · {len(self.text):,} characters")
        if cut:
            self.report_problem(f"Only the first {MAX_SHOWN_BYTES // (1024 * 1024)} MiB of this "
                                f"{self.item.size:,}-byte text are shown.")
        self.editor.setPlainText(self.text)
        for passage in self.passages:
            start, end = passage.text_start or 0, passage.text_end or 0
            quoted = self.text[start:end]
            label = f"characters {start:,}–{end:,}"
            if end > len(self.text):
                label += " (beyond the text shown)"
            summary = quoted if len(quoted) <= 160 else quoted[:157] + "…"
            note = f"\nNote: {passage.text}" if passage.text and passage.text != quoted else ""
            self.passage_list.addItem(QListWidgetItem(f"{label}\n{summary}{note}"))
        self.passages_title.setText(f"Passages ({len(self.passages)})" if self.passages
                                    else "Passages — none annotated")
        self._highlight(-1)

    def _cursor_for(self, passage: Annotation) -> QTextCursor:
        cursor = QTextCursor(self.editor.document())
        last = self.editor.document().characterCount() - 1
        start = min(document_position(self.text, passage.text_start or 0), last)
        end = min(document_position(self.text, passage.text_end or 0), last)
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
        """Scroll to passage ``row`` and mark it as the one chosen."""
        if row < 0 or row >= len(self.passages):
            return
        self._highlight(row)
        cursor = self._cursor_for(self.passages[row])
        self.editor.setTextCursor(cursor)
        self.editor.ensureCursorVisible()
