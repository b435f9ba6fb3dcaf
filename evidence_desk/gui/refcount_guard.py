"""Keep the app alive on a PySide6 that drops references to None/True/False.

PySide6 6.12.0 on CPython 3.11 releases a reference to ``None`` on every
call of a void method from Python (``setText``, ``processEvents``, …) and
one to ``True`` on every ``Signal.emit()``. Before 3.12 these objects are
not immortal, so after a few thousand calls the interpreter aborts with
"deallocating None". Pin PySide6 below 6.12 (or run Python 3.12+) to be rid
of it; until then, :func:`install` measures whether the running PySide6 has
the fault and, if so, holds a large reserve of references to the three
singletons and tops it up a few times a second. Extra references to these
objects cost nothing: they are never freed anyway.
"""

from __future__ import annotations

import logging
import sys

log = logging.getLogger("evidence_desk.gui.refcount")

RESERVE = 2_000_000  # references held per singleton: far more than any burst between top-ups
TOP_UP_MS = 250

_reserve: dict[int, list[object]] = {}
_baseline: dict[int, int] = {}
_timer = None


def _drops_none() -> bool:
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(16):
        probe.setObjectName("probe")
    return before - sys.getrefcount(None) >= 16


def top_up() -> None:
    """Restore each singleton's reference count to where the reserve put it."""
    for value in (None, True, False):
        lost = _baseline[id(value)] - sys.getrefcount(value)
        if lost > 0:
            _reserve[id(value)].extend([value] * lost)


def install() -> bool:
    """Start guarding if this PySide6 needs it; return whether it does. Idempotent."""
    global _timer
    if _timer is not None:
        return True
    if sys.version_info >= (3, 12) or not _drops_none():
        return False
    import ctypes

    from PySide6.QtCore import QCoreApplication, QTimer

    for value in (None, True, False):
        reserve = [value] * RESERVE
        # never freed, not even at interpreter exit: freeing it would hand back
        # references PySide6 already took, and abort the exit
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(reserve))
        _reserve[id(value)] = reserve
        _baseline[id(value)] = sys.getrefcount(value)
    _timer = QTimer(QCoreApplication.instance())
    _timer.setInterval(TOP_UP_MS)
    _timer.timeout.connect(top_up)
    _timer.start()
    log.info("this PySide6 drops references to None/True/False; guarding (pin PySide6 < 6.12 to avoid it)")
    return True
