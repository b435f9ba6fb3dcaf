"""Encrypted cases: nothing of the evidence or the record is readable on disk without the passphrase."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import pytest

from evidence_desk import cli
from evidence_desk.core import operations as ops
from evidence_desk.core import sealing
from evidence_desk.core.case import Case
from evidence_desk.core.sealing import SEAL_CHUNK, PassphraseNeeded, WrongPassphrase
from evidence_desk.core.verify import verify

MARKER = "ZQXMARKER7731"
PASS = "case passphrase one"


@pytest.fixture(autouse=True)
def _cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVIDENCE_DESK_TEST_CHEAP_KDF", "1")


def marker_hits(*folders: Path) -> list[str]:
    """Every file under ``folders`` holding the marker, in UTF-8 or UTF-16 (what SQLite or Qt may write)."""
    needles = [MARKER.encode(), MARKER.encode("utf-16-le"), MARKER.lower().encode()]
    hits = []
    for folder in folders:
        for dirpath, _, names in os.walk(folder):
            for name in names:
                path = Path(dirpath) / name
                try:
                    data = path.read_bytes()
                except OSError:
                    continue
                if any(n in data for n in needles) or MARKER in str(path):
                    hits.append(str(path))
    return hits


def make_case(tmp_path: Path) -> tuple[Case, dict[str, bytes]]:
    case = Case.create(tmp_path / "case", f"Case {MARKER}", "Test Examiner", passphrase=PASS)
    files = {
        "note.txt": f"the witness said {MARKER} twice\n".encode() * 200,
        # more than two seal chunks, and a length that is an exact multiple of the chunk size
        "big.bin": (MARKER.encode() + os.urandom(1000)) * 2000,
        "exact.bin": (MARKER.encode() * (2 * SEAL_CHUNK // len(MARKER) + 1))[:SEAL_CHUNK * 2],
    }
    folder = tmp_path / "incoming"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    ops.import_files(case, [folder / n for n in files])
    return case, files


def test_nothing_readable_on_disk_and_plaintext_comes_back(tmp_path: Path) -> None:
    case, files = make_case(tmp_path)
    ev = ops.add_event(case, f"Meeting {MARKER}", when="2025-10-04 10:00").value
    ops.add_statement(case, f"Speaker {MARKER}", "interview", f"I saw {MARKER}")
    ops.add_journal_note(case, f"journal {MARKER}", event_id=ev.id)
    items = case.items.list()
    by_name = {i.name: i for i in items}
    for name, data in files.items():
        item = by_name[name]
        assert item.sha256 == hashlib.sha256(data).hexdigest()  # hash and custody speak of the plaintext
        assert item.size == len(data)
        if name == "note.txt":  # told from the plaintext, not the sealed copy
            assert item.media_type == "text/plain"
        assert case.items.read_bytes(item.id) == data
        stored = case.vault.object_path(item.sha256).read_bytes()
        assert stored != data and len(stored) == sealing.sealed_size(len(data))
        # viewers get a path; for an encrypted case it is a file in memory
        view = case.items.object_path(item.id)
        assert str(view).startswith("/proc/self/fd/")
        assert view.read_bytes() == data
    report_dir = tmp_path / "out"  # an export the examiner asked for is theirs to place
    report_dir.mkdir()
    ops.export_report(case, report_dir / "report.html")
    assert MARKER in (report_dir / "report.html").read_text("utf-8")
    case.close()
    home = Path(os.environ["EVIDENCE_DESK_HOME"])
    hits = marker_hits(tmp_path / "case", home, Path(tempfile.gettempdir()))
    assert hits == []


def test_wrong_or_missing_passphrase_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    case, _ = make_case(tmp_path)
    case.close()
    with pytest.raises(WrongPassphrase, match="wrong passphrase for"):
        Case.open(tmp_path / "case", passphrase="not it")
    with pytest.raises(PassphraseNeeded):
        Case.open(tmp_path / "case")
    monkeypatch.setenv(sealing.PASSPHRASE_ENV, "not it")
    assert cli.main(["list", str(tmp_path / "case"), "items"]) == 2
    assert f"wrong passphrase for {tmp_path / 'case'}" in capsys.readouterr().err
    monkeypatch.delenv(sealing.PASSPHRASE_ENV)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert cli.main(["list", str(tmp_path / "case"), "items"]) == 3


def test_passphrase_change_rewraps_without_rewriting_evidence(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    case, _ = make_case(tmp_path)
    case.close()
    folder = tmp_path / "case"
    before = {p: p.read_bytes() for p in (folder / "vault" / "objects").rglob("*") if p.is_file()}
    db_before = (folder / "case.sqlite").read_bytes()
    new_file = tmp_path / "new.txt"
    new_file.write_text("second passphrase\n")
    monkeypatch.setenv(sealing.PASSPHRASE_ENV, PASS)
    assert cli.main(["passphrase", str(folder), "--new-passphrase-file", str(new_file)]) == 0
    assert {p: p.read_bytes() for p in before} == before
    assert (folder / "case.sqlite").read_bytes() == db_before
    with pytest.raises(WrongPassphrase):
        Case.open(folder, passphrase=PASS)
    with Case.open(folder, passphrase="second passphrase") as again:
        assert len(again.items.list()) == 3
    capsys.readouterr()
    assert cli.main(["verify", str(folder)]) == 2  # the old passphrase from the environment no longer opens it


def test_verify_detects_flipped_byte_and_truncation(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    case, files = make_case(tmp_path)
    big = hashlib.sha256(files["big.bin"]).hexdigest()
    exact = hashlib.sha256(files["exact.bin"]).hexdigest()
    paths = {sha: case.vault.object_path(sha) for sha in (big, exact)}
    case.close()
    folder = tmp_path / "case"
    monkeypatch.setenv(sealing.PASSPHRASE_ENV, PASS)
    assert cli.main(["verify", str(folder)]) == 0
    assert verify(folder, passphrase=PASS).ok

    # one flipped ciphertext byte in the middle chunk
    path = paths[big]
    os.chmod(path, 0o644)
    data = bytearray(path.read_bytes())
    data[sealing.HEADER_LEN + SEAL_CHUNK + 100] ^= 0x01
    path.write_bytes(bytes(data))
    capsys.readouterr()
    assert cli.main(["verify", str(folder)]) == 1
    out = capsys.readouterr().out
    assert big in out and "fails authentication" in out

    # cut at a chunk boundary: the final chunk is gone
    path = paths[exact]
    os.chmod(path, 0o644)
    whole = path.read_bytes()
    path.write_bytes(whole[:sealing.HEADER_LEN + 2 * (SEAL_CHUNK + sealing.TAG_LEN)])
    report = verify(folder, passphrase=PASS)
    assert any(f.sha256 == exact and "truncated" in f.message for f in report.failures), report.failures
    # cut inside the last full chunk
    path.write_bytes(whole[:-100])
    report = verify(folder, passphrase=PASS)
    assert any(f.sha256 == exact and "fails authentication" in f.message for f in report.failures)
    # two chunks swapped
    size = SEAL_CHUNK + sealing.TAG_LEN
    h = sealing.HEADER_LEN
    path.write_bytes(whole[:h] + whole[h + size:h + 2 * size] + whole[h:h + size] + whole[h + 2 * size:])
    report = verify(folder, passphrase=PASS)
    assert any(f.sha256 == exact for f in report.failures)


def test_database_is_sqlcipher(tmp_path: Path) -> None:
    import sqlite3

    case, _ = make_case(tmp_path)
    case.close()
    conn = sqlite3.connect(tmp_path / "case" / "case.sqlite")
    with pytest.raises(sqlite3.DatabaseError):
        conn.execute("SELECT * FROM sqlite_master").fetchall()
    conn.close()
    assert not (tmp_path / "case" / "case.sqlite").read_bytes().startswith(b"SQLite format 3")


def test_cli_init_encrypt_and_add(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "pass.txt"
    secret.write_text("from a file\n")
    evidence = tmp_path / "e.txt"
    evidence.write_text(f"text {MARKER}")
    folder = tmp_path / "c"
    assert cli.main(["init", str(folder), "--title", "T", "--encrypt", "--case-passphrase-file", str(secret)]) == 0
    assert "created encrypted case" in capsys.readouterr().out
    assert cli.main(["add", str(folder), str(evidence), "--case-passphrase-file", str(secret)]) == 0
    with Case.open(folder, passphrase="from a file") as case:
        assert case.items.read_bytes(1) == evidence.read_bytes()
    assert marker_hits(folder) == []


def test_crash_report_leaves_out_messages_while_an_encrypted_case_is_open(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from evidence_desk.cli.common import write_crash_report

    monkeypatch.setenv("EVIDENCE_DESK_LOG_DIR", str(tmp_path / "logs"))
    case, _ = make_case(tmp_path)
    try:
        raise RuntimeError(f"boom while editing {MARKER}")
    except RuntimeError as exc:
        path = write_crash_report(exc, ["statement", "add", str(tmp_path / "case"), f"text {MARKER}"])
    case.close()
    text = path.read_text("utf-8")
    assert "RuntimeError" in text and "test_encrypted_case.py" in text
    assert marker_hits(tmp_path / "logs") == []
    assert not sealing.encrypted_case_open()


def test_backup_of_an_encrypted_case_needs_its_passphrase_and_stays_encrypted(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    case, _ = make_case(tmp_path)
    case.close()
    monkeypatch.delenv(sealing.PASSPHRASE_ENV, raising=False)
    assert cli.main(["backup", str(tmp_path / "case"), str(tmp_path / "backup")]) == 3  # no passphrase to hand
    assert "is an encrypted case: give its passphrase" in capsys.readouterr().err
    assert not (tmp_path / "backup").exists()
    monkeypatch.setenv(sealing.PASSPHRASE_ENV, PASS)
    assert cli.main(["backup", str(tmp_path / "case"), str(tmp_path / "backup")]) == 0
    assert marker_hits(tmp_path / "backup") == []
