"""A 1024×700 laptop screen: the window fits, on every tab and with every kind
of preview, and the item list keeps its grade and hash columns in view."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from evidence_desk.core.demo import build_demo
from evidence_desk.gui.main_window import MainWindow
from evidence_desk.gui.models import ITEM_COLUMNS

GRADE, SHA256 = (next(c for c, (key, _) in enumerate(ITEM_COLUMNS) if key == k) for k in ("grade", "sha256"))


@pytest.fixture
def demo_window(qtbot, tmp_path: Path):
    build_demo(tmp_path / "demo").close()
    win = MainWindow()
    qtbot.addWidget(win)
    assert win.open_case(tmp_path / "demo")
    win.show()
    qtbot.waitExposed(win)
    yield win
    qtbot.waitUntil(lambda: not win.runner.busy, timeout=10_000)
    win.inspector.preview.release()
    win.close()


def fits(qtbot, win: MainWindow) -> None:
    # Let the layout take in what just changed (a preview replaced, a tab shown) before the
    # user's resize, as a window manager's resize would; a stale minimum would clamp it.
    qtbot.waitUntil(lambda: not win.runner.busy, timeout=10_000)  # a preview still loading
    QApplication.processEvents()
    win.layout().activate()
    win.resize(1024, 700)
    QApplication.processEvents()
    assert win.width() <= 1024 and win.height() <= 700, win.minimumSizeHint()


def column_in_view(win: MainWindow, column: int) -> bool:
    view = win.items_view
    left = view.columnViewportPosition(column)
    return (not view.isColumnHidden(column) and left >= 0
            and left + view.columnWidth(column) <= view.viewport().width())


def test_the_window_fits_a_1024_by_700_screen_with_grade_and_hash_in_view(qtbot, demo_window) -> None:
    win = demo_window
    win.show_all_items()
    fits(qtbot, win)
    assert column_in_view(win, GRADE) and column_in_view(win, SHA256)
    row = next(r for r in range(win.items_model.rowCount()) if win.items_model.item_at(r).grade)
    item = win.items_model.item_at(row)
    assert win.items_model.index(row, GRADE).data() == item.grade
    assert win.items_model.index(row, SHA256).data() == item.sha256[:12]
    assert win.items_view.visualRect(win.items_model.index(row, SHA256)).right() <= \
        win.items_view.viewport().width()

    # every item with its preview open (the viewers' own minimum widths count)
    for r in range(win.items_model.rowCount()):
        win.select_item_row(r)
        win.inspector.open_preview()
        qtbot.wait(50)
        fits(qtbot, win)
    # an event with a long title, then every tab
    writer = win.writer
    writer.events.add("Agents on routine patrol surrounded, boxed in and rammed by several vehicles " * 3)
    win._reload_timeline()
    for r in range(win.events_model.rowCount()):
        win.select_event_row(r)
        fits(qtbot, win)
    for index in range(win.middle_tabs.count()):
        win.middle_tabs.setCurrentIndex(index)
        fits(qtbot, win)
    win.reveal_items()
    win.show_all_items()
    fits(qtbot, win)
    assert column_in_view(win, GRADE) and column_in_view(win, SHA256)

    # with room again, every column comes back
    win.resize(1600, 900)
    QApplication.processEvents()
    assert not any(win.items_view.isColumnHidden(c) for c in range(len(ITEM_COLUMNS))
                   if ITEM_COLUMNS[c][0] != "review")  # Review: shown once a reviewer's judgement is there
