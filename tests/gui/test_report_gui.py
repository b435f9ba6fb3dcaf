"""File ▸ Export Report…: a PDF that states every item's hash, and a custody entry naming it."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from evidence_desk.gui.main_window import MainWindow

from .conftest import wait_idle


def test_export_report_writes_a_pdf_with_every_hash(qtbot, window: MainWindow, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    out = tmp_path / "custody report.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), "")))
    window.actions["export_report"].trigger()
    dialog = window.export_dialog
    assert dialog.whole_case.isChecked()
    qtbot.mouseClick(dialog.browse_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.last_export is not None, timeout=60_000)
    wait_idle(qtbot, window)
    assert out.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = "".join(text.split())
    for item in window.case.items.list():
        assert item.sha256 in flat, item.name
    *_, entry, signed = window.case.history.entries()
    assert entry.action == "exported" and entry.target_type == "case"
    assert signed.action == "checkpoint" and signed.details_dict["head_seq"] == entry.seq
    assert window.keys.key is not None and window.keys.key.fingerprint in flat, \
        "the cover names the examiner key"
    assert entry.details_dict["report"] == str(out)
    assert entry.details_dict["report_sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert str(out) in window.export_message.text()


def test_a_report_needs_a_pdf_or_html_name(qtbot, window: MainWindow, tmp_path: Path) -> None:
    window.actions["export_report"].trigger()
    dialog = window.export_dialog
    dialog.path.setText(str(tmp_path / "report.docx"))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and ".pdf" in dialog.problem.text()
    dialog.reject()
    assert not (tmp_path / "report.docx").exists()


def test_an_existing_report_is_replaced_only_when_the_examiner_says_so(qtbot, window: MainWindow,
                                                                         tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "earlier report.html"
    out.write_bytes(b"the report handed to the review board last week")
    window.actions["export_report"].trigger()
    dialog = window.export_dialog
    dialog.path.setText(str(out))
    assert dialog.replace.isVisible() and not dialog.replace.isChecked()
    assert not dialog.ok_button.isEnabled() and "already exists" in dialog.problem.text()
    dialog.accept()  # Enter in the field asks too: still refused
    assert dialog.isVisible()
    assert out.read_bytes() == b"the report handed to the review board last week"

    dialog.path.setText(str(tmp_path / "new report.html"))  # another name needs no tick
    assert not dialog.replace.isVisible() and dialog.ok_button.isEnabled()
    dialog.path.setText(str(out))
    assert not dialog.replace.isChecked()  # the tick is for one file: it is asked again
    dialog.replace.setChecked(True)
    assert dialog.ok_button.isEnabled() and dialog.problem.text() == ""
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.last_export is not None, timeout=60_000)
    wait_idle(qtbot, window)
    assert out.read_bytes().startswith(b"<!DOCTYPE html") or b"<html" in out.read_bytes()[:200]

    # chosen in the save dialog, which has asked about replacing it already
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), "")))
    window.actions["export_report"].trigger()
    dialog = window.export_dialog
    qtbot.mouseClick(dialog.browse_button, Qt.MouseButton.LeftButton)
    assert dialog.replace.isChecked() and dialog.ok_button.isEnabled()
    dialog.reject()
