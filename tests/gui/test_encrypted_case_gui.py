"""An encrypted case in the app: made from the New Case dialog, viewed without plaintext on disk,
locked when left alone."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from evidence_desk.core import sealing
from evidence_desk.core.case import Case
from evidence_desk.gui.case_dialogs import NewCaseDialog
from evidence_desk.gui.viewers import AudioViewer, ScanViewer, TextViewer, create_viewer

from .test_viewers import make_wav, show

PASS = "long enough passphrase"
MARKER = "ZQXMARKER7731"


def marker_hits(*folders: Path) -> list[str]:
    """Every file under ``folders`` holding the marker (UTF-8, UTF-16, lower case) or named with it."""
    needles = [MARKER.encode(), MARKER.encode("utf-16-le"), MARKER.lower().encode()]
    hits = []
    for folder in folders:
        for dirpath, _, names in os.walk(folder):
            for name in names:
                path = Path(dirpath) / name
                try:
                    data = path.read_bytes()
                except OSError:
                    continue
                if any(n in data for n in needles) or MARKER in str(path):
                    hits.append(str(path))
    return hits


@pytest.fixture(autouse=True)
def _cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVIDENCE_DESK_TEST_CHEAP_KDF", "1")


def app_folders(tmp_path: Path) -> list[Path]:
    """Every folder the app writes to in a test: settings, logs, XDG cache/data, the examiner home, tmp."""
    return [Path(os.environ["EVIDENCE_DESK_SETTINGS_DIR"]), Path(os.environ["EVIDENCE_DESK_HOME"]),
            Path(tempfile.gettempdir())]


def test_new_case_dialog_makes_an_encrypted_case(qtbot, tmp_path: Path) -> None:
    dialog = NewCaseDialog(None, tmp_path)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.title, f"Inquiry {MARKER}")
    assert not dialog.passphrase.isEnabled()
    qtbot.mouseClick(dialog.encrypt, Qt.MouseButton.LeftButton)
    assert dialog.encrypt.isChecked() and dialog.passphrase.isEnabled()
    qtbot.keyClicks(dialog.passphrase, PASS)
    qtbot.keyClicks(dialog.passphrase_again, PASS + "x")
    assert dialog.problems() == ["The two passphrases differ."]
    qtbot.keyClick(dialog.passphrase_again, Qt.Key.Key_Backspace)
    assert dialog.problems() == []
    assert dialog.chosen_passphrase() == PASS
    assert MARKER not in str(dialog.case_dir())  # the folder's name does not give the title away


def encrypted_case(tmp_path: Path) -> Path:
    folder = tmp_path / "Encrypted case 1"
    with Case.create(folder, f"Inquiry {MARKER}", "Test Examiner", passphrase=PASS) as case:
        memo = tmp_path / "in" / "memo.txt"
        memo.parent.mkdir()
        memo.write_text(f"Per chief of patrol: {MARKER} clear everybody out.\n" * 50, "utf-8")
        wav = make_wav(tmp_path / "in" / "call.wav")
        with open(wav, "ab") as f:  # a trailing chunk the players skip
            f.write(b"note" + len(MARKER).to_bytes(4, "little") + MARKER.encode())
        png = tmp_path / "in" / "scan.png"
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", MARKER)
        Image.new("L", (400, 200), 200).save(png, pnginfo=info)
        for path in (memo, wav, png):
            case.items.import_file(path)
        case.events.add(f"Meeting {MARKER}", when="2025-10-04 10:00")
        case.statements.add(f"Speaker {MARKER}", "interview", f"I heard {MARKER}")
    for path in (tmp_path / "in").iterdir():
        path.unlink()
    return folder


def test_viewers_of_an_encrypted_case_leave_no_plaintext(qtbot, tmp_path: Path) -> None:
    folder = encrypted_case(tmp_path)
    case = Case.open(folder, passphrase=PASS)
    try:
        items = {i.name: i for i in case.items.list()}
        text = show(qtbot, create_viewer(case, items["memo.txt"].id))
        assert isinstance(text, TextViewer)
        qtbot.waitUntil(lambda: MARKER in text.editor.toPlainText())
        audio = show(qtbot, create_viewer(case, items["call.wav"].id))
        assert isinstance(audio, AudioViewer)
        qtbot.waitUntil(lambda: audio.player.duration() > 0, timeout=10_000)
        qtbot.waitUntil(lambda: len(audio.waveform.peaks) >= 290, timeout=10_000)
        scan = show(qtbot, create_viewer(case, items["scan.png"].id))
        assert isinstance(scan, ScanViewer)
        qtbot.waitUntil(lambda: scan.page_loaded)
        assert scan.page_item.pixmap().size().toTuple() == (400, 200)
        for viewer in (text, audio, scan):
            viewer.close()
        # a file only the desktop can show: no plaintext copy is handed to another program
        from evidence_desk.gui.inspector import Preview
        from evidence_desk.gui.viewers import FallbackViewer

        blob = tmp_path / "blob.xyz"
        blob.write_bytes(b"\x00\x01" + MARKER.encode() + bytes(range(256)))
        item = case.items.import_file(blob)
        blob.unlink()
        preview = Preview()
        qtbot.addWidget(preview)
        preview.show_content(case, item)
        assert isinstance(preview.viewer, FallbackViewer)
        assert not preview.viewer.open_button.isEnabled()
        preview.release()
    finally:
        case.close()
    hits = marker_hits(folder, *app_folders(tmp_path))
    assert hits == []


def test_wrong_passphrase_asks_again_then_opens(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from evidence_desk.gui.main_window import MainWindow

    folder = encrypted_case(tmp_path)
    answers = ["wrong one", PASS]
    asked: list[str] = []

    def ask(parent, path, problem=""):
        asked.append(problem)
        return answers.pop(0)

    monkeypatch.setattr("evidence_desk.gui.case_dialogs.ask_case_passphrase", ask)
    win = MainWindow()
    qtbot.addWidget(win)
    assert win.open_case(folder)
    assert asked == ["", f"wrong passphrase for {folder}"]
    assert MARKER in win.windowTitle()
    win.close()


def test_idle_lock_hides_the_case_until_the_passphrase(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from evidence_desk.gui.main_window import MainWindow

    folder = encrypted_case(tmp_path)
    monkeypatch.setenv(sealing.PASSPHRASE_ENV, PASS)
    monkeypatch.setenv("EVIDENCE_DESK_IDLE_LOCK_SECONDS", "0.5")
    win = MainWindow()
    qtbot.addWidget(win)
    assert win.open_case(folder)
    win.show()
    qtbot.waitExposed(win)
    assert MARKER in win.windowTitle()
    qtbot.waitUntil(lambda: win.lock_screen is not None, timeout=10_000)
    QApplication.processEvents()
    assert MARKER not in win.windowTitle()
    assert win.centralWidget() is win.lock_screen
    shown = [w.text() for w in win.findChildren(QLabel) if w.isVisible()]
    assert shown and not any(MARKER in t for t in shown)
    assert not win.menuBar().isEnabled()
    screen = win.lock_screen
    qtbot.keyClicks(screen.passphrase, "not the passphrase")
    qtbot.keyClick(screen.passphrase, Qt.Key.Key_Return)
    assert win.lock_screen is screen
    assert "Wrong passphrase" in screen.problem.text()
    monkeypatch.setenv("EVIDENCE_DESK_IDLE_LOCK_SECONDS", "600")  # no second lock while the test looks
    qtbot.keyClicks(screen.passphrase, PASS)
    qtbot.mouseClick(screen.unlock, Qt.MouseButton.LeftButton)
    assert win.lock_screen is None
    assert MARKER in win.windowTitle()
    assert win.menuBar().isEnabled()
    assert win.items_view.model().rowCount() == 3
    win.close()
