"""A text file read a piece at a time, decoded, and cut into lines a text widget lays out quickly.

Qt lays out one paragraph as a whole, and a paragraph without a break
opportunity costs it time that grows with the square of its length: a
400 KB single-line file froze the window for half a minute. So the viewer
never gives Qt the whole file nor any very long line: :class:`TextSource`
reads :data:`CHUNK_BYTES` at a time, and :func:`display_breaks` says where a
line longer than :data:`SEGMENT_CHARS` is broken for display (after a space
when there is one near). The characters themselves are never changed:
offsets into the text (annotated passages) stay offsets into the file as
decoded.

This module has no Qt in it, so it is tested without a display.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

#: What the viewer shows at first, and adds on each "Show more".
CHUNK_BYTES = 256 * 1024
#: How much of the file decides its encoding, as the whole text once did.
PROBE_BYTES = 8 * 1024 * 1024
#: The longest line handed to the text widget as one paragraph.
SEGMENT_CHARS = 2048
#: How far back from a forced break a space is looked for, to break between words.
_LOOKBACK = 80

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def choose_encoding(head: bytes, complete: bool) -> tuple[str, str]:
    """(codec, how it was decoded) for a file that starts with ``head``.

    UTF-16 with a byte-order mark, else UTF-8 (a UTF-8 mark stays in the text,
    so offsets agree with annotations made on the decoded file), else
    Latin-1, which maps every byte to a character so nothing is lost.
    ``complete``: ``head`` is the whole file (a sequence cut at its end is then
    an error, not a piece of the next read).
    """
    if head.startswith(_UTF16_BOMS):
        try:
            codecs.getincrementaldecoder("utf-16")().decode(head, final=complete)
            return "utf-16", "UTF-16 (byte-order mark)"
        except UnicodeDecodeError:
            pass
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=complete)
    except UnicodeDecodeError as exc:
        return "latin-1", (f"not valid UTF-8 (byte {exc.start:,}); shown as Latin-1 "
                           "(ISO-8859-1), some characters may be wrong")
    return "utf-8", "UTF-8 with byte-order mark" if head.startswith(b"\xef\xbb\xbf") else "UTF-8"


@lru_cache(maxsize=8)
def _long_run(width: int) -> re.Pattern[str]:
    return re.compile(f"[^\r\n]{{{width + 1},}}")


def _break_run(text: str, start: int, end: int, width: int, run: int, breaks: list[int]) -> int:
    """Break ``text[start:end]`` (no line ends in it, after ``run`` characters of the same line)."""
    pos = start
    while run + (end - pos) > width:
        cut = pos + (width - run)
        space = text.rfind(" ", max(pos, cut - _LOOKBACK), cut)
        if space >= pos:
            cut = space + 1  # the space stays at the end of the line, as word wrap leaves it
        breaks.append(cut)
        pos, run = cut, 0
    return run + (end - pos)


def display_breaks(text: str, width: int = SEGMENT_CHARS, run: int = 0) -> tuple[list[int], int]:
    """Where ``text`` is broken for display so that no line is longer than ``width``.

    ``run``: how many characters of an unfinished line come before ``text``.
    Returns the offsets (into ``text``) before which a break goes, and the
    ``run`` to pass with the text that follows. Never between CR and LF:
    breaks fall inside runs of characters that are not line ends.
    """
    breaks: list[int] = []
    first = min((i for i in (text.find("\n"), text.find("\r")) if i >= 0), default=-1)
    if first < 0:
        return breaks, _break_run(text, 0, len(text), width, run, breaks)
    _break_run(text, 0, first, width, run, breaks)
    tail_start = max(text.rfind("\n"), text.rfind("\r")) + 1
    run = len(text) - tail_start
    for match in _long_run(width).finditer(text, first):
        left = _break_run(text, match.start(), match.end(), width, 0, breaks)
        if match.end() == len(text):
            run = left
    return breaks, run


def utf16_length(text: str) -> int:
    """How many UTF-16 code units ``text`` is, as a QTextDocument counts positions."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class Piece:
    """Characters read from the file, and where the display breaks them (offsets into ``text``)."""

    text: str
    breaks: list[int] = field(default_factory=list)

    def display(self) -> str:
        """The text with a line break at each display break."""
        if not self.breaks:
            return self.text
        parts, last = [], 0
        for cut in self.breaks:
            parts.append(self.text[last:cut])
            last = cut
        parts.append(self.text[last:])
        return "\n".join(parts)


class TextSource:
    """Reads a stored text file piece by piece, decoded with the encoding its start shows.

    A file longer than :data:`PROBE_BYTES` that turns out not to be in that
    encoding later is shown as Latin-1 from the first byte that is not, and
    :attr:`switched_at` says where.
    """

    def __init__(self, path: Path, width: int = SEGMENT_CHARS) -> None:
        self.path = path
        self.width = width
        with open(path, "rb") as f:
            head = f.read(PROBE_BYTES + 1)
            f.seek(0, 2)
            self.size = f.tell()
        complete = len(head) <= PROBE_BYTES
        self.codec, self.how = choose_encoding(head[:PROBE_BYTES], complete)
        self._decoder = codecs.getincrementaldecoder(self.codec)()
        # the codec without its byte-order mark, for a part read after the mark
        self._plain_codec = self.codec if self.codec != "utf-16" else (
            "utf-16-be" if head.startswith(b"\xfe\xff") else "utf-16-le")
        self.offset = 0  # bytes read so far
        self.switched_at: int | None = None
        self._held = ""  # a final CR, kept until we know whether an LF follows
        self._run = 0  # characters of the unfinished last line
        self._eof = False

    @property
    def exhausted(self) -> bool:
        """Everything has been read and handed out."""
        return self._eof and not self._held

    @property
    def remaining_bytes(self) -> int:
        return max(0, self.size - self.offset)

    def read(self, max_bytes: int = CHUNK_BYTES) -> Piece:
        """The next piece: at most about ``max_bytes`` of the file, decoded and broken for display."""
        data = b""
        if not self._eof:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                data = f.read(max(1, max_bytes))
            self.offset += len(data)
            if not data or self.offset >= self.size:
                self._eof = True
        text = self._held + self._decode(data, final=self._eof)
        self._held = ""
        if text.endswith("\r") and not self._eof:
            text, self._held = text[:-1], "\r"  # CR LF split between reads stays one line end
        breaks, self._run = display_breaks(text, self.width, self._run)
        return Piece(text, breaks)

    def _decode(self, data: bytes, final: bool) -> str:
        try:
            return self._decoder.decode(data, final=final)
        except UnicodeDecodeError as exc:
            # only past the probe: what it covered decoded. exc.object is what the decoder
            # held plus ``data``, and decodes up to exc.start; Latin-1 takes the rest.
            valid, rest = exc.object[:exc.start], exc.object[exc.start:]
            self.switched_at = self.offset - len(exc.object) + exc.start
            self.how = (f"{self.how.split(' (')[0]}, then not valid from byte {self.switched_at:,}: shown as "
                        "Latin-1 (ISO-8859-1) from there, some characters may be wrong")
            text = valid.decode(self._plain_codec)
            self.codec = self._plain_codec = "latin-1"
            self._decoder = codecs.getincrementaldecoder("latin-1")()
            return text + self._decoder.decode(rest, final=final)
