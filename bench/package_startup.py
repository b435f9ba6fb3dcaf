"""Start-up time and size of the packaged app against running from the venv.

In the same run, times from process start to exit (wall clock, median and
fastest of ``--repeat`` runs, frozen and venv runs alternating, after one
warm-up run of each that is not counted) for:

- ``evidence-desk --version``;
- ``evidence-desk list CASE items`` on the demo case;
- ``evidence-desk gui CASE --first-paint``: until the main window first
  paints on the demo case (offscreen unless a display is set);

once for the frozen binary of the one-folder build and once for
``python -m evidence_desk`` from the source tree, and prints both with
their ratio, and the size of the build folder (as ``du`` counts it).

    python bench/package_startup.py [--dist dist/evidence-desk-VERSION] [--repeat 5]

``packaging/build.py`` runs this after its smoke test (``make package``).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    import resource
except ImportError:  # Windows
    resource = None  # type: ignore[assignment]

ROOT = Path(__file__).resolve().parents[1]
VERSION = re.search(r'__version__ = "([^"]+)"', (ROOT / "evidence_desk" / "__init__.py").read_text()).group(1)
DEFAULT_DIST = ROOT / "dist" / f"evidence-desk-{VERSION}"


def binary_in(dist: Path) -> Path:
    return dist / ("evidence-desk.exe" if sys.platform == "win32" else "evidence-desk")


def isolated_env(home: Path) -> dict[str, str]:
    """An environment whose settings, keys and data folders are all under ``home``."""
    env = {**os.environ, "EVIDENCE_DESK_HOME": str(home / "evidence-desk"), "EVIDENCE_DESK_EXAMINER": "Smoke Test",
           "EVIDENCE_DESK_NO_CRASH_DIALOG": "1", "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"),
           "XDG_DATA_HOME": str(home / "data"), "XDG_CACHE_HOME": str(home / "cache"),
           "APPDATA": str(home / "appdata"), "LOCALAPPDATA": str(home / "localappdata")}
    env.pop("PYTHONPATH", None)
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY") and sys.platform.startswith("linux"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def du_bytes(path: Path) -> int:
    """Disk usage as ``du -s`` counts it (allocated blocks; falls back to file sizes)."""
    try:
        out = subprocess.run(["du", "-sk", str(path)], capture_output=True, text=True, check=True).stdout
        return int(out.split()[0]) * 1024
    except (OSError, subprocess.CalledProcessError, ValueError):
        return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def _children_cpu() -> float:
    if resource is None:  # Windows
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_run(cmd: list[str], env: dict[str, str], expect: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds: user + system of the process and its children) of one run."""
    cpu = _children_cpu()
    start = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    elapsed = time.perf_counter() - start
    cpu = _children_cpu() - cpu
    if result.returncode != 0 or expect not in result.stdout:
        raise RuntimeError(f"{' '.join(cmd)}: exit {result.returncode}\n{result.stdout[-2000:]}\n"
                           f"{result.stderr[-2000:]}")
    return elapsed, cpu


Runs = list[tuple[float, float]]


def measure(dist: Path, case: Path, env: dict[str, str], repeat: int) -> list[tuple[str, Runs, Runs]]:
    """(what, frozen runs, venv runs) for each start-up figure, ``repeat`` (wall, CPU) runs each.

    The frozen and the venv runs alternate, after one warm-up run of each (page cache, fontconfig
    cache), so that both see the same load from whatever else the machine is doing."""
    frozen = [str(binary_in(dist))]
    venv = [sys.executable, "-m", "evidence_desk"]
    venv_env = {**env, "PYTHONPATH": str(ROOT)}
    rows = []
    for what, args, expect in [
        ("--version", ["--version"], VERSION),
        ("list CASE items", ["list", str(case), "items"], "dispatch-audio.flac"),
        ("gui CASE: first window painted", ["gui", str(case), "--first-paint"], "first-paint"),
    ]:
        frozen_times: Runs = []
        venv_times: Runs = []
        for i in range(repeat + 1):
            f = time_run(frozen + args, env, expect)
            v = time_run(venv + args, venv_env, expect)
            if i:
                frozen_times.append(f)
                venv_times.append(v)
        rows.append((what, frozen_times, venv_times))
    return rows


def report(dist: Path, rows: list[tuple[str, Runs, Runs]], repeat: int) -> str:
    size = du_bytes(dist)
    files = sum(1 for f in dist.rglob("*") if f.is_file())
    lines = [f"package size: {size / 2**20:.0f} MiB in {files} files ({dist})",
             f"start-up, from process start to exit, median of {repeat} runs after a warm-up, wall clock "
             "(fastest run) and CPU time (user+system, less disturbed by other load);",
             "frozen binary vs `python -m evidence_desk` from the venv:"]
    for what, frozen, venv in rows:
        fw, vw = statistics.median(w for w, _ in frozen), statistics.median(w for w, _ in venv)
        ffast, vfast = min(w for w, _ in frozen), min(w for w, _ in venv)
        fc, vc = statistics.median(c for _, c in frozen), statistics.median(c for _, c in venv)
        lines.append(f"  {what:<31} wall: frozen {fw:5.2f} s ({ffast:4.2f})  venv {vw:5.2f} s ({vfast:4.2f})"
                     f"  ratio {fw / vw:4.2f} ({ffast / vfast:4.2f})")
        if vc > 0:
            lines.append(f"  {'':<31}  CPU: frozen {fc:5.2f} s         venv {vc:5.2f} s         ratio {fc / vc:4.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", type=Path, default=DEFAULT_DIST, help="the one-folder build")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    if not binary_in(args.dist).is_file():
        print(f"package_startup: no build at {args.dist} (run `make package`)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        env = isolated_env(Path(tmp) / "home")
        case = Path(tmp) / "demo"
        subprocess.run([str(binary_in(args.dist)), "demo", str(case)], env=env, check=True, capture_output=True)
        print(report(args.dist, measure(args.dist, case, env, args.repeat), args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
