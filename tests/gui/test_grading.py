"""Grade… : the Admiralty scales spelled out, a required rationale, written and custody-logged."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt

from evidence_desk.gui.main_window import MainWindow

from .conftest import wait_idle


def _choose(qtbot, button) -> None:
    # on the indicator: a radio button stretched across its group only reacts on its box and label
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))
    assert button.isChecked()


def _ok(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def test_grading_an_item_and_its_source_through_the_dialog(qtbot, window: MainWindow, case_dir: Path) -> None:
    win = window
    win.show_all_items()
    win.select_item_row(0)
    item = win.selected_item()
    assert item is not None and item.grade == ""
    win.actions["grade"].trigger()
    dialog = win.grade_dialog
    assert dialog is not None and dialog.isVisible()
    texts = [b.text() for b in dialog.reliability_buttons.values()] + \
        [b.text() for b in dialog.credibility_buttons.values()]
    assert "A — completely reliable" in texts and "F — reliability cannot be judged" in texts
    assert "1 — confirmed by other sources" in texts and "6 — truth cannot be judged" in texts

    # a choice without its rationale is refused, with a message, and nothing is written
    _choose(qtbot, dialog.credibility_buttons["2"])
    _ok(qtbot, dialog)
    assert dialog.isVisible() and "rationale" in dialog.problem.text()
    assert win.case.grades.list("item", item.id) == []

    _choose(qtbot, dialog.reliability_buttons["B"])
    qtbot.keyClicks(dialog.rationale, "Matches the dispatch audio word for word")
    _ok(qtbot, dialog)
    wait_idle(qtbot, win)
    assert not dialog.isVisible()

    grade = win.case.grades.list("item", item.id)[-1]
    assert (grade.credibility, grade.rationale) == ("2", "Matches the dispatch audio word for word")
    source_grade = win.case.grades.list("source", item.source_id)[-1]
    assert source_grade.reliability == "B" and source_grade.rationale == grade.rationale
    entry = win.case.history.entries(item_id=item.id)[-1]
    assert entry.action == "graded" and entry.details_dict["rationale"] == grade.rationale
    # the list's Grade column and the inspector show it at once
    row = win.items_model.row_of(item.id)
    assert win.items_model.index(row, 3).data() == "B2"
    assert any("Matches the dispatch audio" in t for t in
               (win.inspector.grades.item(r, 2).text() for r in range(win.inspector.grades.rowCount())))

    # the dialog shows the history it is about to extend
    win.actions["grade"].trigger()
    history = win.grade_dialog.history.texts()
    assert any("credibility 2 (probably true)" in t and "[current]" in t for t in history)
    win.grade_dialog.reject()


def test_grading_a_claim_from_the_claims_panel(qtbot, window: MainWindow) -> None:
    win = window
    case = win.writer
    statement = case.statements.add("Chief of patrol", "radio", "Clear everybody out.")
    claim = case.claims.add("Units were told to stay away")
    case.claims.link(claim.id, "supports", statement_id=statement.id, note="the order itself")
    win.claims_panel.reload()
    win.statements_panel.reload()
    win.actions["reveal_claims"].trigger()
    win.claims_panel.select_claim(claim.id)
    assert win.inspector.claim is not None
    win.actions["grade"].trigger()
    dialog = win.grade_dialog
    assert not dialog.reliability_buttons["A"].isEnabled()  # a claim has no single source
    _choose(qtbot, dialog.credibility_buttons["3"])
    qtbot.keyClicks(dialog.rationale, "One radio voice; no log yet")
    _ok(qtbot, dialog)
    wait_idle(qtbot, win)
    assert case.claims.get(claim.id).credibility == "3"
    row = next(r for r in range(win.claims_panel.claim_list.topLevelItemCount())
               if win.claims_panel.claim_list.topLevelItem(r).text(2) == claim.text)
    assert win.claims_panel.claim_list.topLevelItem(row).text(1) == "3"
    assert case.history.entries(target_type="claim", target_id=claim.id)[-1].action == "graded"


def _journal_jump_to(qtbot, win: MainWindow, item_id: int) -> None:
    """Double-click the journal note about ``item_id``: the inspector shows that item, whatever the tab."""
    notes = win.journal.notes
    row = next(r for r in range(notes.count()) if notes.item(r).data(Qt.ItemDataRole.UserRole).item_id == item_id)
    notes.itemDoubleClicked.emit(notes.item(row))
    assert win.inspector.item is not None and win.inspector.item.id == item_id


def test_grade_takes_what_the_current_tab_has_selected(qtbot, window: MainWindow, tmp_path: Path) -> None:
    win = window
    case = win.writer
    other = tmp_path / "other.txt"
    other.write_text("another record\n", "utf-8")
    second = case.items.import_file(other)
    case.journal.add("see the second file", item_id=second.id)
    claim = case.claims.add("Units were told to stay away")
    for panel in (win.claims_panel, win.statements_panel):
        panel.reload()
    win._refresh_journal()
    win.show_all_items()
    first = next(i for i in win.case.items.list() if i.id != second.id)

    # the Items tab: the highlighted row, even when the journal put another item in the inspector
    win.reveal_items()
    win.select_item_row(win.items_model.row_of(first.id))
    _journal_jump_to(qtbot, win, second.id)
    assert win.grade_subject().id == first.id
    win.actions["grade"].trigger()
    assert win.grade_dialog.target.kind == "item" and win.grade_dialog.target.id == first.id
    win.grade_dialog.reject()

    # the Claims tab: the highlighted claim, not the item the inspector was made to show
    win.actions["reveal_claims"].trigger()
    win.claims_panel.select_claim(claim.id)
    _journal_jump_to(qtbot, win, second.id)
    win.actions["grade"].trigger()
    assert (win.grade_dialog.target.kind, win.grade_dialog.target.id) == ("claim", claim.id)
    win.grade_dialog.reject()

    # an event chosen on the timeline does not make Grade reach into the hidden Items tab
    win.select_event_row(0)
    assert (win.grade_subject().id, type(win.grade_subject()).__name__) == (claim.id, "Claim")

    # the Requests tab has nothing to grade: Grade says so rather than grading something hidden
    win.actions["reveal_requests"].trigger()
    assert win.grade_subject() is None
    win.actions["grade"].trigger()
    assert "Select an item" in win.statusBar().currentMessage()
