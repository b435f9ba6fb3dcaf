"""The packaged app's Qt run-time hook (packaging/pyi_rth_qt_lazy.py), run as the frozen app runs it.

PyInstaller's own PySide6 hook imports QtCore at every start; ours waits until
the app imports it, then registers the embedded qt.conf exactly as PyInstaller's
does. The spec-level checks are in tests/core/test_packaging.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_run_time_hook_registers_qt_conf_only_once_the_app_imports_qtcore(tmp_path: Path) -> None:
    """Run the hook as the frozen app would (sys._MEIPASS set, PyInstaller's _pyi_rth_utils faked)."""
    utils = tmp_path / "_pyi_rth_utils"
    utils.mkdir()
    (utils / "__init__.py").write_text("is_macos_app_bundle = False\n"
                                       "def prepend_path_to_environment_variable(path, name):\n"
                                       "    import os; os.environ[name] = path\n")
    (utils / "qt.py").write_text("import sys\ncalls = []\n"
                                 "def ensure_single_qt_bindings_package(name): calls.append(('single', name))\n"
                                 "def create_embedded_qt_conf(name, prefix):\n"
                                 "    calls.append(('qt.conf', name, prefix, 'PySide6.QtCore' in sys.modules))\n")
    code = (f"import sys, os; sys._MEIPASS = {str(tmp_path / 'meipass')!r}; sys.path.insert(0, {str(tmp_path)!r})\n"
            f"exec(open({str(ROOT / 'packaging' / 'pyi_rth_qt_lazy.py')!r}).read())\n"
            "from _pyi_rth_utils import qt\n"
            "print(qt.calls, 'PySide6.QtCore' in sys.modules, os.environ['QT_PLUGIN_PATH'])\n"
            "from PySide6.QtCore import QObject\n"
            "import PySide6.QtWidgets\n"
            "print(qt.calls)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}).stdout.splitlines()
    plugins = os.path.join(str(tmp_path / "meipass"), "PySide6", *([] if sys.platform == "win32" else ["Qt"]),
                           "plugins")
    assert out[0] == f"[('single', 'PySide6')] False {plugins}"
    prefix = os.path.dirname(plugins)
    assert out[1] == str([("single", "PySide6"), ("qt.conf", "PySide6", prefix, True)])
