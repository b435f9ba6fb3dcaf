"""The reviewer's key pair in the app: Help ▸ Create Reviewer Key Pair… / Reviewer Public Key…,
and the passphrase asked when an encrypted packet is opened.

The key itself is core's (:mod:`evidence_desk.core.reviewer_keys`): an age X25519 identity
kept encrypted in the app's data folder. Its public half (``age1…``) is shown with a Copy
button and can be saved to a file to send to the examiner, who seals packets for it
(``evidence-desk export … --encrypt-to``). See docs/encrypted-packets.md.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core import reviewer_keys as keys
from ..core.errors import EvidenceDeskError
from ..core.fsutil import atomic_write_bytes

log = logging.getLogger("evidence_desk.gui.reviewer_key")


def stored_key() -> keys.StoredReviewerKey | None:
    try:
        return keys.load_public()
    except EvidenceDeskError as exc:
        log.info("reviewer key unreadable: %s", exc)
        return None


def is_unlocked() -> bool:
    stored = stored_key()
    return stored is not None and any(k.public_key == stored.public_key for k in keys.unlocked())


def unlock_from_environment() -> bool:
    """Unlock with $EVIDENCE_DESK_REVIEWER_PASSPHRASE (or the examiner's variable) without asking."""
    passphrase = keys.passphrase_from_env()
    if passphrase is None or stored_key() is None:
        return False
    try:
        keys.unlock(passphrase)
        return True
    except EvidenceDeskError as exc:
        log.info("reviewer key not unlocked from the environment: %s", exc)
        return False


class ReviewerKeyDialog(QDialog):
    """Create the reviewer key pair (name, passphrase twice), or show its public key to copy or save."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Reviewer key pair")
        self.setMinimumWidth(620)
        layout = QVBoxLayout(self)
        intro = QLabel("Examiners can seal a review packet so that only you can open it: they encrypt it for "
                       "your public key. Create your key pair once, then send the public key (it is not "
                       "secret) to the examiner. The private key stays on this computer, protected by your "
                       "passphrase; without it, packets sealed for you cannot be opened.")
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.create_form = QWidget()
        form = QFormLayout(self.create_form)
        form.setContentsMargins(0, 0, 0, 0)
        self.reviewer = QLineEdit()
        self.reviewer.setPlaceholderText("your name, shown with the public key")
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText(f"at least {keys.MIN_PASSPHRASE} characters")
        self.confirm = QLineEdit()
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("&Your name", self.reviewer)
        form.addRow("&Passphrase", self.passphrase)
        form.addRow("&Again", self.confirm)
        self.create_button = QPushButton("&Create Key Pair")
        self.create_button.clicked.connect(self.create_key)
        form.addRow("", self.create_button)
        layout.addWidget(self.create_form)

        self.show_form = QWidget()
        shown = QFormLayout(self.show_form)
        shown.setContentsMargins(0, 0, 0, 0)
        self.public_key = QLineEdit()
        self.public_key.setReadOnly(True)
        self.public_key.setStyleSheet("font-family: monospace")
        self.path = QLabel()
        self.path.setTextFormat(Qt.TextFormat.PlainText)
        self.path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.path.setWordWrap(True)
        shown.addRow("Public key", self.public_key)
        shown.addRow("Private key kept at", self.path)
        layout.addWidget(self.show_form)

        self.problem = QLabel()
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #a00")
        layout.addWidget(self.problem)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = buttons.addButton("&Copy Public Key", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_public_key)
        self.export_button = buttons.addButton("&Export Public Key…", QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.clicked.connect(lambda: self.export_public_key())
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        stored = stored_key()
        self.create_form.setVisible(stored is None)
        self.show_form.setVisible(stored is not None)
        self.copy_button.setEnabled(stored is not None)
        self.export_button.setEnabled(stored is not None)
        self.public_key.setText(stored.public_key if stored else "")
        self.path.setText(str(stored.path) if stored else "")

    def create_key(self) -> None:
        if self.passphrase.text() != self.confirm.text():
            self.problem.setText("The two passphrases differ.")
            return
        try:
            keys.create(self.passphrase.text(), reviewer=self.reviewer.text())
        except EvidenceDeskError as exc:
            self.problem.setText(str(exc))
            return
        self.passphrase.clear()
        self.confirm.clear()
        self.problem.setText("")
        self.refresh()

    def copy_public_key(self) -> None:
        QGuiApplication.clipboard().setText(self.public_key.text())

    def export_public_key(self, target: str | None = None) -> Path | None:
        stored = stored_key()
        if stored is None:
            return None
        if not target:
            name = (stored.reviewer or "reviewer").replace("/", "-") + keys.PUBLIC_SUFFIX
            target, _ = QFileDialog.getSaveFileName(self, "Save your reviewer public key", name,
                                                    "Public key (*.txt);;All files (*)")
        if not target:
            return None
        try:
            atomic_write_bytes(Path(target), keys.public_key_text(stored).encode("utf-8"))
        except OSError as exc:
            self.problem.setText(f"The public key could not be saved: {exc.strerror or exc}")
            return None
        self.problem.setText(f"Saved to {target}")
        return Path(target)


class ReviewerPassphraseDialog(QDialog):
    """Asks the reviewer key's passphrase to open an encrypted packet; ``on_unlocked`` runs once it opens."""

    def __init__(self, parent: QWidget | None, packet_name: str, on_unlocked: Callable[[], None]) -> None:
        super().__init__(parent)
        self.on_unlocked = on_unlocked
        stored = stored_key()
        self.setWindowTitle("Encrypted packet")
        layout = QVBoxLayout(self)
        text = QLabel(f"{packet_name} is encrypted for a reviewer. Enter the passphrase of your reviewer key"
                      + (f" ({stored.public_key})" if stored else "") + " to open it.")
        text.setTextFormat(Qt.TextFormat.PlainText)
        text.setWordWrap(True)
        layout.addWidget(text)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        layout.addWidget(self.passphrase)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #a00")
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.try_unlock)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def try_unlock(self) -> None:
        try:
            keys.unlock(self.passphrase.text())
        except keys.WrongPassphrase:
            self.problem.setText("Wrong passphrase; try again.")
            self.passphrase.selectAll()
            return
        except EvidenceDeskError as exc:
            self.problem.setText(str(exc))
            return
        self.accept()
        self.on_unlocked()
