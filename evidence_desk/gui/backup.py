"""File > Back Up… and File > Restore Backup…: core's backup and restore, off the GUI thread.

A backup only reads the case (core/backup.py), so it runs on the reader
thread while the window keeps the case open for writing; its progress
dialog (bytes of the database, the objects copied and the rehash of the copy)
appears after half a second, with Cancel. The outcome is a message box the
user reads; a copy that does not verify is shown as a verification report.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFileDialog, QMessageBox

from ..core.sizes import format_bytes
from .verify_dialog import VerificationDialog, heading

if TYPE_CHECKING:
    from .main_window import MainWindow


class BackupDesk:
    """The window's backup and restore actions; the last message shown is kept for tests."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.message: QMessageBox | None = None
        self.report_dialog: VerificationDialog | None = None
        self.last_dest: Path | None = None

    # --- back up -----------------------------------------------------------------------------

    def choose_backup(self) -> None:
        case = self.window.case
        if case is None or self.window.review is not None:
            return
        start = str(self.last_dest or case.path.parent)
        folder = QFileDialog.getExistingDirectory(self.window, "Back up the case into a folder "
                                                  "(empty, or an earlier backup of this case)", start)
        if folder:
            self.start_backup(Path(folder))

    def start_backup(self, dest: Path) -> None:
        from ..core.backup import backup

        case = self.window.case
        assert case is not None
        source, key = case.path, case.key  # an encrypted case: its unlocked key, so the backup stays encrypted
        self.last_dest = dest

        def work(task: Any) -> Any:
            return backup(source, dest, task.progress, task.should_cancel, task.set_total,
                          on_stage=lambda label: task.set_stage(label, True), key=key)

        self.window.runner.read(f"Backing up the case to {dest}", work, self._backed_up,
                                on_cancelled=lambda: self._tell(
                                    QMessageBox.Icon.Information, "Backup cancelled",
                                    "The backup was cancelled. The backup folder holds the previous backup, "
                                    "as it was (or, if the copy was being verified, the new copy, unverified)."))

    def _backed_up(self, result: Any) -> None:
        copied = f"{result.objects_copied} new object(s) copied ({format_bytes(result.bytes_copied)})"
        reused = result.objects - result.objects_copied
        if result.ok:
            text = (f"The case was backed up to {result.dest} and the copy verifies: {copied}, {reused} already "
                    "in the backup; the database was copied whole.")
            if result.objects_recopied:
                text += f" {result.objects_recopied} object(s) damaged in the backup were copied again."
            self.window.statusBar().showMessage(f"Backed up to {result.dest}", 8000)
            self._tell(QMessageBox.Icon.Information, "Backup complete", text)
            return
        self.report_dialog = VerificationDialog(
            self.window, result.report, "Backup does not verify",
            heading(result.report, "") + f"The copy in {result.dest} was written ({copied}) but does not "
            "verify. The case itself is likely damaged in the same way: verify it (Case > Verify Case…).")
        self.report_dialog.open()

    # --- restore -----------------------------------------------------------------------------

    def choose_restore(self) -> None:
        backup_dir = QFileDialog.getExistingDirectory(self.window, "Choose a backup folder to restore",
                                                      str(self.last_dest or ""))
        if not backup_dir:
            return
        target, _ = QFileDialog.getSaveFileName(self.window, "Restore as a new case folder",
                                                str(Path(backup_dir).parent / "restored case"))
        if target:
            self.start_restore(Path(backup_dir), Path(target))

    def start_restore(self, backup_dir: Path, target: Path) -> None:
        from ..core.backup import backup_is_encrypted, read_manifest, restore

        key, passphrase = None, None
        if backup_is_encrypted(backup_dir):
            case = self.window.case
            manifest = read_manifest(backup_dir) or {}
            if case is not None and case.key is not None and manifest.get("case_id") == case.id:
                key = case.key  # a backup of the open case: the same data key
            else:
                passphrase = self.window._case_passphrase(backup_dir)
                if passphrase is None:
                    return

        def work(task: Any) -> Any:
            return restore(backup_dir, target, task.progress, task.should_cancel,
                           on_stage=lambda label: task.set_stage(label, True), key=key, passphrase=passphrase)

        self.window.runner.read(f"Restoring the backup in {backup_dir}", work, self._restored)

    def _restored(self, result: Any) -> None:
        when = result.manifest.get("backed_up_at", "?")
        box = self._tell(QMessageBox.Icon.Information, "Backup restored",
                         f"The backup of {when} was verified and restored as {result.case_dir}; "
                         f"{result.report.summary()}.")
        open_button = box.addButton("Open the restored case", QMessageBox.ButtonRole.AcceptRole)
        open_button.clicked.connect(lambda: self.window.open_case(result.case_dir))

    def _tell(self, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Close, self.window)
        box.setObjectName("backup_message")
        self.message = box
        box.open()
        return box
