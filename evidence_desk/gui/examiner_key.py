"""The examiner's own key in the app: unlocked once per session, shown in Help ▸ Examiner Key.

The key itself is core's (:mod:`evidence_desk.core.examiner_keys`), kept outside every case.
The app unlocks it silently from ``$EVIDENCE_DESK_KEY_PASSPHRASE`` when that is set, else
asks when it is needed: in this dialog, or when a case closes after changes (to sign them).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from ..core import examiner_keys as keys
from ..core.errors import EvidenceDeskError

log = logging.getLogger("evidence_desk.gui.examiner_key")


class KeySession:
    """The examiner key of this run of the app, once unlocked."""

    def __init__(self) -> None:
        self.key: keys.ExaminerKey | None = None

    def stored(self) -> keys.StoredKey | None:
        try:
            return keys.load_public()
        except EvidenceDeskError as exc:
            log.info("examiner key unreadable: %s", exc)
            return None

    def from_environment(self) -> keys.ExaminerKey | None:
        """Unlock (or make, on first use) with $EVIDENCE_DESK_KEY_PASSPHRASE, without asking."""
        if self.key is None and keys.passphrase_from_env() is not None:
            try:
                self.key, _ = keys.unlock_or_create(keys.passphrase_from_env() or "")
            except EvidenceDeskError as exc:
                log.info("examiner key not unlocked from the environment: %s", exc)
        return self.key

    def ask(self, parent: QWidget | None, why: str) -> keys.ExaminerKey | None:
        """Ask for the passphrase (up to three tries); make the key if there is none yet."""
        if self.key is not None or self.from_environment() is not None:
            return self.key
        stored = self.stored()
        for attempt in range(3):
            prompt = why + ("\n\nWrong passphrase; try again." if attempt else "")
            if stored is None:
                prompt += "\n\nYou have no examiner key yet: choose a passphrase (at least "
                prompt += f"{keys.MIN_PASSPHRASE} characters) to make one."
            else:
                prompt += f"\n\nExaminer key {stored.fingerprint}\nPassphrase:"
            text, ok = QInputDialog.getText(parent, "Examiner key", prompt, QLineEdit.EchoMode.Password)
            if not ok or not text:
                return None
            try:
                self.key = keys.unlock(text) if stored is not None else keys.create(text)
                return self.key
            except keys.WrongPassphrase:
                continue
            except EvidenceDeskError as exc:
                QMessageBox.warning(parent, "Examiner key", str(exc))
                return None
        return None


class ExaminerKeyDialog(QDialog):
    """Where the key is kept, its fingerprint, and whether it is unlocked in this session."""

    def __init__(self, parent: QWidget | None, session: KeySession) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Examiner key")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        intro = QLabel("Your personal signing key, kept outside every case. It signs checkpoints of the custody "
                       "chain and seals the packets you export. Give its fingerprint to reviewers by another "
                       "channel so they can tell your work is yours.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.fingerprint = QLabel()
        self.path = QLabel()
        self.status = QLabel()
        for label in (self.fingerprint, self.path, self.status):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)
        self.fingerprint.setStyleSheet("font-family: monospace")
        form.addRow("Fingerprint", self.fingerprint)
        form.addRow("Kept at", self.path)
        form.addRow("This session", self.status)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.unlock_button = buttons.addButton("Unlock…", QDialogButtonBox.ButtonRole.ActionRole)
        self.unlock_button.clicked.connect(self.unlock)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        stored = self.session.stored()
        self.fingerprint.setText(stored.fingerprint if stored else "none yet")
        self.path.setText(str(stored.path if stored else keys.key_path()))
        if self.session.key is not None:
            self.status.setText("unlocked: checkpoints and packets are signed with it")
        elif stored is None:
            self.status.setText("no key yet: Create makes one (it asks for a passphrase)")
        else:
            self.status.setText("locked: you will be asked for the passphrase when a case closes after changes")
        self.unlock_button.setText("Create…" if stored is None else "Unlock…")
        self.unlock_button.setEnabled(self.session.key is None)

    def unlock(self) -> None:
        self.session.ask(self, "Unlock your examiner key for this session.")
        self.refresh()
