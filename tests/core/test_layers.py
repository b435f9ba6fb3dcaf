"""The core must stay free of Qt so the CLI, benchmarks and tests run headless."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "evidence_desk" / "core"


def test_no_module_under_core_imports_qt() -> None:
    offenders = []
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in ("PySide6", "PyQt5", "PyQt6")]
    assert offenders == []


def test_importing_every_core_module_loads_no_qt() -> None:
    modules = [".".join(("evidence_desk", "core", *p.relative_to(CORE).with_suffix("").parts)).removesuffix(".__init__")
               for p in sorted(CORE.rglob("*.py"))]
    assert {"evidence_desk.core.packet.export", "evidence_desk.core.report.pdf"} <= set(modules)  # subpackages too
    code = ("import importlib, sys\n"
            f"for m in {modules!r}: importlib.import_module(m)\n"
            "print(sorted(m for m in sys.modules if m.startswith('PySide6')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
