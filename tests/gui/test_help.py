"""Help ▸ User Guide (F1): an offline guide whose pages, images and links all work, and the
one line that says what the demo case is."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import QApplication

from evidence_desk.gui.help import DEMO_LINE, SECTIONS, UserGuide, help_dir


def _focus(qtbot, win) -> None:
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)


def test_f1_opens_the_guide_with_every_section(qtbot, window) -> None:
    _focus(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    guide = window.user_guide
    assert isinstance(guide, UserGuide)
    qtbot.waitExposed(guide)
    assert guide.isVisible() and guide.page() == "index.html"
    titles = [guide.contents.item(r).text() for r in range(guide.contents.count())]
    assert titles == [title for _file, title in SECTIONS]
    index_text = guide.browser.toPlainText()
    for needed in ("Importing evidence", "Events and uncertain time", "Grading sources and information",
                   "Statements, claims and contradictions", "Annotations", "The chain-of-custody report",
                   "Sealing a review packet", "Reviewing a packet", "Receiving the reviewer's feedback",
                   "The demo case"):
        assert needed in index_text, needed
    # each page's heading is its title, as the contents list names it
    for row, (file, title) in enumerate(SECTIONS):
        guide.contents.setCurrentRow(row)
        assert guide.page() == file
        assert guide.browser.document().toPlainText().count(title) >= 1
        first_heading = re.search(r"<h1>(.*?)</h1>", (help_dir() / file).read_text("utf-8")).group(1)
        assert first_heading.replace("&#x27;", "'") == title


def test_every_image_of_the_guide_loads_from_the_bundle(qtbot, window) -> None:
    window.show_user_guide()
    guide = window.user_guide
    seen = set()
    for file, _title in SECTIONS:
        guide.show_page(file)
        html = (help_dir() / file).read_text("utf-8")
        for src in re.findall(r'<img src="([^"]+)"', html):
            assert src.startswith("images/") and (help_dir() / src).is_file(), src
            url = guide.browser.source().resolved(QUrl(src))
            loaded = guide.browser.loadResource(QTextDocument.ResourceType.ImageResource, url)
            image = loaded if isinstance(loaded, QImage) else QImage.fromData(loaded)
            assert not image.isNull() and image.width() > 100, src
            seen.add(src)
    assert {"images/main-window.png", "images/reviewer-judgement.png", "images/feedback-received.png"} <= seen
    total = sum(p.stat().st_size for p in (help_dir() / "images").iterdir())
    assert total < 3_000_000, f"the guide's images take {total} bytes"


def test_links_between_sections_work_and_nothing_leaves_the_guide(qtbot, window) -> None:
    window.show_user_guide()
    guide = window.user_guide
    for file, _title in SECTIONS:
        for href in re.findall(r'<a href="([^"]+)"', (help_dir() / file).read_text("utf-8")):
            name = href.split("#")[0]
            assert (help_dir() / name).is_file(), f"{file} links to {href}, which is not in the guide"
    # follow a link the way a click does, then Back and Forward
    guide.show_page("index.html")
    guide.browser.setSource(guide.browser.source().resolved(QUrl("reviewer.html")))
    assert guide.page() == "reviewer.html"
    assert guide.contents.currentItem().text() == "Reviewing a packet"
    assert "Judgements" in guide.browser.toPlainText()
    qtbot.mouseClick(guide.back, Qt.MouseButton.LeftButton)
    assert guide.page() == "index.html"
    qtbot.mouseClick(guide.forward, Qt.MouseButton.LeftButton)
    assert guide.page() == "reviewer.html"
    qtbot.mouseClick(guide.home, Qt.MouseButton.LeftButton)
    assert guide.page() == "index.html"
    # a link out of the guide is not followed: the guide never reaches a network
    guide.browser.setSource(QUrl("https://example.org/"))
    assert guide.page() == "index.html" and guide.browser.refused == ["https://example.org/"]


def test_the_demo_case_says_what_it_is(qtbot, tmp_path: Path) -> None:
    from evidence_desk.core.demo import build_demo
    from evidence_desk.gui.main_window import MainWindow

    build_demo(tmp_path / "demo").close()
    win = MainWindow()
    qtbot.addWidget(win)
    assert win.open_case(tmp_path / "demo")
    win.show()
    qtbot.waitExposed(win)
    assert win.banner.isVisible() and win.banner.text() == DEMO_LINE
    assert "This is the demo case" in win.banner.text() and "File ▸ New Case" in win.banner.text()
    qtbot.waitUntil(lambda: not win.runner.busy, timeout=10_000)
    win.close()


def test_an_ordinary_case_has_no_demo_line(window) -> None:
    assert not window.banner.isVisible()
