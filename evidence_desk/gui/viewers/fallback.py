"""Anything without a dedicated viewer (PDF, archives, unknown bytes): the
file's facts, its first bytes in hex, and a logged way to open a copy in the
system's own viewer.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from evidence_desk.core.records import Item
from evidence_desk.core.vault import hash_file
from evidence_desk.gui.plain import block

from .base import EvidenceViewer, monospace_font, plain_label
from .context import ViewerContext

HEX_BYTES = 4096
_ROW = 16


def hex_dump(data: bytes, row: int = _ROW) -> str:
    """``00000000  25 50 44 46 …  |%PDF-1.7|`` lines, as forensic hex viewers print them."""
    lines = []
    for offset in range(0, len(data), row):
        chunk = data[offset:offset + row]
        hexes = " ".join(f"{b:02x}" for b in chunk)
        half = row // 2 * 3
        hexes = (hexes[:half] + " " + hexes[half:]) if len(chunk) > row // 2 else hexes
        text = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        lines.append(f"{offset:08x}  {hexes:<{row * 3}}  |{text}|")
    return "\n".join(lines)


def _system_open(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class FallbackViewer(EvidenceViewer):
    """File facts, a hex view of the first 4 KiB, and "Open with system viewer"."""

    priority = 0

    @classmethod
    def accepts(cls, item: Item) -> int:
        """Anything at all, below every other viewer: the viewer of last resort."""
        return cls.priority

    def __init__(self, context: ViewerContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        item = context.item
        on_opened_externally = context.on_opened_externally
        self._on_opened_externally = on_opened_externally
        self._open_externally = context.open_externally or _system_open
        self.exported: Path | None = None
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        self.why = plain_label(f"No built-in viewer for {item.media_type}. Below are the first "
                               f"{min(HEX_BYTES, item.size):,} bytes of the file as stored.")
        self.why.setWordWrap(True)
        layout.addWidget(self.why)
        self.hex_view = QPlainTextEdit()
        self.hex_view.setObjectName("hexView")
        self.hex_view.setReadOnly(True)
        self.hex_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.hex_view.setFont(monospace_font())
        layout.addWidget(self.hex_view, 1)

        actions = QHBoxLayout()
        self.open_button = QPushButton("Open with system viewer…")
        self.open_button.setObjectName("openExternally")
        self.open_button.clicked.connect(self.open_copy_externally)
        actions.addWidget(self.open_button)
        self.open_note = plain_label("")
        self.open_note.setWordWrap(True)
        actions.addWidget(self.open_note, 1)
        layout.addLayout(actions)
        if on_opened_externally is None:
            # Opening a copy outside the program is an export; unlogged, it is not offered.
            self.open_button.setEnabled(False)
            self.open_note.setText("Opening outside Evidence Desk is not available here because it "
                                   "could not be recorded in the chain of custody.")
        else:
            self.open_note.setText("Opens a read-only temporary copy; this is recorded in the chain of "
                                   "custody as an export.")

        if self.stored_copy_readable():
            with open(self.path, "rb") as f:
                self.hex_view.setPlainText(hex_dump(f.read(HEX_BYTES)))
        else:
            self.open_button.setEnabled(False)

    def open_copy_externally(self) -> Path | None:
        """Copy the stored bytes to a read-only temporary file, check its hash, open it."""
        if self._on_opened_externally is None:
            return None
        folder = Path(tempfile.mkdtemp(prefix=f"evidence-desk-item{self.item.id}-"))
        # The original name helps the system pick a viewer; strip any path part of it.
        target = folder / (Path(self.item.name).name or f"item-{self.item.id}")
        try:
            shutil.copyfile(self.path, target)
            os.chmod(target, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
            digest = hash_file(target).sha256
        except OSError as exc:
            self.report_problem(f"Could not make the temporary copy: {exc.strerror or exc}.")
            return None
        if digest != self.item.sha256:
            self.report_problem("The temporary copy does not match the catalogued SHA-256; it was not opened. "
                                "Run Verify on the case.")
            return None
        self._on_opened_externally(self.item.id, target)
        self.exported = target
        if not self._open_externally(target):
            self.report_problem(f"No program on this computer opened {target.name}; the copy is at {target}.")
        else:
            self.open_note.setText(block(f"Opened a read-only copy at {target} (recorded as an export)."))
        return target
