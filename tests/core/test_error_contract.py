"""The command line's one error contract (README, "Exit codes"), as a real process shows it:
0 done, 1 verification found problems, 2 bad input, 3 the environment refused, 70 a bug;
each failure one line on stderr naming the path and what to do, never a traceback, and the
case exactly as it was. And the case lock: every writing command takes it, so a case open in
the app (or in another command) refuses CLI writes, naming who has it, where and since when.

Every command here runs as ``python -m evidence_desk`` in its own process, for the true exit
code and stderr. A fault that cannot be made for real on any machine (a full disk at the
moment of commit, a bug) is injected into that process by a two-line wrapper (:func:`cli`
with ``inject``); where root may mount a small tmpfs, the full disk is real too.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from evidence_desk.core import operations as ops
from evidence_desk.core.case import Case
from evidence_desk.core.packet import format as packet_format

ROOT = Path(__file__).resolve().parents[2]
CRASH_MARK = "internal error ("


# --- running the command line as a process ------------------------------------------------

def cli_env(tmp_path: Path) -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
                EVIDENCE_DESK_LOG_DIR=str(tmp_path / "logs"))


def cli(tmp_path: Path, *args: str | Path, inject: str = "", timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``python -m evidence_desk ARGS`` in a process of its own; ``inject`` is Python run in that
    process before the command (to make a fault that cannot be made for real)."""
    argv = [os.fspath(a) for a in args]
    if inject:
        code = (textwrap.dedent(inject) + "\nimport sys\nfrom evidence_desk.cli import main\n"
                f"sys.exit(main({argv!r}))\n")
        command = [sys.executable, "-c", code]
    else:
        command = [sys.executable, "-m", "evidence_desk", *argv]
    return subprocess.run(command, capture_output=True, text=True, errors="backslashreplace",
                          env=cli_env(tmp_path), timeout=timeout)


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    """The single line the contract allows on stderr (no traceback, nothing else)."""
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}: {done.stderr!r}"
    assert lines[0].startswith("evidence-desk: error: "), lines[0]
    return lines[0]


def state(case_dir: Path) -> dict[str, object]:
    """Everything a change could touch: every row of every table, the head, the vault's files."""
    rows: dict[str, object] = {}
    with closing(sqlite3.connect(f"file:{case_dir / 'case.sqlite'}?mode=ro", uri=True)) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        for table in tables:
            rows[table] = sorted(map(repr, conn.execute(f"SELECT * FROM [{table}]")))
    rows["custody.head"] = (case_dir / "custody.head").read_bytes()
    rows["vault"] = sorted(str(p.relative_to(case_dir)) for p in (case_dir / "vault").rglob("*"))
    return rows


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    (tmp_path / "memo.txt").write_text("memo\n", "utf-8")
    with Case.create(tmp_path / "case", "Stand-down", "Ann Examiner") as case:
        ops.import_files(case, [tmp_path / "memo.txt"], ops.IntakeOptions(source="OEMC"))
        return case.path


# --- non-UTF-8 file names -------------------------------------------------------------------

def test_a_file_name_that_is_not_utf8_imports_with_its_raw_bytes_kept(case_dir: Path, tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + b"/caf\xe9.txt"
    try:
        with open(raw, "wb") as f:
            f.write(b"coffee\n")
    except OSError:
        pytest.skip("this file system refuses names that are not UTF-8")
    (tmp_path / "ok.txt").write_text("fine\n", "utf-8")
    done = cli(tmp_path, "add", case_dir, os.fsdecode(raw), tmp_path / "ok.txt")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert [line.split("\t")[2] for line in done.stdout.splitlines()] == ["caf\\xe9.txt", "ok.txt"], \
        "both files imported: the odd name shown escaped, the rest of the command's files tried"
    items = json.loads(cli(tmp_path, "list", case_dir, "items", "--json").stdout)
    assert [i["name"] for i in items] == ["memo.txt", "caf\\xe9.txt", "ok.txt"]
    entries = json.loads(cli(tmp_path, "list", case_dir, "custody", "--json").stdout)
    acquired = [e for e in entries if e["action"] == "acquired" and e["item_id"] == items[1]["id"]]
    details = acquired[0]["details"]
    details = json.loads(details) if isinstance(details, str) else details
    assert bytes.fromhex(details["original_name_bytes"]) == b"caf\xe9.txt"
    assert bytes.fromhex(details["original_path_bytes"]) == raw
    assert cli(tmp_path, "verify", case_dir).returncode == 0


def test_other_text_that_is_not_utf8_is_bad_input_and_nothing_is_recorded(case_dir: Path,
                                                                         tmp_path: Path) -> None:
    before = state(case_dir)
    done = cli(tmp_path, "event", "add", case_dir, "--title", os.fsdecode(b"caf\xe9 meeting"))
    assert done.returncode == 2
    assert one_line(done) == ('evidence-desk: error: text that is not valid UTF-8 cannot be recorded: '
                              '"caf\\xe9 meeting"; give it as UTF-8')
    assert state(case_dir) == before


# --- the environment refusing at commit -------------------------------------------------------

FULL_AT_COMMIT = """
    import sqlite3
    from contextlib import contextmanager
    from evidence_desk.core import store
    real = store.transaction
    @contextmanager
    def transaction(db):
        with real(db):
            yield db
            raise sqlite3.OperationalError("database or disk is full")  # what COMMIT says on a full disk
    store.transaction = transaction
"""

WRITES = {
    "event add": ("event", "add", "{case}", "--title", "Stand-down order"),
    "statement add": ("statement", "add", "{case}", "--speaker", "CPD", "--medium", "memo", "--text", "We did."),
    "grade": ("grade", "{case}", "source", "1", "--reliability", "B", "--rationale", "official record"),
}


def _args(template: tuple[str, ...], case_dir: Path) -> list[str]:
    return [a.format(case=case_dir) for a in template]


@pytest.mark.parametrize("command", sorted(WRITES))
def test_a_full_disk_at_commit_is_exit_3_one_line_and_nothing_changed(command: str, case_dir: Path,
                                                                      tmp_path: Path) -> None:
    before = state(case_dir)
    done = cli(tmp_path, *_args(WRITES[command], case_dir), inject=FULL_AT_COMMIT)
    line = one_line(done)
    assert done.returncode == 3
    assert line == f"evidence-desk: error: disk full: {case_dir}; free space and try again"
    assert state(case_dir) == before


@contextmanager
def database_held(case_dir: Path, tmp_path: Path) -> Iterator[None]:
    """Another program (not Evidence Desk: it takes no case lock) in a write transaction."""
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sqlite3, sys
            conn = sqlite3.connect({str(case_dir / 'case.sqlite')!r}, isolation_level=None)
            conn.execute("BEGIN IMMEDIATE")
            print("holding", flush=True)
            sys.stdin.readline()
            conn.execute("ROLLBACK")
        """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=cli_env(tmp_path))
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "holding\n"
        yield
    finally:
        holder.communicate("\n", timeout=30)


@pytest.mark.parametrize("command", sorted(WRITES))
def test_a_busy_database_after_waiting_is_exit_3_one_line_and_nothing_changed(command: str, case_dir: Path,
                                                                             tmp_path: Path) -> None:
    before = state(case_dir)
    with database_held(case_dir, tmp_path):
        # the real wait is 10 s; one second shows the same
        done = cli(tmp_path, *_args(WRITES[command], case_dir),
                   inject="from evidence_desk.core import store\nstore.BUSY_TIMEOUT_S = 1.0")
    line = one_line(done)
    assert done.returncode == 3
    assert line.startswith(f"evidence-desk: error: case database busy: {case_dir}; ")
    assert "try again" in line
    assert state(case_dir) == before


# --- a real full disk: a small tmpfs, where this machine lets root mount one ---------------------

@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "small"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root")
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path, leave_kib: int) -> None:
    free = shutil.disk_usage(disk).free
    with open(disk / "filler", "wb") as f:
        f.write(b"\0" * max(0, free - leave_kib * 1024))


def test_on_a_real_full_disk_add_statement_and_export_name_the_path_and_what_to_do(
        small_disk: Path, tmp_path: Path) -> None:
    case_dir = small_disk / "case"
    with Case.create(case_dir, "Stand-down", "Ann Examiner"):
        pass
    big = tmp_path / "big.txt"
    big.write_text("x" * 1_500_000, "utf-8")
    fill(small_disk, leave_kib=600)
    before = state(case_dir)

    done = cli(tmp_path, "add", case_dir, big)
    assert (done.returncode, one_line(done)) == (3, f"evidence-desk: error: disk full: {case_dir}; free space "
                                                    "and try again"), "not 'nothing imported (nothing imported)'"
    done = cli(tmp_path, "statement", "add", case_dir, "--speaker", "S", "--medium", "memo", "--text-file", big)
    assert (done.returncode, one_line(done)) == (3, f"evidence-desk: error: disk full: {case_dir}; free space "
                                                    "and try again")
    assert state(case_dir) == before

    (small_disk / "filler").unlink()
    with Case.open(case_dir) as case:  # room for the record, not for the packet beside it
        ops.import_files(case, [big])
    sign(case_dir, tmp_path)
    fill(small_disk, leave_kib=300)
    before = state(case_dir)
    out = small_disk / "packet"
    done = cli(tmp_path, "export", case_dir, "-o", out)
    assert (done.returncode, one_line(done)) == (3, f"evidence-desk: error: disk full: {out}; free space and "
                                                    "try again"), "the path and what to do, not just ENOSPC"
    assert not out.exists()
    assert sorted(p.name for p in small_disk.iterdir()) == ["case", "filler"], "no half-written packet left"
    assert state(case_dir) == before


def sign(case_dir: Path, tmp_path: Path) -> None:
    """End with a checkpoint, so an export has no head to sign before it writes its packet
    (that checkpoint is a whole entry of its own, kept when the packet then fails)."""
    assert cli(tmp_path, "verify", case_dir, "--record").returncode == 0


def test_an_injected_full_disk_during_export_names_the_packet(case_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "packet"
    sign(case_dir, tmp_path)
    before = state(case_dir)
    done = cli(tmp_path, "export", case_dir, "-o", out, inject="""
        import errno
        from evidence_desk.core.packet import export
        def copy_file(source, target, *args, **kwargs):  # the disk fills while the evidence is copied
            raise OSError(errno.ENOSPC, "No space left on device", str(target))
        export.copy_file = copy_file
    """)
    line = one_line(done)
    assert done.returncode == 3
    assert line == f"evidence-desk: error: disk full: {out}; free space and try again"
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".packet")) == []
    assert state(case_dir) == before


# --- hostile packets ----------------------------------------------------------------------------

@pytest.fixture
def nested_packet(case_dir: Path, tmp_path: Path) -> Path:
    with Case.open(case_dir) as case:
        out = ops.export_packet(case, tmp_path / "packet").value
    (out / "data" / "case.json").write_text("[" * 100_000 + "]" * 100_000, "utf-8")
    return out


def test_a_deeply_nested_case_json_fails_verify_packet_with_a_clear_line(nested_packet: Path,
                                                                         tmp_path: Path) -> None:
    done = cli(tmp_path, "verify-packet", nested_packet)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "RecursionError" not in done.stdout + done.stderr
    assert len(done.stderr.splitlines()) == 1 and "failure(s)" in done.stderr
    assert "FAILED: data/case.json is not readable JSON: nested more than 64 levels deep" in done.stdout


def test_a_deeply_nested_case_json_is_not_imported(nested_packet: Path, tmp_path: Path) -> None:
    target = tmp_path / "received"
    done = cli(tmp_path, "import-packet", nested_packet, target, "--released-by", "R")
    assert done.returncode == 1
    assert done.stderr == "the packet failed verification; nothing was imported\n"
    assert "nested more than 64 levels deep" in done.stdout
    assert not target.exists()


def test_packet_json_is_read_with_a_depth_limit() -> None:
    assert packet_format.loads_bounded('{"a": [1, {"b": [2]}]}') == {"a": [1, {"b": [2]}]}
    assert packet_format.loads_bounded("[" * 64 + "]" * 64) is not None
    for text in ("[" * 65 + "]" * 65, '{"a":' * 65 + "1" + "}" * 65, "[" * 200_000 + "]" * 200_000):
        with pytest.raises(ValueError, match="nested more than 64 levels deep"):
            packet_format.loads_bounded(text)


# --- a reader that goes away --------------------------------------------------------------------

def test_a_reader_that_goes_away_ends_the_command_quietly(case_dir: Path, tmp_path: Path) -> None:
    text = tmp_path / "long.txt"
    text.write_text("a long statement\n" * 40_000, "utf-8")  # 680 KB: far more than a pipe holds
    assert cli(tmp_path, "statement", "add", case_dir, "--speaker", "S", "--medium", "memo",
               "--text-file", text).returncode == 0
    reader = subprocess.Popen([sys.executable, "-m", "evidence_desk", "list", str(case_dir), "statements", "--json"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=cli_env(tmp_path))
    assert reader.stdout is not None and reader.stderr is not None
    assert reader.stdout.read(10).startswith(b"[")
    reader.stdout.close()  # as `| head -c 10` does
    err = reader.stderr.read()
    assert reader.wait(timeout=60) == 141, "as a shell reports a command ended by SIGPIPE"
    assert err == b"", "no 'error: Broken pipe', no traceback"


def test_head_in_a_shell_pipeline_sees_no_error(case_dir: Path, tmp_path: Path) -> None:
    for n in range(3):
        assert cli(tmp_path, "event", "add", case_dir, "--title", f"event {n}").returncode == 0
    done = subprocess.run(["sh", "-c", f'"{sys.executable}" -m evidence_desk list "{case_dir}" events | head -n 1'],
                          capture_output=True, text=True, env=cli_env(tmp_path), timeout=60)
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.split("\t")[0] == "1"


# --- a bug --------------------------------------------------------------------------------------

def test_a_bug_is_one_line_naming_the_crash_report_exit_70(case_dir: Path, tmp_path: Path) -> None:
    before = state(case_dir)
    done = cli(tmp_path, "event", "add", case_dir, "--title", "X", inject="""
        from evidence_desk.core import events
        def add(self, *args, **kwargs):
            raise ZeroDivisionError("a bug")
        events.Events.add = add
    """)
    line = one_line(done)
    report = tmp_path / "logs" / "crash.log"
    assert done.returncode == 70
    assert line == ("evidence-desk: error: internal error (ZeroDivisionError: a bug); nothing more was changed; "
                    f"the details are in {report}; please report it")
    logged = report.read_text("utf-8")
    assert "Traceback (most recent call last)" in logged and "ZeroDivisionError: a bug" in logged
    assert "event add" in logged, "the command line is in the report"
    assert state(case_dir) == before


# --- the case lock ------------------------------------------------------------------------------

@contextmanager
def case_open_elsewhere(case_dir: Path, tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process with the case open for writing, as the app holds it: the case lock
    taken, then the case opened (the app's main window does the same)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys
            from evidence_desk.core import lock
            from evidence_desk.core.case import Case
            held = lock.acquire({str(case_dir)!r})
            assert isinstance(held, lock.CaseLock), held
            case = Case.open({str(case_dir)!r})
            print("open", flush=True)
            sys.stdin.readline()
            case.close()
            held.release()
            print("closed", flush=True)
        """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=cli_env(tmp_path))
    assert holder.stdout is not None
    try:
        assert holder.stdout.readline() == "open\n"
        yield holder
    finally:
        if holder.poll() is None:
            holder.communicate("\n", timeout=30)


LOCKED_WRITES = {
    "event add": ("event", "add", "{case}", "--title", "Stand-down order"),
    "add": ("add", "{case}", "{tmp}/new.txt"),
    "note add": ("note", "add", "{case}", "--text", "called the unit"),
    "grade": ("grade", "{case}", "source", "1", "--reliability", "B", "--rationale", "official record"),
    "report": ("report", "{case}", "-o", "{tmp}/report.html"),
    "export": ("export", "{case}", "-o", "{tmp}/packet"),
    "verify --record": ("verify", "{case}", "--record"),
}


@pytest.mark.parametrize("command", sorted(LOCKED_WRITES))
def test_a_case_open_elsewhere_refuses_cli_writes_naming_the_holder(command: str, case_dir: Path,
                                                                    tmp_path: Path) -> None:
    (tmp_path / "new.txt").write_text("new\n", "utf-8")
    args = [a.format(case=case_dir, tmp=tmp_path) for a in LOCKED_WRITES[command]]
    before = state(case_dir)
    with case_open_elsewhere(case_dir, tmp_path) as holder:
        done = cli(tmp_path, *args)
        line = one_line(done)
    assert done.returncode == 3
    assert line.startswith("evidence-desk: error: case is open for writing by ")
    assert f" on {socket.gethostname()}, process {holder.pid}, since " in line, "who, where and since when"
    assert line.endswith(f": {case_dir}; close the case there, or run again with --wait SECONDS")
    assert state(case_dir) == before
    assert not (tmp_path / "report.html").exists() and not (tmp_path / "packet").exists()


def test_read_commands_work_beside_the_app(case_dir: Path, tmp_path: Path) -> None:
    with case_open_elsewhere(case_dir, tmp_path):
        items = cli(tmp_path, "list", case_dir, "items")
        custody = cli(tmp_path, "list", case_dir, "custody", "--json")
        verified = cli(tmp_path, "verify", case_dir)
        receipt = cli(tmp_path, "receipt", case_dir, "-o", tmp_path / "receipt.json")
    assert items.returncode == 0 and items.stdout.split("\t")[-1] == "memo.txt\n"
    assert custody.returncode == 0 and json.loads(custody.stdout)[0]["action"] == "case_created"
    assert verified.returncode == 0 and "intact: 1 items" in verified.stdout, verified.stdout + verified.stderr
    assert receipt.returncode == 0 and (tmp_path / "receipt.json").is_file()


def test_wait_waits_for_the_holder_then_writes(case_dir: Path, tmp_path: Path) -> None:
    before = state(case_dir)
    with case_open_elsewhere(case_dir, tmp_path) as holder:
        writer = subprocess.Popen([sys.executable, "-m", "evidence_desk", "event", "add", str(case_dir),
                                   "--title", "after the app closed", "--wait", "60"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env(tmp_path))
        try:
            writer.wait(timeout=3)
        except subprocess.TimeoutExpired:
            pass
        assert writer.poll() is None, "still waiting while the case is open elsewhere"
        assert state(case_dir) == before, "and nothing written meanwhile"
        assert holder.communicate("\n", timeout=30)[0] == "closed\n"
        out, err = writer.communicate(timeout=90)
    assert writer.returncode == 0, err
    assert out == "1\n"
    assert "Traceback" not in err
    events = json.loads(cli(tmp_path, "list", case_dir, "events", "--json").stdout)
    assert [e["title"] for e in events] == ["after the app closed"]


def test_wait_gives_up_when_the_holder_keeps_the_case(case_dir: Path, tmp_path: Path) -> None:
    before = state(case_dir)
    with case_open_elsewhere(case_dir, tmp_path):
        done = cli(tmp_path, "event", "add", case_dir, "--title", "X", "--wait", "2")
    line = one_line(done)
    assert done.returncode == 3
    assert line.endswith(f": {case_dir}; still open after waiting 2 s; close it there, or wait longer")
    assert state(case_dir) == before


def test_a_cli_writer_holds_the_lock_so_the_app_would_open_read_only(case_dir: Path, tmp_path: Path) -> None:
    from evidence_desk.core import lock

    done = cli(tmp_path, "event", "add", case_dir, "--title", "X", inject=f"""
        from evidence_desk.core import lock, operations
        real = operations.add_event
        def add_event(case, *args, **kwargs):
            holder = lock.holder({str(case_dir)!r})
            print("held by", holder.pid if holder else None, flush=True)
            return real(case, *args, **kwargs)
        operations.add_event = add_event
    """)
    assert done.returncode == 0, done.stderr
    pid = int(done.stdout.splitlines()[0].removeprefix("held by "))
    assert pid > 0, "the command held the case lock while it wrote"
    assert lock.holder(case_dir) is None, "and let it go when it finished"


def test_an_io_error_on_a_disk_with_no_space_left_is_named_a_full_disk(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite in WAL mode reports a full disk met while growing its index (``-shm``) as an I/O
    error; with no space left where the case is, it is said as what it is."""
    from evidence_desk.core import errors

    io_error = sqlite3.OperationalError("disk I/O error")
    assert isinstance(errors.user_error(io_error, tmp_path), errors.StorageRefused)

    class Usage:
        free = 4096

    monkeypatch.setattr(shutil, "disk_usage", lambda path: Usage())
    refused = errors.user_error(io_error, tmp_path / "case")
    assert isinstance(refused, errors.DiskFull)
    assert str(refused) == f"disk full: {tmp_path / 'case'}; free space and try again"


@pytest.mark.parametrize("args", [("event", "add", "{case}", "--title", "X"), ("list", "{case}", "items")],
                         ids=["event add", "list"])
def test_a_damaged_case_database_is_exit_3_with_what_to_do(args: tuple[str, ...], case_dir: Path,
                                                            tmp_path: Path) -> None:
    db = case_dir / "case.sqlite"
    db.write_bytes(b"this is no database, it was overwritten" * 200)
    damaged = db.read_bytes()
    done = cli(tmp_path, *(a.format(case=case_dir) for a in args))
    assert done.returncode == 3
    assert one_line(done) == (f"evidence-desk: error: not a case database: {case_dir}; restore the case folder "
                              "from a backup")
    assert db.read_bytes() == damaged
