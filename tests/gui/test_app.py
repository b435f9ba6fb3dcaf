"""The app as a user starts it: headless screenshot, lazy paging, crash handling."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage


def test_screenshot_command_renders_the_case(case_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "shot.png"
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    done = subprocess.run([sys.executable, "-m", "evidence_desk", "gui", str(case_dir), "--screenshot", str(out)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    image = QImage(str(out))
    assert image.width() >= 1000 and image.height() >= 600


def test_items_are_fetched_a_page_at_a_time(qtbot, tmp_path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from gui_open import build_large_case

    from evidence_desk.gui.main_window import MainWindow

    build_large_case(tmp_path / "big", items=450, events=30, objects=5)
    win = MainWindow()
    qtbot.addWidget(win)
    win.open_case(tmp_path / "big")
    win.show()
    win.show_all_items()
    assert win.items_model.total == 450
    assert win.items_model.rowCount() == 200  # only the first page
    win.items_view.scrollToBottom()
    qtbot.waitUntil(lambda: win.items_model.rowCount() == 400)
    win.items_view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    last_name = max((i.name for i in win.case.items.list()), key=str.lower)
    assert win.items_model.item_at(0).name == last_name  # sorted in SQL over all rows, not the loaded page
    win.search.setText("item-00012")
    qtbot.waitUntil(lambda: win.items_model.total == 10)
    win.close()


@pytest.mark.allow_warning_logs  # the crash handler logs the traceback at ERROR, as it should
def test_an_exception_in_a_slot_is_reported_and_logged(qtbot, window, _private_settings: Path) -> None:
    from PySide6.QtCore import QTimer

    window.crash.install()
    try:
        def broken() -> None:
            raise RuntimeError("simulated bug")

        QTimer.singleShot(0, broken)
        qtbot.waitUntil(lambda: bool(window.crash.reports), timeout=5000)
    finally:
        sys.excepthook = sys.__excepthook__
    assert "simulated bug" in window.crash.reports[0]
    log = (_private_settings / "logs" / "crash.log").read_text("utf-8")
    assert "RuntimeError: simulated bug" in log
    assert window.isVisible()


def test_installed_pyside_keeps_references_to_none_and_true(qtbot, window) -> None:
    """PySide6 6.12.0 on Python 3.11 drops a reference to None on every void call
    and to True on every emit, so a long session aborts the interpreter
    ("deallocating None"). pyproject pins PySide6 below 6.12; this fails if a
    leaking build comes back."""
    import sys

    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for n in range(200):
        window.items_title.setText(f"{n}")
        window.runner.idle_changed.emit(True)
    assert none_before - sys.getrefcount(None) < 20
    assert true_before - sys.getrefcount(True) < 20
    assert window.isVisible()
