"""Program settings (not case data): recent cases, examiner, window geometry.

Kept in QSettings under organisation and application "Evidence Desk".
``EVIDENCE_DESK_SETTINGS_DIR`` points them at an INI file in another folder,
so tests and screenshots never touch the real user's settings.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

ORGANISATION = "Evidence Desk"
APPLICATION = "Evidence Desk"
MAX_RECENT = 8


def settings() -> QSettings:
    folder = os.environ.get("EVIDENCE_DESK_SETTINGS_DIR")
    if folder:
        return QSettings(str(Path(folder) / "evidence-desk.ini"), QSettings.Format.IniFormat)
    return QSettings(ORGANISATION, APPLICATION)


def recent_cases() -> list[str]:
    value = settings().value("cases/recent", [])
    if isinstance(value, str):  # QSettings returns a lone string for one-element lists
        value = [value]
    return [str(v) for v in (value or []) if v]


def remember_case(path: Path | str) -> None:
    path = str(Path(path).resolve())
    recent = [path] + [p for p in recent_cases() if p != path]
    s = settings()
    s.setValue("cases/recent", recent[:MAX_RECENT])
    s.setValue("cases/last", path)


def last_case() -> str | None:
    value = settings().value("cases/last", "")
    return str(value) if value else None


def examiner() -> str:
    """The examiner: $EVIDENCE_DESK_EXAMINER first, else the remembered name."""
    return (os.environ.get("EVIDENCE_DESK_EXAMINER") or str(settings().value("examiner/name", "") or "")).strip()


def remember_examiner(name: str) -> None:
    settings().setValue("examiner/name", name.strip())
