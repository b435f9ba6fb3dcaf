"""Reviewer judgements from packet to sender, through the real window: the reviewer marks an
item, a grade and a claim, signs the notes; altered notes are refused; the sender imports the
genuine ones and sees them beside records that have not changed; custody shows the receipt."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from evidence_desk.cli import main
from evidence_desk.core.case import Case
from evidence_desk.core.packet.export import export_packet
from evidence_desk.core.packet.review import verify_review_notes
from evidence_desk.gui import settings
from evidence_desk.gui.judgements import JudgementDialog
from evidence_desk.gui.main_window import MainWindow
from evidence_desk.gui.models import ITEM_COLUMNS

from .conftest import wait_idle

REVIEW = next(c for c, (key, _title) in enumerate(ITEM_COLUMNS) if key == "review")
SENDER_TABLES = ("source", "event", "item", "item_event", "statement", "statement_event", "claim", "claim_link",
                 "annotation", "request", "request_item", "grade", "journal", "metadata_change")


@pytest.fixture
def sender(case_dir: Path) -> dict:
    """The small case, with a grade, a statement and a claim the memo supports."""
    with Case.open(case_dir) as case:
        memo = case.items.list()[0]
        grade = case.grades.add("item", memo.id, "matches the radio traffic", credibility="2")
        case.statements.add("CPD News Affairs", "press release", "Officers did respond.", event_ids=[1])
        claim = case.claims.add("CPD units were told not to respond")
        case.claims.link(claim.id, "supports", item_id=memo.id, note="the memo says so")
    return {"memo": memo.id, "grade": grade.id, "claim": claim.id}


def _snapshot(case_dir: Path) -> dict:
    with Case.open(case_dir, read_only=True) as case:
        return {t: case.table_rows(t) for t in SENDER_TABLES}


def _focus(qtbot, win: MainWindow) -> None:
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)


def _judge(qtbot, win: MainWindow, target_row: int, verdict: str, note: str) -> None:
    qtbot.waitUntil(lambda: isinstance(win.judgement_dialog, JudgementDialog) and win.judgement_dialog.isVisible())
    dialog: JudgementDialog = win.judgement_dialog
    dialog.target.setCurrentIndex(target_row)
    assert not dialog.ok_button.isEnabled(), "OK waits for a verdict"
    button = dialog.buttons_by_verdict[verdict]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))  # on its circle
    assert button.isChecked()
    if verdict != "accepted":
        assert not dialog.ok_button.isEnabled() and "note" in dialog.problem.text(), "a dispute needs its reason"
    dialog.note.setFocus()
    qtbot.keyClicks(dialog.note, note)
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_judgements_travel_from_the_reviewer_to_the_sender(qtbot, window: MainWindow, sender: dict,
                                                           case_dir: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    win = window
    with Case.open(case_dir) as case:
        packet = export_packet(case, tmp_path / "packet.zip", zip=True)
    before = _snapshot(case_dir)
    win.close_case()

    # --- the reviewer -------------------------------------------------------------------
    monkeypatch.setattr(settings, "examiner", lambda: "Rita Review")
    win.open_packet(packet)
    qtbot.waitUntil(lambda: win.review is not None, timeout=30_000)
    assert win.actions["judge"].isEnabled()
    assert win.items_view.isColumnHidden(REVIEW), "no Review column before anything is judged"
    win.show_all_items()
    win.select_item_row(win.items_model.row_of(sender["memo"]))

    # the item, from the item list's context menu
    rect = win.items_view.visualRect(win.items_model.index(win.items_model.row_of(sender["memo"]), 1))
    win.items_view.customContextMenuRequested.emit(rect.center())
    judge = next(a for a in win.last_menu.actions() if a.text().replace("&", "") == "Review Judgement…")
    win.last_menu.close()
    judge.trigger()
    _judge(qtbot, win, 0, "disputed", "The memo's time reads 04-Oc5-2025: which day?")
    row = win.items_model.row_of(sender["memo"])
    assert not win.items_view.isColumnHidden(REVIEW)
    assert win.items_model.index(row, REVIEW).data() == "✗ disputed"
    assert "which day?" in win.items_model.index(row, REVIEW).data(Qt.ItemDataRole.ToolTipRole)
    assert win.inspector.review_line.isVisible()
    assert "this item: disputed" in win.inspector.review_line.text()

    # the item's grade, from the same dialog (Ctrl+Shift+J), chosen in its list of targets
    _focus(qtbot, win)
    win.items_view.setFocus()
    qtbot.keyClick(win.items_view, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: win.judgement_dialog.isVisible())
    grade_row = next(i for i in range(win.judgement_dialog.target.count())
                     if win.judgement_dialog.target.itemData(i).target_type == "grade")
    assert "Judged before: disputed — “The memo" in win.judgement_dialog.current.text()
    _judge(qtbot, win, grade_row, "accepted", "")
    assert f"grade credibility 2 (#{sender['grade']}): accepted" in win.inspector.review_line.text()

    # the claim, from the claims list's context menu
    win.reveal_tab(win.claims_panel)
    claims = win.claims_panel.claim_list
    claims.setCurrentItem(claims.topLevelItem(0))
    win._record_menu(claims, QPoint(5, 5))
    judge = next(a for a in win.last_menu.actions() if a.text().replace("&", "") == "Review Judgement…")
    win.last_menu.close()
    judge.trigger()
    assert win.judgement_dialog.target.itemData(0).target_type == "claim"
    _judge(qtbot, win, 0, "needs_info", "Ask OEMC for the CAD log of that minute.")
    assert claims.topLevelItem(0).text(0) == "? needs info"
    assert "CAD log" in claims.topLevelItem(0).toolTip(0)
    assert "this claim: needs more information — “Ask OEMC" in win.inspector.review_line.text()

    # the statement, from the statements table's context menu
    win.reveal_tab(win.statements_panel)
    table = win.statements_panel.table
    table.selectRow(0)
    win._record_menu(table, QPoint(5, 5))
    judge = next(a for a in win.last_menu.actions() if a.text().replace("&", "") == "Review Judgement…")
    win.last_menu.close()
    judge.trigger()
    assert win.judgement_dialog.target.itemData(0).target_type == "statement"
    _judge(qtbot, win, 0, "accepted", "")
    assert table.item(0, 3).text().endswith("✓ accepted")

    signed = win.export_review_notes(str(tmp_path / "notes.json"))
    check = verify_review_notes(signed)
    assert check.ok and check.judgements == 4 and check.reviewer == "Rita Review", check.message
    monkeypatch.undo()

    # --- altered notes are refused, by the command line and by the window ----------------
    altered = tmp_path / "altered.json"
    document = json.loads(signed.read_text("utf-8"))
    document["signed"]["judgements"][0]["verdict"] = "accepted"
    altered.write_text(json.dumps(document), "utf-8")
    win.close_case()
    assert main(["import-notes", str(case_dir), str(altered)]) == 1

    # --- the sender -------------------------------------------------------------------
    assert win.open_case(case_dir)
    assert win.items_view.isColumnHidden(REVIEW)
    win.import_notes(altered)
    wait_idle(qtbot, win)
    assert any("signature does not match" in shown for shown in win.errors.shown)
    assert win.case.feedback.list() == []

    win.import_notes(signed)
    wait_idle(qtbot, win)
    assert win.last_feedback.received == 4 and win.last_feedback.reviewer == "Rita Review"
    assert "4 judgement(s) received" in win.statusBar().currentMessage()
    win.show_all_items()
    row = win.items_model.row_of(sender["memo"])
    assert not win.items_view.isColumnHidden(REVIEW)
    assert win.items_model.index(row, REVIEW).data() == "✗ disputed"
    assert "Reviewer feedback received (Rita Review" in win.items_model.index(row, REVIEW).data(
        Qt.ItemDataRole.ToolTipRole)
    win.select_item_row(row)
    line = win.inspector.review_line
    assert line.isVisible() and line.text().startswith("Reviewer feedback (Rita Review):")
    assert "this item: disputed — “The memo's time reads 04-Oc5-2025: which day?”" in line.text()
    assert f"grade credibility 2 (#{sender['grade']}): accepted" in line.text()
    win.reveal_tab(win.claims_panel)
    assert win.claims_panel.claim_list.topLevelItem(0).text(0) == "? needs info"
    assert win.statements_panel.table.item(0, 3).text().endswith("✓ accepted")
    assert "Reviewer feedback received" in win.statements_panel.table.item(0, 3).toolTip()

    # the sender's own records are exactly as they were; custody shows the receipt
    assert _snapshot(case_dir) == before
    receipt = [e for e in win.case.history.entries() if e.action == "feedback_received"]
    assert len(receipt) == 1 and receipt[0].released_by == "Rita Review"
    wait_idle(qtbot, win)
    win.close_case()
    from evidence_desk.core.verify import verify

    assert verify(case_dir).ok
    assert main(["list", str(case_dir), "custody"]) == 0
