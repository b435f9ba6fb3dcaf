"""Backups of an encrypted case stay encrypted: verified with the key, incremental, restorable."""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from evidence_desk import cli
from evidence_desk.core import backup as bk
from evidence_desk.core import operations as ops
from evidence_desk.core.case import DB_FILE, Case
from evidence_desk.core.sealing import KEY_FILE, PASSPHRASE_ENV
from evidence_desk.core.verify import verify

MARKER = "ZQXBACKUPMARK4417"
STATEMENT = "QWVSTATEMENTTEXT9981"
TITLE = "Case TITLEPLAIN6652"
PASS = "case passphrase one"


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVIDENCE_DESK_TEST_CHEAP_KDF", "1")
    monkeypatch.setenv(PASSPHRASE_ENV, PASS)


def plaintext_hits(folder: Path) -> list[str]:
    needles = [m.encode(enc) for m in (MARKER, STATEMENT, TITLE) for enc in ("utf-8", "utf-16-le")]
    hits = []
    for dirpath, _, names in os.walk(folder):
        for name in names:
            path = Path(dirpath) / name
            data = path.read_bytes()
            hits += [f"{path}: {n!r}" for n in needles if n in data]
    return hits


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    path = tmp_path / "case"
    files = tmp_path / "files"
    files.mkdir()
    with Case.create(path, TITLE, "Ann Examiner", passphrase=PASS) as case:
        for i in range(3):
            f = files / f"file{i}.txt"
            f.write_bytes(f"evidence {i}: {MARKER}\n".encode() * (100 + i))
            case.items.import_file(f)
        ops.add_statement(case, "Witness One", "interview", f"the witness said {STATEMENT}")
    return path


def test_backup_of_an_encrypted_case_is_encrypted_incremental_and_restores(case_dir: Path, tmp_path: Path) -> None:
    dest = tmp_path / "backup"
    result = bk.backup(case_dir, dest, passphrase=PASS)
    assert result.ok, result.report.failures
    assert result.objects == result.objects_copied == 3
    assert result.manifest["encrypted"] is True
    assert (dest / "case" / KEY_FILE).read_bytes() == (case_dir / KEY_FILE).read_bytes()
    for p in (case_dir / "vault" / "objects").glob("*/*"):  # sealed objects, byte for byte
        assert (dest / "case" / "vault" / "objects" / p.parent.name / p.name).read_bytes() == p.read_bytes()
    assert verify(dest / "case", passphrase=PASS, checks=bk.COPY_CHECKS).ok
    assert plaintext_hits(dest) == []
    with closing(sqlite3.connect(dest / "case" / DB_FILE)) as conn, pytest.raises(sqlite3.DatabaseError):
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()

    again = bk.backup(case_dir, dest, passphrase=PASS)
    assert again.ok and again.objects_copied == 0 and again.bytes_copied == 0
    assert plaintext_hits(dest) == []

    restored = bk.restore(dest, tmp_path / "restored", passphrase=PASS)
    assert restored.report.ok
    with Case.open(tmp_path / "restored", passphrase=PASS) as case:
        assert case.id == result.manifest["case_id"]
        assert case.info().title == TITLE
    assert verify(tmp_path / "restored", passphrase=PASS, checks=bk.COPY_CHECKS).ok
    assert plaintext_hits(tmp_path / "restored") == []


def test_cli_backup_and_restore_of_an_encrypted_case(case_dir: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["backup", str(case_dir), str(tmp_path / "backup")]) == 0
    assert "the copy verifies" in capsys.readouterr().out
    assert cli.main(["restore", str(tmp_path / "backup"), str(tmp_path / "restored")]) == 0
    assert verify(tmp_path / "restored", passphrase=PASS, checks=bk.COPY_CHECKS).ok


def test_wrong_passphrase_exits_2_with_one_line_and_writes_nothing(case_dir: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["backup", str(case_dir), str(tmp_path / "backup")]) == 0
    capsys.readouterr()
    before = sorted((p, p.stat().st_mtime_ns) for p in (tmp_path / "backup").rglob("*"))
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the passphrase\n")
    monkeypatch.delenv(PASSPHRASE_ENV)
    assert cli.main(["backup", str(case_dir), str(tmp_path / "other"), "--case-passphrase-file", str(wrong)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "wrong passphrase" in err
    assert not (tmp_path / "other").exists()
    assert cli.main(["restore", str(tmp_path / "backup"), str(tmp_path / "restored"),
                     "--case-passphrase-file", str(wrong)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "wrong passphrase" in err
    assert not (tmp_path / "restored").exists()
    assert sorted((p, p.stat().st_mtime_ns) for p in (tmp_path / "backup").rglob("*")) == before


def test_a_sealed_object_damaged_in_the_backup_is_copied_again(case_dir: Path, tmp_path: Path) -> None:
    dest = tmp_path / "backup"
    assert bk.backup(case_dir, dest, passphrase=PASS).ok
    victim = next((dest / "case" / "vault" / "objects").glob("*/*"))
    data = bytearray(victim.read_bytes())
    data[-5] ^= 0x01  # same size on disk: only the verification can find it
    os.chmod(victim, 0o600)
    victim.write_bytes(bytes(data))
    again = bk.backup(case_dir, dest, passphrase=PASS)
    assert again.objects_copied == 0 and again.objects_recopied == 1
    assert again.ok, again.report.failures
    source = case_dir / "vault" / "objects" / victim.parent.name / victim.name
    assert victim.read_bytes() == source.read_bytes()


def test_a_backup_killed_while_switching_is_finished_by_the_next_restore(case_dir: Path, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    dest = tmp_path / "backup"

    def killed(dest_dir: Path, manifest: dict) -> dict:
        raise KeyboardInterrupt

    with monkeypatch.context() as m, pytest.raises(KeyboardInterrupt):
        m.setattr(bk, "_switch", lambda d, key=None: None)  # killed right after the commit point
        m.setattr(bk, "_finish_manifest", killed)
        bk.backup(case_dir, dest, passphrase=PASS)
    assert json.loads((dest / "backup.json").read_text())["state"] == "switching"
    assert (dest / "incoming" / KEY_FILE).is_file() and not (dest / "case" / KEY_FILE).exists()
    restored = bk.restore(dest, tmp_path / "restored", passphrase=PASS)
    assert restored.report.ok
    assert plaintext_hits(dest) == [] and plaintext_hits(tmp_path / "restored") == []


def test_after_a_passphrase_change_the_next_backup_carries_the_new_key_file(case_dir: Path, tmp_path: Path) -> None:
    from evidence_desk.core import sealing

    dest = tmp_path / "backup"
    assert bk.backup(case_dir, dest, passphrase=PASS).ok
    sealing.change_passphrase(case_dir, PASS, "a new passphrase")
    again = bk.backup(case_dir, dest, passphrase="a new passphrase")
    assert again.ok and again.objects_copied == 0
    assert (dest / "case" / KEY_FILE).read_bytes() == (case_dir / KEY_FILE).read_bytes()
    with pytest.raises(sealing.WrongPassphrase):
        bk.restore(dest, tmp_path / "old", passphrase=PASS)
    assert not (tmp_path / "old").exists()
    assert bk.restore(dest, tmp_path / "restored", passphrase="a new passphrase").report.ok
