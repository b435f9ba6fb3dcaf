"""The case lock (Qt-free): one writer, the second opener learns who holds it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from evidence_desk.core import lock as case_lock


def test_second_process_sees_the_holder_until_release(tmp_path: Path) -> None:
    held = case_lock.acquire(tmp_path)
    assert isinstance(held, case_lock.CaseLock)
    probe = ("import sys; from evidence_desk.core import lock; h = lock.holder(sys.argv[1]); "
             "print(h.pid if h else 'free')")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    out = subprocess.run([sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True, env=env,
                         check=True).stdout.strip()
    assert out == str(os.getpid())
    held.release()
    out = subprocess.run([sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True, env=env,
                         check=True).stdout.strip()
    assert out == "free"
