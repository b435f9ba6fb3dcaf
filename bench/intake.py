"""Intake throughput against the floor the machine sets, as a user runs it.

Generates one file of ``--size`` bytes and measures, in the same run and on
the same filesystem:

- ``cp FILE COPY`` then ``sync COPY`` (the copy made durable);
- ``hashlib`` SHA-256 of FILE (``hashlib.file_digest``, in this process);
- ``evidence-desk add CASE FILE``: the whole command as a separate process,
  start-up, case opening, custody entry and all; its peak RSS comes from
  ``resource.getrusage(RUSAGE_CHILDREN)`` in a wrapper that runs nothing else;
- with ``--verify``, also ``verify`` of the case against hashing its objects.

The floor is the slower of ``cp`` + ``sync`` and hashing: an intake has to do
both. Each is measured *warm* (FILE read once untimed, so it is in the page
cache) and *cold* (FILE dropped from the cache first: ``drop_caches`` when
permitted, else ``posix_fadvise(DONTNEED)``). The machine may be shared, so
every step runs ``--repeat`` times, order alternating, and the best run of
each counts. Also prints the start-up time of ``evidence-desk list`` on the
demo case against ``python -c pass``. No assertion: the figures are the result.

Usage: ``python bench/intake.py --size 1G [--dir DIR] [--repeat N] [--sparse] [--verify]``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MiB = 1024 * 1024
ENV = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
           EVIDENCE_DESK_EXAMINER="bench")
ENV.pop("EVIDENCE_DESK_KEY_PASSPHRASE", None)
ENV.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed program has its bytecode compiled
CLI = [sys.executable, "-m", "evidence_desk"]


def parse_size(text: str) -> int:
    units = {"K": 1024, "M": MiB, "G": 1024 * MiB, "T": 1024 ** 4}
    text = text.strip().upper().removesuffix("B").removesuffix("I")
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def drop_caches_allowed() -> bool:
    try:
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
        return True
    except OSError:
        return False


DROP_CACHES = drop_caches_allowed()


def evict(path: Path) -> None:
    """Drop ``path`` from the page cache so the next read comes from disk."""
    os.sync()
    if DROP_CACHES:
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def warm(path: Path) -> None:
    with open(path, "rb", buffering=0) as f:
        buf = bytearray(MiB)
        while f.readinto(buf):
            pass


def generate(path: Path, size: int, sparse: bool) -> None:
    """Incompressible content, different in every block (nothing can dedup it);
    or, with ``sparse``, a hole that reads as zeros (quick to make, for RSS)."""
    if sparse:
        with open(path, "wb") as out:
            out.truncate(size)
        return
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


def prepare(path: Path, cold: bool) -> None:
    evict(path) if cold else warm(path)


def cp_sync(src: Path, dst: Path) -> float:
    start = time.perf_counter()
    subprocess.run(["cp", str(src), str(dst)], check=True)
    subprocess.run(["sync", str(dst)], check=True)  # fsync of the copy, as intake fsyncs its object
    elapsed = time.perf_counter() - start
    dst.unlink()
    return elapsed


def sha256_hashlib(src: Path) -> float:
    start = time.perf_counter()
    with open(src, "rb") as f:
        hashlib.file_digest(f, "sha256")
    return time.perf_counter() - start


# Runs one command and nothing else, so RUSAGE_CHILDREN's peak is that command's.
WRAPPER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": elapsed, "rc": done.returncode, "rss_peak_kib": peak,
                  "stdout": done.stdout.decode(errors="replace")}))
"""


def run_measured(cmd: list[str]) -> dict:
    out = subprocess.run([sys.executable, "-c", WRAPPER, *cmd], check=True, capture_output=True, text=True,
                         env=ENV)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if result["rc"] != 0:
        raise SystemExit(f"{' '.join(cmd)} failed with exit code {result['rc']}")
    return result


def intake(src: Path, case_dir: Path) -> dict:
    """``evidence-desk add`` into a fresh case (made untimed beforehand)."""
    shutil.rmtree(case_dir, ignore_errors=True)
    subprocess.run([*CLI, "init", str(case_dir), "--title", "intake benchmark"], check=True, env=ENV,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    result = run_measured([*CLI, "add", str(case_dir), str(src)])
    result["sha256"] = result["stdout"].split("\t")[1]
    return result


def startup(work: Path, repeat: int) -> tuple[float, float]:
    demo = work / "demo"
    subprocess.run([*CLI, "demo", str(demo)], check=True, env=ENV, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    listing, bare = [], []
    for _ in range(max(repeat, 5)):
        listing.append(run_measured([*CLI, "list", str(demo), "items"])["seconds"])
        bare.append(run_measured([sys.executable, "-c", "pass"])["seconds"])
    shutil.rmtree(demo, ignore_errors=True)
    return min(listing), min(bare)


def verify_pair(case_dir: Path) -> tuple[float, float]:
    objects = sorted(p for p in (case_dir / "vault" / "objects").rglob("*") if p.is_file())
    for p in objects:
        warm(p)
    start = time.perf_counter()
    for p in objects:
        with open(p, "rb") as f:
            hashlib.file_digest(f, "sha256")
    digest = time.perf_counter() - start
    checked = run_measured([*CLI, "verify", str(case_dir)])["seconds"]
    return checked, digest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="1G", help="file size, e.g. 256M, 1G, 4G (default 1G)")
    parser.add_argument("--dir", default=None, help="where to work (default: a temp dir); one filesystem for all")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each step; the best counts (default 3)")
    parser.add_argument("--sparse", action="store_true", help="a sparse test file (zeros; quick, for RSS)")
    parser.add_argument("--no-cold", action="store_true", help="skip the cold-cache runs")
    parser.add_argument("--verify", action="store_true", help="also time verify against hashing the objects")
    args = parser.parse_args(argv)
    size = parse_size(args.size)
    work = Path(tempfile.mkdtemp(prefix="evidence-desk-bench-", dir=args.dir))
    try:
        src = work / "evidence.bin"
        free = shutil.disk_usage(work).free
        need = (1 if args.sparse else 2) * size + size + 512 * MiB  # source, one copy at a time, slack
        if free < need:
            print(f"not enough space in {work}: need {need / MiB:.0f} MiB, have {free / MiB:.0f}")
            return 2
        generate(src, size, args.sparse)
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "evidence_desk")], check=True,
                       stdout=subprocess.DEVNULL)
        expected = None
        states = ["warm"] if args.no_cold else ["warm", "cold"]
        print(f"# {size / MiB:.0f} MiB {'sparse' if args.sparse else 'random'} file in {work} "
              f"({_filesystem(work)}); best of {args.repeat} runs each; cold = "
              f"{'drop_caches' if DROP_CACHES else 'posix_fadvise(DONTNEED) on the file'}; "
              f"load average {os.getloadavg()[0]:.2f}")
        best: dict[tuple[str, str], float] = {}
        runs: dict[tuple[str, str], list[float]] = {}
        peak_kib = 0
        for i in range(args.repeat):
            for state in states:
                cold = state == "cold"
                steps = ["cp", "hash", "add"]
                if i % 2:  # alternate the order, so no step always follows a particular other
                    steps.reverse()
                for step in steps:
                    prepare(src, cold)
                    if step == "cp":
                        seconds = cp_sync(src, work / "copy.bin")
                    elif step == "hash":
                        seconds = sha256_hashlib(src)
                    else:
                        result = intake(src, work / "case")
                        seconds = result["seconds"]
                        peak_kib = max(peak_kib, result["rss_peak_kib"])
                        if expected is None:
                            with open(src, "rb") as f:
                                expected = hashlib.file_digest(f, "sha256").hexdigest()
                        assert result["sha256"] == expected, "intake recorded a different hash"
                        if args.verify and state == "warm":
                            ver, dig = verify_pair(work / "case")
                            runs.setdefault(("verify", state), []).append(ver)
                            runs.setdefault(("digest", state), []).append(dig)
                        shutil.rmtree(work / "case", ignore_errors=True)
                    runs.setdefault((step, state), []).append(seconds)
        best = {key: min(values) for key, values in runs.items()}
        mbs = lambda seconds: size / MiB / seconds  # noqa: E731
        for state in states:
            cp_s, hash_s, add_s = best[("cp", state)], best[("hash", state)], best[("add", state)]
            floor = max(cp_s, hash_s)
            for label, key in (("cp + sync", "cp"), ("hashlib SHA-256", "hash"), ("evidence-desk add", "add")):
                values = ", ".join(f"{v:.2f}" for v in runs[(key, state)])
                print(f"{state} {label:18s} {best[(key, state)]:6.2f} s {mbs(best[(key, state)]):6.0f} MiB/s"
                      f"   (runs: {values} s)")
            print(f"{state} intake / (cp+sync) throughput: {cp_s / add_s:.2f}")
            print(f"{state} intake / hashlib throughput:   {hash_s / add_s:.2f}")
            print(f"{state} intake / floor (slower of the two): {floor / add_s:.2f}   (goal >= 0.80)")
        if args.sparse:
            print("# sparse file: cp keeps the holes, so the ratios above say nothing; this run is for RSS")
        print(f"intake peak RSS (RUSAGE_CHILDREN of the add process): {peak_kib / 1024:.0f} MiB (goal < 150 MB)")
        if args.verify:
            ver_s, dig_s = best[("verify", "warm")], best[("digest", "warm")]
            print(f"warm verify (whole process) {ver_s:.2f} s; hashlib.file_digest of the objects {dig_s:.2f} s; "
                  f"ratio {dig_s / ver_s:.2f}")
        listing, bare = startup(work, args.repeat)
        print(f"start-up: `evidence-desk list DEMO items` {listing:.3f} s; `python -c pass` {bare:.3f} s; "
              f"difference {listing - bare:.3f} s")
        print(f"# load average after the runs: {os.getloadavg()[0]:.2f} (2 cores shared with other work)")
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
