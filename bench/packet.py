"""Packet build throughput against ``cp -r`` of the same evidence, in one run.

Builds a case with N items of real (random) bytes, then times
``export_packet`` (folder, and optionally zip) against ``cp -r`` of the
vault's objects, and prints the ratio of throughputs (1.0 = as fast as cp).

    PYTHONPATH=. python bench/packet.py --items 40 --size-mb 32 --zip

The packet also carries the PDF and HTML report, whose rendering is a fixed
cost per item: with many small items (``--items 200 --size-mb 2``) it, not
the copy, sets the pace.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evidence_desk.core.case import Case  # noqa: E402
from evidence_desk.core.packet.export import export_packet  # noqa: E402


def build_case(base: Path, items: int, size: int) -> Case:
    src = base / "incoming"
    src.mkdir()
    for n in range(items):
        with open(src / f"recording-{n:04d}.bin", "wb") as f:
            f.write(os.urandom(size))
    case = Case.create(base / "case", "Benchmark case", "Bench Examiner")
    event = case.events.add("Incident", when="2025-10-04 12:34")
    report = case.items.import_files([src], event_ids=[event.id], source="bench")
    assert not report.failures, report.failures
    return case


def timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--size-mb", type=float, default=32.0)
    parser.add_argument("--zip", action="store_true", help="also time a single-file .zip packet")
    parser.add_argument("--rounds", type=int, default=3, help="best of this many runs each")
    args = parser.parse_args()
    os.environ.setdefault("EVIDENCE_DESK_EXAMINER", "Bench Examiner")
    size = int(args.size_mb * 1024 * 1024)
    with tempfile.TemporaryDirectory(prefix="bench-packet-") as tmp:
        base = Path(tmp)
        case = build_case(base, args.items, size)
        total = args.items * size
        objects = case.vault.objects
        n = 0

        def cp(n: int) -> None:
            subprocess.run(["cp", "-r", str(objects), str(base / f"cp-{n}")], check=True)
            subprocess.run(["sync", "-f", str(base)], check=True)

        def export(n: int, zip_: bool) -> None:
            export_packet(case, base / (f"packet-{n}.zip" if zip_ else f"packet-{n}"), zip=zip_)
            subprocess.run(["sync", "-f", str(base)], check=True)

        runs = [("cp -r", cp), ("export_packet", lambda n: export(n, False))]
        if args.zip:
            runs.append(("export_packet --zip", lambda n: export(n, True)))
        results = {label: float("inf") for label, _ in runs}
        n = 0
        # Interleaved rounds, each starting with no dirty pages and ending when its
        # bytes are on disk, so neither side is timed against the other's writeback.
        for _ in range(args.rounds):
            for label, fn in runs:
                n += 1
                subprocess.run(["sync", "-f", str(base)], check=True)
                results[label] = min(results[label], timed(fn, n))
                for leftover in base.glob(f"*-{n}*"):
                    shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
        case.close()
    mb = total / 1e6
    sample = os.urandom(64 * 1024 * 1024)
    digest = hashlib.sha256()
    hash_seconds = timed(lambda: [digest.update(sample) for _ in range(4)])
    print(f"{args.items} items x {args.size_mb:g} MB = {mb:.0f} MB of evidence (best of {args.rounds})")
    for label, seconds in results.items():
        print(f"  {label:22s} {seconds:7.3f} s  {mb / seconds:8.1f} MB/s")
    print(f"  {'sha256, one core':22s} {'':9s}  {4 * 64 * 1.048576 / hash_seconds:8.1f} MB/s (in memory; the export "
          "must hash every byte it writes)")
    for label in results:
        if label != "cp -r":
            print(f"ratio {label} / cp -r throughput: {results['cp -r'] / results[label]:.2f} (target >= 0.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
