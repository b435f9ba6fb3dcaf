"""The result of verifying a case: every broken item and custody entry, by name."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.fsutil import atomic_write_text
from ..core.sizes import format_bytes
from ..core.verify import VerifyReport

COLUMNS = ("What", "Item", "Name", "Custody entry", "Problem")


class VerifyResultDialog(QDialog):
    def __init__(self, parent: QWidget | None, report: VerifyReport) -> None:
        super().__init__(parent)
        self.report = report
        self.setWindowTitle("Verification result")
        self.resize(900, 420 if report.failures else 200)
        layout = QVBoxLayout(self)
        if report.ok:
            headline = QLabel(f"<h3 style='color:#1f7a4a'>✔ The case is intact</h3>"
                              f"{report.items} items, {report.objects} vault objects "
                              f"({format_bytes(report.bytes_hashed)}) rehashed; "
                              f"{report.custody_entries} custody entries chained without a break.")
        else:
            n = len(report.failures)
            headline = QLabel(f"<h3 style='color:#b00020'>✘ {n} problem{'s' if n != 1 else ''} found</h3>"
                              f"Checked {report.items} items, {report.objects} vault objects "
                              f"({format_bytes(report.bytes_hashed)}) and {report.custody_entries} custody entries. "
                              "Each row names what does not hold: the evidence or record in it can no longer be "
                              "shown to be what was catalogued.")
        headline.setWordWrap(True)
        layout.addWidget(headline)
        self.table = QTableWidget(len(report.failures), len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        for row, f in enumerate(report.failures):
            for col, text in enumerate((f.what, "" if f.item_id is None else str(f.item_id), f.item_name,
                                        "" if f.seq is None else f"#{f.seq}", f.message)):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                self.table.setItem(row, col, cell)
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(len(COLUMNS) - 1, 480)
        self.table.horizontalHeader().setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()
        self.table.setVisible(bool(report.failures))
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_button = buttons.addButton("Export list…", QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.setEnabled(bool(report.failures))
        self.export_button.clicked.connect(self.export)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)

    def export(self, target: str | None = None) -> Path | None:
        if not target:
            target, _ = QFileDialog.getSaveFileName(self, "Export the list of problems",
                                                    "verification-problems.csv", "CSV (*.csv)")
        if not target:
            return None
        path = Path(target)
        from io import StringIO

        out = StringIO()
        writer = csv.writer(out)
        writer.writerow(["what", "item_id", "item_name", "custody_seq", "sha256", "problem"])
        for f in self.report.failures:
            writer.writerow([f.what, f.item_id or "", f.item_name, f.seq or "", f.sha256, f.message])
        try:
            atomic_write_text(path, out.getvalue())
        except OSError as exc:
            QMessageBox.warning(self, "Export list", f"Could not write {path}: {exc.strerror or exc}")
            return None
        return path
