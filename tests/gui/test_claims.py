"""Claims & contradictions: every claim, its grade, and its evidence under the right stance."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from evidence_desk.core.case import Case
from evidence_desk.core.demo import build_demo
from evidence_desk.core.packet.export import export_packet
from evidence_desk.gui.main_window import MainWindow

from .conftest import wait_idle

RESPONDED = "CPD officers responded to the shooting scene"


@pytest.fixture(scope="module")
def demo_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo"
    build_demo(path).close()
    return path


@pytest.fixture
def demo_window(qtbot, demo_master: Path, tmp_path: Path):
    path = tmp_path / "demo"
    shutil.copytree(demo_master, path, ignore=shutil.ignore_patterns(".evidence-desk.lock"))
    win = MainWindow()
    qtbot.addWidget(win)
    assert win.open_case(path)
    win.show()
    qtbot.waitExposed(win)
    yield win
    if win.case is not None:
        wait_idle(qtbot, win)
        win.close()


def claim_rows(win: MainWindow) -> list[list[str]]:
    tree = win.claims_panel.claim_list
    return [[tree.topLevelItem(r).text(c) for c in range(tree.columnCount())]
            for r in range(tree.topLevelItemCount())]


def test_contested_claims_show_evidence_for_and_against(qtbot, demo_window: MainWindow) -> None:
    win = demo_window
    win.actions["reveal_claims"].trigger()
    assert win.middle_tabs.currentWidget() is win.claims_panel
    rows = claim_rows(win)
    by_text = {row[2]: row for row in rows}
    assert len(rows) == len(win.case.claims.list())
    assert by_text[RESPONDED][0] == "CONTESTED"
    assert by_text["CPD units were ordered not to respond to the federal agents' call for help"][0] == "CONTESTED"
    assert by_text["The agents were boxed in by ten vehicles"][0] == ""  # nothing contradicts it
    assert by_text[RESPONDED][1] == "3"

    panel = win.claims_panel
    claim = next(c for c in win.case.claims.list() if c.text == RESPONDED)
    panel.select_claim(claim.id)
    assert win.inspector.claim is not None and win.inspector.claim.id == claim.id  # its grade history shows
    assert any("Rests on CPD" in t for t in win.inspector.claim_details.grades.texts())
    supports = panel.stance_lists["supports"].texts()
    contradicts = panel.stance_lists["contradicts"].texts()
    mentions = panel.stance_lists["mentions"].texts()
    assert any(t.startswith("Statement · Chicago Police Department") and "did in fact respond" in t
               for t in supports)
    assert any("CPD officer (unnamed)" in t and "blocked in over here" in t for t in supports)
    assert any("memo" in t and "NO UNITS WILL RESPOND" in t for t in contradicts)
    assert any("Dispatcher (female, unnamed)" in t and "all units clear out" in t for t in contradicts)
    assert not any("did in fact respond" in t for t in contradicts)
    assert any(t.startswith("Item · news-article.txt · document") and "Note:" in t for t in mentions)
    assert "(2)" in panel.stance_headers["supports"].text() and "(2)" in panel.stance_headers["contradicts"].text()

    # a linked statement shows its full text in the inspector
    statement_row = next(r for r, t in enumerate(supports) if "did in fact respond" in t)
    panel.stance_lists["supports"].setCurrentRow(statement_row)
    assert win.inspector.statement is not None
    assert win.inspector.statement_details.text.toPlainText().startswith("did in fact respond")

    # a linked item is selected in the item list and the inspector, even if the event filter hid it
    article = next(i.id for i in win.case.items.list() if i.name == "news-article.txt")
    win.select_event_row(0)
    win.kind_filter.setCurrentIndex(win.kind_filter.findData("audio"))
    assert win.items_model.row_of(article) < 0
    lst = panel.stance_lists["mentions"]
    entry = lst.item(0)
    qtbot.mouseClick(lst.viewport(), Qt.MouseButton.LeftButton, pos=lst.visualItemRect(entry).center())
    assert win.inspector.item is not None and win.inspector.item.name == "news-article.txt"
    assert win.selected_item() is not None and win.selected_item().name == "news-article.txt"
    assert "All items" in win.items_title.text() and win.kind_filter.currentData() is None


def test_statements_and_open_requests_are_listed(qtbot, demo_window: MainWindow) -> None:
    win = demo_window
    win.actions["reveal_statements"].trigger()
    table = win.statements_panel.table
    texts = [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]
    assert len(texts) == len(win.case.statements.list())
    memo = next(row for row in texts if row[1] == "memo")
    assert "04-Oc5-2025/12:34:44" in memo[2]  # the raw time as the memo gave it, beside its reading
    assert memo[3] == "B2"
    table.selectRow(texts.index(memo))
    assert win.inspector.statement is not None and win.inspector.statement.medium == "memo"

    win.actions["reveal_requests"].trigger()
    requests = win.requests_panel.table
    titles = [requests.item(r, 0).text() for r in range(requests.rowCount())]
    assert "Body-worn camera video" in titles and "Dispatch / CAD logs" in titles
    assert all(requests.item(r, 4).text() == "open" for r in range(requests.rowCount()))


def test_claims_read_the_same_in_review_mode(qtbot, demo_window: MainWindow, tmp_path: Path) -> None:
    win = demo_window
    case_path = win.case.path
    win.close_case()
    with Case.open(case_path) as case:
        packet = export_packet(case, tmp_path / "demo-packet.zip", zip=True)
    win.open_packet(packet)
    qtbot.waitUntil(lambda: win.review is not None, timeout=30_000)
    assert not win.actions["grade"].isEnabled()
    assert win.actions["export_report"].isEnabled() and not win.actions["export_packet"].isEnabled()
    rows = {row[2]: row for row in claim_rows(win)}
    assert rows[RESPONDED][0] == "CONTESTED"
    claim = next(c for c in win.case.claims.list() if c.text == RESPONDED)
    win.claims_panel.select_claim(claim.id)
    assert any("NO UNITS WILL RESPOND" in t for t in win.claims_panel.stance_lists["contradicts"].texts())
