"""Verify on a case of many items against the floor: hashing the same files.

Builds a case of ``--items`` files (sizes spread from a few bytes to
``--max-size``), each with a few custody entries, then times in one run:

- ``hashlib.file_digest`` over every vault object (the floor for rehashing);
- ``verify`` (rehash every object, walk the custody chain, replay each item's
  record against the chain);
- the chain walk alone (``custody.check_chain`` on the rows).

Prints seconds, throughput and ratios. Usage:
``python bench/verify.py [--items 2000] [--max-size 2M] [--dir DIR]``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from intake import MiB, evict, parse_size  # noqa: E402

from evidence_desk.core import custody  # noqa: E402
from evidence_desk.core.case import Case  # noqa: E402
from evidence_desk.core.verify import verify  # noqa: E402


def build(case_dir: Path, incoming: Path, items: int, max_size: int, rng: random.Random) -> int:
    incoming.mkdir()
    total = 0
    with Case.create(case_dir, "verify benchmark", "bench") as case:
        event = case.events.add("Incident", when="2025-10-04 12:34")
        for i in range(items):
            size = int(max_size ** rng.random())  # log-uniform: many small, a few large
            path = incoming / f"item-{i:05d}.bin"
            path.write_bytes(os.urandom(size))
            total += size
            item = case.items.import_file(path, event_ids=[event.id], source=f"source {i % 17}")
            if i % 3 == 0:
                case.items.edit(item.id, reason="bench", description=f"item {i}")
            if i % 5 == 0:
                case.history.record_transfer([item.id], released_by="bench", received_by="lab", purpose="bench")
    return total


def cold(case_dir: Path) -> list[Path]:
    objects = sorted(p for p in (case_dir / "vault" / "objects").rglob("*") if p.is_file())
    for p in objects:
        evict(p)
    return objects


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--max-size", default="2M")
    parser.add_argument("--dir", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    os.environ.setdefault("EVIDENCE_DESK_EXAMINER", "bench")
    work = Path(tempfile.mkdtemp(prefix="evidence-desk-verify-bench-", dir=args.dir))
    try:
        case_dir = work / "case"
        start = time.perf_counter()
        total = build(case_dir, work / "incoming", args.items, parse_size(args.max_size), random.Random(1))
        print(f"# {args.items} items, {total / MiB:.0f} MiB, built in {time.perf_counter() - start:.1f} s "
              f"in {work}; cold page cache before each step; median of {args.repeat}")
        digests, verifies, walks = [], [], []
        for _ in range(args.repeat):
            objects = cold(case_dir)
            start = time.perf_counter()
            for p in objects:
                with open(p, "rb") as f:
                    hashlib.file_digest(f, "sha256")
            digests.append(time.perf_counter() - start)
            cold(case_dir)
            start = time.perf_counter()
            report = verify(case_dir)
            verifies.append(time.perf_counter() - start)
            assert report.ok, report.failures[:3]
            start = time.perf_counter()
            conn = sqlite3.connect(f"file:{case_dir / 'case.sqlite'}?mode=ro", uri=True)
            conn.row_factory = sqlite3.Row
            rows = [dict(r) for r in conn.execute("SELECT * FROM custody ORDER BY seq")]
            case_id = conn.execute("SELECT id FROM case_info").fetchone()[0]
            conn.close()
            assert not custody.check_chain(rows, case_id, custody.read_head(case_dir))
            walks.append(time.perf_counter() - start)
        med = statistics.median
        print(f"hashlib.file_digest {med(digests):7.2f} s  {total / MiB / med(digests):6.0f} MiB/s")
        print(f"verify              {med(verifies):7.2f} s  {total / MiB / med(verifies):6.0f} MiB/s  "
              f"({report.items} items, {report.objects} objects, {report.custody_entries} custody entries)")
        print(f"  of which the chain walk {med(walks):.2f} s")
        print(f"verify / file_digest throughput: {med([d / v for d, v in zip(digests, verifies, strict=True)]):.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
