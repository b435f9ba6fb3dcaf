"""GUI tests: real widgets, offscreen, settings and logs in tmp folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence_desk.core.case import Case


@pytest.fixture(autouse=True)
def _private_settings(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path_factory.mktemp("settings")
    monkeypatch.setenv("EVIDENCE_DESK_SETTINGS_DIR", str(folder))
    monkeypatch.setenv("EVIDENCE_DESK_LOG_DIR", str(folder / "logs"))
    monkeypatch.setenv("EVIDENCE_DESK_NO_CRASH_DIALOG", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder / "cache"))  # review packet cache
    monkeypatch.setenv("XDG_DATA_HOME", str(folder / "data"))  # reviewer key, demo case
    return folder


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    """A small real case: two events, one imported memo on the first."""
    path = tmp_path / "case"
    with Case.create(path, "Stand-down inquiry", "Test Examiner", tz="America/Chicago") as case:
        first = case.events.add("Dispatch order relayed", when="2025-10-04 12:34:44", place="OEMC dispatch")
        case.events.add("Memo written", when="04-Oc5-2025/12:34:44")
        memo = tmp_path / "memo.txt"
        memo.write_text("Per chief of patrol: clear everybody out.\n", "utf-8")
        case.items.import_file(memo, event_ids=[first.id], source="OEMC", description="dispatcher memo",
                         acquired_from="OEMC records clerk", method="handed over on USB")
    return path


@pytest.fixture
def window(qtbot, case_dir: Path):
    from evidence_desk.gui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    assert win.open_case(case_dir)
    win.show()
    qtbot.waitExposed(win)
    yield win
    if win.case is not None:
        qtbot.waitUntil(lambda: not win.runner.busy, timeout=10_000)
        win.inspector.details.dirty = False
        win.close()


def wait_idle(qtbot, win) -> None:
    qtbot.waitUntil(lambda: not win.runner.busy, timeout=15_000)
    qtbot.wait(20)  # let the queued result slots run
