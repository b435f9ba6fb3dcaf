"""Sizes read the same in every window."""

from __future__ import annotations

from evidence_desk.core.sizes import format_bytes_exact


def test_the_inspector_and_the_viewer_say_an_items_size_alike(qtbot, window) -> None:
    window.show_all_items()
    window.select_item_row(0)
    item = window.selected_item()
    memo = window.case.object_path(item.id).read_bytes()
    assert item.size == len(memo)
    assert window.inspector.details.size.text() == format_bytes_exact(len(memo)) == f"{len(memo)} bytes"
    window.inspector.preview.show_content(window.case, item)
    assert format_bytes_exact(len(memo)) in window.inspector.preview.viewer.header.facts.text()
