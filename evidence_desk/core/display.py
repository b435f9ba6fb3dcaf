"""Case text as a reader sees it: every invisible or direction-changing character made visible.

A case holds strings from hostile and careless hands: file names, titles,
statements, packet fields. Two things can make what is shown differ from
what is stored:

* **markup**: a widget that interprets ``<b>`` or ``<a href=…>`` (the GUI's
  concern, see :mod:`evidence_desk.gui.plain`, and the HTML report's);
* **control characters**: U+202E RIGHT-TO-LEFT OVERRIDE makes
  ``rtl\u202egnp.exe`` read as ``rtlexe.png``; zero-width and format
  characters hide text; C0/C1 controls (newline, escape) break lines and
  drive terminals.

:func:`visible` handles the second for every output (GUI, CLI, HTML, PDF):
each such character is replaced by a visible mark such as ``⟨RLO⟩``, so
the shown text has no hidden characters and cannot change direction by
itself. The stored text is never changed; only what is shown. :func:`isolated`
also wraps the result in FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE so
a right-to-left name cannot reorder the words around it.

Qt-free: the CLI and the reports use it as well as the GUI.
"""

from __future__ import annotations

import re

#: names of the controls a reader knows (or can look up); the rest are shown as ⟨U+XXXX⟩
NAMES: dict[str, str] = {
    "\x00": "NUL", "\t": "TAB", "\n": "LF", "\x0b": "VT", "\x0c": "FF", "\r": "CR", "\x1b": "ESC",
    "\x7f": "DEL", "\x85": "NEL", "\xad": "SHY",
    "\u061c": "ALM", "\u180e": "MVS",
    "\u200b": "ZWSP", "\u200c": "ZWNJ", "\u200d": "ZWJ", "\u200e": "LRM", "\u200f": "RLM",
    "\u2028": "LSEP", "\u2029": "PSEP",
    "\u202a": "LRE", "\u202b": "RLE", "\u202c": "PDF", "\u202d": "LRO", "\u202e": "RLO",
    "\u2060": "WJ", "\u2061": "FA", "\u2062": "IT", "\u2063": "IS", "\u2064": "IP",
    "\u2066": "LRI", "\u2067": "RLI", "\u2068": "FSI", "\u2069": "PDI",
    "\ufeff": "BOM", "\ufff9": "IAA", "\ufffa": "IAS", "\ufffb": "IAT",
}

OPEN, CLOSE = "\u27e8", "\u27e9"  # ⟨ ⟩
FSI, PDI = "\u2068", "\u2069"

#: every character shown as nothing or that moves other text: controls (Cc), format characters (Cf),
#: surrogates (Cs), line/paragraph separators, soft hyphen, invisible fillers (Hangul, braille blank).
#: Fixed here (from Unicode 14 plus the Egyptian format controls of 15) so every Python marks the same.
_HIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2"
                     "\u115f-\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\u2800"
                     "\u3164\ud800-\udfff\ufeff\uffa0\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
                     "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]")
#: hidden characters that str.isprintable() lets through (letters and a symbol drawn as blank)
_PRINTABLE_BLANKS = ("\u115f", "\u1160", "\u3164", "\uffa0", "\u2800")
#: joiners are legitimate between two letters of a joining script (Persian ZWNJ, emoji ZWJ sequences)
_JOINERS = frozenset("\u200c\u200d")


def mark(char: str) -> str:
    """The visible mark for one hidden character: ``⟨RLO⟩``, ``⟨U+E0041⟩``."""
    return OPEN + (NAMES.get(char) or f"U+{ord(char):04X}") + CLOSE


def is_hidden(char: str) -> bool:
    """True for a character that is shown as nothing (or moves other text) rather than as a glyph."""
    return _HIDDEN.match(char) is not None


def _plain(text: str) -> bool:
    """A quick, C-speed test that *text* holds nothing hidden (most case text): no walk needed."""
    return text.isprintable() and not any(blank in text for blank in _PRINTABLE_BLANKS)


def _joins(text: str, i: int) -> bool:
    """A ZWJ/ZWNJ between two non-ASCII visible characters (an emoji sequence, a Persian word)."""
    if i == 0 or i == len(text) - 1:
        return False
    before, after = text[i - 1], text[i + 1]
    return all(ord(c) > 0x7F and not c.isspace() and not is_hidden(c) for c in (before, after)) or (
        before == "\ufe0f" and ord(after) > 0x7F and not is_hidden(after))


def visible(text: str | None, *, multiline: bool = False) -> str:
    """*text* with every hidden character replaced by its mark.

    ``multiline=True`` keeps line feeds and tabs (notes, statements shown in a
    box that wraps); otherwise they are marked too, so a name is one line.
    A carriage return of a CRLF pair is dropped in multiline mode.
    """
    if not text:
        return ""
    if _plain(text):
        return text

    def shown(found: re.Match[str]) -> str:
        char, at = found.group(), found.start()
        if multiline and char in "\n\t":
            return char
        if multiline and char == "\r" and text.startswith("\n", at + 1):
            return ""
        if char in _JOINERS and _joins(text, at):
            return char
        return mark(char)

    return _HIDDEN.sub(shown, text)


def isolated(text: str | None, *, multiline: bool = False) -> str:
    """:func:`visible`, wrapped in FSI … PDI: shown in its own direction without reordering its neighbours."""
    return FSI + visible(text, multiline=multiline) + PDI


def clipped(text: str, limit: int) -> str:
    """*text* cut to *limit* characters, saying how many were left out (for tooltips and one-line views)."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit:,} more characters)"


def has_hidden(text: str | None) -> bool:
    """True if :func:`visible` would change *text* (or a joiner it keeps is in it)."""
    return bool(text) and visible(text) != text


_SHORT_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def escaped(text: object) -> str:
    """*text* for one field of a terminal line: every hidden character as a backslash escape.

    ``\\n``, ``\\t``, ``\\r``, ``\\xNN`` for other C0/C1 controls and ``\\uXXXX`` /
    ``\\UXXXXXXXX`` for the rest of what :func:`visible` would mark. A backslash is
    left as it is: a name that was not UTF-8 is stored with its odd bytes already
    written ``\\xe9`` (its raw bytes kept beside it), and shows the same way.
    A record printed with tab-separated escaped fields is always one line."""
    text = "" if text is None else str(text)
    if _plain(text):
        return text

    def shown(found: re.Match[str]) -> str:
        char = found.group()
        if char in _SHORT_ESCAPES:
            return _SHORT_ESCAPES[char]
        if char in _JOINERS and _joins(text, found.start()):
            return char
        code = ord(char)
        return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"

    return _HIDDEN.sub(shown, text)
