"""Scrolling a few-thousand-item case to the end pages with keyset cursors and misses no row."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from evidence_desk.gui.models import PAGE

ROOT = Path(__file__).resolve().parents[2]
ITEMS = 2500


def _bench_builder():
    """The bench's large-case builder (real schema, real custody chain, shared vault objects)."""
    spec = importlib.util.spec_from_file_location("bench_gui_open", ROOT / "bench" / "gui_open.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build_large_case


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    path = tmp_path / "large"
    _bench_builder()(path, items=ITEMS, events=4, objects=12)
    return path


def _scroll_to_end(qtbot, window) -> None:
    view, model = window.items_view, window.items_model
    for _ in range(ITEMS // PAGE + 5):
        if not model.canFetchMore():
            break
        view.scrollToBottom()  # the view asks the model for the next page at the bottom
        QApplication.processEvents()
    assert not model.canFetchMore()


def test_scroll_to_the_end_shows_every_item_in_order(qtbot, window) -> None:
    case = window.case
    cursors: list[object] = []
    items = case.items.list

    def recording_items(**kw):
        cursors.append((kw.get("after"), kw.get("offset", 0)))
        return items(**kw)

    spy_items = type("Items", (), {"list": staticmethod(recording_items),
                                   "count": staticmethod(case.items.count)})()
    window.items_model.case = type("Spy", (), {"items": spy_items})()
    try:
        for column, key, order in ((4, "acquired_at", Qt.SortOrder.AscendingOrder),
                                   (1, "name", Qt.SortOrder.DescendingOrder)):
            cursors.clear()
            window.items_view.sortByColumn(column, order)
            _scroll_to_end(qtbot, window)
            model = window.items_model
            expected = [i.id for i in items(sort=key, descending=order == Qt.SortOrder.DescendingOrder)]
            assert len(expected) == ITEMS and model.rowCount() == ITEMS
            assert model.item_at(ITEMS - 1).id == expected[-1]  # the last row is the last item
            assert [model.item_at(r).id for r in range(ITEMS)] == expected  # none missed, none twice
            # every page after the first continued from the last row seen, none skipped an OFFSET
            assert all(offset == 0 for _after, offset in cursors)
            assert sum(after is not None for after, _offset in cursors) >= ITEMS // PAGE
    finally:
        window.items_model.case = case
