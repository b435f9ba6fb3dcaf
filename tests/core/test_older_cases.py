"""A case written by an older Evidence Desk still opens, upgrades and verifies.

``tests/fixtures/schema-v1-case`` was made with the schema-1 program through
the command line (an event with a garbled time, two items, a statement, a
source grade, an edit) and is kept as it was written.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from evidence_desk.core import store
from evidence_desk.core.case import Case
from evidence_desk.core.errors import CaseTooNew
from evidence_desk.core.verify import verify

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "schema-v1-case"


@pytest.fixture
def v1_case(tmp_path: Path) -> Path:
    target = tmp_path / "case"
    shutil.copytree(FIXTURE, target)
    return target


def _user_version(path: Path) -> int:
    with sqlite3.connect(path / "case.sqlite") as conn:
        return conn.execute("PRAGMA user_version").fetchone()[0]


def test_schema_1_case_opens_upgrades_and_keeps_its_records(v1_case: Path) -> None:
    assert _user_version(v1_case) == 1
    with Case.open(v1_case) as case:
        assert _user_version(v1_case) == store.SCHEMA_VERSION
        items = case.items.list()
        assert [i.name for i in items] == ["log.txt", "scan.png"]
        assert items[0].sha256 == "5762d47e1f7ebb31455d4f14e5409c65b5153a6de5b9ec5e4e163b98db7f3fbc"
        assert items[0].description == "radio log"
        assert [c.old_value for c in case.history.changes("item", 1)] == [""]
        event = case.events.list()[0]
        assert event.time.raw == "04-Oc5-2025/12:34:44"
        assert event.time.start == "2025-10-04T12:34:44-05:00"
        assert case.sources.list()[0].reliability == "B"
    if store.SCHEMA_VERSION > 1:
        assert (v1_case / "case.sqlite.v1.bak").is_file(), "upgrading must keep a backup of the old file"
    report = verify(v1_case)
    assert report.ok, [str(f) for f in report.failures]
    assert report.custody_entries >= 8


def test_upgraded_case_takes_new_work_and_stays_verifiable(v1_case: Path, tmp_path: Path) -> None:
    new_file = tmp_path / "later.txt"
    new_file.write_bytes(b"statement received after the upgrade\n")
    with Case.open(v1_case, examiner="Later Examiner") as case:
        item = case.items.import_file(new_file, event_ids=[1])
        assert case.history.entries(item_id=item.id)[0].examiner == "Later Examiner"
    assert verify(v1_case).ok


def test_a_case_from_a_newer_program_is_refused(v1_case: Path) -> None:
    with sqlite3.connect(v1_case / "case.sqlite") as conn:
        conn.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 1}")
    with pytest.raises(CaseTooNew, match="newer Evidence Desk"):
        Case.open(v1_case)
