"""File ▸ Export Review Packet… and File ▸ Import Packet as New Case… through the real dialogs."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from evidence_desk.core.case import Case
from evidence_desk.core.packet.export import export_packet
from evidence_desk.core.packet.verify import verify_packet
from evidence_desk.gui.main_window import MainWindow

from .conftest import wait_idle


def _click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_export_packet_from_the_menu_verifies(qtbot, window: MainWindow, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out" / "packet.zip"
    out.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), "")))
    window.actions["export_packet"].trigger()
    dialog = window.export_dialog
    _click(qtbot, dialog.browse_button)
    assert dialog.path.text() == str(out)
    _click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: window.last_export is not None, timeout=30_000)
    wait_idle(qtbot, window)
    assert window.last_export == out and out.is_file()
    report = verify_packet(out)
    assert report.ok, [str(f) for f in report.failures]
    assert report.fingerprint == window.case.info().fingerprint
    key = window.keys.key  # unlocked from $EVIDENCE_DESK_KEY_PASSPHRASE when the case opened
    assert key is not None and report.examiner_fingerprint == key.fingerprint and report.examiner_signature_valid
    assert [e.action for e in window.case.history.entries()[-2:]] == ["sealed", "checkpoint"]
    message = window.export_message
    assert str(out) in message.text() and window.case.info().fingerprint in message.informativeText()
    assert key.fingerprint in message.informativeText()

    # "Verify the packet now" checks it and says so
    verify_button = next(b for b in message.buttons() if "Verify" in b.text())
    _click(qtbot, verify_button)
    qtbot.waitUntil(lambda: window.packet_check_dialog is not None, timeout=30_000)
    assert window.packet_check_dialog.report.ok
    window.packet_check_dialog.close()


def test_import_packet_opens_the_received_case(qtbot, window: MainWindow, tmp_path: Path) -> None:
    packet = export_packet(window.case, tmp_path / "sealed.zip", zip=True)
    sent = {(i.name, i.sha256) for i in window.case.items.list()}
    received = tmp_path / "received case"
    window.actions["import_packet"].trigger()
    dialog = window.import_packet_dialog
    dialog.set_packet(packet)
    assert dialog.released_by.text() == "Test Examiner"  # prefilled from the packet's bag-info
    dialog.released_by.setText("R. Courier")
    dialog.case_dir.setText(str(received))
    _click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: window.case is not None and window.case.path == received, timeout=30_000)
    wait_idle(qtbot, window)
    assert {(i.name, i.sha256) for i in window.case.items.list()} == sent
    assert window.items_model.total == len(sent)
    transfers = [e for e in window.case.history.entries() if e.action == "transferred"]
    assert transfers and all(e.released_by == "R. Courier" for e in transfers)


def test_a_tampered_packet_is_refused_naming_the_failure(qtbot, window: MainWindow, case_dir: Path,
                                                         tmp_path: Path) -> None:
    window.close_case()
    with Case.open(case_dir) as case:
        packet = export_packet(case, tmp_path / "sealed")
    evidence = next((packet / "data" / "evidence").iterdir())
    evidence.write_bytes(b"Per chief of patrol: stay on scene.\n")
    received = tmp_path / "received"
    window.start_packet_import(packet, received)
    qtbot.waitUntil(lambda: window.packet_check_dialog is not None, timeout=30_000)
    dialog = window.packet_check_dialog
    rows = dialog.rows()
    assert any(evidence.name in " ".join(row) for row in rows)
    # shown as a case's verification is: the same columns, "where" holding the file in the packet
    headers = [dialog.table.horizontalHeaderItem(c).text() for c in range(dialog.table.columnCount())]
    assert headers == ["What", "Item", "File", "Custody entry", "Problem"]
    with open(dialog.export(str(tmp_path / "problems.csv")), newline="", encoding="utf-8") as f:
        exported = list(csv.DictReader(f))
    assert any(r["path"] == f"data/evidence/{evidence.name}" and "content altered" in r["text"] for r in exported)
    assert not received.exists()
    assert window.case is None
    window.packet_check_dialog.close()
