"""Intake and verify throughput against the floor the machine sets.

Generates one file of ``--size`` bytes and measures, in the same run and on
the same filesystem:

- ``cp FILE COPY`` then ``sync COPY`` (the copy alone made durable: the floor
  for an intake that must also hash);
- ``sha256sum FILE``;
- Evidence Desk intake of FILE through the core API, in a child process so its
  peak RSS is its own;
- ``verify`` of the resulting case against hashing the vault's objects with
  ``hashlib.file_digest``.

Before each timed step the files it reads are dropped from the page cache
(``posix_fadvise(DONTNEED)`` after an fsync), so every step reads from disk.
Prints throughput, ratios and peak RSS; no assertion: the figures are the
result. Usage: ``python bench/intake.py --size 1G [--dir DIR] [--repeat N]``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MiB = 1024 * 1024


def parse_size(text: str) -> int:
    units = {"K": 1024, "M": MiB, "G": 1024 * MiB, "T": 1024 ** 4}
    text = text.strip().upper().removesuffix("B").removesuffix("I")
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def evict(path: Path) -> None:
    """Drop ``path`` from the page cache so the next read comes from disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def generate(path: Path, size: int) -> None:
    """Incompressible content, different in every block (nothing can dedup it)."""
    block = bytearray(os.urandom(16 * MiB))
    written = 0
    with open(path, "wb", buffering=0) as out:
        n = 0
        while written < size:
            block[:8] = n.to_bytes(8, "little")
            chunk = memoryview(block)[: min(len(block), size - written)]
            out.write(chunk)
            written += len(chunk)
            n += 1
        os.fsync(out.fileno())


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


CP_CPU: list[float] = []


def cp_sync(src: Path, dst: Path) -> float:
    evict(src)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(["cp", str(src), str(dst)], check=True)
    subprocess.run(["sync", str(dst)], check=True)  # fsync of the copy, as intake fsyncs its object
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CP_CPU.append(after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime)
    dst.unlink()
    return elapsed


def sha256sum(src: Path) -> float:
    evict(src)
    return timed(["sha256sum", str(src)])


CHILD_INTAKE = """
import json, resource, sys, time
from evidence_desk.core.case import Case
case = Case.create(sys.argv[1], "intake benchmark", "bench")
usage = resource.getrusage(resource.RUSAGE_SELF)
before, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
start = time.perf_counter()
item = case.items.import_file(sys.argv[2])
elapsed = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
case.close()
print(json.dumps({"seconds": elapsed, "rss_before_kib": before, "rss_peak_kib": usage.ru_maxrss,
                  "cpu": usage.ru_utime + usage.ru_stime - cpu, "sha256": item.sha256}))
"""

CHILD_VERIFY = """
import json, resource, sys, time
from evidence_desk.core.verify import verify
start = time.perf_counter()
report = verify(sys.argv[1])
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "ok": report.ok, "bytes": report.bytes_hashed,
                  "rss_peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def child(code: str, *args: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               EVIDENCE_DESK_EXAMINER="bench")
    out = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True,
                         env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def intake(src: Path, case_dir: Path) -> dict:
    evict(src)
    result = child(CHILD_INTAKE, str(case_dir), str(src))
    return result


def settle(path: Path) -> None:
    """Read ``path`` once untimed just before a timed pair. On this virtual disk a
    file read recently is 3x faster than one pushed out of the host's cache by
    other reads, even with the guest's page cache dropped; without this, whichever
    of a pair runs first pays for the other."""
    evict(path)
    with open(path, "rb") as f:
        while f.read(MiB):
            pass


def vault_objects(case_dir: Path) -> list[Path]:
    return sorted(p for p in (case_dir / "vault" / "objects").rglob("*") if p.is_file())


def file_digest_all(case_dir: Path) -> float:
    objects = vault_objects(case_dir)
    for p in objects:
        evict(p)
    start = time.perf_counter()
    for p in objects:
        with open(p, "rb") as f:
            hashlib.file_digest(f, "sha256")
    return time.perf_counter() - start


def verify_case(case_dir: Path) -> dict:
    for p in vault_objects(case_dir):
        evict(p)
    return child(CHILD_VERIFY, str(case_dir))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="1G", help="file size, e.g. 256M, 1G, 4G (default 1G)")
    parser.add_argument("--dir", default=None, help="where to work (default: a temp dir); one filesystem for all")
    parser.add_argument("--repeat", type=int, default=4,
                        help="runs of each step, order alternating; medians are reported")
    args = parser.parse_args(argv)
    size = parse_size(args.size)
    work = Path(tempfile.mkdtemp(prefix="evidence-desk-bench-", dir=args.dir))
    try:
        src = work / "evidence.bin"
        free = shutil.disk_usage(work).free
        if free < 3.2 * size:
            print(f"not enough space in {work}: need {3.2 * size / MiB:.0f} MiB, have {free / MiB:.0f}")
            return 2
        print(f"# {size / MiB:.0f} MiB file in {work} ({_filesystem(work)}); page cache dropped before each step (files read once untimed first); "
              f"median of {args.repeat}")
        generate(src, size)
        cps, sums, intakes, verifies, digests, rss, cpu = [], [], [], [], [], [], []
        load_before = os.getloadavg()[0]
        for i in range(args.repeat):
            # Pairs run back to back so each ratio compares the disk in one state, and
            # swap order every run: the first read after a write is often slower here
            # (the virtual disk's host cache), which would otherwise favour one side.
            case_dir = work / f"case{i}"
            settle(src)
            if i % 2 == 0:
                cps.append(cp_sync(src, work / "copy.bin"))
            result = intake(src, case_dir)
            if i % 2 == 1:
                cps.append(cp_sync(src, work / "copy.bin"))
            intakes.append(result["seconds"])
            cpu.append(result["cpu"])
            rss.append((result["rss_before_kib"], result["rss_peak_kib"]))
            sums.append(sha256sum(src))
            for obj in vault_objects(case_dir):
                settle(obj)
            if i % 2 == 0:
                digests.append(file_digest_all(case_dir))
            checked = verify_case(case_dir)
            if i % 2 == 1:
                digests.append(file_digest_all(case_dir))
            assert checked["ok"] and checked["bytes"] == size, checked
            verifies.append(checked["seconds"])
            shutil.rmtree(case_dir, ignore_errors=True)
        med = statistics.median
        cp_s, sum_s, in_s, ver_s, dig_s = med(cps), med(sums), med(intakes), med(verifies), med(digests)
        mbs = lambda seconds: size / MiB / seconds  # noqa: E731
        runs = lambda values: ", ".join(f"{mbs(v):.0f}" for v in values)  # noqa: E731
        before, peak = max(r[0] for r in rss), max(r[1] for r in rss)
        print(f"cp + sync           {cp_s:7.2f} s  {mbs(cp_s):6.0f} MiB/s   (runs: {runs(cps)})")
        print(f"sha256sum           {sum_s:7.2f} s  {mbs(sum_s):6.0f} MiB/s   (runs: {runs(sums)})")
        print(f"intake              {in_s:7.2f} s  {mbs(in_s):6.0f} MiB/s   (runs: {runs(intakes)})")
        print(f"intake / (cp+sync) throughput: {med([c / t for c, t in zip(cps, intakes, strict=True)]):.2f} "
              "(median of paired runs; goal >= 0.80)")
        print(f"intake / sha256sum throughput: {med([s / t for s, t in zip(sums, intakes, strict=True)]):.2f}")
        print(f"CPU time: intake {med(cpu):.2f} s, cp+sync {med(CP_CPU):.2f} s (2 cores; load average "
              f"{load_before:.2f} before the runs, {os.getloadavg()[0]:.2f} after: other work shares the machine)")
        print(f"intake peak RSS: {peak / 1024:.0f} MiB (the process before the import: {before / 1024:.0f} MiB; "
              "goal < 150 MB)")
        print(f"hashlib.file_digest {dig_s:7.2f} s  {mbs(dig_s):6.0f} MiB/s   (vault objects; runs: {runs(digests)})")
        print(f"verify              {ver_s:7.2f} s  {mbs(ver_s):6.0f} MiB/s   (runs: {runs(verifies)})")
        print(f"verify / file_digest throughput: {med([d / v for d, v in zip(digests, verifies, strict=True)]):.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _filesystem(path: Path) -> str:
    try:
        out = subprocess.run(["df", "--output=source,fstype", str(path)], capture_output=True, text=True)
        return " ".join(out.stdout.split()[2:]) or "?"
    except OSError:
        return "?"


if __name__ == "__main__":
    sys.exit(main())
