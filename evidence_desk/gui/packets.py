"""Receiving a review packet (File ▸ Import Packet…) and showing a packet check.

Core verifies the packet before anything is imported
(:func:`core.packet.transfer.import_packet`); a refused packet comes back
with every failure named, and :class:`PacketCheckDialog` lists them — the
same dialog shows the result of checking a packet just sealed.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from ..core.packet import format as packet_format
from ..core.packet.verify import PacketReport
from ..core.sizes import format_bytes
from .checked_dialog import CheckedDialog
from .plain import esc, line
from .verify_dialog import VerificationDialog, heading

BAG_INFO_LIMIT = 64 * 1024


def packet_bag_info(packet: Path) -> dict[str, str]:
    """The packet's ``bag-info.txt`` fields, read without unpacking it; {} if unreadable.

    Only used to prefill the form (who released it): nothing here is trusted,
    the import verifies the packet itself."""
    try:
        if packet.is_dir():
            raw = (packet / packet_format.BAG_INFO).read_bytes()[:BAG_INFO_LIMIT]
        else:
            with zipfile.ZipFile(packet) as archive:
                names = [n for n in archive.namelist() if n.count("/") <= 1 and n.endswith(packet_format.BAG_INFO)]
                if not names:
                    return {}
                with archive.open(min(names, key=len)) as f:
                    raw = f.read(BAG_INFO_LIMIT)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        return {}
    return packet_format.parse_bag_info(raw.decode("utf-8", "replace"))


class ImportPacketDialog(CheckedDialog):
    """Which packet, which new case folder, and who released it."""

    def __init__(self, parent: QWidget | None, start_folder: Path) -> None:
        super().__init__(parent, "Import a review packet as a new case", ok_text="Verify and import",
                         min_width=640)
        intro = QLabel("The packet is verified first — signature, every hash, the custody chain — and nothing "
                       "is imported unless all of it holds. The case continues its chain of custody in a new "
                       "case folder, with a transfer from who released it to you.")
        intro.setWordWrap(True)
        self.start_folder = start_folder
        self.packet = QLineEdit()
        self.packet.setPlaceholderText("a packet .zip, or the folder of an unpacked packet")
        self.packet.editingFinished.connect(self._packet_chosen)
        pick_zip = QPushButton("Zip…")
        pick_zip.clicked.connect(self.choose_zip)
        pick_folder = QPushButton("Folder…")
        pick_folder.clicked.connect(self.choose_folder)
        packet_row = QHBoxLayout()
        packet_row.addWidget(self.packet, 1)
        packet_row.addWidget(pick_zip)
        packet_row.addWidget(pick_folder)
        self.case_dir = QLineEdit()
        self.case_dir.setPlaceholderText("a new, empty folder for the received case")
        pick_case = QPushButton("Browse…")
        pick_case.clicked.connect(self.choose_case_dir)
        case_row = QHBoxLayout()
        case_row.addWidget(self.case_dir, 1)
        case_row.addWidget(pick_case)
        self.released_by = QLineEdit()
        self.released_by.setPlaceholderText("who handed the packet over (default: who sealed it)")
        self.fingerprint = QLineEdit()
        self.fingerprint.setPlaceholderText("optional: refuse the packet unless it is signed by this key")
        self.sealed_by = QLabel()
        self.sealed_by.setTextFormat(Qt.TextFormat.PlainText)  # read from the packet: not trusted
        self.sealed_by.setWordWrap(True)
        self.form.addRow("Packet", packet_row)
        self.form.addRow("", self.sealed_by)
        self.form.addRow("New case folder", case_row)
        self.form.addRow("&Released by", self.released_by)
        self.form.addRow("Expected &key", self.fingerprint)
        self.add_above(intro)
        self.watch(self.packet, self.case_dir)

    def choose_zip(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Choose a review packet", str(self.start_folder),
                                                "Review packets (*.zip);;All files (*)")
        if chosen:
            self.set_packet(Path(chosen))

    def choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Choose an unpacked review packet folder",
                                                  str(self.start_folder))
        if chosen:
            self.set_packet(Path(chosen))

    def choose_case_dir(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, "Name the new case folder", self.case_dir.text()
                                                or str(self.start_folder))
        if chosen:
            self.case_dir.setText(chosen)

    def set_packet(self, packet: Path) -> None:
        self.packet.setText(str(packet))
        self._packet_chosen()

    def _packet_chosen(self) -> None:
        text = self.packet.text().strip()
        if not text:
            return
        packet = Path(text).expanduser()
        info = packet_bag_info(packet)
        sender = info.get(packet_format.CONTACT_NAME, "")
        if sender and not self.released_by.text().strip():
            self.released_by.setText(sender)
        if info:
            self.sealed_by.setText(f"Says it was sealed by {line(sender) or 'an unnamed sender'}"
                                   + (f", key {line(info[packet_format.KEY_FINGERPRINT])}"
                                      if info.get(packet_format.KEY_FINGERPRINT) else "")
                                   + " (checked when imported)")
        if not self.case_dir.text().strip():
            stem = packet.name[:-4] if packet.name.lower().endswith(".zip") else packet.name
            if stem.lower().endswith(".edpacket.age"):  # an encrypted packet (docs/encrypted-packets.md)
                stem = stem[:-len(".edpacket.age")]
            self.case_dir.setText(str(packet.parent / f"{stem} (received)"))

    def problems(self) -> list[str]:
        packet = Path(self.packet.text().strip()).expanduser()
        case_dir = Path(self.case_dir.text().strip()).expanduser()
        if not self.packet.text().strip() or not packet.exists():
            return ["Choose the packet: a .zip file, an encrypted .age packet or an unpacked packet folder."]
        if not self.case_dir.text().strip():
            return ["Name a new folder for the received case."]
        if case_dir.exists() and (not case_dir.is_dir() or any(case_dir.iterdir())):
            return [f"{case_dir} exists and is not empty; a received packet becomes a new case."]
        if not case_dir.parent.is_dir():
            return [f"The folder {case_dir.parent} does not exist."]
        return []


class PacketCheckDialog(VerificationDialog):
    """A packet's verification: intact with its key fingerprint, or every failure by name."""

    def __init__(self, parent: QWidget | None, report: PacketReport, title: str, refused: bool = False) -> None:
        if report.ok:
            body = (f"Signature valid, signed by the case key <tt>{esc(report.fingerprint)}</tt>. "
                    f"{report.files_hashed} files ({format_bytes(report.bytes_hashed)}) rehashed; "
                    f"{report.items} items match their catalogue; {report.custody_entries} custody "
                    "entries chained. Compare the fingerprint with the report cover or a value you trust.")
        else:
            lead = "The packet was refused; nothing was imported." if refused else "The packet does not verify."
            body = f"{lead} Each row names what does not hold in <i>{esc(report.packet)}</i>."
        super().__init__(parent, report, title, heading(report, "The packet is intact") + body)
