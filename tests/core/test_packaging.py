"""The PyInstaller spec, read without building (the build itself runs in `make package`).

The spec is executed with stand-ins for PyInstaller's build objects, so this
runs without PyInstaller installed and in well under a second. It checks
what a build would be given: every resource file, every module of the
package, and excludes that never name something the app imports.
"""

from __future__ import annotations

import ast
import pkgutil
import re
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "packaging" / "evidence_desk.spec"
RESOURCES = ROOT / "resources"


class _Recorder:
    def __init__(self, *args: object, **kwargs: object) -> None:
        self.args, self.kwargs = args, kwargs


class _Analysis(_Recorder):
    """Stands in for PyInstaller's Analysis; binaries/datas as PyInstaller gives them: (dest, source, kind)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        libs = ["PySide6/Qt/lib/libQt6Core.so.6", "PySide6/Qt/lib/libQt6Multimedia.so.6",
                "PySide6/Qt/lib/libQt6MultimediaWidgets.so.6", "PySide6/Qt/lib/libQt6Quick.so.6",
                "PySide6/Qt/lib/libQt6Qml.so.6", "PySide6/Qt/lib/libQt6Svg.so.6",
                "PySide6/Qt/plugins/multimedia/libffmpegmediaplugin.so", "PySide6/Qt/lib/libavcodec.so.61",
                "PySide6/Qt/plugins/platforms/libqxcb.so", "PySide6/Qt/plugins/platforms/libqoffscreen.so",
                "PySide6/Qt/plugins/imageformats/libqsvg.so", "PySide6/Qt/plugins/iconengines/libqsvgicon.so",
                "PySide6\\Qt\\plugins\\platforms\\qwindows.dll", "PySide6/QtMultimedia.abi3.so", "_rl_accel.abi3.so",
                "PySide6/Qt/lib/libQt6WebEngineCore.so.6", "PySide6/Qt/lib/libQt6Pdf.so.6",
                "PySide6/Qt/plugins/imageformats/libqpdf.so", "PySide6\\Qt\\plugins\\imageformats\\qpdf.dll",
                "PySide6/Qt/lib/libQt6Sql.so.6", "PySide6/Qt/lib/libQt6Test.so.6"]
        self.binaries = [(dest, "/src/" + dest, "BINARY") for dest in libs]
        self.datas = [("PySide6/Qt/qml/QtQuick/qmldir", "/src/qmldir", "DATA"),
                      ("PySide6/Qt/translations/qtbase_de.qm", "/src/qtbase_de.qm", "DATA")]
        self.scripts = [(name, f"/src/{name}.py", "PYSOURCE") for name in ("pyi_rth_inspect", "pyi_rth_pyside6",
                                                                            "pyi_rth_qt_lazy", "__main__")]
        self.pure = []


@pytest.fixture(scope="module")
def spec() -> dict[str, object]:
    hooks = types.ModuleType("PyInstaller.utils.hooks")

    def collect_submodules(package: str) -> list[str]:
        if package != "evidence_desk":
            return []
        import evidence_desk

        return [package] + [m.name for m in pkgutil.walk_packages(evidence_desk.__path__, package + ".")]

    hooks.collect_submodules = collect_submodules
    hooks.collect_data_files = lambda package: []
    hooks.copy_metadata = lambda package: [(f"/site/{package}.dist-info", f"{package}.dist-info")]
    saved = {name: sys.modules.get(name) for name in ("PyInstaller", "PyInstaller.utils", "PyInstaller.utils.hooks")}
    sys.modules.update({"PyInstaller": types.ModuleType("PyInstaller"),
                        "PyInstaller.utils": types.ModuleType("PyInstaller.utils"), "PyInstaller.utils.hooks": hooks})
    namespace: dict[str, object] = {"SPECPATH": str(SPEC.parent), "Analysis": _Analysis, "PYZ": _Recorder,
                                    "EXE": _Recorder, "COLLECT": _Recorder, "BUNDLE": _Recorder, "__file__": str(SPEC)}
    try:
        exec(compile(SPEC.read_text("utf-8"), str(SPEC), "exec"), namespace)
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
    return namespace


def test_every_resource_file_is_bundled_where_the_app_looks_for_it(spec: dict[str, object]) -> None:
    analysis = spec["a"]
    bundled = {Path(dest) / Path(source).name for source, dest in analysis.kwargs["datas"]
               if Path(source).is_relative_to(RESOURCES)}
    on_disk = {Path("resources") / p.relative_to(RESOURCES) for p in RESOURCES.rglob("*")
               if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}
    assert bundled == on_disk
    # what each part of the app reads from resources/ (core/resources.py: sys._MEIPASS/resources)
    for needed in ["fonts/DejaVuSans.ttf", "fonts/NotoSansArabic-Regular.ttf", "icons/app.svg", "demo/demo.json",
                   "demo/dispatch-audio.flac", "report/report.html.j2", "report/report.css", "help/index.html"]:
        assert Path("resources", needed) in bundled, needed
    assert ("/site/bagit.dist-info", "bagit.dist-info") in analysis.kwargs["datas"]  # bagit reads its version


def test_every_module_of_the_package_is_a_hidden_import(spec: dict[str, object]) -> None:
    hidden = set(spec["a"].kwargs["hiddenimports"])
    package = ROOT / "evidence_desk"
    modules = {".".join(("evidence_desk", *p.relative_to(package).with_suffix("").parts)).removesuffix(".__init__")
               for p in package.rglob("*.py") if "__pycache__" not in p.parts}
    assert modules - hidden == set()
    assert "_rl_accel" in hidden
    assert spec["a"].args[0] == [str(ROOT / "evidence_desk" / "__main__.py")]


def _imports_of_the_app() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "evidence_desk").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
    return names


def test_excludes_keep_extras_and_unused_libraries_out_but_nothing_the_app_imports(spec: dict[str, object]) -> None:
    excludes = set(spec["a"].kwargs["excludes"])
    assert {"faster_whisper", "ctranslate2", "pandas", "numpy", "pytest", "hypothesis", "tkinter"} <= excludes
    assert {"PySide6.QtWebEngineCore", "PySide6.Qt3DCore", "PySide6.QtQuick", "PySide6.QtQml",
            "PySide6.QtCharts"} <= excludes
    used = _imports_of_the_app()
    assert {"PySide6.QtMultimedia", "PySide6.QtWidgets", "sqlite3"} <= used  # the scan sees the app's imports
    clashes = {u for u in used for x in excludes if u == x or u.startswith(x + ".")}
    assert clashes == set()


def test_only_unneeded_qt_binaries_are_dropped(spec: dict[str, object]) -> None:
    kept = {dest for dest, _, _ in spec["a"].binaries}
    dropped = {"PySide6/Qt/lib/libQt6WebEngineCore.so.6", "PySide6/Qt/lib/libQt6Pdf.so.6",
               "PySide6/Qt/plugins/imageformats/libqpdf.so", "PySide6\\Qt\\plugins\\imageformats\\qpdf.dll",
               "PySide6/Qt/lib/libQt6Sql.so.6", "PySide6/Qt/lib/libQt6Test.so.6"}
    assert kept & dropped == set()
    # Qt Multimedia's FFmpeg plugin links Qt6Quick and Qt6Qml: they must stay, as must the SVG icon plugins
    assert {"PySide6/Qt/lib/libQt6Multimedia.so.6", "PySide6/Qt/plugins/multimedia/libffmpegmediaplugin.so",
            "PySide6/Qt/lib/libQt6Quick.so.6", "PySide6/Qt/lib/libQt6Qml.so.6", "PySide6/Qt/lib/libavcodec.so.61",
            "PySide6/Qt/plugins/iconengines/libqsvgicon.so", "PySide6/Qt/plugins/platforms/libqxcb.so",
            "PySide6\\Qt\\plugins\\platforms\\qwindows.dll", "_rl_accel.abi3.so"} <= kept
    assert spec["a"].datas == []  # QML modules (the app has no QML) and Qt's translations (it installs none)
    assert not any(re.search(r"libq(eglfs|vnc|linuxfb)", dest) for dest in kept)


def test_qt_is_not_loaded_at_start_up_by_the_run_time_hooks(spec: dict[str, object]) -> None:
    """PyInstaller's pyi_rth_pyside6 imports QtCore at every start; ours waits for the app to import it."""
    hook = ROOT / "packaging" / "pyi_rth_qt_lazy.py"
    assert spec["a"].kwargs["runtime_hooks"] == [str(hook)]
    assert [name for name, _, _ in spec["a"].scripts] == ["pyi_rth_inspect", "pyi_rth_qt_lazy", "__main__"]
    tree = ast.parse(hook.read_text("utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert "_pyi_rth_utils" in imported and not any(name.startswith("PySide6") for name in imported)


def test_the_folder_is_named_after_the_version(spec: dict[str, object]) -> None:
    from evidence_desk import __version__

    assert spec["coll"].kwargs["name"] == f"evidence-desk-{__version__}"
    assert spec["exe"].kwargs["name"] == "evidence-desk"

