"""Icons read from plain files under ``resources/icons`` (no .qrc)."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon

from ..core.resources import resource


@cache
def icon(name: str) -> QIcon:
    path = resource("icons", f"{name}.svg")
    return QIcon(str(path)) if path.is_file() else QIcon()


def kind_icon(kind: str) -> QIcon:
    return icon(kind) if resource("icons", f"{kind}.svg").is_file() else icon("other")
