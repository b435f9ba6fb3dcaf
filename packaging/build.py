"""Build the distributable with PyInstaller, then smoke-test the frozen binary.

The smoke test runs what a user runs first — --version, building the demo
case, verifying it, and a headless screenshot of the main window — and fails
on any non-zero exit or unexpected stderr.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VERSION = re.search(r'__version__ = "([^"]+)"', (ROOT / "evidence_desk" / "__init__.py").read_text()).group(1)
DIST = ROOT / "dist" / f"evidence-desk-{VERSION}"
BINARY = DIST / "evidence-desk"


def run(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    print("+", " ".join(args), flush=True)
    return subprocess.run(args, capture_output=True, text=True, env=env, timeout=600)


def smoke_test() -> list[str]:
    problems: list[str] = []
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "EVIDENCE_DESK_NO_CRASH_DIALOG": "1",
           "EVIDENCE_DESK_EXAMINER": "Smoke Test"}
    with tempfile.TemporaryDirectory() as tmp:
        case = Path(tmp) / "demo"
        checks = [
            ([str(BINARY), "--version"], rf"evidence-desk {re.escape(VERSION)}"),
            ([str(BINARY), "demo", str(case)], r"demo case built"),
            ([str(BINARY), "verify", str(case)], r"^intact"),
            ([str(BINARY), "gui", str(case), "--screenshot", str(Path(tmp) / "shot.png")], r""),
        ]
        for args, expected in checks:
            result = run(args, env)
            stderr = "\n".join(line for line in result.stderr.splitlines()
                               if "propagateSizeHints" not in line)  # a harmless offscreen-platform notice
            if result.returncode != 0 or stderr.strip() or not re.search(expected, result.stdout, re.M):
                problems.append(f"{' '.join(args[1:])}: exit {result.returncode}\n{result.stdout}\n{stderr}")
        if not (Path(tmp) / "shot.png").is_file():
            problems.append("the frozen app rendered no screenshot")
    return problems


def main() -> int:
    build = run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",
                 "--distpath", str(ROOT / "dist"), "--workpath", str(ROOT / "build"),
                 str(ROOT / "packaging" / "evidence_desk.spec")])
    if build.returncode != 0:
        print(build.stdout[-4000:], build.stderr[-4000:], file=sys.stderr)
        return 1
    problems = smoke_test()
    for problem in problems:
        print("SMOKE TEST FAILED:", problem, file=sys.stderr)
    if not problems:
        print(f"built and smoke-tested {DIST}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
