"""File > Back Up… and File > Restore Backup…: a worker with progress, while the case stays open."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QProgressDialog

from evidence_desk.core import backup as bk
from evidence_desk.core import lock as case_lock
from evidence_desk.core.verify import verify

from .conftest import wait_idle


def _file_menu_texts(window) -> list[str]:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    return [a.text() for a in menu.actions()]


def test_back_up_from_the_file_menu_shows_progress_and_the_result(qtbot, window, tmp_path: Path,
                                                                  monkeypatch) -> None:
    assert "&Back Up…" in _file_menu_texts(window) and "Restore Bac&kup…" in _file_menu_texts(window)
    dest = tmp_path / "backup"
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(dest)))
    release = threading.Event()
    real_copy = bk._copy_object

    def held_copy(source: Path, target: Path) -> bool:
        release.wait(30)  # keep the backup running until the test has seen its progress dialog
        return real_copy(source, target)

    monkeypatch.setattr(bk, "_copy_object", held_copy)
    window.actions["backup"].trigger()

    def progress_dialog() -> QProgressDialog | None:
        return next((w for w in QApplication.topLevelWidgets() + window.findChildren(QProgressDialog)
                     if isinstance(w, QProgressDialog) and w.isVisible()), None)

    qtbot.waitUntil(lambda: progress_dialog() is not None and "Copying 1 new object" in progress_dialog().labelText(),
                    timeout=10_000)
    shown = progress_dialog()
    assert "of" in shown.labelText() and shown.maximum() == 1000  # bytes done of the total
    assert case_lock.holder(window.case.path) is not None  # the window still holds its case
    release.set()
    wait_idle(qtbot, window)
    box = window.backups.message
    assert box is not None and box.isVisible() and box.windowTitle() == "Backup complete"
    assert "copy verifies" in box.text() and "1 new object(s) copied" in box.text()
    assert verify(dest / "case", checks=bk.COPY_CHECKS).ok
    box.close()

    # a second backup into the same folder copies nothing new
    window.actions["backup"].trigger()
    wait_idle(qtbot, window)
    assert "0 new object(s) copied" in window.backups.message.text()
    window.backups.message.close()


def test_cancel_leaves_the_previous_backup(qtbot, window, tmp_path: Path, monkeypatch) -> None:
    dest = tmp_path / "backup"
    bk.backup(window.case.path, dest)
    before = (dest / "backup.json").read_bytes()
    memo = tmp_path / "later.txt"
    memo.write_text("a later file\n", "utf-8")
    window.writer.items.import_file(memo)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(dest)))
    started = threading.Event()
    real_copy = bk._copy_object

    def cancelled_copy(source: Path, target: Path) -> bool:
        started.set()
        return real_copy(source, target)

    monkeypatch.setattr(bk, "_copy_object", cancelled_copy)
    monkeypatch.setattr("evidence_desk.gui.tasks.Task.should_cancel", lambda self: True)  # Cancel pressed
    window.actions["backup"].trigger()
    wait_idle(qtbot, window)
    assert window.backups.message.windowTitle() == "Backup cancelled"
    assert (dest / "backup.json").read_bytes() == before and not (dest / "incoming").exists()
    window.backups.message.close()


def test_restore_from_the_file_menu_then_open_it(qtbot, window, tmp_path: Path, monkeypatch) -> None:
    dest = tmp_path / "backup"
    bk.backup(window.case.path, dest)
    target = tmp_path / "restored"
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(dest)))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    window.actions["restore_backup"].trigger()
    wait_idle(qtbot, window)
    box = window.backups.message
    assert box.windowTitle() == "Backup restored" and str(target) in box.text()
    assert verify(target).ok
    opener = next(b for b in box.buttons() if b.text() == "Open the restored case")
    qtbot.mouseClick(opener, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.case is not None and window.case.path == target, timeout=10_000)
    assert window.items_model.rowCount() == 1
    assert isinstance(box, QMessageBox)


def test_back_up_and_restore_an_encrypted_case_with_the_windows_key(qtbot, tmp_path: Path, monkeypatch) -> None:
    import os

    from evidence_desk.core import sealing
    from evidence_desk.core.case import Case
    from evidence_desk.gui.main_window import MainWindow

    monkeypatch.setenv("EVIDENCE_DESK_TEST_CHEAP_KDF", "1")
    monkeypatch.delenv(sealing.PASSPHRASE_ENV, raising=False)
    marker, passphrase = "ZQXGUIBACKUP5521", "long enough passphrase"
    folder = tmp_path / "enc"
    memo = tmp_path / "memo.txt"
    memo.write_text(f"memo {marker}\n" * 20, "utf-8")
    with Case.create(folder, f"Inquiry {marker}", "Test Examiner", passphrase=passphrase) as case:
        case.items.import_file(memo)
    memo.unlink()
    win = MainWindow()
    qtbot.addWidget(win)
    assert win.open_case(folder, passphrase=passphrase)
    dest, target = tmp_path / "backup", tmp_path / "restored"
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(dest)))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    win.actions["backup"].trigger()  # no passphrase asked: the window's unlocked key is used
    wait_idle(qtbot, win)
    assert win.backups.message.windowTitle() == "Backup complete", win.backups.message.text()
    assert "copy verifies" in win.backups.message.text()
    win.backups.message.close()
    win.actions["restore_backup"].trigger()  # a backup of the open case: the same key
    wait_idle(qtbot, win)
    assert win.backups.message.windowTitle() == "Backup restored", win.backups.message.text()
    win.backups.message.close()
    assert verify(target, passphrase=passphrase, checks=bk.COPY_CHECKS).ok
    hits = [str(Path(d) / n) for top in (dest, target) for d, _, names in os.walk(top) for n in names
            if marker.encode() in (Path(d) / n).read_bytes()]
    assert hits == []
    win.close()
