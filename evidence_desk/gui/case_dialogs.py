"""Small dialogs: a new case, a new event, the examiner's name."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from .checked_dialog import CheckedDialog
from .event_edit import TimeQuestion, reading_text, title_and_zone_problem


def ask_examiner(parent: QWidget | None, current: str = "") -> str | None:
    """Asked once: the name that goes into every custody entry you make."""
    name, ok = QInputDialog.getText(
        parent, "Who is examining?",
        "Your name as it should appear in every custody entry you make\n(remembered on this computer):",
        QLineEdit.EchoMode.Normal, current)
    return name.strip() if ok and name.strip() else None


class NewCaseDialog(CheckedDialog):
    def __init__(self, parent: QWidget | None, default_parent: Path) -> None:
        super().__init__(parent, "New case", ok_text="Create case")
        self.title = QLineEdit()
        self.title.setPlaceholderText("e.g. South Side dispatch stand-down, 4 Oct 2025")
        self.description = QPlainTextEdit()
        self.description.setFixedHeight(60)
        self.tz = QLineEdit("UTC")
        self.tz.setToolTip("IANA time zone in which the sources' local times are read, e.g. America/Chicago")
        self.folder = QLineEdit(str(default_parent))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        self.form.addRow("&Title", self.title)
        self.form.addRow("&Description", self.description)
        self.form.addRow("Time &zone", self.tz)
        self.form.addRow("Create in &folder", row)
        self.encrypt = QCheckBox("&Encrypt this case with a passphrase")
        self.encrypt.setToolTip("The database and every stored file are encrypted; the case opens only with "
                                "the passphrase. Without it nothing in the case can be read: keep it safe.")
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_again = QLineEdit()
        self.passphrase_again.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.addRow("", self.encrypt)
        self.form.addRow("&Passphrase", self.passphrase)
        self.form.addRow("Passphrase a&gain", self.passphrase_again)
        self.encrypt.toggled.connect(self._encrypt_toggled)
        self._encrypt_toggled(False)
        self.watch(self.title, self.tz, self.folder, self.encrypt, self.passphrase, self.passphrase_again)

    def _encrypt_toggled(self, on: bool) -> None:
        self.passphrase.setEnabled(on)
        self.passphrase_again.setEnabled(on)

    def chosen_passphrase(self) -> str | None:
        """The new case's passphrase, None for a plain case."""
        return self.passphrase.text() if self.encrypt.isChecked() else None

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Where to create the case folder", self.folder.text())
        if folder:
            self.folder.setText(folder)

    def case_dir(self) -> Path:
        if self.encrypt.isChecked():  # the folder's name would tell the title to anyone who sees the disk
            parent = Path(self.folder.text())
            n = 1
            while (parent / f"Encrypted case {n}").exists():
                n += 1
            return parent / f"Encrypted case {n}"
        safe = "".join(c if c.isalnum() or c in " -_" else "_" for c in self.title.text().strip()).strip()
        return Path(self.folder.text()) / (safe or "New case")

    def problems(self) -> list[str]:
        problem = title_and_zone_problem("A case", self.title.text(), self.tz.text())
        if problem:
            return [problem]
        if self.case_dir().exists():
            return [f"{self.case_dir()} already exists; choose another title or folder."]
        if self.encrypt.isChecked():
            if len(self.passphrase.text()) < 8:
                return ["The passphrase needs at least 8 characters."]
            if self.passphrase.text() != self.passphrase_again.text():
                return ["The two passphrases differ."]
        return []


def ask_case_passphrase(parent: QWidget | None, path: Path, problem: str = "") -> str | None:
    """The passphrase of the encrypted case at ``path``; None when the user cancels."""
    text = (f"{problem}\n\n" if problem else "") + f"{path} is an encrypted case.\nPassphrase:"
    value, ok = QInputDialog.getText(parent, "Encrypted case", text, QLineEdit.EchoMode.Password)
    return value if ok else None


class NewEventDialog(CheckedDialog):
    def __init__(self, parent: QWidget | None, default_tz: str) -> None:
        super().__init__(parent, "New event")
        self.title = QLineEdit()
        self.when = QLineEdit()
        self.when.setPlaceholderText("as the source gives it: 2025-10-04 12:34, 04-Oc5-2025/12:34:44, "
                                     "between 12:30 and 12:40 on 2025-10-04")
        self.tz = QLineEdit(default_tz)
        self.place = QLineEdit()
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(60)
        self.reading = QLabel()
        self.reading.setTextFormat(Qt.TextFormat.PlainText)  # quotes the time as typed
        self.reading.setWordWrap(True)
        self.question = TimeQuestion(self)
        self.question.changed.connect(self._answered)
        self.when.textChanged.connect(self._preview)
        self.tz.textChanged.connect(self._preview)
        self.form.addRow("&Title", self.title)
        self.form.addRow("&When", self.when)
        self.form.addRow("", self.reading)
        self.form.addRow("", self.question)
        self.form.addRow("Time &zone", self.tz)
        self.form.addRow("&Place", self.place)
        self.form.addRow("&Notes", self.notes)
        self._preview()
        self.watch(self.title, self.tz)

    def _preview(self) -> None:
        self.question.refresh(self.when.text().strip(), self.tz.text())
        self._answered()

    def _answered(self) -> None:
        self.reading.setText(reading_text(self.when.text(), self.tz.text(), self.question.choose()))
        self.check()

    def problems(self) -> list[str]:
        problem = title_and_zone_problem("An event", self.title.text(), self.tz.text())
        if problem:
            return [problem]
        if self.question.unanswered():
            return ["Choose which reading of the time is meant (below the time)."]
        return []
