"""The case database: schema versions, upgrades with a backup, and newer cases refused."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from evidence_desk import cli
from evidence_desk.core import store
from evidence_desk.core.case import Case
from evidence_desk.core.errors import CaseTooNew
from evidence_desk.core.verify import verify


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    path = tmp_path / "case"
    with Case.create(path, "Migration", "Ann Examiner") as case:
        case.events.add("Dispatch order", when="2025-10-04 12:34")
    return path


def user_version(db_file: Path) -> int:
    with closing(sqlite3.connect(db_file)) as conn:
        return conn.execute("PRAGMA user_version").fetchone()[0]


def set_user_version(db_file: Path, version: int) -> None:
    with closing(sqlite3.connect(db_file)) as conn:
        conn.execute(f"PRAGMA user_version = {version}")


def test_a_new_case_is_at_the_current_schema_version(case_dir: Path) -> None:
    assert user_version(case_dir / "case.sqlite") == store.SCHEMA_VERSION


@pytest.mark.parametrize("read_only", [False, True])
def test_a_case_from_a_newer_program_is_refused_untouched(case_dir: Path, read_only: bool) -> None:
    db_file = case_dir / "case.sqlite"
    set_user_version(db_file, store.SCHEMA_VERSION + 1)
    before = db_file.read_bytes()
    with pytest.raises(CaseTooNew, match="newer Evidence Desk"):
        Case.open(case_dir, read_only=read_only)
    assert db_file.read_bytes() == before
    assert not list(case_dir.glob("*.bak"))


def test_the_command_line_says_so_in_one_line_and_exits_2(case_dir: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    set_user_version(case_dir / "case.sqlite", store.SCHEMA_VERSION + 5)
    assert cli.main(["list", str(case_dir), "items"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "newer Evidence Desk" in err and "Traceback" not in err


def test_an_upgrade_backs_up_the_case_before_changing_it(case_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db_file = case_dir / "case.sqlite"
    old_version = store.SCHEMA_VERSION
    step = "CREATE TABLE review_note (id INTEGER PRIMARY KEY, text TEXT NOT NULL);"
    monkeypatch.setattr(store, "UPGRADES", [*store.UPGRADES, step])
    monkeypatch.setattr(store, "SCHEMA_VERSION", old_version + 1)

    with Case.open(case_dir) as case:
        assert case.db["review_note"].exists()
        assert [e.title for e in case.events.list()] == ["Dispatch order"]
    assert user_version(db_file) == old_version + 1
    backup = case_dir / f"case.sqlite.v{old_version}.bak"
    assert user_version(backup) == old_version
    with closing(sqlite3.connect(backup)) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "review_note" not in tables and "custody" in tables
        assert conn.execute("SELECT title FROM event").fetchall() == [("Dispatch order",)]
    assert verify(case_dir).ok


def test_a_failed_upgrade_leaves_the_case_at_its_old_version(case_dir: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    db_file = case_dir / "case.sqlite"
    old_version = store.SCHEMA_VERSION
    broken = "CREATE TABLE half_done (id INTEGER); INSERT INTO no_such_table VALUES (1);"
    monkeypatch.setattr(store, "UPGRADES", [*store.UPGRADES, broken])
    monkeypatch.setattr(store, "SCHEMA_VERSION", old_version + 1)
    with pytest.raises(sqlite3.OperationalError):
        Case.open(case_dir)
    monkeypatch.undo()
    assert user_version(db_file) == old_version
    with Case.open(case_dir) as case:
        assert not case.db["half_done"].exists()
        assert [e.title for e in case.events.list()] == ["Dispatch order"]
    assert verify(case_dir).ok


@pytest.mark.parametrize("table", ["custody", "grade", "journal", "metadata_change"])
@pytest.mark.parametrize("statement", ["UPDATE {table} SET rowid = rowid", "DELETE FROM {table}"])
def test_append_only_tables_refuse_update_and_delete(tmp_path: Path, table: str, statement: str) -> None:
    with Case.create(tmp_path / "case", "Triggers", "Ann Examiner") as case:
        item = case.items.import_file(_file(tmp_path / "memo.txt", b"clear everybody out"))
        case.grades.add("item", item.id, "first reading", credibility="3")
        case.journal.add("called OEMC", item_id=item.id)
        case.items.edit(item.id, reason="typo", description="memo")
        count = f"SELECT count(*) FROM {table}"
        before = case.db.execute(count).fetchone()[0]
        assert before > 0
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            case.db.execute(statement.format(table=table))
        assert case.db.execute(count).fetchone()[0] == before
    assert verify(tmp_path / "case").ok


def test_content_records_refuse_change(tmp_path: Path) -> None:
    with Case.create(tmp_path / "case", "Triggers", "Ann Examiner") as case:
        item = case.items.import_file(_file(tmp_path / "memo.txt", b"clear everybody out"))
        with pytest.raises(sqlite3.IntegrityError, match="immutable"):
            case.db.execute("UPDATE object SET size = 1")
        with pytest.raises(sqlite3.IntegrityError, match="immutable"):
            case.db.execute("UPDATE item SET sha256 = ? WHERE id = ?", ["0" * 64, item.id])
        with pytest.raises(sqlite3.IntegrityError, match="immutable"):
            case.db.execute("UPDATE item SET size = 0 WHERE id = ?", [item.id])


def _file(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_the_database_layer_inserts_rows_as_sqlite_utils_did(tmp_path: Path) -> None:
    import datetime

    db = store.connect(tmp_path / "t.sqlite")
    db.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT, extra TEXT, at TEXT, \"odd name\" TEXT)")
    table = db["note"].insert({"text": "first", "extra": {"b": [1, "ü"]},
                               "at": datetime.date(2025, 10, 4), "odd name": None})
    assert table.last_pk == 1
    assert db["note"].insert({"text": "second"}).last_pk == 2
    assert list(db["note"].rows) == [
        {"id": 1, "text": "first", "extra": '{"b": [1, "ü"]}', "at": "2025-10-04", "odd name": None},
        {"id": 2, "text": "second", "extra": None, "at": None, "odd name": None}]
    assert db["note"].exists() and not db["missing"].exists()
    assert db.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert db.execute("PRAGMA recursive_triggers").fetchone() == (1,)
    db.conn.close()


def test_opening_and_listing_a_case_imports_neither_sqlite_utils_nor_pandas(case_dir: Path) -> None:
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    code = ("import sys\nfrom evidence_desk import cli\n"
            f"code = cli.main(['list', {str(case_dir)!r}, 'items'])\n"
            "heavy = ('sqlite_utils', 'pandas', 'numpy', 'PySide6')\n"
            "print(code, sorted(m for m in heavy if m in sys.modules))")
    env = dict(os.environ, PYTHONPATH=str(root), EVIDENCE_DESK_EXAMINER="Ann Examiner")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip().splitlines()[-1] == "0 []", out.stdout + out.stderr
