"""Temporaries that a killed export, import or report left beside its destination
are removed by the next run of that command for the same folder, once the
process that made them has ended; a live process's temporaries are kept."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from evidence_desk import cli
from evidence_desk.core import operations as ops
from evidence_desk.core.case import Case
from evidence_desk.core.fsutil import owned_name, remove_dead_temporaries

ROOT = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def name_of_a_dead_process(target: str, suffix: str) -> str:
    """The name a process gives its temporary, from a process that has since ended (killed)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    code = f"from evidence_desk.core.fsutil import owned_name; print(owned_name({target!r}, {suffix!r}))"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          check=True).stdout.strip()


def leave(folder: Path, name: str, *, folder_like: bool) -> Path:
    path = folder / name
    if folder_like:
        (path / "data" / "evidence").mkdir(parents=True)
        (path / "data" / "evidence" / "1-memo.txt").write_bytes(b"half a packet")
        os.chmod(path / "data" / "evidence" / "1-memo.txt", 0o444)
    else:
        path.write_bytes(b"half a file")
    return path


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    (tmp_path / "memo.txt").write_text("memo\n", "utf-8")
    with Case.create(tmp_path / "case", "Stand-down", "Ann Examiner") as case:
        ops.import_files(case, [tmp_path / "memo.txt"])
        return case.path


def test_the_next_export_removes_what_a_killed_export_left(case_dir: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    dead_bag = leave(out, name_of_a_dead_process("packet", ".partial"), folder_like=True)
    dead_zip = leave(out, name_of_a_dead_process("packet.zip", ".zip.partial"), folder_like=False)
    live = leave(out, owned_name("other", ".partial"), folder_like=True)  # this process: alive
    mine = leave(out, ".notes.partial", folder_like=False)  # not named by us: never touched
    assert run(capsys, "export", case_dir, "-o", out / "packet2")[0] == 0
    assert not dead_bag.exists() and not dead_zip.exists()
    assert live.exists() and mine.exists()
    assert sorted(p.name for p in out.iterdir()) == sorted([live.name, mine.name, "packet2"])


def test_the_next_report_removes_what_a_killed_report_left(case_dir: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "reports"
    out.mkdir()
    dead = leave(out, name_of_a_dead_process("report.pdf", ".tmp"), folder_like=False)
    live = leave(out, owned_name("report.html", ".tmp"), folder_like=False)
    assert run(capsys, "report", case_dir, "-o", out / "report.json")[0] == 0
    assert not dead.exists() and live.exists()
    assert sorted(p.name for p in out.iterdir()) == sorted([live.name, "report.json"])


def test_the_next_import_removes_what_a_killed_import_left(case_dir: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    packet = tmp_path / "packet.zip"
    assert run(capsys, "export", case_dir, "-o", packet)[0] == 0
    dest = tmp_path / "received"
    dest.mkdir()
    dead_case = leave(dest, name_of_a_dead_process("copy", ".receiving"), folder_like=True)
    dead_unzip = leave(dest, name_of_a_dead_process("packet.zip", ".unpacking"), folder_like=True)
    live = leave(dest, owned_name("copy2", ".receiving"), folder_like=True)
    code, out, err = run(capsys, "import-packet", packet, dest / "copy", "--examiner", "Bo Reviewer")
    assert code == 0, err
    assert not dead_case.exists() and not dead_unzip.exists() and live.exists()
    assert sorted(p.name for p in dest.iterdir()) == sorted([live.name, "copy"])


def test_only_names_of_this_machine_and_of_ended_processes_go(tmp_path: Path) -> None:
    dead = name_of_a_dead_process("x", ".partial")  # .x.<pid>-<host>.<token>.partial
    pid, host = dead.split(".")[2].split("-")
    other_host = dead.replace(f".{pid}-{host}.", f".{pid}-{'000000' if host != '000000' else '111111'}.")
    for name in (dead, other_host, owned_name("x", ".partial"), name_of_a_dead_process("x", ".other")):
        (tmp_path / name).write_bytes(b"")
    assert remove_dead_temporaries(tmp_path, (".partial",)) == [dead]
    assert len(list(tmp_path.iterdir())) == 3
