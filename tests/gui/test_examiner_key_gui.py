"""The examiner key in the app: a session that changed the case ends with a signed checkpoint,
and Help ▸ Examiner Key shows the key's fingerprint."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QLineEdit

from evidence_desk.core import examiner_keys as keys
from evidence_desk.core import signing, witness
from evidence_desk.core.case import Case
from evidence_desk.core.verify import verify
from evidence_desk.gui.main_window import MainWindow

from .conftest import wait_idle


def write_a_note(qtbot, window: MainWindow, text: str) -> None:
    window.journal.entry.setPlainText(text)
    qtbot.keyClick(window.journal.entry, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, window)


def entries(case_dir: Path) -> list:
    with Case.open(case_dir, read_only=True) as case:
        return case.history.entries()


def test_closing_a_case_after_changes_signs_the_session(qtbot, window: MainWindow, case_dir: Path) -> None:
    write_a_note(qtbot, window, "Asked OEMC for the CAD log.")
    key = window.keys.key
    assert key is not None, "unlocked from $EVIDENCE_DESK_KEY_PASSPHRASE when the case opened"
    window.close()
    *_, note, signed = entries(case_dir)
    assert (note.action, signed.action) == ("journal_note", "checkpoint")
    d = signed.details_dict
    assert (d["head_seq"], d["head_hash"], d["fingerprint"]) == (note.seq, note.entry_hash, key.fingerprint)
    with Case.open(case_dir, read_only=True) as case:
        message = witness.head_message(case.id, note.seq, note.entry_hash)
    assert signing.verify(key.public_key, bytes.fromhex(d["signature"]), message)
    assert [(r.head_seq, r.head_hash) for r in witness.read_log().records] == [(signed.seq, signed.entry_hash)]
    report = verify(case_dir)
    assert report.ok and report.warnings == [], report.warnings


def test_a_session_that_changed_nothing_writes_no_checkpoint(qtbot, window: MainWindow, case_dir: Path) -> None:
    before = [e.seq for e in entries(case_dir)]
    window.close()
    assert [e.seq for e in entries(case_dir)] == before


@pytest.mark.parametrize("answer", ["passphrase", "cancel"])
def test_without_the_variable_the_app_asks_for_the_passphrase_when_the_session_ends(
        qtbot, case_dir: Path, monkeypatch: pytest.MonkeyPatch, answer: str) -> None:
    passphrase = keys.passphrase_from_env()
    monkeypatch.delenv(keys.PASSPHRASE_ENV)
    asked: list[str] = []

    def get_text(parent, title, prompt, echo, *rest, **kw):  # noqa: ANN001, ANN202 - QInputDialog's shape
        asked.append(prompt)
        assert echo == QLineEdit.EchoMode.Password
        return (passphrase, True) if answer == "passphrase" else ("", False)

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    win = MainWindow()
    qtbot.addWidget(win)
    assert win.open_case(case_dir)
    assert win.keys.key is None
    write_a_note(qtbot, win, "Signed at the end of the session, or not.")
    win.close()
    stored = keys.load_public()
    assert len(asked) == 1 and stored is not None and stored.fingerprint in asked[0]
    last = entries(case_dir)[-1]
    if answer == "passphrase":
        assert last.action == "checkpoint" and last.details_dict["fingerprint"] == stored.fingerprint
    else:
        assert last.action == "journal_note"
        assert verify(case_dir).warnings[0].startswith("unsigned: ")


def test_the_examiner_key_dialog_shows_the_fingerprint(qtbot, window: MainWindow) -> None:
    window.actions["examiner_key"].trigger()
    dialog = window.examiner_key_dialog
    stored = keys.load_public()
    assert stored is not None
    assert dialog.fingerprint.text() == stored.fingerprint
    assert dialog.fingerprint.textFormat() == Qt.TextFormat.PlainText
    assert dialog.path.text() == str(stored.path)
    assert dialog.status.text().startswith("unlocked")
    assert not dialog.unlock_button.isEnabled()
    dialog.reject()
