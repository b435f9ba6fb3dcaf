"""What encryption costs: intake and verify of one file, encrypted case against plain case.

Generates one incompressible file of ``--size`` bytes and, in the same run and on the same
filesystem, imports it into a plain case and into an encrypted case (each through the core API,
source evicted from the page cache first), then verifies both (vault evicted first). Prints
throughput and the ratios ``encrypted / plain`` (goal for intake: >= 0.7). No assertion: the
figures are the result. Usage: ``python bench/encrypted.py --size 512M [--dir DIR] [--repeat N]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from intake import MiB, evict, generate, parse_size  # noqa: E402

from evidence_desk.core.case import Case  # noqa: E402
from evidence_desk.core.verify import verify  # noqa: E402

PASSPHRASE = "bench passphrase"


def evict_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            try:
                evict(path)
            except OSError:
                pass


def one_round(source: Path, work: Path, encrypted: bool) -> tuple[float, float]:
    folder = work / ("encrypted" if encrypted else "plain")
    shutil.rmtree(folder, ignore_errors=True)
    passphrase = PASSPHRASE if encrypted else None
    with Case.create(folder, "bench", "Bench Examiner", passphrase=passphrase) as case:
        evict(source)
        started = time.perf_counter()
        case.items.import_file(source)
        intake = time.perf_counter() - started
    evict_tree(folder)
    started = time.perf_counter()
    report = verify(folder, passphrase=passphrase)
    checked = time.perf_counter() - started
    assert report.ok, report.failures
    return intake, checked


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="512M")
    parser.add_argument("--dir", type=Path, default=None, help="where to work (default: a temporary folder)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    size = parse_size(args.size)
    work = Path(tempfile.mkdtemp(prefix="ed-bench-enc-", dir=args.dir))
    os.environ.setdefault("EVIDENCE_DESK_EXAMINER", "Bench Examiner")
    os.environ.setdefault("EVIDENCE_DESK_HOME", str(work / "home"))
    try:
        source = work / "source.bin"
        generate(source, size, sparse=False)
        times: dict[str, list[float]] = {"plain intake": [], "encrypted intake": [], "plain verify": [],
                                         "encrypted verify": []}
        for _ in range(args.repeat):
            for encrypted in (False, True):
                intake, checked = one_round(source, work, encrypted)
                label = "encrypted" if encrypted else "plain"
                times[f"{label} intake"].append(intake)
                times[f"{label} verify"].append(checked)
        best = {k: min(v) for k, v in times.items()}
        mib = size / MiB
        print(f"file: {mib:.0f} MiB, {args.repeat} rounds, best of each (median in brackets)")
        for name, values in times.items():
            print(f"  {name:17s} {mib / best[name]:8.1f} MiB/s  ({mib / statistics.median(values):.1f})")
        print(f"encrypted intake / plain intake: {best['plain intake'] / best['encrypted intake']:.2f} "
              f"(goal >= 0.7)")
        print(f"encrypted verify / plain verify: {best['plain verify'] / best['encrypted verify']:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
