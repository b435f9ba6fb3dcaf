"""The command-line contract that tests, benchmarks and scripts drive."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from evidence_desk import __version__, cli

ROOT = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def custody_rows(case_dir: Path) -> int:
    with closing(sqlite3.connect(case_dir / "case.sqlite")) as conn:
        return conn.execute("SELECT count(*) FROM custody").fetchone()[0]


@pytest.fixture
def case_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "case"
    code, out, _ = run(capsys, "init", path, "--title", "Stand-down", "--examiner", "Ann Examiner",
                       "--tz", "America/Chicago")
    assert code == 0 and "created case" in out and "fingerprint" in out
    return path


@pytest.fixture
def files(tmp_path: Path) -> list[Path]:
    made = []
    for name, data in (("memo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64), ("statement.txt", b"We responded.\n"),
                       ("dispatch.wav", b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\1" * 64)):
        (tmp_path / name).write_bytes(data)
        made.append(tmp_path / name)
    return made


def test_event_add_prints_the_new_id_and_notes_how_it_read_the_time(case_dir: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "event", "add", case_dir, "--title", "Dispatch order",
                         "--when", "04-Oc5-2025/12:34:44", "--place", "South Side")
    assert (code, out) == (0, "1\n")
    assert "Oc5" in err and "2025-10-04 12:34:44 America/Chicago" in err
    code, out, _ = run(capsys, "event", "add", case_dir, "--title", "Press release", "--tz", "UTC")
    assert (code, out) == (0, "2\n")
    code, out, _ = run(capsys, "list", case_dir, "events", "--json")
    events = json.loads(out)
    assert [(e["id"], e["title"], e["place"]) for e in events] == [(1, "Dispatch order", "South Side"),
                                                                   (2, "Press release", "")]
    assert events[0]["time"]["raw"] == "04-Oc5-2025/12:34:44"
    assert events[0]["time"]["start"] == "2025-10-04T12:34:44-05:00"


def test_add_prints_id_sha256_and_name_per_file_and_list_shows_them(case_dir: Path, files: list[Path],
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "event", "add", case_dir, "--title", "Dispatch order")
    code, out, _ = run(capsys, "add", case_dir, *files, "--event", "1", "--source", "OEMC",
                       "--description", "handed over")
    assert code == 0
    lines = [line.split("\t") for line in out.splitlines()]
    assert lines == [[str(i + 1), hashlib.sha256(f.read_bytes()).hexdigest(), f.name] for i, f in enumerate(files)]
    code, out, _ = run(capsys, "list", case_dir, "items", "--json")
    items = json.loads(out)
    assert [(i["id"], i["name"], i["kind"], i["size"], i["sha256"]) for i in items] == [
        (int(n), name, kind, f.stat().st_size, sha)
        for (n, sha, name), kind, f in zip(lines, ["scan", "document", "audio"], files, strict=True)]
    assert all(i["events"] == [1] and i["description"] == "handed over" for i in items)


def test_kind_given_on_the_command_line_is_kept(case_dir: Path, files: list[Path],
                                                capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "add", case_dir, files[1], "--kind", "statement")
    code, out, _ = run(capsys, "list", case_dir, "items", "--json")
    assert json.loads(out)[0]["kind"] == "statement"


def test_statement_add_from_text_or_file(case_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text_file = tmp_path / "cpd.txt"
    text_file.write_text("Officers did in fact respond to the scene.", "utf-8")
    code, out, _ = run(capsys, "statement", "add", case_dir, "--speaker", "CPD", "--medium", "press release",
                       "--text-file", text_file, "--affiliation", "Chicago Police Department",
                       "--when", "5 October 2025")
    assert (code, out) == (0, "1\n")
    code, out, _ = run(capsys, "statement", "add", case_dir, "--speaker", "Union leader", "--medium",
                       "interview", "--text", "They were told to clear out.")
    assert (code, out) == (0, "2\n")
    code, out, _ = run(capsys, "list", case_dir, "statements", "--json")
    statements = {s["id"]: s for s in json.loads(out)}
    assert statements[1]["text"] == "Officers did in fact respond to the scene."
    assert statements[1]["affiliation"] == "Chicago Police Department"
    assert statements[2]["speaker"] == "Union leader"


def test_every_mutating_command_records_who_acted(case_dir: Path, files: list[Path],
                                                  capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    run(capsys, "add", case_dir, files[0], "--examiner", "Bo Flag")
    monkeypatch.setenv("EVIDENCE_DESK_EXAMINER", "Cy Env")
    run(capsys, "event", "add", case_dir, "--title", "x")
    monkeypatch.delenv("EVIDENCE_DESK_EXAMINER")
    run(capsys, "transfer", case_dir, "1", "--released-by", "Ann", "--received-by", "Lab", "--purpose", "exam",
        "--condition", "seal 42 intact")
    code, out, _ = run(capsys, "list", case_dir, "custody", "--json")
    entries = json.loads(out)
    # each command that wrote ends with the acting examiner's signed checkpoint
    assert [(e["action"], e["examiner"]) for e in entries] == [
        ("case_created", "Ann Examiner"), ("checkpoint", "Ann Examiner"), ("acquired", "Bo Flag"),
        ("checkpoint", "Bo Flag"), ("event_added", "Cy Env"), ("checkpoint", "Cy Env"),
        ("transferred", "Ann Examiner"), ("checkpoint", "Ann Examiner")]
    assert (entries[-2]["released_by"], entries[-2]["received_by"], entries[-2]["condition"]) == \
        ("Ann", "Lab", "seal 42 intact")


def test_verify_exits_0_when_intact_and_1_with_one_line_per_failure(case_dir: Path, files: list[Path],
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "add", case_dir, *files)
    code, out, _ = run(capsys, "verify", case_dir)
    assert code == 0 and out.startswith("intact: 3 items")
    for item_id in (1, 3):
        sha = hashlib.sha256(files[item_id - 1].read_bytes()).hexdigest()
        obj = case_dir / "vault" / "objects" / sha[:2] / sha
        obj.chmod(0o600)
        obj.write_bytes(b"tampered")
    code, out, err = run(capsys, "verify", case_dir)
    assert code == 1
    assert out.splitlines() == [
        f"item 1 (memo.png): content altered: SHA-256 is now {hashlib.sha256(b'tampered').hexdigest()}, "
        f"catalogued as {hashlib.sha256(files[0].read_bytes()).hexdigest()}",
        f"item 3 (dispatch.wav): content altered: SHA-256 is now {hashlib.sha256(b'tampered').hexdigest()}, "
        f"catalogued as {hashlib.sha256(files[2].read_bytes()).hexdigest()}"]
    assert "2 failure(s)" in err
    code, out, _ = run(capsys, "verify", case_dir, "--json")
    report = json.loads(out)
    assert code == 1 and report["ok"] is False
    assert [(f["item_id"], f["item_name"]) for f in report["failures"]] == [(1, "memo.png"), (3, "dispatch.wav")]


def test_verify_record_logs_the_check_in_the_chain(case_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "verify", case_dir, "--record")[0] == 0
    code, out, _ = run(capsys, "list", case_dir, "custody", "--json")
    assert [e["action"] for e in json.loads(out)[-2:]] == ["verified", "checkpoint"]
    assert run(capsys, "verify", case_dir)[0] == 0


BAD_INPUT = {
    "missing case": lambda case, tmp: ["list", tmp / "nowhere", "items"],
    "missing file": lambda case, tmp: ["add", case, tmp / "gone.wav"],
    "folder with nothing readable": lambda case, tmp: ["add", case, tmp / "fifo"],
    "unknown event": lambda case, tmp: ["add", case, tmp / "memo.png", "--event", "9"],
    "unknown item": lambda case, tmp: ["edit", case, "9", "--description", "x"],
    "bad zone": lambda case, tmp: ["event", "add", case, "--title", "x", "--when", "12:00 4 Oct 2025",
                                   "--tz", "Mars/Olympus"],
    "bad statement file": lambda case, tmp: ["statement", "add", case, "--speaker", "S", "--medium", "memo",
                                             "--text-file", tmp / "nope.txt"],
    "empty title": lambda case, tmp: ["event", "add", case, "--title", "  "],
    "init over a case": lambda case, tmp: ["init", case, "--title", "again", "--examiner", "Ann"],
}


@pytest.mark.parametrize("name", sorted(BAD_INPUT))
def test_bad_input_is_one_line_exit_2_and_nothing_written(case_dir: Path, tmp_path: Path, files: list[Path],
                                                          name: str, capsys: pytest.CaptureFixture[str]) -> None:
    os.mkfifo(tmp_path / "fifo")
    before = custody_rows(case_dir), sorted(p.name for p in (case_dir / "vault").rglob("*"))
    code, out, err = run(capsys, *BAD_INPUT[name](case_dir, tmp_path))
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("evidence-desk: error: ") and "Traceback" not in err, err
    assert (custody_rows(case_dir), sorted(p.name for p in (case_dir / "vault").rglob("*"))) == before


def test_a_bad_file_among_good_ones_is_reported_and_the_good_ones_kept(case_dir: Path, files: list[Path],
                                                                       tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "add", case_dir, files[0], tmp_path / "gone.wav", files[1])
    assert code == 2
    assert [line.split("\t")[2] for line in out.splitlines()] == ["memo.png", "statement.txt"]
    assert err.count("\n") == 1 and "gone.wav" in err and "nothing imported" in err


def test_add_imports_every_good_file_in_one_import_and_names_the_missing_one(
        case_dir: Path, files: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:

    folder = tmp_path / "folder"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "log.txt").write_bytes(b"12:34 clear everybody out\n")
    (folder / ".hidden").write_bytes(b"skipped")
    calls: list[list[str]] = []
    from evidence_desk.core import operations

    real = operations.import_files

    def spy(case, paths, *rest, **options):  # type: ignore[no-untyped-def]
        calls.append([str(p) for p in paths])
        return real(case, paths, *rest, **options)

    monkeypatch.setattr(operations, "import_files", spy)
    given = [files[0], tmp_path / "gone.wav", folder, files[2]]
    code, out, err = run(capsys, "add", case_dir, *given, "--source", "OEMC")
    assert code == 2
    assert calls == [[str(p) for p in given]], "one import for all the paths given"
    assert err.count("\n") == 1 and str(tmp_path / "gone.wav") in err and "nothing imported" in err
    good = [files[0], folder / "sub" / "log.txt", files[2]]
    rows = [line.split("\t") for line in out.splitlines()]
    assert rows == [[str(i + 1), hashlib.sha256(f.read_bytes()).hexdigest(), f.name] for i, f in enumerate(good)]
    for (_, sha, _), source in zip(rows, good, strict=True):
        assert (case_dir / "vault" / "objects" / sha[:2] / sha).read_bytes() == source.read_bytes()
    code, out, _ = run(capsys, "list", case_dir, "custody", "--json")
    acquired = [(e["item_id"], e["item_sha256"]) for e in json.loads(out) if e["action"] == "acquired"]
    assert acquired == [(int(n), sha) for n, sha, _ in rows]
    code, out, _ = run(capsys, "list", case_dir, "items", "--json")
    assert [(i["name"], i["source_name"]) for i in json.loads(out)] == [(f.name, "OEMC") for f in good]


def test_report_is_logged_in_custody_naming_the_file_and_its_hash(case_dir: Path, files: list[Path],
                                                                   tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    run(capsys, "event", "add", case_dir, "--title", "Dispatch order")
    run(capsys, "add", case_dir, *files[:2], "--event", "1")
    run(capsys, "add", case_dir, files[2])
    before = custody_rows(case_dir)
    out = tmp_path / "reports" / "custody report.json"
    code, printed, _ = run(capsys, "report", case_dir, "-o", out, "--event", "1", "--examiner", "Di Reviewer")
    assert code == 0 and printed.startswith(f"wrote {out} (subset: event): 2 item(s); report SHA-256 ")
    code, listed, _ = run(capsys, "list", case_dir, "custody", "--json")
    entries = json.loads(listed)
    assert len(entries) == before + 2 and entries[-1]["action"] == "checkpoint", "the export, then its checkpoint"
    entry = entries[-2]
    assert (entry["action"], entry["target_type"], entry["item_id"], entry["examiner"]) == \
        ("exported", "case", None, "Di Reviewer")
    assert entry["purpose"] == "chain-of-custody report (event 1) written to custody report.json"
    assert entry["details"] == {"report": str(out), "report_sha256": hashlib.sha256(out.read_bytes()).hexdigest(),
                                "event_id": 1, "items": len(json.loads(out.read_text("utf-8"))["items"])}
    assert entry["details"]["items"] == 2

    monkeypatch.setenv("EVIDENCE_DESK_EXAMINER", "Ed Env")
    code, _, _ = run(capsys, "report", case_dir, "-o", tmp_path / "two.json", "--item", "3", "--item", "1")
    entry = json.loads(run(capsys, "list", case_dir, "custody", "--json")[1])[-2]
    assert code == 0 and entry["purpose"] == "chain-of-custody report (items 1, 3) written to two.json"
    assert (entry["details"]["item_ids"], entry["examiner"]) == ([1, 3], "Ed Env")
    assert run(capsys, "verify", case_dir)[0] == 0, "the export entry is part of an intact chain"

    code, _, err = run(capsys, "report", case_dir, "-o", tmp_path / "r.pdf", "--event", "9")
    assert code == 2 and "no event with id 9" in err
    assert custody_rows(case_dir) == before + 4, "a report that was not written is not logged"


def subprocess_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "evidence_desk", *args], capture_output=True, text=True,
                          env=env, timeout=60)


def test_as_a_real_process_errors_exit_2_without_a_traceback(tmp_path: Path) -> None:
    done = subprocess_cli("verify", str(tmp_path / "nowhere"))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "no case at" in done.stderr


def test_version_and_help_load_neither_qt_nor_the_database_stack() -> None:
    done = subprocess_cli("--version")
    assert (done.returncode, done.stdout.strip()) == (0, f"evidence-desk {__version__}")
    code = ("import sys\nfrom evidence_desk import cli\ncli.build_parser()\n"
            "heavy = ('sqlite_utils', 'pandas', 'PySide6', 'cryptography', 'reportlab', 'bagit')\n"
            "print(sorted(m for m in heavy if m in sys.modules))")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "[]", "the CLI must start fast: import these inside the commands that need them"


def test_an_edit_without_a_reason_exits_2_with_one_line_and_writes_nothing(
        capsys: pytest.CaptureFixture[str], case_dir: Path, files: list[Path]) -> None:
    assert run(capsys, "add", case_dir, files[1], "--examiner", "Ann Examiner")[0] == 0
    before = custody_rows(case_dir)
    code, out, err = run(capsys, "edit", case_dir, "1", "--description", "changed", "--examiner", "Ann Examiner")
    assert code == 2 and out == ""
    assert err.strip().splitlines() == ["evidence-desk: error: an item's edit needs a reason (it goes into the custody record)"]
    assert custody_rows(case_dir) == before
    code, _, _ = run(capsys, "edit", case_dir, "1", "--description", "changed", "--reason", "typo",
                     "--examiner", "Ann Examiner")
    assert code == 0 and custody_rows(case_dir) == before + 2, "the edit, then the command's checkpoint"
