"""Screenshots of an encrypted case: the New Case dialog with encryption chosen, and the idle lock.

Run: xvfb-run -a .venv/bin/python docs/screenshots/make_encrypted_screenshots.py docs/screenshots
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main(out: Path) -> None:
    tmp = Path(tempfile.mkdtemp())
    os.environ["EVIDENCE_DESK_TEST_CHEAP_KDF"] = "1"
    os.environ["EVIDENCE_DESK_SETTINGS_DIR"] = str(tmp / "settings")
    os.environ["EVIDENCE_DESK_HOME"] = str(tmp / "home")
    os.environ["EVIDENCE_DESK_EXAMINER"] = "A. Investigator"
    from PySide6.QtWidgets import QApplication

    from evidence_desk.core.case import Case
    from evidence_desk.gui.case_dialogs import NewCaseDialog
    from evidence_desk.gui.main_window import MainWindow

    app = QApplication(sys.argv)
    dialog = NewCaseDialog(None, Path.home() / "Evidence Desk cases")
    dialog.title.setText("South Side dispatch stand-down, 4 Oct 2025")
    dialog.encrypt.setChecked(True)
    dialog.passphrase.setText("correct horse battery")
    dialog.passphrase_again.setText("correct horse battery")
    dialog.show()
    app.processEvents()
    dialog.grab().save(str(out / "new-case-encrypted.png"))
    folder = tmp / "Encrypted case 1"
    Case.create(folder, "South Side dispatch stand-down", "A. Investigator", passphrase="correct horse battery").close()
    win = MainWindow()
    win.resize(1024, 700)
    win.open_case(folder, passphrase="correct horse battery")
    win.show()
    app.processEvents()
    win.lock_case()
    app.processEvents()
    win.lock_screen.passphrase.setText("wrong")
    win.lock_screen.unlock.click()
    app.processEvents()
    win.grab().save(str(out / "idle-lock.png"))
    win.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
