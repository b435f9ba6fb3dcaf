"""Examiner keys: made on first use outside every case, encrypted under a passphrase
(Argon2id + AES-256-GCM), shown by ``key show``; a wrong passphrase refuses before
anything changes, a missing one is the environment refusing (exit 3)."""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest

from evidence_desk import cli
from evidence_desk.core import examiner_keys as keys
from evidence_desk.core import signing

CHEAP = keys.KdfParams(time_cost=1, memory_kib=8, parallelism=1)


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def custody(case_dir: Path) -> list[tuple[int, str]]:
    with closing(sqlite3.connect(case_dir / "case.sqlite")) as conn:
        return conn.execute("SELECT seq, action FROM custody ORDER BY seq").fetchall()


@pytest.fixture
def empty_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user who has no examiner key yet."""
    home = tmp_path / "fresh-home"
    monkeypatch.setenv("EVIDENCE_DESK_HOME", str(home))
    return home


def test_a_key_is_kept_encrypted_with_argon2id_and_aes_gcm_and_opens_only_with_its_passphrase(
        tmp_path: Path) -> None:
    path = tmp_path / "keys" / keys.KEY_FILE
    made = keys.create("a long passphrase", examiner="Ann Examiner", path=path)  # the real costs, once
    raw = path.read_bytes()
    doc = json.loads(raw)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert (doc["kdf"]["name"], doc["kdf"]["time_cost"], doc["kdf"]["memory_kib"], doc["kdf"]["parallelism"]) == \
        ("argon2id", 3, 65536, 4)
    assert doc["cipher"]["name"] == "aes-256-gcm"
    private = made._private
    assert len(private) == 32
    for encoding in (private, private.hex().encode(), base64.b64encode(private)):
        assert encoding not in raw, "the private key is never stored in the clear"
    assert doc["public_key"] == made.public_hex and signing.public_key_of(private) == made.public_key

    opened = keys.unlock("a long passphrase", path)
    assert opened.public_key == made.public_key
    assert signing.verify(made.public_key, opened.sign(b"head"), b"head")
    with pytest.raises(keys.WrongPassphrase, match="wrong passphrase for the examiner key"):
        keys.unlock("a long passphrasE", path)
    assert keys.load_public(path).fingerprint == made.fingerprint == signing.fingerprint(made.public_key)


def test_a_key_file_whose_stated_public_key_was_swapped_does_not_open(tmp_path: Path) -> None:
    path = tmp_path / keys.KEY_FILE
    keys.create("a long passphrase", path=path, kdf=CHEAP)
    doc = json.loads(path.read_text("utf-8"))
    other = keys.create("another passphrase", path=tmp_path / "other.json", kdf=CHEAP)
    doc["public_key"] = other.public_hex  # claim another identity with the same ciphertext
    path.write_text(json.dumps(doc), "utf-8")
    with pytest.raises(keys.WrongPassphrase):
        keys.unlock("a long passphrase", path)


def test_key_create_show_and_export_public(empty_home: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "key", "show")
    assert code == 2 and "no examiner key yet" in err
    secret = tmp_path / "passphrase.txt"
    secret.write_text("from a file, not the environment\n", "utf-8")
    code, out, _ = run(capsys, "key", "create", "--passphrase-file", secret)
    assert code == 0 and (empty_home / keys.KEY_FILE).is_file()
    fingerprint = out.splitlines()[-1].removeprefix("examiner key fingerprint ")
    assert keys.unlock("from a file, not the environment", empty_home / keys.KEY_FILE).fingerprint == fingerprint

    code, out, _ = run(capsys, "key", "show")
    assert code == 0 and out.splitlines()[0] == f"examiner key fingerprint {fingerprint}"
    shown = json.loads(run(capsys, "key", "show", "--json")[1])
    assert (shown["fingerprint"], shown["kdf"]["name"], shown["path"]) == \
        (fingerprint, "argon2id", str(empty_home / keys.KEY_FILE))
    assert run(capsys, "key", "export-public", "-o", tmp_path / "me.pem")[0] == 0
    assert signing.fingerprint(signing.public_from_pem((tmp_path / "me.pem").read_bytes())) == fingerprint

    code, _, err = run(capsys, "key", "create", "--passphrase-file", secret)
    assert code == 2 and "already exists" in err and fingerprint in err


def test_a_wrong_passphrase_refuses_a_writing_command_before_it_changes_anything(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    case_dir = tmp_path / "case"
    assert run(capsys, "init", case_dir, "--title", "Stand-down", "--examiner", "Ann Examiner")[0] == 0
    before = custody(case_dir)
    monkeypatch.setenv(keys.PASSPHRASE_ENV, "not the passphrase")
    code, out, err = run(capsys, "event", "add", case_dir, "--title", "Dispatch order")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "wrong passphrase for the examiner key" in err
    assert custody(case_dir) == before, "nothing was written"


def test_without_a_passphrase_writes_go_ahead_unsigned_and_key_commands_refuse_with_exit_3(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    case_dir = tmp_path / "case"
    assert run(capsys, "init", case_dir, "--title", "Stand-down", "--examiner", "Ann Examiner")[0] == 0
    monkeypatch.delenv(keys.PASSPHRASE_ENV)  # as in CI without the variable; pytest's stdin is no terminal
    code, out, err = run(capsys, "event", "add", case_dir, "--title", "Dispatch order")
    assert (code, out) == (0, "1\n")
    assert "not signed by an examiner key" in err and "EVIDENCE_DESK_KEY_PASSPHRASE" in err
    assert custody(case_dir)[-1][1] == "event_added", "no checkpoint without the key"

    code, out, _ = run(capsys, "verify", case_dir)
    assert code == 0
    assert "warning: unsigned: 1 custody entry (#3) come after the last signed checkpoint (which covers up to #1)" \
        in out
    code, out, _ = run(capsys, "verify", case_dir, "--require-signed")
    assert code == 1 and out.startswith("unsigned: 1 custody entry (#3)")

    code, _, err = run(capsys, "receipt", case_dir, "-o", tmp_path / "receipt.json")
    assert code == 3 and "no passphrase for the examiner key" in err
    monkeypatch.setenv("EVIDENCE_DESK_HOME", str(tmp_path / "fresh"))
    code, _, err = run(capsys, "key", "create")
    assert code == 3 and err.startswith("evidence-desk: error: no passphrase")


def test_the_first_writing_command_makes_the_key_and_init_names_it(empty_home: Path, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "init", tmp_path / "case", "--title", "Stand-down", "--examiner", "Ann Examiner")
    assert code == 0 and "created your examiner key" in err
    made = keys.load_public()
    assert made is not None and made.path == empty_home / keys.KEY_FILE
    assert f"examiner key fingerprint {made.fingerprint}" in out
    assert os.environ[keys.PASSPHRASE_ENV] and keys.unlock(os.environ[keys.PASSPHRASE_ENV]).fingerprint == \
        made.fingerprint
    assert [a for _, a in custody(tmp_path / "case")] == ["case_created", "checkpoint"]
