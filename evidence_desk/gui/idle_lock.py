"""The idle lock of an encrypted case: after a set time without keyboard or mouse input the
window hides the case and asks for its passphrase to continue.

The time is the setting ``security/idle_lock_minutes`` (default 15; 0 turns the lock off);
``EVIDENCE_DESK_IDLE_LOCK_SECONDS`` overrides it (tests, kiosk set-ups). The case stays open
beneath the lock (work in progress keeps running); only its window content is hidden.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from . import settings

DEFAULT_MINUTES = 15
_INPUT = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
          QEvent.Type.TouchBegin}


def idle_lock_ms() -> int:
    """How long without input before an encrypted case locks; 0: never."""
    override = os.environ.get("EVIDENCE_DESK_IDLE_LOCK_SECONDS", "").strip()
    if override:
        return max(0, int(float(override) * 1000))
    value = settings.settings().value("security/idle_lock_minutes", DEFAULT_MINUTES)
    try:
        return max(0, int(float(value) * 60_000))
    except (TypeError, ValueError):
        return DEFAULT_MINUTES * 60_000


class IdleWatch(QObject):
    """Calls ``on_idle`` once the application has had no user input for ``idle_lock_ms``."""

    def __init__(self, parent: QObject, on_idle: Callable[[], None]) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(on_idle)
        self.active = False

    def start(self) -> None:
        interval = idle_lock_ms()
        if interval <= 0:
            return
        self.timer.setInterval(interval)
        if not self.active:
            app = QApplication.instance()
            if app is not None:
                app.installEventFilter(self)
            self.active = True
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        if self.active:
            app = QApplication.instance()
            if app is not None:
                app.removeEventFilter(self)
            self.active = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in _INPUT and self.timer.isActive():
            self.timer.start()  # input: the idle time starts again
        return False


class LockScreen(QWidget):
    """What the window shows while locked: no case content, a passphrase field."""

    def __init__(self, check: Callable[[str], bool], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._check = check
        self.setObjectName("lock_screen")
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        self.heading = QLabel("<b>The case is locked</b>")
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.explain = QLabel("Nothing was typed or clicked for a while, so the encrypted case is hidden.\n"
                              "Enter its passphrase to continue.")
        self.explain.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText("Passphrase")
        self.passphrase.setMinimumWidth(300)
        self.passphrase.setMaximumWidth(360)
        self.unlock = QPushButton("&Unlock")
        self.problem = QLabel("")
        self.problem.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for w in (self.heading, self.explain, self.passphrase, self.unlock, self.problem):
            layout.addWidget(w, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        self.unlock.clicked.connect(self._try)
        self.passphrase.returnPressed.connect(self._try)

    def _try(self) -> None:
        if self._check(self.passphrase.text()):
            return
        self.passphrase.clear()
        self.problem.setText("Wrong passphrase for this case; try again.")
        self.passphrase.setFocus()
