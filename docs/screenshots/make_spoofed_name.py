"""docs/screenshots/spoofed-name.png: the item list and inspector showing a file named ``rtl<U+202E>gnp.exe``.

Run under a display: ``xvfb-run -a python docs/screenshots/make_spoofed_name.py``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from evidence_desk.core.case import Case

OUT = Path(__file__).with_name("spoofed-name.png")


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    from evidence_desk.gui.main_window import MainWindow

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        spoofed = root / "invoice_rtl\u202egnp.exe"
        spoofed.write_bytes(b"MZ\x90\x00 not a picture\n")
        memo = root / "memo <b>urgent<i>.txt"  # a file name cannot hold the slash of </b>
        memo.write_text("Per chief of patrol: clear everybody out.\n", "utf-8")
        with Case.create(root / "case", "Stand-down inquiry", "Test Examiner", tz="UTC") as case:
            event = case.events.add('Files handed over <a href="file:///etc/passwd">here</a>',
                                    when="2025-10-04 12:34", place="OEMC\u202e records")
            case.items.import_file(spoofed, event_ids=[event.id], source="Anonymous tip",
                                   description="Arrived as an e-mail attachment; looks like a picture")
            case.items.import_file(memo, event_ids=[event.id], source="OEMC",
                                   description="<script>alert(1)</script> dispatcher memo")
        win = MainWindow()
        win.resize(1280, 720)
        assert win.open_case(root / "case")
        win.show()
        win.select_event_row(0)
        row = next(r for r in range(win.items_model.rowCount()) if "\u202e" in win.items_model.item_at(r).name)
        win.select_item_row(row)
        for _ in range(20):
            app.processEvents()
        win.grab().save(str(OUT))
        win.inspector.details.dirty = False
        win.close()
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
