"""Backup of a 2,000-item case against ``cp -r`` of the same case folder, in one run.

Builds a case of ``--items`` small files (random bytes, 4–64 KiB), then times,
each as a whole process the way a user runs it:

- ``cp -r CASE COPY`` and ``cp -r`` followed by ``sync`` (the copy made durable);
- ``evidence-desk backup CASE DEST`` into an empty folder (full backup: the
  database by SQLite's online backup, every object copied and fsynced, then
  the copy verified: every object rehashed, the chain walked and replayed);
- after adding one item, ``evidence-desk backup CASE DEST`` into the same
  folder (incremental: one object copied; the database copied whole and the
  whole copy verified again).

Page cache warm (the case was just built). Prints seconds (median of
``--repeat``) and the ratios backup / cp. Usage:
``python bench/backup.py [--items 2000] [--repeat 3] [--dir DIR]``.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evidence_desk.core.case import Case  # noqa: E402

KiB = 1024


def build(case_dir: Path, incoming: Path, items: int, rng: random.Random) -> int:
    incoming.mkdir()
    total = 0
    with Case.create(case_dir, "backup benchmark", "bench") as case:
        for i in range(items):
            size = rng.randint(4 * KiB, 64 * KiB)
            path = incoming / f"item-{i:05d}.bin"
            path.write_bytes(os.urandom(size))
            total += size
            case.items.import_file(path)
    return total


def add_one(case_dir: Path, incoming: Path, n: int) -> None:
    path = incoming / f"later-{n}.bin"
    path.write_bytes(os.urandom(32 * KiB))
    with Case.open(case_dir) as case:
        case.items.import_file(path)


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.strip()}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", default=None)
    args = parser.parse_args(argv)
    env = {**os.environ, "EVIDENCE_DESK_EXAMINER": "bench", "PYTHONPATH": str(ROOT)}
    os.environ.setdefault("EVIDENCE_DESK_EXAMINER", "bench")
    work = Path(tempfile.mkdtemp(prefix="evidence-desk-backup-bench-", dir=args.dir))
    ed = [sys.executable, "-m", "evidence_desk"]
    try:
        case_dir, incoming = work / "case", work / "incoming"
        start = time.perf_counter()
        total = build(case_dir, incoming, args.items, random.Random(1))
        db_size = (case_dir / "case.sqlite").stat().st_size
        print(f"# {args.items} items, {total / KiB / KiB:.0f} MiB of objects, database {db_size / KiB / KiB:.1f} MiB; "
              f"built in {time.perf_counter() - start:.1f} s in {work}; warm page cache; median of {args.repeat}")
        cp, cp_sync, full, incr = [], [], [], []
        for n in range(args.repeat):
            target = work / f"cp-{n}"
            cp.append(timed(["cp", "-r", str(case_dir), str(target)], env))
            shutil.rmtree(target)
            start = time.perf_counter()
            subprocess.run(["cp", "-r", str(case_dir), str(target)], check=True)
            subprocess.run(["sync"], check=True)
            cp_sync.append(time.perf_counter() - start)
            shutil.rmtree(target)
            dest = work / f"backup-{n}"
            subprocess.run(["sync"], check=True)
            full.append(timed([*ed, "backup", str(case_dir), str(dest)], env))
            add_one(case_dir, incoming, n)
            subprocess.run(["sync"], check=True)
            incr.append(timed([*ed, "backup", str(case_dir), str(dest)], env))
            shutil.rmtree(dest)
        m = {name: statistics.median(v) for name, v in
             (("cp", cp), ("cp_sync", cp_sync), ("full", full), ("incr", incr))}
        print(f"cp -r                     {m['cp']:7.2f} s")
        print(f"cp -r + sync              {m['cp_sync']:7.2f} s")
        print(f"backup, full              {m['full']:7.2f} s   {m['full'] / m['cp']:5.2f}x cp -r   "
              f"{m['full'] / m['cp_sync']:5.2f}x cp -r + sync")
        print(f"backup, incremental (+1)  {m['incr']:7.2f} s   {m['incr'] / m['cp']:5.2f}x cp -r   "
              f"{m['incr'] / m['cp_sync']:5.2f}x cp -r + sync   {m['incr'] / m['full']:5.2f}x the full backup")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
