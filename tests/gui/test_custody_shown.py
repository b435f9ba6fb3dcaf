"""The inspector's custody tab says what the report says about each entry."""

from __future__ import annotations

from evidence_desk.core.custody_text import describe_entry
from evidence_desk.core.report import build_report_model
from evidence_desk.gui.models import CUSTODY_LOG_COLUMN


def test_custody_tab_lists_and_details_each_entry_as_the_report_does(qtbot, window) -> None:
    case = window.writer
    item = case.items.list()[0]
    case.items.edit(item.id, "the clerk named the channel", description="dispatcher memo,\nchannel 3")
    window.show_all_items()
    window.select_item_row(0)
    inspector = window.inspector
    entries = case.history.entries(item_id=item.id)
    assert [e.action for e in entries] == ["acquired", "metadata_changed"]

    view, model = inspector.custody_view, inspector.custody
    rows = [model.index(r, CUSTODY_LOG_COLUMN).data() for r in range(model.rowCount())]
    lines = {line.seq: line for line in build_report_model(case).items[0].custody}
    for row, entry in zip(rows, entries, strict=True):
        headline, summary = row.split("\n")
        assert headline.startswith(f"#{entry.seq} · ") and headline.endswith(" · Test Examiner")
        assert lines[entry.seq].detail in summary  # the report's words, in the row
    # the new value's line break is shown escaped, so the row stays two lines
    assert rows[1].split("\n")[1] == ("description: 'dispatcher memo' → 'dispatcher memo,\\nchannel 3' "
                                      "(the clerk named the channel)")

    view.setCurrentIndex(model.index(1, CUSTODY_LOG_COLUMN))
    shown = inspector.custody_detail.toPlainText()
    assert shown == describe_entry(entries[1]).as_text()
    assert f"Entry hash: {entries[1].entry_hash}" in shown
    assert f"Examiner's local time: {lines[entries[1].seq].at_local}" in shown
