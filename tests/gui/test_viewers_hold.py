"""Issue 10, part 5, checked as a user meets it: a 100 MB one-line text opens in the inspector
showing its start and holding only a piece of it; a text over 2 GiB says its size in full
everywhere; an exception in a Qt slot of the running app reaches the crash handler."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer

from evidence_desk.core import operations
from evidence_desk.core.case import Case
from evidence_desk.core.sizes import format_bytes_exact
from evidence_desk.gui.inspector import Preview
from evidence_desk.gui.viewers import TextViewer
from evidence_desk.gui.viewers.lazy_text import CHUNK_BYTES, SEGMENT_CHARS


@pytest.fixture
def case(tmp_path: Path) -> Case:
    opened = Case.create(tmp_path / "case", "Viewer limits", "Test Examiner")
    yield opened
    opened.close()


def shown_characters(viewer: TextViewer) -> int:
    return viewer.editor.document().characterCount()


#: one piece of text plus a display break every SEGMENT_CHARS characters of it, and the final paragraph end
PIECE_IN_DOCUMENT = CHUNK_BYTES + CHUNK_BYTES // SEGMENT_CHARS + 1


def test_a_100_mb_single_line_opens_in_the_inspector_holding_only_its_start(qtbot, case: Case,
                                                                           tmp_path: Path) -> None:
    path = tmp_path / "one-line.txt"
    block = b"abcdefghij" * 100_000  # 1 MB, no line end anywhere
    with open(path, "wb") as f:
        for _ in range(100):
            f.write(block)
    [item] = operations.import_files(case, [path]).value.items
    path.unlink()

    preview = Preview()
    qtbot.addWidget(preview)
    preview.resize(900, 700)
    preview.show()
    preview.show_content(case, item)
    viewer = preview.viewer
    assert isinstance(viewer, TextViewer)
    qtbot.waitUntil(viewer.isVisible, timeout=30_000)
    first_line = viewer.editor.document().firstBlock().text()
    assert first_line.startswith("abcdefghijabcdefghij") and len(first_line) <= SEGMENT_CHARS
    assert shown_characters(viewer) <= PIECE_IN_DOCUMENT  # of 100,000,000
    assert "262,144 of 100,000,000 bytes" in viewer.extent_label.text()

    qtbot.mouseClick(viewer.more_button, Qt.MouseButton.LeftButton)
    assert PIECE_IN_DOCUMENT < shown_characters(viewer) <= 2 * PIECE_IN_DOCUMENT
    bar = viewer.editor.verticalScrollBar()
    bar.setValue(bar.maximum())  # the reader scrolls to the end: the next piece comes
    assert 2 * PIECE_IN_DOCUMENT < shown_characters(viewer) <= 3 * PIECE_IN_DOCUMENT
    assert viewer.text == ("abcdefghij" * (3 * CHUNK_BYTES // 10 + 1))[:3 * CHUNK_BYTES]
    preview.release()


@pytest.mark.slow
def test_a_text_over_2_gib_says_its_size_in_full(qtbot, case: Case, tmp_path: Path) -> None:
    size = 2**31 + 5  # past a signed 32-bit int; sparse, so the disk holds only its first page
    path = tmp_path / "huge-log.txt"
    with open(path, "wb") as f:
        f.write(b"12:34:44 dispatch: clear everybody out\n" * 105)  # 4 KiB of text, then a hole
        f.truncate(size)
    [item] = operations.import_files(case, [path]).value.items
    path.unlink()
    assert item.size == size == case.items.object_path(item.id).stat().st_size
    assert (item.kind, item.media_type) == ("document", "text/plain")

    preview = Preview()
    qtbot.addWidget(preview)
    preview.show_content(case, item)
    viewer = preview.viewer
    assert isinstance(viewer, TextViewer)
    assert "2.0 GiB (2,147,483,653 bytes)" in viewer.header.facts.text()
    assert "262,144 of 2,147,483,653 bytes" in viewer.extent_label.text()
    assert viewer.text.startswith("12:34:44 dispatch: clear everybody out\n")
    assert format_bytes_exact(size) == "2.0 GiB (2,147,483,653 bytes)"
    preview.release()


@pytest.mark.allow_warning_logs  # the crash handler logs the traceback at ERROR
@pytest.mark.qt_no_exception_capture  # the app's crash handler, not pytest-qt, must receive it
def test_the_running_app_hands_a_slot_exception_to_its_crash_handler(qtbot, case_dir: Path, tmp_path: Path,
                                                                     monkeypatch, _private_settings: Path) -> None:
    from evidence_desk import app
    from evidence_desk.gui.main_window import MainWindow

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    seen: dict[str, object] = {}

    def screenshot_with_a_failing_slot(window: MainWindow, path: Path) -> None:
        seen["hook"] = sys.excepthook
        seen["crash"] = window.crash

        def failing_slot() -> None:
            raise ZeroDivisionError("a slot divided by zero")

        QTimer.singleShot(0, failing_slot)
        qtbot.waitUntil(lambda: bool(window.crash.reports), timeout=10_000)
        path.write_bytes(b"")

    monkeypatch.setattr(MainWindow, "render_screenshot", screenshot_with_a_failing_slot)
    code = app.run(case_dir, screenshot=tmp_path / "shot.png")
    crash = seen["crash"]
    assert seen["hook"] == crash._excepthook  # installed by the app itself, before the window
    assert crash.reports == ["ZeroDivisionError: a slot divided by zero"]
    assert code == 1  # the headless run says something went wrong
    log = (_private_settings / "logs" / "crash.log").read_text("utf-8")
    assert "in failing_slot" in log and "ZeroDivisionError: a slot divided by zero" in log
    assert os.environ.get("EVIDENCE_DESK_NO_CRASH_DIALOG") == "1"
