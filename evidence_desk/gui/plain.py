"""Case text in widgets: shown as the characters it is, never as markup.

Qt interprets text as rich text in three places where a case string can
land: a QLabel in its default ``AutoText`` format, a tooltip (rich whenever
``Qt.mightBeRichText`` says so) and a QMessageBox text. Every string from a
case or a packet goes through one of these helpers on its way to a widget:

* :func:`plain_label` / :func:`set_plain`: a QLabel in ``PlainText`` format
  showing :func:`~evidence_desk.core.display.visible` text;
* :func:`tip`: a tooltip whose case text is escaped (and clipped, so a
  100 KB note does not become a screen-sized tooltip);
* :func:`markup`: a deliberately rich label (a bold heading with a count)
  whose case parts are escaped and bidi-isolated;
* :func:`inline` / :func:`line`: text for an item view, a window title, a
  status bar message (plain already, but controls must still be marked).

``tests/gui/test_hostile_text.py`` opens every panel on a case whose every
field holds markup and bidi controls and checks no widget renders them.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from ..core.display import clipped, isolated, visible

#: a tooltip shows at most this many characters of case text
TIP_LIMIT = 2_000
#: a label or list row shows at most this many characters (the whole text is in the inspector's editor)
LABEL_LIMIT = 20_000


def line(text: str | None, limit: int = LABEL_LIMIT) -> str:
    """One line of case text for a plain-text place (item view cell, title, status bar): controls marked."""
    return clipped(visible(text), limit)


def inline(text: str | None) -> str:
    """A name embedded in a sentence: controls marked and isolated so it cannot reorder the sentence."""
    return isolated(text)


def block(text: str | None, limit: int = LABEL_LIMIT) -> str:
    """Multi-line case text (notes, statements) for a plain-text place: lines kept, controls marked."""
    return clipped(visible(text, multiline=True), limit)


def esc(text: str | None, *, multiline: bool = False) -> str:
    """Case text for inside rich text: controls marked, then HTML-escaped (newlines as ``<br>``)."""
    shown = html.escape(visible(text, multiline=multiline), quote=True)
    return shown.replace("\n", "<br>") if multiline else shown


def markup(template: str, *parts: str | None) -> str:
    """A rich-text *template* (written by us) with each case *part* escaped and isolated into a ``{}``."""
    return template.format(*(html.escape(isolated(p), quote=True) for p in parts))


def tip(*texts: str | None) -> str:
    """A tooltip of case text: Qt always takes it as rich text, so each text is escaped and clipped.

    Several texts are joined by blank lines (e.g. a statement and a hint of ours)."""
    shown = [html.escape(clipped(visible(t, multiline=True), TIP_LIMIT), quote=False) for t in texts if t]
    if not shown:
        return ""
    body = "<br><br>".join(s.replace("\n", "<br>") for s in shown)
    return f"<p style='white-space:pre-wrap'>{body}</p>"


def set_plain(label: QLabel, text: str | None, *, multiline: bool = True) -> QLabel:
    """Show case *text* in *label* as plain text (controls marked)."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(block(text) if multiline else line(text))
    return label


def plain_label(text: str | None = "", parent: QWidget | None = None, *, multiline: bool = True) -> QLabel:
    """A new QLabel that shows case text as plain text, now and whenever its text is set later."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if text:
        set_plain(label, text, multiline=multiline)
    return label


def set_tip(widget: QWidget, *texts: str | None) -> None:
    widget.setToolTip(tip(*texts))


def plain_message(box: QMessageBox) -> QMessageBox:
    """Make a message box show its text, informative text and details as plain text (they quote names).

    Call it after the texts are set; the texts are passed through :func:`block` as well."""
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(block(box.text()))
    if box.informativeText():
        box.setInformativeText(block(box.informativeText()))
    if box.detailedText():
        box.setDetailedText(block(box.detailedText(), 1_000_000))
    for label in box.findChildren(QLabel):
        if label.pixmap().isNull():
            label.setTextFormat(Qt.TextFormat.PlainText)
    return box


def editable(value: str | None, *, multiline: bool = False) -> str:
    """What an edit field shows of a stored value: hidden characters marked, nothing clipped.

    Read the field back through :func:`edited`, so leaving the marks as shown keeps the stored value."""
    return visible(value, multiline=multiline)


def edited(shown: str, stored: str, *, multiline: bool = False) -> str:
    """The value an edit field stands for: the stored one if the user left its marked form as it was shown."""
    return stored if shown == editable(stored, multiline=multiline) else shown
