"""The vault: bytes stored once by SHA-256, read-only, and nothing left behind on failure."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import tracemalloc
from pathlib import Path

import pytest

from evidence_desk.core import custody, vault
from evidence_desk.core.case import Case
from evidence_desk.core.errors import Cancelled, DiskFull, ImportFailed
from evidence_desk.core.verify import verify


@pytest.fixture
def case(tmp_path: Path) -> Case:
    c = Case.create(tmp_path / "case", "Vault test", "Ann Examiner")
    yield c
    c.close()


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> int:
    """Make the copy loop take many turns on small files, so callbacks run mid-copy."""
    monkeypatch.setattr(vault, "CHUNK", 64 * 1024)
    return vault.CHUNK


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def vault_files(case: Case) -> dict[str, list[str]]:
    root = case.path / "vault"
    return {part: sorted(p.name for p in (root / part).rglob("*") if p.is_file())
            for part in ("objects", "tmp", "pending")}


def assert_nothing_left(case: Case, items_before: int, custody_before: int) -> None:
    assert vault_files(case)["tmp"] == []
    assert vault_files(case)["pending"] == []
    assert case.items.count() == items_before
    assert len(case.history.entries()) == custody_before
    assert verify(case.path).ok


def test_import_stores_the_exact_bytes_read_only_at_their_address(case: Case, tmp_path: Path) -> None:
    data = os.urandom(300_000)
    item = case.items.import_file(write(tmp_path / "dispatch.bin", data))
    sha = hashlib.sha256(data).hexdigest()
    path = case.items.object_path(item.id)
    assert item.sha256 == sha and item.size == len(data) and item.name == "dispatch.bin"
    assert path == case.path / "vault" / "objects" / sha[:2] / sha
    assert path.read_bytes() == data
    assert stat.S_IMODE(path.stat().st_mode) & 0o222 == 0, "a vault object must be read-only"
    assert vault_files(case) == {"objects": [sha], "tmp": [], "pending": []}


def test_import_of_an_empty_file_is_an_item_too(case: Case, tmp_path: Path) -> None:
    item = case.items.import_file(write(tmp_path / "empty.txt", b""))
    assert item.sha256 == hashlib.sha256(b"").hexdigest() and item.size == 0
    assert verify(case.path).ok


def test_identical_content_is_stored_once_but_each_acquisition_is_its_own_item(case: Case, tmp_path: Path) -> None:
    data = b"memo scan bytes " * 1000
    first = case.items.import_file(write(tmp_path / "memo.png", data), source="CPD")
    second = case.items.import_file(write(tmp_path / "memo-copy-from-union.png", data), source="FOP")
    assert first.id != second.id and first.sha256 == second.sha256
    assert vault_files(case)["objects"] == [first.sha256]
    assert case.db.execute("SELECT count(*) FROM object").fetchone()[0] == 1
    acquisitions = [e for e in case.history.entries() if e.action == "acquired"]
    assert [(e.item_id, e.item_sha256) for e in acquisitions] == [(first.id, first.sha256),
                                                                  (second.id, second.sha256)]
    assert acquisitions[1].details_dict["identical_content_items"] == [first.id]
    assert [case.items.get(i).source_name for i in (first.id, second.id)] == ["CPD", "FOP"]
    assert verify(case.path).ok


def test_memory_stays_bounded_by_the_pipeline_not_the_file(case: Case, tmp_path: Path,
                                                          small_chunks: int) -> None:
    big = tmp_path / "long-recording.bin"
    with open(big, "wb") as out:
        for _ in range(512):  # 32 MiB, 512 chunks of the copy loop
            out.write(os.urandom(small_chunks))
    tracemalloc.start()
    try:
        case.items.import_file(big)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # two queues of QUEUE_DEPTH chunks, plus the chunk each thread holds
    assert peak < (2 * vault.QUEUE_DEPTH + 8) * small_chunks, peak


def test_a_file_that_vanishes_during_the_copy_leaves_nothing(case: Case, tmp_path: Path, small_chunks: int) -> None:
    source = write(tmp_path / "bodycam.mp4", os.urandom(10 * small_chunks))
    before = (case.items.count(), len(case.history.entries()))

    def delete_source(_done: int) -> None:
        source.unlink(missing_ok=True)

    with pytest.raises(ImportFailed, match="vanished"):
        case.items.import_file(source, progress=delete_source)
    assert vault_files(case)["objects"] == []
    assert_nothing_left(case, *before)


def test_a_file_that_grows_during_the_copy_leaves_nothing(case: Case, tmp_path: Path, small_chunks: int) -> None:
    source = write(tmp_path / "dispatch-log.txt", b"12:34 clear everybody out\n" * 30_000)
    before = (case.items.count(), len(case.history.entries()))
    calls = []

    def append_to_source(_done: int) -> None:
        calls.append(_done)
        if len(calls) == 2:
            with open(source, "ab") as f:
                f.write(b"12:35 late line\n")

    with pytest.raises(ImportFailed, match="changed"):
        case.items.import_file(source, progress=append_to_source)
    assert vault_files(case)["objects"] == []
    assert_nothing_left(case, *before)


def test_a_file_rewritten_in_place_during_the_copy_leaves_nothing(case: Case, tmp_path: Path,
                                                                  small_chunks: int) -> None:
    source = write(tmp_path / "statement.txt", b"a" * (8 * small_chunks))
    before = (case.items.count(), len(case.history.entries()))

    def overwrite_start(_done: int) -> None:
        with open(source, "r+b") as f:  # same size, new bytes, new mtime
            f.write(b"b" * 16)
        os.utime(source, ns=(0, 1))

    with pytest.raises(ImportFailed, match="changed"):
        case.items.import_file(source, progress=overwrite_start)
    assert_nothing_left(case, *before)


def test_a_file_replaced_by_another_during_the_copy_leaves_nothing(case: Case, tmp_path: Path,
                                                                   small_chunks: int) -> None:
    source = write(tmp_path / "scan.png", os.urandom(8 * small_chunks))
    swap = write(tmp_path / "other.png", os.urandom(8 * small_chunks))
    before = (case.items.count(), len(case.history.entries()))

    def replace_source(_done: int) -> None:
        if swap.exists():
            os.replace(swap, source)

    with pytest.raises(ImportFailed, match="replaced or changed"):
        case.items.import_file(source, progress=replace_source)
    assert_nothing_left(case, *before)


def test_a_full_disk_gives_a_clear_error_and_leaves_nothing(case: Case, tmp_path: Path, small_chunks: int,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    source = write(tmp_path / "long.wav", os.urandom(20 * small_chunks))
    before = (case.items.count(), len(case.history.entries()))
    real_write = os.write
    written = []

    def write_until_full(fd: int, data) -> int:
        if "/vault/tmp/" in os.readlink(f"/proc/self/fd/{fd}"):
            if written:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            written.append(len(data))
        return real_write(fd, data)

    monkeypatch.setattr(vault.os, "write", write_until_full)
    with pytest.raises(DiskFull) as failed:
        case.items.import_file(source)
    monkeypatch.undo()
    assert str(failed.value) == f"disk full: {case.path}; free space and try again"
    assert failed.value.exit_code == 3
    assert vault_files(case)["objects"] == []
    assert_nothing_left(case, *before)


def test_cancel_during_the_copy_leaves_nothing(case: Case, tmp_path: Path, small_chunks: int) -> None:
    source = write(tmp_path / "video.mp4", os.urandom(20 * small_chunks))
    before = (case.items.count(), len(case.history.entries()))
    done: list[int] = []
    with pytest.raises(Cancelled):
        case.items.import_file(source, progress=done.append, should_cancel=lambda: len(done) >= 3)
    assert sum(done) == 3 * small_chunks, "progress reports byte increments"
    assert vault_files(case)["objects"] == []
    assert_nothing_left(case, *before)


@pytest.mark.parametrize("make", ["missing", "folder", "fifo"])
def test_what_cannot_be_read_as_a_file_is_refused_clearly(case: Case, tmp_path: Path, make: str) -> None:
    target = tmp_path / "thing"
    if make == "folder":
        target.mkdir()
    elif make == "fifo":
        os.mkfifo(target)
    before = (case.items.count(), len(case.history.entries()))
    with pytest.raises(ImportFailed) as failed:  # a FIFO with no writer must not hang the import
        case.items.import_file(target)
    assert failed.value.path == str(target)
    assert {"missing": "not found", "folder": "folder", "fifo": "not a regular file"}[make] in failed.value.reason
    assert_nothing_left(case, *before)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a file without read permission")
def test_an_unreadable_file_is_refused_clearly(case: Case, tmp_path: Path) -> None:
    source = write(tmp_path / "sealed.pdf", b"%PDF-1.4")
    source.chmod(0)
    with pytest.raises(ImportFailed, match="permission denied"):
        case.items.import_file(source)


def test_a_database_failure_after_placing_removes_the_new_object(case: Case, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    before = (case.items.count(), len(case.history.entries()))

    def refuse(*args, **kwargs):
        raise RuntimeError("simulated failure inside the transaction")

    monkeypatch.setattr(custody, "append", refuse)
    with pytest.raises(RuntimeError):
        case.items.import_file(write(tmp_path / "memo.png", b"\x89PNG\r\n\x1a\n" + os.urandom(1000)))
    monkeypatch.undo()
    assert vault_files(case)["objects"] == []
    assert_nothing_left(case, *before)


def test_a_database_failure_keeps_an_object_other_items_share(case: Case, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    data = os.urandom(5000)
    kept = case.items.import_file(write(tmp_path / "a.bin", data))
    before = (case.items.count(), len(case.history.entries()))
    monkeypatch.setattr(custody, "append", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom")))
    with pytest.raises(RuntimeError):
        case.items.import_file(write(tmp_path / "b.bin", data))
    monkeypatch.undo()
    assert case.items.read_bytes(kept.id) == data
    assert_nothing_left(case, *before)


def test_opening_a_case_cleans_what_a_crash_left_in_the_vault(tmp_path: Path) -> None:
    case = Case.create(tmp_path / "case", "Recovery", "Ann Examiner")
    kept = case.items.import_file(write(tmp_path / "kept.txt", b"kept"))
    case.close()
    root = tmp_path / "case" / "vault"
    (root / "tmp" / "0123.part").write_bytes(b"half a copy")
    # an object placed with its intent, but the database never committed it
    orphan = hashlib.sha256(b"never committed").hexdigest()
    (root / "objects" / orphan[:2]).mkdir(exist_ok=True)
    (root / "objects" / orphan[:2] / orphan).write_bytes(b"never committed")
    (root / "pending" / f"{orphan}.intent").write_bytes(b"")
    # an intent whose object the database did record (crash after commit): the object stays
    (root / "pending" / f"{kept.sha256}.intent").write_bytes(b"")

    with Case.open(tmp_path / "case") as reopened:
        assert vault_files(reopened) == {"objects": [kept.sha256], "tmp": [], "pending": []}
        assert reopened.items.read_bytes(kept.id) == b"kept"
    assert verify(tmp_path / "case").ok


def test_an_object_without_intent_or_item_is_not_deleted_but_reported(tmp_path: Path) -> None:
    Case.create(tmp_path / "case", "Stray", "Ann Examiner").close()
    stray = hashlib.sha256(b"dropped in by hand").hexdigest()
    folder = tmp_path / "case" / "vault" / "objects" / stray[:2]
    folder.mkdir()
    (folder / stray).write_bytes(b"dropped in by hand")
    Case.open(tmp_path / "case").close()
    assert (folder / stray).exists(), "recovery must not delete what it did not write"
    report = verify(tmp_path / "case")
    assert not report.ok
    assert any(stray in str(f) and "not in the catalogue" in str(f) for f in report.failures)


def test_hash_file_reads_once_for_hash_size_and_progress_and_can_be_cancelled(tmp_path: Path) -> None:
    data = os.urandom(3 * vault.IO_SLICE + 17)  # several reads and a short last one
    path = tmp_path / "evidence.bin"
    path.write_bytes(data)
    seen: list[int] = []
    digest = vault.hash_file(path, seen.append)
    assert digest == (hashlib.sha256(data).hexdigest(), len(data))
    assert sum(seen) == len(data) and len(seen) == 4
    (tmp_path / "empty.bin").write_bytes(b"")
    assert vault.hash_file(tmp_path / "empty.bin") == (hashlib.sha256(b"").hexdigest(), 0)
    with pytest.raises(Cancelled):
        vault.hash_file(path, should_cancel=lambda: True)
    with pytest.raises(FileNotFoundError):
        vault.hash_file(tmp_path / "missing.bin")


# --- the copy path at intake speed: hashed bytes are the stored bytes -------------------------


@pytest.fixture
def small_io(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Chunks, write slices and write-behind much smaller than a file, so every
    boundary of the copy path is crossed (and not on a multiple of another)."""
    sizes = {"CHUNK": 96 * 1024, "IO_SLICE": 40 * 1024, "WRITEBACK": 200 * 1024}
    for name, value in sizes.items():
        monkeypatch.setattr(vault, name, value)
    return sizes


@pytest.mark.parametrize("extra", [0, 1, 40 * 1024 - 1, 96 * 1024 + 7])
def test_the_stored_object_is_the_source_byte_for_byte_and_its_hash_is_hashlibs(
        case: Case, tmp_path: Path, small_io: dict[str, int], extra: int) -> None:
    data = os.urandom(13 * small_io["CHUNK"] + extra)
    item = case.items.import_file(write(tmp_path / "recording.wav", data))
    stored = case.items.object_path(item.id).read_bytes()
    assert stored == data
    assert item.sha256 == hashlib.sha256(stored).hexdigest() == hashlib.sha256(data).hexdigest()
    assert item.size == len(data)
    assert vault_files(case)["tmp"] == [] and verify(case.path).ok


def test_the_sink_asks_the_kernel_to_write_behind_and_the_bytes_stay_right(
        case: Case, tmp_path: Path, small_io: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    if not hasattr(os, "posix_fadvise"):
        pytest.skip("no posix_fadvise on this system")
    real = os.posix_fadvise
    advised: list[tuple[int, int, int]] = []

    def record(fd: int, offset: int, length: int, advice: int) -> None:
        if "/vault/tmp/" in os.readlink(f"/proc/self/fd/{fd}"):
            advised.append((offset, length, advice))
        real(fd, offset, length, advice)

    monkeypatch.setattr(vault.os, "posix_fadvise", record)
    data = os.urandom(10 * small_io["CHUNK"] + 5)
    item = case.items.import_file(write(tmp_path / "cctv.mp4", data))
    behind = [(o, n) for o, n, a in advised if a == os.POSIX_FADV_DONTNEED]
    assert len(behind) >= 3, advised
    # consecutive ranges from the start: every byte written is handed over once
    assert [o for o, _ in behind] == [sum(n for _, n in behind[:i]) for i in range(len(behind))]
    assert case.items.object_path(item.id).read_bytes() == data


def test_the_writer_gets_the_very_buffer_that_was_hashed(case: Case, tmp_path: Path, small_io: dict[str, int],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """What is written is what went through the hash, slice for slice (no second read of the source)."""
    hashed = hashlib.sha256()
    real = vault.ObjectSink.write

    def write_and_note(self: vault.ObjectSink, data: memoryview) -> None:
        hashed.update(data)
        real(self, data)

    monkeypatch.setattr(vault.ObjectSink, "write", write_and_note)
    data = os.urandom(7 * small_io["CHUNK"] + 3)
    item = case.items.import_file(write(tmp_path / "radio.wav", data))
    assert hashed.hexdigest() == item.sha256


def test_a_full_disk_at_the_closing_fsync_leaves_nothing(case: Case, tmp_path: Path, small_io: dict[str, int],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    source = write(tmp_path / "long.wav", os.urandom(6 * small_io["CHUNK"]))
    before = (case.items.count(), len(case.history.entries()))
    real_fsync = os.fsync

    def full_at_fsync(fd: int) -> None:
        if "/vault/tmp/" in os.readlink(f"/proc/self/fd/{fd}"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(vault.os, "fsync", full_at_fsync)
    with pytest.raises(DiskFull):
        case.items.import_file(source)
    monkeypatch.undo()
    assert vault_files(case)["objects"] == []
    assert_nothing_left(case, *before)


def test_cancel_after_the_kernel_began_writing_leaves_no_partial_object(
        case: Case, tmp_path: Path, small_io: dict[str, int]) -> None:
    source = write(tmp_path / "bodycam.mp4", os.urandom(20 * small_io["CHUNK"]))
    before = (case.items.count(), len(case.history.entries()))
    done: list[int] = []
    with pytest.raises(Cancelled):  # well past several write-behind ranges
        case.items.import_file(source, progress=done.append, should_cancel=lambda: len(done) >= 12)
    assert vault_files(case)["objects"] == [] and vault_files(case)["tmp"] == []
    assert_nothing_left(case, *before)


def test_a_source_truncated_mid_copy_is_refused(case: Case, tmp_path: Path, small_io: dict[str, int]) -> None:
    source = write(tmp_path / "interview.wav", os.urandom(12 * small_io["CHUNK"]))
    before = (case.items.count(), len(case.history.entries()))
    calls: list[int] = []

    def truncate(done: int) -> None:
        calls.append(done)
        if len(calls) == 3:
            os.truncate(source, 4 * small_io["CHUNK"])

    with pytest.raises(ImportFailed, match="changed"):
        case.items.import_file(source, progress=truncate)
    assert vault_files(case)["objects"] == []
    assert_nothing_left(case, *before)


def test_stored_bytes_go_through_the_sink_and_a_full_disk_leaves_no_temporary(
        case: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    v = vault.Vault(case.path / "vault")
    staged = v.stage_bytes(b"derived text\n" * 1000)
    assert staged.tmp_path.read_bytes() == b"derived text\n" * 1000
    assert staged.sha256 == hashlib.sha256(b"derived text\n" * 1000).hexdigest()
    v.discard(staged)

    def full(fd: int, data) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(vault.os, "write", full)
    with pytest.raises(OSError):
        v.stage_bytes(b"x" * 10)
    monkeypatch.undo()
    assert vault_files(case)["tmp"] == []
