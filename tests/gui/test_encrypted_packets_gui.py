"""Reviewer key pairs and encrypted packets in the app: the key pair is made in its dialog
(Help ▸ Create Reviewer Key Pair…), its public key copied and saved; a packet encrypted for it
opens in review mode once the passphrase is typed."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialogButtonBox

from evidence_desk.core import reviewer_keys
from evidence_desk.core.case import Case
from evidence_desk.core.packet.export import export_packet

from .conftest import wait_idle

PASSPHRASE = "reviewer pass 42"  # not the examiner's: the app cannot unlock it from the environment


@pytest.fixture(autouse=True)
def _locked():
    reviewer_keys.forget()
    yield
    reviewer_keys.forget()


def create_in_dialog(qtbot, window) -> str:
    window.actions["create_reviewer_key"].trigger()
    dialog = window.reviewer_key_dialog
    qtbot.waitExposed(dialog)
    assert dialog.create_form.isVisible() and not dialog.copy_button.isEnabled()
    qtbot.keyClicks(dialog.reviewer, "Rita Reviewer")
    qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
    qtbot.keyClicks(dialog.confirm, PASSPHRASE + "x")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.problem.text() == "The two passphrases differ." and reviewer_keys.load_public() is None
    dialog.confirm.clear()
    qtbot.keyClicks(dialog.confirm, PASSPHRASE)
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    stored = reviewer_keys.load_public()
    assert stored is not None and stored.reviewer == "Rita Reviewer"
    assert dialog.show_form.isVisible() and not dialog.create_form.isVisible()
    assert dialog.public_key.text() == stored.public_key and stored.public_key.startswith("age1")
    return stored.public_key


def test_create_reviewer_key_pair_copy_and_export(qtbot, window, tmp_path) -> None:
    public = create_in_dialog(qtbot, window)
    dialog = window.reviewer_key_dialog
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == public
    out = dialog.export_public_key(str(tmp_path / "rita.age-recipient.txt"))
    assert out is not None and out.read_text("utf-8").splitlines()[-1] == public
    assert reviewer_keys.parse_recipient(str(out)) == public
    dialog.close()
    window.actions["reviewer_key"].trigger()  # opened again: shows the key, no second creation
    again = window.reviewer_key_dialog
    qtbot.waitExposed(again)
    assert again.public_key.text() == public and not again.create_form.isVisible()
    again.close()


def test_encrypted_packet_opens_in_review_after_the_passphrase(qtbot, window, case_dir, tmp_path) -> None:
    public = create_in_dialog(qtbot, window)
    window.reviewer_key_dialog.close()
    reviewer_keys.forget()  # as after a restart: the key is locked
    window.close_case()
    with Case.open(case_dir) as case:
        packet = export_packet(case, tmp_path / "for-rita", encrypt_to=[public])
    assert packet.name == "for-rita.edpacket.age"

    window.open_packet(packet)
    ask = window.reviewer_passphrase_dialog
    qtbot.waitExposed(ask)
    assert window.review is None
    qtbot.keyClicks(ask.passphrase, "not it at all")
    qtbot.mouseClick(ask.buttons.button(QDialogButtonBox.StandardButton.Open), Qt.MouseButton.LeftButton)
    assert ask.problem.text() == "Wrong passphrase; try again." and ask.isVisible()
    ask.passphrase.clear()
    qtbot.keyClicks(ask.passphrase, PASSPHRASE)
    qtbot.mouseClick(ask.buttons.button(QDialogButtonBox.StandardButton.Open), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.review is not None, timeout=30_000)
    assert window.case.read_only and window.review.report.ok
    assert "Review mode" in window.banner.text() and window.review.report.fingerprint in window.banner.text()
    assert [e.title for e in (window.events_model.event_at(r) for r in range(2))] == [
        "Dispatch order relayed", "Memo written"]
    assert sorted(p.name for p in tmp_path.iterdir() if "rita" in p.name) == ["for-rita.edpacket.age"]
    wait_idle(qtbot, window)


def test_export_dialog_encrypts_for_a_reviewer(qtbot, window, tmp_path) -> None:
    import pyrage

    from evidence_desk.core.packet.verify import verify_packet

    window.actions["export_packet"].trigger()
    dialog = window.export_dialog
    dialog.path.setText(str(tmp_path / "for-rita.zip"))
    qtbot.keyClicks(dialog.encrypt_to, "age1notakey")
    assert not dialog.ok_button.isEnabled() and "not a valid age X25519 public key" in dialog.problem.text()
    identity = pyrage.x25519.Identity.generate()
    dialog.encrypt_to.clear()
    qtbot.keyClicks(dialog.encrypt_to, str(identity.to_public()))
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.last_export is not None, timeout=30_000)
    wait_idle(qtbot, window)
    packet = tmp_path / "for-rita.edpacket.age"
    assert window.last_export == packet and sorted(p.name for p in tmp_path.iterdir()) == ["case", "for-rita.edpacket.age", "memo.txt"]
    entry = window.case.history.entries()[-2]
    assert entry.action == "sealed" and str(identity.to_public()) in str(entry.details)
    # the reviewer holding that identity opens it
    reviewer_keys._remember(reviewer_keys.ReviewerIdentity(str(identity.to_public()), None, str(identity)))
    assert verify_packet(packet).ok


def test_import_an_encrypted_packet_as_a_new_case(qtbot, window, tmp_path) -> None:
    public = create_in_dialog(qtbot, window)
    window.reviewer_key_dialog.close()
    reviewer_keys.forget()
    packet = export_packet(window.case, tmp_path / "for-rita", encrypt_to=[public])
    sent = {(i.name, i.sha256) for i in window.case.items.list()}
    window.actions["import_packet"].trigger()
    dialog = window.import_packet_dialog
    dialog.set_packet(packet)
    assert dialog.case_dir.text() == str(tmp_path / "for-rita (received)")
    dialog.released_by.setText("R. Courier")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    ask = window.reviewer_passphrase_dialog
    qtbot.waitExposed(ask)
    qtbot.keyClicks(ask.passphrase, PASSPHRASE)
    qtbot.mouseClick(ask.buttons.button(QDialogButtonBox.StandardButton.Open), Qt.MouseButton.LeftButton)
    received = tmp_path / "for-rita (received)"
    qtbot.waitUntil(lambda: window.case is not None and window.case.path == received, timeout=30_000)
    wait_idle(qtbot, window)
    assert {(i.name, i.sha256) for i in window.case.items.list()} == sent
