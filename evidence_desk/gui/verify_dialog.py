"""The result of a verification, of a case or of a packet: every failure, by name.

Both kinds of report share core's :class:`~evidence_desk.core.verify.Verification`
interface, so one dialog shows either: a headline, a table of failures (what,
item, where it was found, custody entry, problem) and an export of that list
with the same fields as the command line's ``--json``.
"""

from __future__ import annotations

import csv
from dataclasses import fields
from io import StringIO
from pathlib import Path

from PySide6.QtCore import Qt
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
from ..core.verify import Verification, VerifyReport
from .plain import esc, line, plain_message, tip


def heading(report: Verification, intact: str) -> str:
    """The headline's first line: ``intact`` in green, or the number of problems in red."""
    if report.ok:
        return f"<h3 style='color:#1f7a4a'>✔ {intact}</h3>"
    n = len(report.failures)
    return f"<h3 style='color:#b00020'>✘ {n} problem{'s' if n != 1 else ''} found</h3>"


class VerificationDialog(QDialog):
    """A headline over the table of ``report``'s failures, with Export list."""

    def __init__(self, parent: QWidget | None, report: Verification, title: str, headline: str) -> None:
        super().__init__(parent)
        self.report = report
        self.setWindowTitle(line(title, 200))
        self.resize(900, 420 if report.failures else 220)
        layout = QVBoxLayout(self)
        label = QLabel(headline)
        label.setTextFormat(Qt.TextFormat.RichText)  # our markup; every case string in it is escaped
        label.setWordWrap(True)
        layout.addWidget(label)
        columns = ("What", "Item", report.WHERE, "Custody entry", "Problem")
        self.table = QTableWidget(len(report.failures), len(columns))
        self.table.setHorizontalHeaderLabels(columns)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        for row, f in enumerate(report.failures):
            for col, text in enumerate((f.what, "" if f.item_id is None else str(f.item_id), f.where,
                                        "" if f.seq is None else f"#{f.seq}", f.message)):
                cell = QTableWidgetItem(line(text))
                cell.setToolTip(tip(text))
                self.table.setItem(row, col, cell)
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(len(columns) - 1, 480)
        self.table.horizontalHeader().setSectionResizeMode(len(columns) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()
        self.table.setVisible(bool(report.failures))
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_button = buttons.addButton("Export list…", QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.setEnabled(bool(report.failures))
        self.export_button.clicked.connect(self.export)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)

    def rows(self) -> list[list[str]]:
        return [[self.table.item(r, c).text() for c in range(self.table.columnCount())]
                for r in range(self.table.rowCount())]

    def export(self, target: str | None = None) -> Path | None:
        """Write the failures as CSV, one column per field of the command line's ``--json``."""
        if not target:
            target, _ = QFileDialog.getSaveFileName(self, "Export the list of problems",
                                                    "verification-problems.csv", "CSV (*.csv)")
        if not target:
            return None
        path = Path(target)
        out = StringIO()
        writer = csv.DictWriter(out, fieldnames=[f.name for f in fields(self.report.FAILURE)] + ["text"])
        writer.writeheader()
        writer.writerows(f.to_json() for f in self.report.failures)
        try:
            atomic_write_text(path, out.getvalue())
        except OSError as exc:
            plain_message(QMessageBox(QMessageBox.Icon.Warning, "Export list",
                                      f"Could not write {path}: {exc.strerror or exc}", parent=self)).exec()
            return None
        return path


class VerifyResultDialog(VerificationDialog):
    """A case's verification."""

    def __init__(self, parent: QWidget | None, report: VerifyReport) -> None:
        counts = f"{report.items} items, {report.objects} vault objects ({format_bytes(report.bytes_hashed)})"
        if report.ok:
            body = f"{counts} rehashed; {report.custody_entries} custody entries chained without a break."
        else:
            body = (f"Checked {counts} and {report.custody_entries} custody entries. Each row names what does "
                    "not hold: the evidence or record in it can no longer be shown to be what was catalogued.")
        if report.warnings:  # plain text from the chain (a hand-over's reason): escaped
            body += "<p><b>Warnings</b><br>" + "<br>".join(esc(w) for w in report.warnings) + "</p>"
        super().__init__(parent, report, "Verification result", heading(report, "The case is intact") + body)

