"""File > Open Review Packet: a verified packet opens read-only, notes go beside it."""

from __future__ import annotations

import json
from pathlib import Path

from evidence_desk.core.case import Case
from evidence_desk.core.packet.export import export_packet
from evidence_desk.core.packet.review import verify_review_notes

from .conftest import wait_idle


def test_a_packet_opens_for_review_with_notes_beside_it(qtbot, window, case_dir: Path, tmp_path: Path) -> None:
    window.close_case()
    with Case.open(case_dir) as case:
        packet = export_packet(case, tmp_path / "packet.zip", zip=True)

    window.open_packet(packet)
    qtbot.waitUntil(lambda: window.review is not None, timeout=30_000)
    assert window.case.read_only
    assert "Review mode" in window.banner.text() and window.review.report.fingerprint in window.banner.text()
    assert not window.actions["import"].isEnabled() and not window.actions["save_item"].isEnabled()
    assert window.actions["add_note"].isEnabled()
    assert [e.title for e in (window.events_model.event_at(r) for r in range(2))] == [
        "Dispatch order relayed", "Memo written"]

    window.select_event_row(0)
    window.journal.entry.setPlainText("The order's wording matches the memo; ask for the CAD log.")
    window.journal.submit()
    notes_file = packet.with_name(packet.name + ".review-notes.jsonl")
    assert json.loads(notes_file.read_text().splitlines()[0])["text"].startswith("The order's wording")
    assert "(review note)" in window.journal.notes.item(0).text() or "(review note)" in \
        window.journal.notes.item(window.journal.notes.count() - 1).text()

    signed = window.export_review_notes(str(tmp_path / "notes.json"))
    assert verify_review_notes(signed).ok
    wait_idle(qtbot, window)


def test_review_mode_status_bar_agrees_with_its_banner(qtbot, window, case_dir: Path, tmp_path: Path) -> None:
    window.close_case()
    with Case.open(case_dir) as case:
        packet = export_packet(case, tmp_path / "packet.zip", zip=True)
    window.open_packet(packet)
    qtbot.waitUntil(lambda: window.review is not None, timeout=30_000)
    assert "verified" in window.banner.text()
    status = window.status_verify.text()
    assert status.startswith("Packet verified on opening: intact") and "Not verified" not in status
    assert window.review.report.fingerprint in window.status_verify.toolTip()

    # Verify, while reviewing, checks the packet again and says so; this computer's record of the
    # sender's case (same case id) is untouched
    window.actions["verify"].trigger()
    qtbot.waitUntil(lambda: window.packet_check_dialog is not None, timeout=30_000)
    wait_idle(qtbot, window)
    assert window.packet_check_dialog.report.ok
    window.packet_check_dialog.close()
    assert window.status_verify.text().startswith("Packet verified again: intact")
    assert window.verify_dialog is None
    assert window.open_case(case_dir)
    assert window.status_verify.text() == "Not verified on this computer"
