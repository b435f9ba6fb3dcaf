"""Verify names an altered item; a locked case opens read-only."""

from __future__ import annotations

import csv
import os
import stat
from pathlib import Path

from evidence_desk.core import lock as case_lock
from evidence_desk.gui.main_window import MainWindow

from .conftest import wait_idle


def test_verify_shows_the_altered_item_and_exports_the_list(qtbot, window, tmp_path: Path) -> None:
    case = window.writer
    item = case.items.list()[0]
    obj = case.items.object_path(item.id)
    os.chmod(obj, stat.S_IRUSR | stat.S_IWUSR)
    obj.write_bytes(b"Per chief of patrol: stay on scene.\n")  # tampering

    window.actions["verify"].trigger()
    qtbot.waitUntil(lambda: window.verify_dialog is not None and window.verify_dialog.isVisible(), timeout=10_000)
    dialog = window.verify_dialog
    rows = [[dialog.table.item(r, c).text() for c in range(dialog.table.columnCount())]
            for r in range(dialog.table.rowCount())]
    assert any(row[1] == str(item.id) and row[2] == "memo.txt" and "altered" in row[4] for row in rows)
    assert dialog.table.horizontalHeaderItem(2).text() == "Name"
    out = dialog.export(str(tmp_path / "problems.csv"))
    with open(out, newline="", encoding="utf-8") as f:
        exported = list(csv.DictReader(f))
    assert any(r["item_id"] == str(item.id) and r["item_name"] == "memo.txt" for r in exported)
    wait_idle(qtbot, window)
    assert "problem" in window.status_verify.text()
    dialog.close()


def test_intact_case_verifies_and_records_it(qtbot, window) -> None:
    window.actions["verify"].trigger()
    qtbot.waitUntil(lambda: window.verify_dialog is not None, timeout=10_000)
    assert window.verify_dialog.report.ok
    wait_idle(qtbot, window)
    assert window.case.history.entries()[-1].action == "verified"
    window.verify_dialog.close()


def test_a_locked_case_opens_read_only(qtbot, case_dir: Path) -> None:
    held = case_lock.acquire(case_dir)  # another window has it
    assert isinstance(held, case_lock.CaseLock)
    try:
        win = MainWindow()
        qtbot.addWidget(win)
        assert win.open_case(case_dir)
        win.show()
        assert win.read_only
        assert win.banner.isVisible() and "Read-only" in win.banner.text()
        assert os.environ.get("USER", "") in win.banner.text() or "on " in win.banner.text()
        for name in ("import", "new_event", "add_note", "save_item", "undo"):
            assert not win.actions[name].isEnabled(), name
        assert win.actions["verify"].isEnabled()
        assert not win.journal.entry.isEnabled()
        win.select_event_row(0)
        win.select_item_row(0)
        assert win.inspector.details.name.isReadOnly()
        win.close()
    finally:
        held.release()
    # once released, the next opener writes
    win2 = MainWindow()
    qtbot.addWidget(win2)
    assert win2.open_case(case_dir)
    assert not win2.read_only and win2.lock is not None
    win2.close()


def test_an_item_verify_found_altered_is_marked_in_the_list_and_the_inspector(qtbot, window) -> None:
    from PySide6.QtCore import Qt

    case = window.writer
    item = case.items.list()[0]
    obj = case.items.object_path(item.id)
    original = obj.read_bytes()
    os.chmod(obj, stat.S_IRUSR | stat.S_IWUSR)
    obj.write_bytes(b"Per chief of patrol: stay on scene.\n")
    window.show_all_items()
    row = window.items_model.row_of(item.id)
    name = window.items_model.index(row, 1)
    assert name.data(Qt.ItemDataRole.DecorationRole) is None  # not marked before a verification

    window.actions["verify"].trigger()
    qtbot.waitUntil(lambda: window.verify_dialog is not None and window.verify_dialog.isVisible(), timeout=10_000)
    wait_idle(qtbot, window)
    window.verify_dialog.close()
    row = window.items_model.row_of(item.id)
    name = window.items_model.index(row, 1)
    assert not name.data(Qt.ItemDataRole.DecorationRole).isNull()
    assert name.data(Qt.ItemDataRole.ForegroundRole).name() == "#b00020"
    assert "content altered" in name.data(Qt.ItemDataRole.ToolTipRole)
    assert window.items_model.index(row, 6).data(Qt.ItemDataRole.ForegroundRole) is not None  # the whole row
    window.select_item_row(row)
    warning = window.inspector.verify_warning
    assert warning.isVisible() and "content altered" in warning.text() and "SHA-256 is now" in warning.text()
    assert warning.textFormat() == Qt.TextFormat.PlainText

    # the marks follow the list through a re-filter, and leave with a clean verification
    window.search.setText("memo")
    qtbot.waitUntil(lambda: window.items_model.total == 1)
    assert window.items_model.index(0, 1).data(Qt.ItemDataRole.ForegroundRole) is not None
    obj.write_bytes(original)
    window.actions["verify"].trigger()
    qtbot.waitUntil(lambda: window.verify_dialog is not None and window.verify_dialog.report.ok, timeout=10_000)
    wait_idle(qtbot, window)
    window.verify_dialog.close()
    assert window.items_model.index(0, 1).data(Qt.ItemDataRole.ForegroundRole) is None
    window.select_item_row(0)
    assert not window.inspector.verify_warning.isVisible()
