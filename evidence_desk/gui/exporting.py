"""File ▸ Export Report… and File ▸ Export Review Packet…: what to export, and where.

The work itself is core's (:func:`core.report.write_report`,
:func:`core.packet.export.export_packet`); this module asks the scope (the whole
case or the selected event) and the destination, and runs the report export
as one task: verify the case (progress in bytes, Cancel), render the report
from that verification, and log a case-level ``exported`` custody entry
naming the file and its SHA-256.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ..core.case import Case
from ..core.records import Event
from .checked_dialog import CheckedDialog

REPORT_FILTERS = "PDF report (*.pdf);;HTML report (*.html)"


@dataclass(frozen=True)
class ExportRequest:
    out: Path
    event_id: int | None
    encrypt_to: tuple[str, ...] = ()  # age recipients: the packet becomes one encrypted file for them


class ExportDialog(CheckedDialog):
    """The scope and the destination of a report or a review packet."""

    def __init__(self, parent: QWidget | None, what: str, case: Case, event: Event | None) -> None:
        is_report = what == "report"
        super().__init__(parent, "Export report" if is_report else "Export review packet",
                         ok_text="Export report" if is_report else "Seal packet", min_width=600)
        self.what = what  # "report" | "packet"
        intro = QLabel(
            "The chain-of-custody report lists every item with its hash, custody history, grades and the "
            "verification result. PDF or HTML, by the file name's extension." if is_report else
            "A review packet is a signed BagIt bag (folder or .zip) with the evidence, the custody chain, "
            "the report and the case records; oversight staff verify it without trusting the sender.")
        intro.setWordWrap(True)
        self.whole_case = QRadioButton(f"The whole case ({case.items.count():,} items)")
        self.whole_case.setChecked(True)
        self.one_event = QRadioButton(f"Only the selected event: “{event.title}”" if event
                                      else "Only the selected event (select one on the timeline first)")
        self.one_event.setEnabled(event is not None)
        self.event = event
        base = case.path.parent
        safe = "".join(c if c.isalnum() or c in " -_" else "_" for c in case.info().title).strip()[:60]
        default = base / (f"{safe or 'case'} report.pdf" if is_report else f"{safe or 'case'} packet.zip")
        self.path = QLineEdit(str(default))
        self.browse_button = QPushButton("Browse…")
        self.browse_button.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(self.browse_button)
        # a report never silently replaces a file: the examiner ticks this, or the file dialog asked
        self.replace = QCheckBox("Replace the existing file")
        self.replace.setObjectName("replaceExisting")
        self.replace.setVisible(False)
        scope = QVBoxLayout()
        scope.addWidget(self.whole_case)
        scope.addWidget(self.one_event)
        self.form.addRow("Scope", scope)
        self.form.addRow("Save as" if is_report else "Packet (.zip or folder)", row)
        self.form.addRow("", self.replace)
        self.encrypt_to = QLineEdit()  # docs/encrypted-packets.md
        self.encrypt_to.setPlaceholderText("optional: the reviewer's public key (age1…) or its file")
        self.encrypt_to.setToolTip("Seal the packet as one encrypted file (NAME.edpacket.age) that only this "
                                   "reviewer can open (their Help ▸ Reviewer Public Key…)")
        if not is_report:
            self.form.addRow("Encrypt for reviewer", self.encrypt_to)
            self.watch(self.encrypt_to)
        self.add_above(intro)
        self.path.textChanged.connect(self._path_changed)
        self.watch(self.path, self.replace)
        self._path_changed()

    def browse(self) -> None:
        if self.what == "report":
            chosen, _ = QFileDialog.getSaveFileName(self, "Save the report as", self.path.text(), REPORT_FILTERS)
        else:
            chosen, _ = QFileDialog.getSaveFileName(
                self, "Seal the packet as (a name ending in .zip, or any other name for a folder)",
                self.path.text(), "Zip packet (*.zip);;Folder packet (*)")
        if chosen:
            self.path.setText(chosen)
            if self.what == "report" and Path(chosen).is_file():
                self.replace.setChecked(True)  # the save dialog has just asked whether to replace it

    def _path_changed(self) -> None:
        exists = self.what == "report" and self._out() is not None and self._out().is_file()
        if not exists:
            self.replace.setChecked(False)  # a tick given for one file does not carry to another
        self.replace.setVisible(exists)

    def _out(self) -> Path | None:
        text = self.path.text().strip()
        return Path(text).expanduser() if text else None

    def request(self) -> ExportRequest:
        event_id = self.event.id if self.one_event.isChecked() and self.event is not None else None
        return ExportRequest(Path(self.path.text().strip()).expanduser(), event_id, self._recipients())

    def _recipients(self) -> tuple[str, ...]:
        from ..core.reviewer_keys import parse_recipient

        text = self.encrypt_to.text().strip()
        return (parse_recipient(text),) if text and self.what == "packet" else ()

    def problems(self) -> list[str]:
        text = self.path.text().strip()
        if not text:
            return ["Choose where to save it."]
        out = Path(text).expanduser()
        if self.what == "report" and out.suffix.lower() not in (".pdf", ".html", ".htm"):
            return ["Name the report something.pdf or something.html: the extension chooses the format."]
        if self.what == "packet" and self.encrypt_to.text().strip():
            from ..core.errors import EvidenceDeskError
            from ..core.packet.encrypted import encrypted_name

            try:
                self._recipients()
            except EvidenceDeskError as exc:
                return [str(exc)]
            out = encrypted_name(out)
        if out.exists() and self.what == "packet":
            return [f"{out} already exists; a packet is always sealed under a new name."]
        if out.is_dir():
            return [f"{out} is a folder; name the report file inside it."]
        if out.exists() and not self.replace.isChecked():
            return [f"{out} already exists. Tick “Replace the existing file” to overwrite it, or choose "
                    "another name."]
        if not out.parent.is_dir():
            return [f"The folder {out.parent} does not exist."]
        return []
