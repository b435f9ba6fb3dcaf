"""Every exception that escapes into Qt reaches the crash handler: a slot, a
lambda connected to a signal, a Qt virtual override, a thread-pool runnable,
a Python thread. Each is logged to crash.log; only one dialog is open at once."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QWidget

from evidence_desk.gui.crash import CrashHandler

pytestmark = [pytest.mark.allow_warning_logs,  # the handler logs each traceback at ERROR, as it should
              pytest.mark.qt_no_exception_capture]  # here the crash handler, not pytest-qt, receives them


@pytest.fixture
def crash(qtbot):
    handler = CrashHandler()
    hooks = sys.excepthook, threading.excepthook
    handler.install()
    yield handler
    sys.excepthook, threading.excepthook = hooks
    if handler.dialog is not None:
        handler.dialog.close()


def crash_log(settings_dir: Path) -> str:
    return (settings_dir / "logs" / "crash.log").read_text("utf-8")


class Emitter(QObject):
    fired = Signal("qint64")


def test_install_makes_it_the_hook_for_python_and_threads(crash) -> None:
    assert sys.excepthook == crash._excepthook
    assert threading.excepthook == crash._thread_excepthook


def test_a_slot_connected_to_a_signal(qtbot, crash, _private_settings: Path) -> None:
    emitter = Emitter()

    def slot(ms: int) -> None:
        raise OverflowError(f"slot given {ms}")

    emitter.fired.connect(slot)
    emitter.fired.emit(2**40)
    qtbot.waitUntil(lambda: bool(crash.reports), timeout=5000)
    assert crash.reports == [f"OverflowError: slot given {2**40}"]
    assert f"OverflowError: slot given {2**40}" in crash_log(_private_settings)


def test_a_timer_callback_and_a_lambda(qtbot, crash, _private_settings: Path) -> None:
    emitter = Emitter()
    emitter.fired.connect(lambda ms: [][ms])
    QTimer.singleShot(0, lambda: emitter.fired.emit(3))
    qtbot.waitUntil(lambda: bool(crash.reports), timeout=5000)
    assert crash.reports[0].startswith("IndexError")
    assert "IndexError" in crash_log(_private_settings)


def test_a_qt_virtual_override(qtbot, crash, _private_settings: Path) -> None:
    class Broken(QWidget):
        def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
            raise ZeroDivisionError("painting failed")

    widget = Broken()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: bool(crash.reports), timeout=5000)
    assert crash.reports[0] == "ZeroDivisionError: painting failed"
    assert widget.isVisible()


def test_a_thread_pool_runnable_and_a_python_thread(qtbot, crash, _private_settings: Path) -> None:
    class Job(QRunnable):
        def run(self) -> None:
            raise KeyError("in the pool")

    QThreadPool.globalInstance().start(Job())

    def worker() -> None:
        raise LookupError("in a thread")

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: len(crash.reports) == 2, timeout=5000)
    assert sorted(crash.reports) == ["KeyError: 'in the pool'", "LookupError: in a thread"]


def test_a_repeating_error_opens_one_dialog(qtbot, crash, monkeypatch, _private_settings: Path) -> None:
    monkeypatch.setenv("EVIDENCE_DESK_NO_CRASH_DIALOG", "0")
    for n in range(3):
        QTimer.singleShot(0, lambda n=n: (_ for _ in ()).throw(RuntimeError(f"again {n}")))
    qtbot.waitUntil(lambda: len(crash.reports) == 3, timeout=5000)
    assert crash.dialog is not None and crash.dialog.isVisible()
    assert "RuntimeError: again 0" in crash.dialog.informativeText()
    assert "again 2" in crash.dialog.detailedText()  # the later ones are added to it
    assert crash_log(_private_settings).count("RuntimeError: again") == 3
