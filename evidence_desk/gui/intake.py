"""Intake: what the custody record needs, asked once for a batch of files,
then the copy in the background with progress in bytes and Cancel.

The batch is copied and hashed into the vault first and recorded only once
every copy is made, so Cancel leaves the case exactly as it was. A file that
cannot be read, vanishes or changes while it is read is listed with the
reason; nothing of it is kept, and the other files are imported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)

from ..core import kinds, store
from ..core.items import expand_paths
from ..core.records import Event, ImportFailure, Item
from ..core.sizes import format_bytes
from .checked_dialog import CheckedDialog
from .icons import kind_icon
from .plain import editable, line, plain_message, tip

MAX_LISTED = 200


@dataclass(frozen=True)
class IntakeRequest:
    paths: tuple[Path, ...]
    kind: str | None
    source: str
    acquired_from: str
    method: str
    description: str
    purpose: str
    event_id: int | None


@dataclass
class IntakeResult:
    items: list[Item] = field(default_factory=list)
    failures: list[ImportFailure] = field(default_factory=list)


class IntakeDialog(CheckedDialog):
    """Asks what the custody record needs about the files being brought in."""

    def __init__(self, parent: QWidget | None, paths: list[Path], events: list[Event], event_id: int | None,
                 sources: list[str]) -> None:
        super().__init__(parent, "Import evidence", ok_text="Import", min_width=560)
        self.files = [p for p in expand_paths(paths)]
        total = 0
        for path in self.files:
            try:
                total += path.stat().st_size
            except OSError:
                pass
        self.total_bytes = total
        summary = QLabel(f"<b>{len(self.files)} file{'s' if len(self.files) != 1 else ''}</b>, "
                         f"{format_bytes(total)}. Each is copied into the vault, hashed (SHA-256) and "
                         "recorded with who handed it over and how.")
        summary.setWordWrap(True)
        listing = QListWidget()
        listing.setMaximumHeight(110)
        detected: set[str] = set()
        for path in self.files[:MAX_LISTED]:
            kind = _detect(path)
            detected.add(kind)
            listing.addItem(f"{line(path.name)}   ({kind})")
            listing.item(listing.count() - 1).setIcon(kind_icon(kind))
            listing.item(listing.count() - 1).setToolTip(tip(str(path)))
        if len(self.files) > MAX_LISTED:
            listing.addItem(f"… and {len(self.files) - MAX_LISTED} more")

        self.kind = QComboBox()
        auto = f"Detect from content ({', '.join(sorted(detected)) or 'none'})"
        self.kind.addItem(auto, None)
        for kind in store.ITEM_KINDS:
            self.kind.addItem(kind_icon(kind), kind, kind)
        self.source = QComboBox()
        self.source.setEditable(True)
        self.source.addItems([""] + [editable(name) for name in sources])  # marked; mapped back on reading
        self._sources = {editable(name): name for name in sources}
        self.source.lineEdit().setPlaceholderText("person, organisation or outlet it came from")
        self.acquired_from = QLineEdit()
        self.acquired_from.setPlaceholderText("who handed it over (name, role)")
        self.method = QLineEdit()
        self.method.setPlaceholderText("e.g. USB stick handed over in person; downloaded from URL …")
        self.description = QPlainTextEdit()
        self.description.setFixedHeight(60)
        self.description.setTabChangesFocus(True)
        self.purpose = QLineEdit("intake")
        self.event = QComboBox()
        self.event.addItem("(no event)", None)
        for event in events:
            self.event.addItem(f"{line(event.time.display())} — {line(event.title)}", event.id)
        if event_id is not None:
            found = self.event.findData(event_id)
            self.event.setCurrentIndex(found if found >= 0 else 0)

        self.form.addRow("&Kind", self.kind)
        self.form.addRow("&Source", self.source)
        self.form.addRow("Acquired &from", self.acquired_from)
        self.form.addRow("&How acquired", self.method)
        self.form.addRow("&Description", self.description)
        self.form.addRow("&Purpose", self.purpose)
        self.form.addRow("&Event", self.event)
        self.add_above(summary)
        self.add_above(listing)
        self.watch(self.acquired_from)

    def problems(self) -> list[str]:
        found = []
        if not self.files:
            found.append("There are no files to import.")
        if not self.acquired_from.text().strip():
            found.append("Say who handed the files over (Acquired from): the custody record needs it.")
        return found

    def request(self) -> IntakeRequest:
        return IntakeRequest(paths=tuple(self.files), kind=self.kind.currentData(),
                             source=self._sources.get(self.source.currentText().strip(),
                                                      self.source.currentText().strip()),
                             acquired_from=self.acquired_from.text().strip(), method=self.method.text().strip(),
                             description=self.description.toPlainText().strip(),
                             purpose=self.purpose.text().strip() or "intake", event_id=self.event.currentData())


def _detect(path: Path) -> str:
    try:
        return kinds.detect(path)[0]
    except OSError:
        return "unreadable"


def show_intake_result(parent: QWidget, result: IntakeResult) -> QMessageBox | None:
    """Tell the user which files failed and why; silent when all went in."""
    if not result.failures:
        return None
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Import: some files were not imported")
    box.setText(f"{len(result.items)} file(s) imported. {len(result.failures)} file(s) were not imported; "
                "nothing of them was kept:")
    box.setInformativeText("\n".join(f"• {Path(f.path).name}: {f.reason}" for f in result.failures[:20]))
    box.setDetailedText("\n".join(f"{f.path}\t{f.reason}" for f in result.failures))
    plain_message(box)  # quotes file names as found on disk
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setObjectName("intake_failures")
    box.open()
    return box
