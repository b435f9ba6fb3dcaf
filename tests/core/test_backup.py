"""Backups: consistent while the case is open, incremental, verified, restorable, atomic."""

from __future__ import annotations

import errno
import json
import os
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from evidence_desk.cli import main
from evidence_desk.core import backup as bk
from evidence_desk.core import custody
from evidence_desk.core import lock as case_lock
from evidence_desk.core.case import DB_FILE, Case
from evidence_desk.core.errors import CaseExists, EnvironmentRefused, VerificationFailed
from evidence_desk.core.verify import verify


def make_case(root: Path, n: int = 5) -> Path:
    path = root / "case"
    files = root / "files"
    files.mkdir()
    with Case.create(path, "Backed up", "Ann Examiner") as case:
        for i in range(n):
            f = files / f"file{i}.bin"
            f.write_bytes(os.urandom(1000 + 37 * i))
            case.items.import_file(f)
        case.journal.add("a note before the backup")
    return path


def add_item(case_dir: Path, name: str = "later.bin") -> None:
    f = case_dir.parent / name
    f.write_bytes(os.urandom(777))
    with Case.open(case_dir) as case:
        case.items.import_file(f)


def tables(case_dir: Path) -> dict[str, list[tuple]]:
    with closing(sqlite3.connect(f"file:{case_dir / DB_FILE}?mode=ro", uri=True)) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {n: sorted(conn.execute(f"SELECT * FROM [{n}]").fetchall(), key=repr) for n in names}


def object_files(case_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (case_dir / "vault" / "objects").glob("*/*")}


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    return make_case(tmp_path)


def test_backup_while_another_connection_holds_a_write_transaction(case_dir: Path, tmp_path: Path) -> None:
    before = tables(case_dir)
    writer = sqlite3.connect(case_dir / DB_FILE, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # the app in the middle of a change: uncommitted rows
    writer.execute("DROP TRIGGER journal_no_update")
    try:
        result = bk.backup(case_dir, tmp_path / "dest")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert result.ok, result.report.failures
    assert result.objects == result.objects_copied == 5
    assert tables(result.dest / "case") == before  # the last commit, not the open transaction
    assert object_files(result.dest / "case") == object_files(case_dir)


def test_backup_while_the_app_holds_the_case_lock_writes_nothing_into_the_case(case_dir: Path,
                                                                                tmp_path: Path) -> None:
    with Case.open(case_dir) as app_case:  # the app: case open for writing, its lock held
        held = case_lock.acquire(case_dir)
        assert isinstance(held, case_lock.CaseLock)
        try:
            app_case.journal.add("written while the app has the case")
            listing = sorted((p.relative_to(case_dir), p.stat().st_mtime_ns) for p in case_dir.rglob("*")
                             if p.name not in (f"{DB_FILE}-shm",))
            db_bytes = (case_dir / DB_FILE).read_bytes()
            assert main(["backup", str(case_dir), str(tmp_path / "dest")]) == 0
            assert case_lock.holder(case_dir) is not None  # still the app's
            after = sorted((p.relative_to(case_dir), p.stat().st_mtime_ns) for p in case_dir.rglob("*")
                           if p.name not in (f"{DB_FILE}-shm",))
            assert after == listing
            assert (case_dir / DB_FILE).read_bytes() == db_bytes
        finally:
            held.release()
    copy = tmp_path / "dest" / "case"
    notes = [r for r in tables(copy)["journal"]]
    assert any("written while the app has the case" in str(r) for r in notes)
    manifest = json.loads((tmp_path / "dest" / "backup.json").read_text())
    assert manifest["custody_head"] == dict(zip(("seq", "entry_hash"), custody.read_head(case_dir), strict=True))
    assert manifest["objects"] == 5 and manifest["state"] == "complete" and manifest["verified"]["ok"]
    assert manifest["source"] == str(case_dir.absolute())
    assert bk.hash_file(copy / DB_FILE).sha256 == manifest["database"]["sha256"]


def test_incremental_copies_no_object_twice_and_one_after_adding_one(case_dir: Path, tmp_path: Path) -> None:
    dest = tmp_path / "dest"
    assert bk.backup(case_dir, dest).objects_copied == 5
    second = bk.backup(case_dir, dest)
    assert (second.objects_copied, second.bytes_copied, second.objects) == (0, 0, 5)
    assert second.ok
    add_item(case_dir)
    third = bk.backup(case_dir, dest)
    assert (third.objects_copied, third.bytes_copied, third.objects) == (1, 777, 6)
    assert third.ok and object_files(dest / "case") == object_files(case_dir)
    assert tables(dest / "case") == tables(case_dir)


def test_a_damaged_object_in_the_backup_is_found_and_copied_again(case_dir: Path, tmp_path: Path) -> None:
    dest = tmp_path / "dest"
    bk.backup(case_dir, dest)
    victim = sorted((dest / "case" / "vault" / "objects").glob("*/*"))[0]
    os.chmod(victim, 0o644)
    data = bytearray(victim.read_bytes())
    data[10] ^= 0xFF  # same size: the incremental check (name + size) cannot see it, verification can
    victim.write_bytes(bytes(data))
    assert verify(dest / "case", checks=bk.COPY_CHECKS).ok is False
    result = bk.backup(case_dir, dest)
    assert (result.objects_copied, result.objects_recopied) == (0, 1)
    assert result.ok
    assert victim.read_bytes() == (case_dir / "vault" / "objects" / victim.parent.name / victim.name).read_bytes()


def test_a_damaged_case_gives_a_copy_that_fails_verification_exit_1(case_dir: Path, tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    victim = sorted((case_dir / "vault" / "objects").glob("*/*"))[0]
    os.chmod(victim, 0o644)
    victim.write_bytes(b"x" * victim.stat().st_size)
    assert main(["backup", str(case_dir), str(tmp_path / "dest")]) == 1
    err = capsys.readouterr().err
    assert "does NOT verify" in err
    assert json.loads((tmp_path / "dest" / "backup.json").read_text())["verified"]["ok"] is False


def test_restore_gives_a_case_that_verifies_and_equals_the_source(case_dir: Path, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    dest = tmp_path / "dest"
    assert main(["backup", str(case_dir), str(dest)]) == 0
    restored = tmp_path / "restored"
    assert main(["restore", str(dest), str(restored)]) == 0
    assert "restored the backup" in capsys.readouterr().out
    assert verify(restored).ok
    assert tables(restored) == tables(case_dir)
    assert custody.read_head(restored) == custody.read_head(case_dir)
    assert object_files(restored) == object_files(case_dir)
    with Case.open(restored) as case:  # an ordinary case again: it opens for writing and takes changes
        case.journal.add("after the restore")
    assert verify(restored).ok


def test_restore_refuses_an_existing_case_and_a_bad_backup(case_dir: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    dest = tmp_path / "dest"
    bk.backup(case_dir, dest)
    assert main(["restore", str(dest), str(case_dir)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "already exists" in err[0]
    with pytest.raises(CaseExists):
        bk.restore(dest, case_dir)
    victim = sorted((dest / "case" / "vault" / "objects").glob("*/*"))[0]
    os.chmod(victim, 0o644)
    victim.write_bytes(b"\0" * victim.stat().st_size)
    target = tmp_path / "never"
    assert main(["restore", str(dest), str(target)]) == 1
    assert "does not verify" in capsys.readouterr().err
    assert not target.exists() and not list(tmp_path.glob(".never.*"))
    assert main(["restore", str(tmp_path / "files"), str(target)]) == 2  # not a backup folder


def test_a_backup_killed_midway_leaves_the_previous_backup_valid(case_dir: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    dest = tmp_path / "dest"
    bk.backup(case_dir, dest)
    previous_tables, previous_manifest = tables(dest / "case"), (dest / "backup.json").read_bytes()
    for name in ("a.bin", "b.bin", "c.bin"):
        add_item(case_dir, name)
    real_copy, calls = bk._copy_object, []

    def dies_after_two(source: Path, target: Path) -> bool:
        if len(calls) == 2:
            raise KeyboardInterrupt  # the process killed while copying objects
        calls.append(source)
        return real_copy(source, target)

    monkeypatch.setattr(bk, "_copy_object", dies_after_two)
    with pytest.raises(KeyboardInterrupt):
        bk.backup(case_dir, dest)
    assert (dest / "backup.json").read_bytes() == previous_manifest
    assert tables(dest / "case") == previous_tables
    assert verify(dest / "case", checks=bk.COPY_CHECKS).ok
    monkeypatch.setattr(bk, "_copy_object", real_copy)
    restored = bk.restore(dest, tmp_path / "from-previous")
    assert restored.report.ok and len(tables(restored.case_dir)["item"]) == 5
    again = bk.backup(case_dir, dest)  # the next run cleans up and completes
    assert again.ok and again.objects_copied == 3 and not (dest / "incoming").exists()


def test_a_backup_killed_while_switching_is_finished_by_the_next_restore(case_dir: Path, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    dest = tmp_path / "dest"
    bk.backup(case_dir, dest)
    add_item(case_dir)
    real_finish = bk._finish_manifest

    def killed(dest_dir: Path, manifest: dict) -> dict:
        raise KeyboardInterrupt

    monkeypatch.setattr(bk, "_switch", lambda d, key=None: None)  # killed right after the commit point
    monkeypatch.setattr(bk, "_finish_manifest", killed)
    with pytest.raises(KeyboardInterrupt):
        bk.backup(case_dir, dest)
    assert json.loads((dest / "backup.json").read_text())["state"] == "switching"
    monkeypatch.undo()
    assert bk._finish_manifest is real_finish
    restored = bk.restore(dest, tmp_path / "restored")
    assert restored.report.ok
    assert tables(restored.case_dir) == tables(case_dir)
    assert json.loads((dest / "backup.json").read_text())["state"] == "complete"


@pytest.mark.parametrize(("code", "problem", "advice"), [
    (errno.ENOSPC, "disk full", "free space and try again"),
    (errno.EROFS, "read-only file system", "choose a writable place, or copy the case to one")])
def test_disk_full_or_read_only_at_dest_is_one_line_naming_dest_exit_3(
        case_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        code: int, problem: str, advice: str) -> None:
    dest = tmp_path / "dest"

    def full(src: object, tmp: Path) -> None:
        raise OSError(code, os.strerror(code), str(tmp))

    monkeypatch.setattr(bk, "_copy_open", full)
    assert main(["backup", str(case_dir), str(dest)]) == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"evidence-desk: error: {problem}: {dest.absolute()}; {advice}"]
    with pytest.raises(EnvironmentRefused):
        bk.backup(case_dir, dest)
    assert not (dest / "backup.json").exists()  # nothing that looks like a backup was left


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a user that file modes bind")
def test_read_only_dest_is_exit_3(case_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dest = tmp_path / "dest"
    dest.mkdir()
    os.chmod(dest, 0o555)
    try:
        assert main(["backup", str(case_dir), str(dest)]) == 3
    finally:
        os.chmod(dest, 0o755)
    assert str(dest) in capsys.readouterr().err


def test_bad_destinations_are_refused_exit_2(case_dir: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["backup", str(case_dir), str(case_dir / "inside")]) == 2
    assert main(["backup", str(case_dir), str(tmp_path / "files")]) == 2  # neither empty nor a backup
    assert main(["backup", str(tmp_path / "nothing"), str(tmp_path / "dest")]) == 2
    (tmp_path / "other").mkdir()
    other = make_case(tmp_path / "other")
    bk.backup(other, tmp_path / "dest")
    assert main(["backup", str(case_dir), str(tmp_path / "dest")]) == 2  # another case's backup
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 4 and "another case" in lines[-1]
    assert tables(tmp_path / "dest" / "case") == tables(other)
    with pytest.raises(VerificationFailed):  # a database swapped under the manifest is refused by restore
        (tmp_path / "dest" / "case" / DB_FILE).write_bytes((case_dir / DB_FILE).read_bytes())
        bk.restore(tmp_path / "dest", tmp_path / "r")
