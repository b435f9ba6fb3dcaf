"""Help ▸ User Guide (F1): the bundled, offline guide in a window of its own.

The guide is plain HTML under ``resources/help/`` (pages) and
``resources/help/images/`` (the app's own screenshots), read from disk by a
QTextBrowser: nothing is fetched from a network, and a link that is not a
page of the guide is refused rather than followed. The contents list on the
left follows the page shown; Back, Forward and Contents move as in a browser.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..core.demo import is_demo_case
from ..core.resources import resource

__all__ = ["DEMO_LINE", "SECTIONS", "UserGuide", "help_dir", "is_demo_case"]

#: The one line the window shows when the bundled demo case is open.
DEMO_LINE = ("<b>This is the demo case:</b> a reconstruction of the Chicago South Side stand-down order of "
             "4 October 2025 from one news article (the audio and the memo scan are synthetic stand-ins); "
             "your own cases start from File ▸ New Case. Press F1 for the user guide.")

#: The guide's pages in reading order: (file, title). Each page's first heading is its title.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("index.html", "Evidence Desk user guide"),
    ("start.html", "Starting a case"),
    ("import.html", "Importing evidence"),
    ("events.html", "Events and uncertain time"),
    ("grading.html", "Grading sources and information"),
    ("claims.html", "Statements, claims and contradictions"),
    ("annotations.html", "Annotations"),
    ("verify.html", "Verifying the case"),
    ("report.html", "The chain-of-custody report"),
    ("packet.html", "Sealing a review packet"),
    ("reviewer.html", "Reviewing a packet"),
    ("feedback.html", "Receiving the reviewer's feedback"),
)


def help_dir() -> Path:
    return resource("help")


class GuideBrowser(QTextBrowser):
    """A QTextBrowser that only ever shows pages of the guide."""

    def __init__(self) -> None:
        super().__init__()
        self.setOpenExternalLinks(False)
        self.setSearchPaths([str(help_dir())])
        self.refused: list[str] = []  # links not followed, for tests

    def setSource(self, url: QUrl | str, *args: object) -> None:  # noqa: N802 (Qt override)
        url = QUrl(url) if isinstance(url, str) else url
        if url.scheme() not in ("", "file") or (url.isLocalFile() and not _inside_guide(Path(url.toLocalFile()))):
            self.refused.append(url.toString())
            return
        super().setSource(url, *args)


def _inside_guide(path: Path) -> bool:
    try:
        path.resolve().relative_to(help_dir().resolve())
    except ValueError:
        return False
    return True


class UserGuide(QDialog):
    """The user guide: contents on the left, the page on the right, with Back / Forward / Contents."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Evidence Desk — User Guide")
        self.setModal(False)
        self.resize(1060, 760)
        self.contents = QListWidget()
        self.contents.setAccessibleName("Contents")
        for file, title in SECTIONS:
            entry = QListWidgetItem(title)
            entry.setData(256, file)
            self.contents.addItem(entry)
        self.contents.currentItemChanged.connect(self._contents_chosen)
        self.browser = GuideBrowser()
        self.browser.setAccessibleName("User guide page")
        self.browser.sourceChanged.connect(self._page_shown)
        self.back = QPushButton("◀ &Back")
        self.forward = QPushButton("&Forward ▶")
        self.home = QPushButton("&Contents")
        self.back.clicked.connect(self.browser.backward)
        self.forward.clicked.connect(self.browser.forward)
        self.home.clicked.connect(lambda: self.show_page("index.html"))
        self.browser.backwardAvailable.connect(self.back.setEnabled)
        self.browser.forwardAvailable.connect(self.forward.setEnabled)
        self.back.setEnabled(False)
        self.forward.setEnabled(False)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        QShortcut(QKeySequence.StandardKey.Back, self, self.browser.backward)
        QShortcut(QKeySequence.StandardKey.Forward, self, self.browser.forward)
        bar = QHBoxLayout()
        for button in (self.back, self.forward, self.home):
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(close)
        splitter = QSplitter()
        splitter.addWidget(self.contents)
        splitter.addWidget(self.browser)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([250, 810])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        self.show_page("index.html")

    def show_page(self, file: str | None = None) -> None:
        """Show ``file`` (a page of :data:`SECTIONS`, optionally with ``#anchor``); None keeps the page shown."""
        if file is None:
            if self.browser.source().isValid() and not self.browser.source().isEmpty():
                return
            file = "index.html"
        name, _, anchor = file.partition("#")
        url = QUrl.fromLocalFile(str(help_dir() / name))
        if anchor:
            url.setFragment(anchor)
        self.browser.setSource(url)

    def page(self) -> str:
        """The file name of the page shown."""
        return Path(self.browser.source().toLocalFile()).name

    @Slot(QUrl)
    def _page_shown(self, url: QUrl) -> None:
        name = Path(url.toLocalFile()).name
        for row in range(self.contents.count()):
            if self.contents.item(row).data(256) == name:
                self.contents.blockSignals(True)
                self.contents.setCurrentRow(row)
                self.contents.blockSignals(False)
                break

    def _contents_chosen(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if current is not None and current.data(256) != self.page():
            self.show_page(current.data(256))
