"""Crash safety: an import killed with SIGKILL at any moment leaves a case that
opens, verifies intact and lists no partial item; the next open cleans up."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from evidence_desk.core.case import Case
from evidence_desk.core.verify import verify

ROOT = Path(__file__).resolve().parents[2]
VICTIM = ROOT / "tests" / "data" / "kill_import.py"
KILLS = 24


def start_victim(case_dir: Path, files: list[Path], *extra: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, str(VICTIM), str(case_dir), *map(str, files), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    line = proc.stdout.readline().strip()
    if line != "ready":
        proc.kill()
        raise AssertionError(f"the victim did not start: {line!r} {proc.stderr.read()}")
    return proc


def leftovers(case_dir: Path) -> dict[str, list[str]]:
    vault = case_dir / "vault"
    return {
        "tmp": sorted(p.name for p in (vault / "tmp").iterdir()),
        "pending": sorted(p.name for p in (vault / "pending").iterdir()),
        "case folder temporaries": sorted(p.name for p in case_dir.iterdir() if p.name.endswith(".tmp")),
    }


def assert_whole(case_dir: Path, context: str) -> int:
    """Open (which recovers), then check the case as a reviewer would."""
    with Case.open(case_dir) as case:
        items = case.items.list()
        acquired = {e.item_id for e in case.history.entries() if e.action == "acquired"}
        for item in items:
            assert item.id in acquired, f"{context}: item {item.id} has no acquisition entry"
            assert case.items.object_path(item.id).stat().st_size == item.size, f"{context}: partial item {item.id}"
    report = verify(case_dir)
    assert report.ok, f"{context}: " + "; ".join(str(f) for f in report.failures)
    assert leftovers(case_dir) == {"tmp": [], "pending": [], "case folder temporaries": []}, context
    return len(items)


@pytest.fixture
def evidence(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "incoming"
    folder.mkdir()
    files = []
    for i, size in enumerate([200, 3_000, 40_000, 1_500_000, 700, 3_000_000, 90_000, 2_000_000]):
        path = folder / f"evidence-{i}.bin"
        path.write_bytes(os.urandom(size))
        files.append(path)
    return files


@pytest.mark.slow
def test_import_killed_at_random_moments_leaves_a_whole_case(tmp_path: Path, evidence: list[Path]) -> None:
    case_dir = tmp_path / "case"
    Case.create(case_dir, "Crash test", "Ann Examiner").close()
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    found_after_kill: dict[str, int] = {"tmp": 0, "pending": 0, "case folder temporaries": 0}
    counts = [0]
    for kill in range(KILLS):
        proc = start_victim(case_dir, evidence)
        time.sleep(rng.uniform(0.0, 0.3))
        proc.kill()
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()
        for kind, names in leftovers(case_dir).items():
            found_after_kill[kind] += bool(names)
        counts.append(assert_whole(case_dir, f"after kill {kill + 1} (seed {seed})"))
        assert counts[-1] >= counts[-2], "a committed item disappeared"
    assert counts[-1] > 0, "no import ever completed: the kills came too early to test anything"
    print(f"{KILLS} kills, {counts[-1]} items kept, kills that left something to clean: {found_after_kill}")


def test_a_kill_in_the_middle_of_a_copy_leaves_a_temporary_that_the_next_open_removes(
        tmp_path: Path, evidence: list[Path]) -> None:
    case_dir = tmp_path / "case"
    Case.create(case_dir, "Crash test", "Ann Examiner").close()
    proc = start_victim(case_dir, [evidence[5]], "--stall", "copy")
    assert proc.stdout.readline().strip() == "stalled"
    proc.kill()
    proc.wait()
    assert len(leftovers(case_dir)["tmp"]) == 1
    assert assert_whole(case_dir, "after a kill mid-copy") == 0


def test_a_kill_between_placing_an_object_and_committing_removes_the_object_at_the_next_open(
        tmp_path: Path, evidence: list[Path]) -> None:
    case_dir = tmp_path / "case"
    Case.create(case_dir, "Crash test", "Ann Examiner").close()
    proc = start_victim(case_dir, [evidence[3]], "--stall", "commit")
    assert proc.stdout.readline().strip() == "stalled"
    proc.kill()
    proc.wait()
    assert len(leftovers(case_dir)["pending"]) == 1
    assert [p for p in (case_dir / "vault" / "objects").rglob("*") if p.is_file()], "the object was placed"
    assert assert_whole(case_dir, "after a kill before commit") == 0
    assert not [p for p in (case_dir / "vault" / "objects").rglob("*") if p.is_file()]
