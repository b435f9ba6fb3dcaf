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


CLI = CORE.parent / "cli"


def cli_imports() -> dict[str, set[tuple[str, str]]]:
    """For each module of the cli package, the (module, name) pairs it imports, lazy imports included."""
    found: dict[str, set[tuple[str, str]]] = {}
    for path in sorted(CLI.glob("*.py")):
        package = ["evidence_desk", "cli"]
        pairs: set[tuple[str, str]] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                pairs |= {(a.name, "") for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = package[:len(package) - node.level + 1] if node.level else []
                module = ".".join(base + ([node.module] if node.module else []))
                for alias in node.names:
                    # ``from . import events`` imports a module; ``from .common import run`` a name
                    sub = f"{module}.{alias.name}"
                    if (CLI / f"{alias.name}.py").exists() and module == "evidence_desk.cli":
                        pairs.add((sub, ""))
                    else:
                        pairs.add((module, alias.name))
        found[f"evidence_desk.cli.{path.stem}" if path.stem != "__init__" else "evidence_desk.cli"] = pairs
    return found


def test_cli_command_modules_share_only_common_and_import_no_private_names() -> None:
    imports = cli_imports()
    commands = {m for m in imports if m.rsplit(".", 1)[-1] not in ("cli", "common", "__main__")}
    assert {"evidence_desk.cli.cases", "evidence_desk.cli.evidence", "evidence_desk.cli.report"} <= commands
    problems = []
    for module, pairs in imports.items():
        for target, name in pairs:
            if not target.startswith("evidence_desk.cli"):
                continue
            if name.startswith("_"):
                problems.append(f"{module} imports the private {target}.{name}")
            if module in commands and target != "evidence_desk.cli.common":
                problems.append(f"command module {module} imports {target}; share code through cli.common")
            if module == "evidence_desk.cli.common":
                problems.append(f"cli.common imports {target}")
    assert problems == []


def test_cli_modules_import_each_other_without_a_cycle() -> None:
    imports = cli_imports()
    graph = {m: {t for t, _ in pairs if t in imports} - {m} for m, pairs in imports.items()}
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, " -> ".join((*path, module))
        if module in done:
            return
        for target in graph[module]:
            visit(target, (*path, module))
        done.add(module)

    for module in graph:
        visit(module, ())


def import_cycles(graph) -> list[list[str]]:  # noqa: ANN001 - a grimp ImportGraph
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if not imported.startswith("evidence_desk"):
                continue
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 5000))
    for module in sorted(graph.modules):
        if module.startswith("evidence_desk") and module not in index:
            visit(module)
    return cycles


def test_the_package_has_no_import_cycle() -> None:
    """Runtime imports (lazy ones included; TYPE_CHECKING ones are not run) form no cycle."""
    import grimp

    graph = grimp.build_graph("evidence_desk", exclude_type_checking_imports=True)
    assert import_cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    class Graph:
        modules = {"evidence_desk.a", "evidence_desk.b", "evidence_desk.c"}
        edges = {"evidence_desk.a": {"evidence_desk.b"}, "evidence_desk.b": {"evidence_desk.a"},
                 "evidence_desk.c": {"evidence_desk.a"}}

        def find_modules_directly_imported_by(self, module: str) -> set[str]:
            return self.edges.get(module, set())

    assert import_cycles(Graph()) == [["evidence_desk.a", "evidence_desk.b"]]
