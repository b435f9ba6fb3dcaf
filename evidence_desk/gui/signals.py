"""Emitting Qt signals from Python, safely on every PySide6 we may meet.

PySide6 6.12.0 on CPython 3.11 drops one reference to ``True`` on every
Python-side ``Signal.emit()`` (``emit`` returns ``True`` without owning
it). Before 3.12, ``True`` is not immortal, so a few hundred emits later the
interpreter aborts with "deallocating True". :func:`emit` measures once
whether the running PySide6 has the fault and, if so, gives the reference
back by keeping one more ``True`` per emit (8 bytes each). Every signal our
GUI code emits goes through here.
"""

from __future__ import annotations

import sys
import threading
from typing import Any

_balance: list[bool] = []
_leaks: bool | None = None
_probe_lock = threading.Lock()


def _emit_drops_true() -> bool:
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        ping = Signal()

    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(8):
        probe.ping.emit()
    dropped = before - sys.getrefcount(True)
    _balance.extend([True] * max(0, dropped))  # give back what the probe itself took
    return dropped >= 8


def emit(signal: Any, *args: Any) -> None:
    """``signal.emit(*args)``, compensating PySide6's lost reference to True."""
    global _leaks
    if _leaks is None:
        with _probe_lock:
            if _leaks is None:
                _leaks = _emit_drops_true()
    signal.emit(*args)
    if _leaks:
        _balance.append(True)
