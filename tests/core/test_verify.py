"""Verify: every altered byte and every tampered custody row is found and named.

Tampering is done the way an insider would: straight into the files, with the
database's append-only triggers dropped first, so nothing the database
enforces can help verify.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidence_desk.core import custody
from evidence_desk.core.case import Case
from evidence_desk.core.errors import Cancelled
from evidence_desk.core.verify import VerifyReport, verify

TRIGGERS = ("custody_no_update", "custody_no_delete", "grade_no_update", "grade_no_delete",
            "journal_no_update", "journal_no_delete", "metadata_change_no_update",
            "metadata_change_no_delete", "object_no_update", "item_content_fixed")

PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def build_case(root: Path) -> Path:
    """A small case touching every kind of custody entry that names an item."""
    path = root / "template"
    files = root / "files"
    files.mkdir()
    (files / "dispatch.wav").write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + os.urandom(3000))
    (files / "memo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2000))
    (files / "memo-again.png").write_bytes((files / "memo.png").read_bytes())  # shares the object
    (files / "statement.txt").write_bytes(b"Officers did in fact respond.\n")
    with Case.create(path, "Stand-down", "Ann Examiner", tz="America/Chicago") as case:
        event = case.events.add("Dispatch order", when="04-Oc5-2025/12:34:44")
        items = [case.items.import_file(files / name, event_ids=[event.id], source="OEMC")
                 for name in ("dispatch.wav", "memo.png", "memo-again.png", "statement.txt")]
        case.statements.add("CPD", "press release", "Officers did in fact respond.", item_id=items[3].id)
        case.items.edit(items[1].id, reason="clarify", description="dispatcher memo, photographed")
        case.history.record_transfer([items[0].id], released_by="Ann Examiner", received_by="Bo Reviewer",
                             purpose="review", condition="sealed bag 42 intact")
        case.grades.add("item", items[0].id, "matches the radio log", credibility="2")
        case.items.add_derived(items[1].id, b"CLEAR EVERYBODY OUT", name="memo-transcript.txt",
                         reason="transcription of the memo")
        case.journal.add("asked OEMC for the full log", item_id=items[0].id)
    return path


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_case(tmp_path_factory.mktemp("verify"))


@contextmanager
def copy_of(template: Path) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "case"
        shutil.copytree(template, target)
        yield target


@contextmanager
def raw_db(case_dir: Path) -> Iterator[sqlite3.Connection]:
    """The case database opened as an attacker would: triggers dropped."""
    conn = sqlite3.connect(case_dir / "case.sqlite")
    conn.row_factory = sqlite3.Row
    for trigger in TRIGGERS:
        conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    conn.execute("PRAGMA ignore_check_constraints = ON")
    try:
        yield conn
        conn.commit()
    finally:
        conn.close()


def tampered(template: Path, change: Callable[[sqlite3.Connection], None]) -> VerifyReport:
    with copy_of(template) as case_dir:
        with raw_db(case_dir) as conn:
            change(conn)
        return verify(case_dir)


def chain_length(template: Path) -> int:
    with closing(sqlite3.connect(template / "case.sqlite")) as conn:
        return conn.execute("SELECT count(*) FROM custody").fetchone()[0]


def named_seqs(report: VerifyReport) -> set[int]:
    return {f.seq for f in report.failures if f.seq is not None}


# --- intact ------------------------------------------------------------------

def test_an_untouched_case_verifies_intact(template: Path) -> None:
    report = verify(template)
    assert report.ok, [str(f) for f in report.failures]
    assert (report.items, report.objects) == (5, 4)
    assert report.custody_entries == chain_length(template)
    assert report.bytes_hashed == sum(p.stat().st_size for p in (template / "vault/objects").rglob("*")
                                      if p.is_file())


def test_verify_reports_progress_in_bytes_and_can_be_cancelled(template: Path) -> None:
    totals: list[int] = []
    done: list[int] = []
    verify(template, progress=done.append, on_total=totals.append)
    assert totals and sum(done) == totals[0] > 0
    with pytest.raises(Cancelled):
        verify(template, should_cancel=lambda: True)


# --- content -----------------------------------------------------------------

def objects(case_dir: Path) -> list[Path]:
    return sorted(p for p in (case_dir / "vault" / "objects").rglob("*") if p.is_file())


def items_by_sha(case_dir: Path) -> dict[str, set[tuple[int, str]]]:
    with closing(sqlite3.connect(case_dir / "case.sqlite")) as conn:
        found: dict[str, set[tuple[int, str]]] = {}
        for item_id, name, sha in conn.execute("SELECT id, original_name, sha256 FROM item"):
            found.setdefault(sha, set()).add((item_id, name))
    return found


@pytest.mark.slow
@PROPERTY
@given(data=st.data())
def test_flipping_any_byte_of_any_object_is_caught_and_names_every_item_holding_it(template: Path,
                                                                                 data: st.DataObject) -> None:
    with copy_of(template) as case_dir:
        target = data.draw(st.sampled_from(objects(case_dir)), label="object")
        offset = data.draw(st.integers(0, target.stat().st_size - 1), label="offset")
        mask = data.draw(st.integers(1, 255), label="xor mask")
        target.chmod(0o600)
        with open(target, "r+b") as f:
            f.seek(offset)
            byte = f.read(1)[0]
            f.seek(offset)
            f.write(bytes([byte ^ mask]))
        report = verify(case_dir)
        expected = items_by_sha(case_dir)[target.name]
        named = {(f.item_id, f.item_name) for f in report.failures if "content altered" in f.message}
        assert named == expected
        for item_id, name in expected:
            assert any(str(f).startswith(f"item {item_id} ({name}): content altered") for f in report.failures)


def test_a_missing_object_names_its_items(template: Path) -> None:
    with copy_of(template) as case_dir:
        memo = next(sha for sha, items in items_by_sha(case_dir).items() if len(items) == 2)
        gone = case_dir / "vault" / "objects" / memo[:2] / memo
        gone.chmod(0o600)
        gone.unlink()
        report = verify(case_dir)
    assert {str(f) for f in report.failures} == {
        "item 2 (memo.png): its content is missing from the vault",
        "item 3 (memo-again.png): its content is missing from the vault",
    }


def test_an_object_added_outside_the_app_is_reported(template: Path) -> None:
    with copy_of(template) as case_dir:
        sha = hashlib.sha256(b"planted").hexdigest()
        (case_dir / "vault" / "objects" / sha[:2]).mkdir(exist_ok=True)
        (case_dir / "vault" / "objects" / sha[:2] / sha).write_bytes(b"planted")
        report = verify(case_dir)
    assert len(report.failures) == 1
    assert report.failures[0].sha256 == sha and "not in the catalogue" in str(report.failures[0])


def test_an_object_record_without_items_is_reported(template: Path) -> None:
    def add_object_row(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO object VALUES (?, 1, '2025-10-04T00:00:00Z')", ["0" * 64])

    report = tampered(template, add_object_row)
    assert any("0" * 64 in str(f) for f in report.failures)


def test_an_item_whose_metadata_was_edited_without_custody_is_named(template: Path) -> None:
    report = tampered(template, lambda c: c.execute(
        "UPDATE item SET description = 'nothing to see' WHERE id = 1"))
    assert [str(f) for f in report.failures] == [
        "item 1 (dispatch.wav): field description: the chain says '', the database says 'nothing to see' "
        "(changed without a custody entry)"]


def test_an_item_pointed_at_other_content_is_named(template: Path) -> None:
    def swap(conn: sqlite3.Connection) -> None:
        other = conn.execute("SELECT sha256 FROM item WHERE id = 4").fetchone()[0]
        conn.execute("UPDATE item SET sha256 = ? WHERE id = 1", [other])

    report = tampered(template, swap)
    about_items = [f for f in report.failures if f.what != "object"]
    assert about_items and all(str(f).startswith("item 1 (dispatch.wav): ") for f in about_items)
    # and the recording's own content is now an object no item claims
    assert [f.what for f in report.failures if f.what == "object"] == ["object"]


def test_a_deleted_item_is_named_from_the_chain(template: Path) -> None:
    def delete(conn: sqlite3.Connection) -> None:
        conn.execute("DELETE FROM item_event WHERE item_id = 4")
        conn.execute("DELETE FROM item WHERE id = 4")

    report = tampered(template, delete)
    assert any(f.item_id == 4 and "no longer in the catalogue" in f.message for f in report.failures)


def test_a_truncated_custody_head_is_reported(template: Path) -> None:
    n = chain_length(template)
    report = tampered(template, lambda c: c.execute("DELETE FROM custody WHERE seq > ?", [n - 2]))
    assert any(f"after #{n - 2} up to #{n}" in f.message and "truncated" in f.message for f in report.failures)


def test_an_unreadable_head_anchor_is_reported(template: Path) -> None:
    with copy_of(template) as case_dir:
        (case_dir / "custody.head").write_text("{not json")
        report = verify(case_dir)
    assert any("custody.head is unreadable" in f.message for f in report.failures)


# --- custody tampering, generated -------------------------------------------

EDITABLE = [f for f in custody.HASHED_FIELDS if f != "seq"] + ["entry_hash"]


def altered(value: object) -> object:
    if value is None:
        return 1
    if isinstance(value, int):
        return value + 1
    text = str(value)
    if len(text) == 64 and all(ch in "0123456789abcdef" for ch in text):  # a hash: flip one digit
        return ("1" if text[0] == "0" else "0") + text[1:]
    return text + " "  # even whitespace counts


def row_values(conn: sqlite3.Connection, seq: int) -> dict[str, object]:
    return dict(conn.execute("SELECT * FROM custody WHERE seq = ?", [seq]).fetchone())


def insert_row(conn: sqlite3.Connection, row: dict[str, object]) -> None:
    names = list(row)
    conn.execute(f"INSERT INTO custody ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                 [row[n] for n in names])


@pytest.mark.slow
@PROPERTY
@given(data=st.data())
def test_editing_any_field_of_any_custody_entry_is_caught_at_that_entry(template: Path,
                                                                        data: st.DataObject) -> None:
    seq = data.draw(st.integers(1, chain_length(template)), label="seq")
    field = data.draw(st.sampled_from(EDITABLE), label="field")

    def edit(conn: sqlite3.Connection) -> None:
        value = row_values(conn, seq)[field]
        conn.execute(f"UPDATE custody SET {field} = ? WHERE seq = ?", [altered(value), seq])

    report = tampered(template, edit)
    assert seq in named_seqs(report), [str(f) for f in report.failures]


@pytest.mark.slow
@PROPERTY
@given(data=st.data())
def test_deleting_any_custody_entries_is_caught_and_named(template: Path, data: st.DataObject) -> None:
    n = chain_length(template)
    first = data.draw(st.integers(1, n), label="first deleted")
    last = data.draw(st.integers(first, min(n, first + 3)), label="last deleted")
    report = tampered(template, lambda c: c.execute("DELETE FROM custody WHERE seq BETWEEN ? AND ?",
                                                    [first, last]))
    assert not report.ok
    assert first in named_seqs(report) or last in named_seqs(report) or n in named_seqs(report)


@pytest.mark.slow
@PROPERTY
@given(data=st.data())
def test_inserting_a_custody_entry_is_caught_and_named(template: Path, data: st.DataObject) -> None:
    n = chain_length(template)
    at = data.draw(st.integers(1, n + 1), label="insert at seq")

    def insert(conn: sqlite3.Connection) -> None:
        # Shift the later entries up to make room, newest first to keep seq unique.
        for seq in range(n, at - 1, -1):
            conn.execute("UPDATE custody SET seq = ? WHERE seq = ?", [seq + 1, seq])
        forged = row_values(conn, at - 1) if at > 1 else row_values(conn, at + 1)
        forged.update(seq=at, examiner="Mallory", action="viewed", purpose="forged")
        if at > 1:
            forged["prev_hash"] = row_values(conn, at - 1)["entry_hash"]
        else:
            forged["prev_hash"] = custody.genesis_hash(conn.execute("SELECT id FROM case_info").fetchone()[0])
        forged["entry_hash"] = custody.entry_hash(forged)
        if at == n + 1:
            # A correctly chained entry appended at the end is indistinguishable from a
            # genuine one to anyone who can write the database; the forger here does
            # not know the hashing rule.
            forged["entry_hash"] = hashlib.sha256(b"forged").hexdigest()
        insert_row(conn, forged)

    report = tampered(template, insert)
    assert not report.ok
    assert named_seqs(report) & {at, at + 1}, [str(f) for f in report.failures]


@pytest.mark.slow
@PROPERTY
@given(data=st.data())
def test_reordering_custody_entries_is_caught_and_named(template: Path, data: st.DataObject) -> None:
    n = chain_length(template)
    i = data.draw(st.integers(1, n - 1), label="first")
    j = data.draw(st.integers(i + 1, n), label="second")

    def swap(conn: sqlite3.Connection) -> None:
        a, b = row_values(conn, i), row_values(conn, j)
        conn.execute("UPDATE custody SET seq = -1 WHERE seq = ?", [i])
        conn.execute("UPDATE custody SET seq = ? WHERE seq = ?", [i, j])
        conn.execute("UPDATE custody SET seq = ? WHERE seq = -1", [j])
        assert a != b

    report = tampered(template, swap)
    assert i in named_seqs(report), [str(f) for f in report.failures]


def test_a_tampered_entry_about_an_item_names_the_item(template: Path) -> None:
    def edit_transfer(conn: sqlite3.Connection) -> None:
        conn.execute("UPDATE custody SET received_by = 'Mallory' WHERE action = 'transferred'")

    report = tampered(template, edit_transfer)
    failure = next(f for f in report.failures if f.what == "custody")
    assert (failure.item_id, failure.item_name) == (1, "dispatch.wav")
    assert "altered" in failure.message


# --- the case record, its key and the head anchor ------------------------------

def case_id_of(case_dir: Path) -> str:
    with closing(sqlite3.connect(case_dir / "case.sqlite")) as conn:
        return conn.execute("SELECT id FROM case_info").fetchone()[0]


def test_a_missing_head_anchor_is_reported(template: Path) -> None:
    with copy_of(template) as case_dir:
        (case_dir / "custody.head").unlink()
        report = verify(case_dir)
    assert [str(f) for f in report.failures] == [
        "custody.head is missing: entries removed from the end of the chain could not be noticed"]


def test_a_deleted_case_record_is_named_by_its_key(template: Path) -> None:
    case_id = case_id_of(template)
    report = tampered(template, lambda c: c.execute("DELETE FROM case_info"))
    assert len(report.failures) == 1
    failure = report.failures[0]
    assert (failure.table, failure.record) == ("case_info", [case_id])
    assert str(failure).startswith(f"case_info {case_id}: deleted without a custody entry (the chain says ")
    assert str(failure).endswith(": the case record is missing")


def test_a_second_case_record_is_named_and_the_rest_still_verified(template: Path) -> None:
    def plant(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO case_info SELECT 'planted', title, description, created_at, created_by, "
                     "default_examiner, default_tz, signing_key, public_key FROM case_info")
        conn.execute("UPDATE item SET description = 'changed' WHERE id = 2")

    report = tampered(template, plant)
    texts = [str(f) for f in report.failures]
    assert any(t.startswith("case_info planted: a row no custody entry created") for t in texts), texts
    assert any(t.startswith("item 2 (memo.png): field description") for t in texts), texts


def test_a_signing_key_that_is_not_the_cases_is_named(template: Path) -> None:
    from evidence_desk.core import signing

    other = bytes(range(32))
    case_id = case_id_of(template)
    report = tampered(template, lambda c: c.execute("UPDATE case_info SET signing_key = ?", [other]))
    assert len(report.failures) == 1
    failure = report.failures[0]
    assert (failure.table, failure.record, failure.field, failure.seq) == ("case_info", [case_id], "signing_key", 1)
    assert str(failure).startswith(f"case_info {case_id}: field signing_key: the private key does not belong")
    with closing(sqlite3.connect(template / "case.sqlite")) as conn:
        public = conn.execute("SELECT public_key FROM case_info").fetchone()[0]
    assert signing.public_key_of(other) != public and public.hex() in str(failure)


def test_a_deleted_item_is_named_by_the_name_the_chain_recorded(template: Path) -> None:
    def delete(conn: sqlite3.Connection) -> None:
        conn.execute("DELETE FROM item_event WHERE item_id = 4")
        conn.execute("DELETE FROM item WHERE id = 4")

    report = tampered(template, delete)
    assert any(str(f).startswith("item 4 (statement.txt): deleted without a custody entry")
               for f in report.failures), [str(f) for f in report.failures]
