# PyInstaller run-time hook, used instead of PyInstaller's own pyi_rth_pyside6
# (packaging/evidence_desk.spec swaps them). It does the same, except that the
# embedded qt.conf (which needs PySide6.QtCore) is registered right after the
# app itself first imports PySide6.QtCore, not at every start: the command line
# (`--version`, `list`, `verify` ...) never loads Qt, and loading QtCore here
# cost each of its commands about 0.45 s.
# ruff: noqa


def _pyi_rthook():
    import importlib.abc
    import importlib.util
    import os
    import sys

    from _pyi_rth_utils import is_macos_app_bundle, prepend_path_to_environment_variable
    from _pyi_rth_utils import qt as qt_rth_utils

    qt_rth_utils.ensure_single_qt_bindings_package("PySide6")

    if sys.platform.startswith("win"):
        pyqt_path = os.path.join(sys._MEIPASS, "PySide6")
    else:
        pyqt_path = os.path.join(sys._MEIPASS, "PySide6", "Qt")
    os.environ["QT_PLUGIN_PATH"] = os.path.join(pyqt_path, "plugins")
    if is_macos_app_bundle:
        pyqt_path_res = os.path.normpath(
            os.path.join(sys._MEIPASS, "..", "Resources", os.path.relpath(pyqt_path, sys._MEIPASS)))
        os.environ["QML2_IMPORT_PATH"] = os.pathsep.join(
            [os.path.join(pyqt_path_res, "qml"), os.path.join(pyqt_path, "qml")])
    else:
        os.environ["QML2_IMPORT_PATH"] = os.path.join(pyqt_path, "qml")
    if sys.platform.startswith("win"):
        prepend_path_to_environment_variable(sys._MEIPASS, "PATH")
    if sys.platform == "darwin" and not is_macos_app_bundle:
        prepend_path_to_environment_variable(sys._MEIPASS, "DYLD_LIBRARY_PATH")

    class QtCoreLoader(importlib.abc.Loader):
        """Loads PySide6.QtCore with its own loader, then registers the embedded qt.conf."""

        def __init__(self, real):
            self.real = real

        def create_module(self, spec):
            return self.real.create_module(spec)

        def exec_module(self, module):
            self.real.exec_module(module)
            qt_rth_utils.create_embedded_qt_conf("PySide6", pyqt_path)

    class QtCoreFinder(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name != "PySide6.QtCore":
                return None
            sys.meta_path.remove(self)
            spec = importlib.util.find_spec(name)
            if spec is not None and spec.loader is not None:
                spec.loader = QtCoreLoader(spec.loader)
            return spec

    sys.meta_path.insert(0, QtCoreFinder())


_pyi_rthook()
del _pyi_rthook
