"""Files dropped on an event are imported into it with the right custody entries;
cancelling an import leaves the case exactly as it was."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QPushButton

from .conftest import wait_idle


def _drop(view, row: int, paths: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    point = view.visualRect(view.model().index(row, 0)).center()
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    # what a drag from the file manager delivers: enter, move, drop
    QApplication.sendEvent(view.viewport(), QDragEnterEvent(point, *args))
    QApplication.sendEvent(view.viewport(), QDragMoveEvent(point, *args))
    QApplication.sendEvent(view.viewport(), QDropEvent(QPointF(point), *args))


def _snapshot(case_dir: Path) -> dict:
    files = sorted(str(p.relative_to(case_dir)) for p in (case_dir / "vault").rglob("*") if p.is_file())
    return {"files": files, "head": (case_dir / "custody.head").read_text()}


# Qt 6 keeps only the QPoint form of the drag-event constructors, marked deprecated
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_drop_on_event_imports_files_with_custody(qtbot, window, tmp_path: Path) -> None:
    audio = tmp_path / "radio.wav"
    audio.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + os.urandom(2000))
    scan = tmp_path / "scan.png"
    scan.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(3000))
    case = window.writer
    target = window.events_model.event_at(1)
    assert target is not None and target.title == "Memo written"

    _drop(window.timeline, 1, [audio, scan])
    dialog = window.intake_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.event.currentData() == target.id  # the event the files were dropped on
    dialog.acquired_from.setText("Officer J. Doe, badge 1234")
    dialog.method.setText("copied from the officer's phone")
    dialog.source.setEditText("CPD")
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)

    items = {i.name: i for i in case.items.list(event_id=target.id)}
    assert set(items) == {"radio.wav", "scan.png"}
    assert items["radio.wav"].kind == "audio" and items["scan.png"].kind == "scan"
    for path in (audio, scan):
        item = items[path.name]
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert item.sha256 == digest
        assert case.items.object_path(item.id).read_bytes() == path.read_bytes()
        entries = case.history.entries(item_id=item.id)
        assert [e.action for e in entries] == ["acquired"]
        entry = entries[0]
        assert entry.item_sha256 == digest
        assert entry.examiner == "Test Examiner"
        assert entry.released_by == "Officer J. Doe, badge 1234"
        assert entry.details_dict["events"] == [target.id]
        assert entry.details_dict["item"]["acquisition_method"] == "copied from the officer's phone"
    # the list now shows the event's items
    assert window.items_model.total == 2


def test_unreadable_file_is_listed_and_the_others_import(qtbot, window, tmp_path: Path) -> None:
    good = tmp_path / "statement.txt"
    good.write_text("I saw the units leave.\n", "utf-8")
    missing = tmp_path / "gone.txt"  # vanished before the copy
    window.import_paths([good, missing], None)
    dialog = window.intake_dialog
    dialog.acquired_from.setText("witness")
    dialog.accept()
    wait_idle(qtbot, window)
    result = window.last_intake
    assert [i.name for i in result.items] == ["statement.txt"]
    assert [Path(f.path).name for f in result.failures] == ["gone.txt"]
    assert "not found" in result.failures[0].reason
    assert window.intake_message is not None and "gone.txt" in window.intake_message.informativeText()
    window.intake_message.close()
    assert window.case.items.count() == 2


def test_cancelling_an_import_leaves_the_case_as_before(qtbot, window, tmp_path: Path) -> None:
    files = []
    for n in range(3):
        f = tmp_path / f"video-{n}.bin"
        f.write_bytes(os.urandom(64 * 1024))
        files.append(f)
    case = window.writer
    before_counts, before_disk = case.counts(), _snapshot(case.path)

    release = threading.Event()  # hold the writer so Cancel is pressed before the copy starts
    window.runner.write("blocker", lambda _task: release.wait(10))
    window.import_paths(files, window.events_model.event_at(0).id)
    window.intake_dialog.acquired_from.setText("someone")
    window.intake_dialog.accept()
    progress = None

    def progress_shown() -> bool:
        nonlocal progress
        from evidence_desk.gui.tasks import ProgressDialog

        progress = next((w for w in window.findChildren(ProgressDialog) if w.isVisible()), None)
        return progress is not None

    qtbot.waitUntil(progress_shown, timeout=5000)  # appears after half a second
    assert "Importing 3 files" in progress.labelText()
    cancel = progress.findChild(QPushButton)
    assert cancel is not None and cancel.text() == "Cancel"
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    release.set()
    wait_idle(qtbot, window)

    assert case.counts() == before_counts
    assert _snapshot(case.path) == before_disk
    assert list((case.path / "vault" / "tmp").iterdir()) == []
    assert window.last_intake is not None and not window.last_intake.items
