"""One scaffold for dialogs that check their fields before anything is written.

A :class:`CheckedDialog` has a form, a line that says the first problem, and
OK/Cancel. Subclasses add their fields, say what is wrong in
:meth:`~CheckedDialog.problems` and name the fields to watch; OK is enabled
only while nothing is wrong, so an examiner sees why before pressing it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .plain import line

Watched = QLineEdit | QPlainTextEdit | QComboBox | QAbstractButton | QButtonGroup


class CheckedDialog(QDialog):
    """A form whose OK stays disabled until :meth:`problems` is empty."""

    def __init__(self, parent: QWidget | None, title: str, *, ok_text: str = "",
                 ok: QDialogButtonBox.StandardButton = QDialogButtonBox.StandardButton.Ok,
                 min_width: int = 520) -> None:
        super().__init__(parent)
        self.setWindowTitle(line(title, 200))
        self.setMinimumWidth(min_width)
        self._above = QVBoxLayout()
        self._below = QVBoxLayout()
        for part in (self._above, self._below):
            part.setContentsMargins(0, 0, 0, 0)
        self.form = QFormLayout()
        self.problem = QLabel()
        self.problem.setObjectName("dialogProblem")
        self.problem.setTextFormat(Qt.TextFormat.PlainText)  # problems quote paths and titles as typed
        self.problem.setStyleSheet("color: #b00020")
        self.problem.setWordWrap(True)
        self.buttons = QDialogButtonBox(ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button: QPushButton = self.buttons.button(ok)
        if ok_text:
            self.ok_button.setText(ok_text)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self._above)
        layout.addLayout(self.form)
        layout.addLayout(self._below, 1)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    # --- for subclasses ---------------------------------------------------------------

    def add_above(self, part: QWidget | QLayout, stretch: int = 0) -> None:
        """Put ``part`` above the form (an introduction, a summary)."""
        _add(self._above, part, stretch)

    def add_below(self, part: QWidget | QLayout, stretch: int = 0) -> None:
        """Put ``part`` between the form and the problem line."""
        _add(self._below, part, stretch)

    def problems(self) -> list[str]:
        """What stops OK, most important first; empty when the dialog may be accepted."""
        return []

    @staticmethod
    def edit_problems(changed: bool, reason: str, ask: str) -> list[str]:
        """An edit's last checks: something changed, and the examiner said why (``ask``, e.g.
        "Say why you change the statement")."""
        if not changed:
            return ["Nothing changed."]
        if not reason.strip():
            return [f"{ask}: the reason goes into the chain of custody."]
        return []

    def watch(self, *fields: Watched) -> None:
        """Check again whenever one of ``fields`` changes, and check now."""
        for field in fields:
            if isinstance(field, QLineEdit):
                field.textChanged.connect(self.check)
            elif isinstance(field, QPlainTextEdit):
                field.textChanged.connect(self.check)
            elif isinstance(field, QComboBox):
                field.currentTextChanged.connect(self.check)  # typing in an editable one, too
            elif isinstance(field, QButtonGroup):
                field.buttonToggled.connect(self.check)
            elif isinstance(field, QAbstractButton):
                field.toggled.connect(self.check)
            else:
                raise TypeError(f"cannot watch {type(field).__name__}")
        self.check()

    # --- the check -------------------------------------------------------------------

    def check(self) -> bool:
        """Show the first problem and enable OK only without one; True when there is none."""
        found = self.problems()
        self.problem.setText(found[0] if found else "")
        self.ok_button.setEnabled(not found)
        return not found

    def accept(self) -> None:
        # OK is disabled while something is wrong, but Enter in a field or a caller may still ask.
        if self.check():
            super().accept()


def _add(layout: QVBoxLayout, part: QWidget | QLayout, stretch: int) -> None:
    if isinstance(part, QLayout):
        layout.addLayout(part, stretch)
    else:
        layout.addWidget(part, stretch)
