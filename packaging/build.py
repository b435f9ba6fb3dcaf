"""Build the one-folder distributable with PyInstaller, then smoke-test it.

The smoke test runs the frozen binary as a user first does, in a throw-away
home (settings, examiner key and data folders all in a temporary folder):
--version, making an examiner key, building the bundled demo case, verifying
it, listing its items, writing its report as PDF and HTML, sealing a review
packet and verifying it, and a screenshot of the main window on the demo case
(under xvfb-run with the real X11 platform plugin when xvfb-run is there, else
offscreen). Any non-zero exit, missing output or unexpected stderr fails it.
Then it prints the folder's size and start-up times against the venv
(bench/package_startup.py).

    python packaging/build.py [--no-build] [--screenshot-out FILE.png] [--repeat N]

Exit 0 when built and smoke-tested, 1 when the build or the smoke test failed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import package_startup  # noqa: E402

VERSION = package_startup.VERSION
DIST = package_startup.DEFAULT_DIST
BINARY = package_startup.binary_in(DIST)
PASSPHRASE = "smoke test passphrase, not a secret"
# Notices that are not problems: Qt's offscreen platform cannot resize a window by hints.
HARMLESS_STDERR = re.compile(r"propagateSizeHints|This plugin does not support")


def run(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    print("+", " ".join(args), flush=True)
    return subprocess.run(args, capture_output=True, text=True, env=env, timeout=900)


def build() -> bool:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # analyse this source tree, whatever the venv points at
    result = run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
                  "--distpath", str(ROOT / "dist"), "--workpath", str(ROOT / "build"),
                  str(ROOT / "packaging" / "evidence_desk.spec")], env)
    if result.returncode != 0:
        print(result.stdout[-4000:], result.stderr[-8000:], file=sys.stderr)
        return False
    return BINARY.is_file()


def is_png(path: Path) -> bool:
    return path.is_file() and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 20_000


def smoke_test(tmp: Path, screenshot_out: Path | None) -> list[str]:
    problems: list[str] = []
    env = package_startup.isolated_env(tmp / "home")
    env["EVIDENCE_DESK_KEY_PASSPHRASE"] = PASSPHRASE
    case, shot, packet = tmp / "demo", tmp / "main-window.png", tmp / "packet"
    pdf, html = tmp / "report.pdf", tmp / "report.html"
    b = str(BINARY)
    gui = [b, "gui", str(case), "--screenshot", str(shot)]
    gui_env = env
    if sys.platform.startswith("linux") and shutil.which("xvfb-run"):
        gui = ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", *gui]
        gui_env = {k: v for k, v in env.items() if k != "QT_QPA_PLATFORM"}  # the real xcb plugin
    checks: list[tuple[list[str], dict[str, str], str, Path | None]] = [
        ([b, "--version"], env, rf"^evidence-desk {re.escape(VERSION)}$", None),
        ([b, "key", "create"], env, r"^created examiner key", None),
        ([b, "demo", str(case)], env, r"demo case built", None),
        ([b, "verify", str(case)], env, r"^intact", None),
        ([b, "list", str(case), "items"], env, r"dispatch-audio\.flac", None),
        ([b, "report", str(case), "-o", str(pdf)], env, r"^wrote .*report SHA-256", pdf),
        ([b, "report", str(case), "-o", str(html)], env, r"^wrote .*report SHA-256", html),
        ([b, "export", str(case), "-o", str(packet)], env, r"^review packet sealed", None),
        ([b, "verify-packet", str(packet)], env, r"^packet intact", None),
        (gui, gui_env, r"", shot),
    ]
    for args, args_env, expected, output in checks:
        result = run(args, args_env)
        stderr = "\n".join(line for line in result.stderr.splitlines() if not HARMLESS_STDERR.search(line))
        if result.returncode != 0 or stderr.strip() or not re.search(expected, result.stdout, re.M):
            problems.append(f"{' '.join(args)}: exit {result.returncode}\n{result.stdout[-3000:]}\n{stderr[-3000:]}")
        elif output is not None and not (output.is_file() and output.stat().st_size > 0):
            problems.append(f"{' '.join(args)}: wrote no {output.name}")
        else:
            print("  ok:", (result.stdout.strip().splitlines() or [""])[-1][:160], flush=True)
    if pdf.is_file() and not pdf.read_bytes().startswith(b"%PDF-"):
        problems.append("the report is not a PDF")
    if html.is_file() and "Dispatch" not in html.read_text("utf-8", "replace"):
        problems.append("the HTML report does not show the demo case")
    if not is_png(shot):
        problems.append("the frozen app rendered no screenshot of the main window")
    elif screenshot_out is not None:
        screenshot_out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, screenshot_out)
        print(f"  screenshot of the packaged app: {screenshot_out}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-build", action="store_true", help="smoke-test the existing build only")
    parser.add_argument("--screenshot-out", type=Path, default=ROOT / "dist" / "packaged-app.png",
                        help="where to keep the packaged app's screenshot (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per start-up figure (0: none)")
    args = parser.parse_args(argv)
    if not args.no_build and not build():
        print("BUILD FAILED", file=sys.stderr)
        return 1
    if not BINARY.is_file():
        print(f"BUILD FAILED: no {BINARY}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        problems = smoke_test(Path(tmp), args.screenshot_out)
        for problem in problems:
            print("SMOKE TEST FAILED:", problem, file=sys.stderr)
        if problems:
            return 1
        print(f"built and smoke-tested {DIST}", flush=True)
        if args.repeat > 0:
            try:
                rows = package_startup.measure(DIST, Path(tmp) / "demo", package_startup.isolated_env(Path(tmp) / "home"),
                                               args.repeat)
            except RuntimeError as e:
                print("SMOKE TEST FAILED: start-up measurement:", e, file=sys.stderr)
                return 1
            print(package_startup.report(DIST, rows, args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
