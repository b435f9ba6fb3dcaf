"""The tamper matrix: every way an insider can change a case or a packet, and whether verification says so.

Each attack is its own test. It is made the way an insider would make it:
straight into the files, with the database's triggers and CHECK constraints
dropped, by someone who may know the custody format and the hashing rule.

- every table whose rows the chain accounts for (:data:`replay.TABLE_KEYS`):
  each column of one row edited, a row inserted, a row deleted, a row re-keyed;
- the chain itself: entries appended, forged, rewritten, truncated; the head
  anchor deleted or moved; the whole folder rolled back; vault objects swapped;
  files planted in the case folder and the vault;
- a review packet: forged records re-manifested and re-sealed with the case's
  own key, re-sealed with another key, custody lines edited.

Attacks that someone who can write the database can make wholly consistent
pass verification today, by design: nothing inside the case folder can tell a
genuine history from a consistent forgery. They carry :attr:`Attack.needs`
(what would catch them) and are strict ``xfail``: the day they are detected,
the test fails and the expectation must be moved. ``docs/tamper-matrix.md``
is this list, run (``EVIDENCE_DESK_WRITE_MATRIX=1`` rewrites it).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from evidence_desk.core import custody, replay, signing, store
from evidence_desk.core.case import Case
from evidence_desk.core.demo import build_demo
from evidence_desk.core.packet import format
from evidence_desk.core.packet.export import export_packet
from evidence_desk.core.packet.transfer import import_packet
from evidence_desk.core.packet.verify import verify_packet
from evidence_desk.core.verify import verify

MATRIX_DOC = Path(__file__).resolve().parents[2] / "docs" / "tamper-matrix.md"
WRITE_MATRIX = os.environ.get("EVIDENCE_DESK_WRITE_MATRIX") == "1"

#: What only the examiner's own key (signed checkpoints of the chain head) and a witness
#: holding those heads outside the case folder can catch.
EXAMINER_KEY_OR_WITNESS = ("a database writer can make this wholly consistent; only the examiner's key "
                           "(signed checkpoints) and a witness holding the head outside the case catch it")


# --- the cases attacked --------------------------------------------------------------

@dataclass(frozen=True)
class Templates:
    demo: Path  # the demo case, plus an item edit, a request fulfilled by an item, and a packet sealed
    older: Path  # the same case three changes earlier
    received: Path  # the demo's packet received as a new case (transfer_in, inherited_custody)
    packet: Path  # the demo's sealed review packet
    case_key: bytes  # the demo case's private key: a sender re-sealing its own packet
    other_key: bytes  # anyone else's key
    fingerprint: str  # the demo case's key, as a reviewer would compare it out of band


#: Tables with rows only in a received case.
RECEIVED_ONLY = ("transfer_in", "inherited_custody")
#: Tables no program action writes yet: only a planted row can be tried.
NO_WRITER = ("timestamp_token",)


def build_templates(root: Path) -> Templates:
    demo, older, packet, received = (root / name for name in ("demo", "older", "packet", "received"))
    case = build_demo(demo)
    try:
        first_item = case.items.list()[0].id
        case.items.edit(first_item, reason="clarified after listening again", description="dispatch audio, first copy")
        request = case.requests.list()[0]
        case.requests.set_status(request.id, "partly fulfilled" if request.status != "partly fulfilled" else "open",
                                 item_ids=[first_item], reason="the recording arrived")
        export_packet(case, packet)
        _receive_review_feedback(case, packet, root)
        case_key = case.signing_key_bytes()
        public = bytes.fromhex(case.info().public_key_hex)
    finally:
        case.close()
    shutil.copytree(demo, older)
    with Case.open(demo) as case:  # three changes that each record rows: the newest entries carry records
        case.journal.add("called OEMC again about the log", item_id=first_item)
        case.grades.add("item", first_item, "matches the radio log", credibility="2")
        case.annotations.add(first_item, "audio_segment", "second voice", start_s=1.0, end_s=2.0)
        from evidence_desk.core.derived import Provenance

        case.derived.add(first_item, "transcription", "units stand down", Provenance("test-engine", "1"))
    import_packet(packet, received, examiner="Bo Reviewer")
    other = Ed25519PrivateKey.generate().private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                                        serialization.NoEncryption())
    return Templates(demo, older, received, packet, case_key, other, signing.fingerprint(public))


def _receive_review_feedback(case: Case, packet: Path, root: Path) -> None:
    """A reviewer judges the packet and the demo case imports the signed notes (review_judgement rows)."""
    from evidence_desk.core.operations import import_review_notes
    from evidence_desk.core.packet.review import add_judgement, export_review_notes, open_for_review

    with open_for_review(packet, root / "review-cache", reviewer="Rita Reviewer") as session:
        item = session.case.items.list()[0]
        add_judgement(session, "item", item.id, "disputed", "the time on it is garbled")
        add_judgement(session, "claim", session.case.claims.list()[0].id, "needs_info", "send the CAD log")
        notes = export_review_notes(session, root / "notes.json", key_path=root / "reviewer.key")
    import_review_notes(case, notes)


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Templates:
    return build_templates(tmp_path_factory.mktemp("tamper-matrix"))


# --- the attacks, as data ---------------------------------------------------------------

Tamper = Callable[[Path, Templates], None]
Names = Callable[[Templates], Callable[[str], bool]]


@dataclass(frozen=True)
class Attack:
    id: str
    what: str  # for the document
    target: str  # "demo", "received" or "packet": the template it is made on
    tamper: Tamper
    names: Names  # given the untouched templates: which failure text names the tampering
    needs: str = ""  # set: passes verification today; says what would catch it
    expect_fingerprint: bool = False  # the packet is checked against the fingerprint known out of band


@dataclass(frozen=True)
class Outcome:
    detected: bool
    named: str | None  # the failure that names it
    failures: list[str]


def run(attack: Attack, templates: Templates) -> Outcome:
    source = getattr(templates, attack.target)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / source.name
        shutil.copytree(source, target)
        attack.tamper(target, templates)
        if attack.target == "packet":
            report = verify_packet(target, expect_fingerprint=templates.fingerprint if attack.expect_fingerprint
                                   else None)
        else:
            report = verify(target)
    failures = [str(f) for f in report.failures]
    names = attack.names(templates)
    return Outcome(not report.ok, next((text for text in failures if names(text)), None), failures)


def containing(*needles: str) -> Names:
    return lambda _t: lambda text: all(needle in text for needle in needles)


# --- the database, opened as an attacker would ---------------------------------------------

@contextmanager
def raw_db(case_dir: Path) -> Iterator[sqlite3.Connection]:
    """The case database with every trigger dropped and CHECK constraints off."""
    conn = sqlite3.connect(case_dir / "case.sqlite")
    conn.row_factory = sqlite3.Row
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER [{name}]")
    conn.execute("PRAGMA ignore_check_constraints = ON")
    try:
        yield conn
        conn.commit()
    finally:
        conn.close()


def _schema() -> dict[str, list[tuple[str, str]]]:
    """Every replayed table's columns and declared types, from the schema itself."""
    with closing(sqlite3.connect(":memory:")) as conn:
        for step in store.UPGRADES:
            conn.executescript(step)
        return {table: [(r[1], r[2].upper()) for r in conn.execute(f"PRAGMA table_info([{table}])")]
                for table in replay.TABLE_KEYS}


SCHEMA = _schema()


def _order(table: str) -> str:
    return ", ".join(f"[{c}]" for c in replay.TABLE_KEYS[table])


def _rows(conn: sqlite3.Connection, table: str) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(f"SELECT * FROM [{table}] ORDER BY {_order(table)}")]


def _key(table: str, row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(row[c] for c in replay.TABLE_KEYS[table])


def _where(table: str) -> str:
    return " AND ".join(f"[{c}] = ?" for c in replay.TABLE_KEYS[table])


def _insert(conn: sqlite3.Connection, table: str, row: dict[str, Any]) -> None:
    names = ", ".join(f"[{n}]" for n in row)
    conn.execute(f"INSERT INTO [{table}] ({names}) VALUES ({', '.join('?' * len(row))})", list(row.values()))


def altered(value: Any, declared: str = "") -> Any:
    """A different value of the same kind (a zeroed key, a number moved by one, text with more)."""
    if isinstance(value, bytes):
        return bytes(len(value)) if any(value) else b"\x01" * max(len(value), 1)
    if value is None:
        return {"INTEGER": 1, "REAL": 1.5, "BLOB": b"forged"}.get(declared, "forged")
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, float):
        return value + 0.5
    return f"{value} (forged)"


def fresh(conn: sqlite3.Connection, table: str, column: str, value: Any) -> Any:
    """A key value no row of ``table`` holds (the same each time, so a check can name it)."""
    if isinstance(value, int):
        return conn.execute(f"SELECT max([{column}]) FROM [{table}]").fetchone()[0] + 1000
    if isinstance(value, str) and len(value) == 64:
        return hashlib.sha256(f"forged {table} {value}".encode()).hexdigest()
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"forged {table} {value}"))


def label(table: str, key: tuple[Any, ...]) -> str:
    return f"{table} {'/'.join(str(k) for k in key)}"


def names_record(table: str, key: Callable[[Templates], tuple[Any, ...]], *needles: str) -> Names:
    """The failure names the table and the record key (``item 3 (name): ...``, ``grade 7: ...``);
    ``key`` finds the attacked row's key in the untouched templates."""
    def names(t: Templates) -> Callable[[str], bool]:
        start = label(table, key(t))
        return lambda text: (f"{start}:" in text or f"{start} (" in text) and all(n in text for n in needles)
    return names


# --- 1. every row of every table ----------------------------------------------------------------

def _pick(conn: sqlite3.Connection, table: str, column: str | None = None) -> dict[str, Any]:
    """The row attacked: the first (by key) with a value in ``column``, else the middle one."""
    rows = _rows(conn, table)
    assert rows, f"the template has no {table} rows"
    if column is not None:
        return next((r for r in rows if r[column] is not None), rows[0])
    return rows[len(rows) // 2]


def _edit(table: str, column: str, declared: str) -> Tamper:
    def tamper(case_dir: Path, _t: Templates) -> None:
        with raw_db(case_dir) as conn:
            row = _pick(conn, table, column)
            conn.execute(f"UPDATE [{table}] SET [{column}] = ? WHERE {_where(table)}",
                         [altered(row[column], declared), *_key(table, row)])
    return tamper


def _inserted_copy(conn: sqlite3.Connection, table: str) -> dict[str, Any]:
    row = dict(_rows(conn, table)[0])
    last = replay.TABLE_KEYS[table][-1]
    row[last] = fresh(conn, table, last, row[last])
    unique = {info[2] for index in conn.execute(f"PRAGMA index_list([{table}])").fetchall()
              if index[2] and index[3] == "u" for info in conn.execute(f"PRAGMA index_info([{index[1]}])")}
    for column in unique - set(replay.TABLE_KEYS[table]):
        row[column] = altered(row[column])
    return row


PLANTED = {"timestamp_token": {"id": 1, "custody_seq": 1, "digest": "0" * 64, "authority": "forged TSA",
                               "requested_at": "2025-10-04T00:00:00Z", "token": b"forged"}}


def _insert_attack(table: str) -> Tamper:
    def tamper(case_dir: Path, _t: Templates) -> None:
        with raw_db(case_dir) as conn:
            _insert(conn, table, PLANTED[table] if table in PLANTED else _inserted_copy(conn, table))
    return tamper


def _delete(table: str) -> Tamper:
    def tamper(case_dir: Path, _t: Templates) -> None:
        with raw_db(case_dir) as conn:
            conn.execute(f"DELETE FROM [{table}] WHERE {_where(table)}", _key(table, _pick(conn, table)))
    return tamper


def _rekey(table: str, column: str) -> Tamper:
    def tamper(case_dir: Path, _t: Templates) -> None:
        with raw_db(case_dir) as conn:
            row = _pick(conn, table)
            conn.execute(f"UPDATE [{table}] SET [{column}] = ? WHERE {_where(table)}",
                         [fresh(conn, table, column, row[column]), *_key(table, row)])
    return tamper


def _template_rows(t: Templates, target: str, table: str) -> list[dict[str, Any]]:
    with closing(sqlite3.connect(getattr(t, target) / "case.sqlite")) as conn:
        conn.row_factory = sqlite3.Row
        return _rows(conn, table)


def picked_key(target: str, table: str, column: str | None = None) -> Callable[[Templates], tuple[Any, ...]]:
    """The key of the row :func:`_pick` attacks."""
    def key(t: Templates) -> tuple[Any, ...]:
        rows = _template_rows(t, target, table)
        if column is not None:
            return _key(table, next((r for r in rows if r[column] is not None), rows[0]))
        return _key(table, rows[len(rows) // 2])
    return key


def inserted_key(target: str, table: str) -> Callable[[Templates], tuple[Any, ...]]:
    """The key of the row :func:`_insert_attack` adds."""
    def key(t: Templates) -> tuple[Any, ...]:
        if table in PLANTED:
            return _key(table, PLANTED[table])
        with closing(sqlite3.connect(getattr(t, target) / "case.sqlite")) as conn:
            conn.row_factory = sqlite3.Row
            return _key(table, _inserted_copy(conn, table))
    return key


def row_attacks() -> Iterator[Attack]:
    for table, keys in replay.TABLE_KEYS.items():
        target = "received" if table in RECEIVED_ONLY else "demo"
        if table in NO_WRITER:
            yield Attack(f"insert-{table}", f"a {table} row planted (no program action writes one yet)", target,
                         _insert_attack(table),
                         names_record(table, inserted_key(target, table), "no custody entry created"))
            continue
        hidden = replay.SECRET_COLUMNS.get(table, ())
        for column, declared in SCHEMA[table]:
            if column in keys or column in hidden:
                continue
            yield Attack(f"edit-{table}.{column}", f"{table}.{column} of one row edited", target,
                         _edit(table, column, declared),
                         names_record(table, picked_key(target, table, column), f"field {column}: the chain says"))
        yield Attack(f"insert-{table}", f"a {table} row inserted (a copy under a fresh key)", target,
                     _insert_attack(table),
                     names_record(table, inserted_key(target, table), "no custody entry created"))
        yield Attack(f"delete-{table}", f"a {table} row deleted", target, _delete(table),
                     names_record(table, picked_key(target, table), "deleted"))
        for column in keys:  # a key edited is that row deleted and another inserted: both are named
            yield Attack(f"rekey-{table}.{column}", f"{table}.{column} (part of the key) of one row changed", target,
                         _rekey(table, column), names_record(table, picked_key(target, table), "deleted"))


# --- 2. the chain, the head, the folder, the vault -----------------------------------------------

def _last(conn: sqlite3.Connection) -> dict[str, Any]:
    return dict(conn.execute("SELECT * FROM custody ORDER BY seq DESC LIMIT 1").fetchone())


def _append_entry(conn: sqlite3.Connection, action: str, *, details: dict[str, Any] | None = None,
                  real_hash: bool = True, **fields: Any) -> dict[str, Any]:
    last = _last(conn)
    row: dict[str, Any] = {
        "seq": last["seq"] + 1, "at_utc": custody.utc_text(custody.now_utc()), "local_offset": "+0000",
        "examiner": last["examiner"], "action": action, "target_type": "case", "target_id": None, "item_id": None,
        "item_sha256": None, "location": last["location"], "purpose": "", "released_by": "", "received_by": "",
        "condition": "", "details": custody.canonical(details or {}), "prev_hash": last["entry_hash"], **fields}
    row["entry_hash"] = custody.entry_hash(row) if real_hash else hashlib.sha256(b"made up").hexdigest()
    _insert(conn, "custody", row)
    return row


def _write_head(conn: sqlite3.Connection, case_dir: Path) -> None:
    last = _last(conn)
    custody.write_head(case_dir, last["seq"], last["entry_hash"])


def _rehash_from(conn: sqlite3.Connection, seq: int) -> None:
    """Recompute every entry's hash from ``seq`` on, each following the one before: a rewritten history."""
    prev = conn.execute("SELECT entry_hash FROM custody WHERE seq < ? ORDER BY seq DESC LIMIT 1", [seq]).fetchone()
    prev_hash = prev[0] if prev else None
    for row in [dict(r) for r in conn.execute("SELECT * FROM custody WHERE seq >= ? ORDER BY seq", [seq])]:
        if prev_hash is not None:
            row["prev_hash"] = prev_hash
        row["entry_hash"] = custody.entry_hash(row)
        conn.execute("UPDATE custody SET prev_hash = ?, entry_hash = ? WHERE seq = ?",
                     [row["prev_hash"], row["entry_hash"], row["seq"]])
        prev_hash = row["entry_hash"]


def append_viewed(write_head: bool, real_hash: bool = True) -> Tamper:
    def tamper(case_dir: Path, _t: Templates) -> None:
        with raw_db(case_dir) as conn:
            _append_entry(conn, "viewed", examiner="Mallory", purpose="nothing happened here", real_hash=real_hash)
            if write_head:
                _write_head(conn, case_dir)
    return tamper


def forged_item_edit(with_records: bool) -> Tamper:
    """An item's description changed, a metadata_change row added and a correctly hashed
    metadata_changed entry appended: with its records (the full format), or without them."""
    def tamper(case_dir: Path, _t: Templates) -> None:
        with raw_db(case_dir) as conn:
            item = dict(conn.execute("SELECT * FROM item WHERE id = 1").fetchone())
            old, new = item["description"], "nothing of interest"
            conn.execute("UPDATE item SET description = ? WHERE id = 1", [new])
            change = {"id": conn.execute("SELECT max(id) + 1 FROM metadata_change").fetchone()[0],
                      "target_type": "item", "target_id": 1, "field": "description", "old_value": old,
                      "new_value": new, "changed_at": custody.utc_text(custody.now_utc()), "changed_by": "Mallory",
                      "reason": "routine tidy-up"}
            _insert(conn, "metadata_change", change)
            details: dict[str, Any] = {"field": "description", "old": old, "new": new}
            if with_records:
                details["records"] = [replay.record("item", {**item, "description": new}),
                                      replay.record("metadata_change", change)]
            _append_entry(conn, "metadata_changed", details=details, target_type="item", target_id=1, item_id=1,
                          item_sha256=item["sha256"], examiner="Mallory", purpose="routine tidy-up")
            _write_head(conn, case_dir)
    return tamper


def _entry_recording(conn: sqlite3.Connection, table: str, key: tuple[Any, ...]) -> dict[str, Any]:
    """The newest custody entry whose records hold the row ``table``/``key``."""
    for row in conn.execute("SELECT * FROM custody ORDER BY seq DESC"):
        records = json.loads(row["details"]).get("records") or []
        if any(r.get("table") == table and tuple(r.get("key") or ()) == key for r in records):
            return dict(row)
    raise AssertionError(f"no entry records {table} {key}")


def rewritten_history(rehash_rest: bool) -> Tamper:
    """A source's description changed in the database and in the entry that recorded it; that
    entry re-hashed, and (``rehash_rest``) every entry after it too, with the head rewritten."""
    def tamper(case_dir: Path, _t: Templates) -> None:
        with raw_db(case_dir) as conn:
            conn.execute("UPDATE source SET description = 'a reliable witness' WHERE id = 1")
            entry = _entry_recording(conn, "source", (1,))
            details = json.loads(entry["details"])
            for rec in details["records"]:
                if rec["table"] == "source" and rec["key"] == [1]:
                    rec["row"]["description"] = "a reliable witness"
            entry["details"] = custody.canonical(details)
            entry["entry_hash"] = custody.entry_hash(entry)
            conn.execute("UPDATE custody SET details = ?, entry_hash = ? WHERE seq = ?",
                         [entry["details"], entry["entry_hash"], entry["seq"]])
            if rehash_rest:
                _rehash_from(conn, entry["seq"] + 1)
                _write_head(conn, case_dir)
    return tamper


def truncate(n: int, *, head: str, remove_rows: bool = False) -> Tamper:
    """Cut the newest ``n`` entries; ``head``: "kept", "rewritten" or "deleted"; ``remove_rows``:
    also take away the rows those entries created, so the catalogue matches the shorter chain."""
    def tamper(case_dir: Path, _t: Templates) -> None:
        with raw_db(case_dir) as conn:
            last = _last(conn)["seq"]
            cut = [dict(r) for r in conn.execute("SELECT * FROM custody WHERE seq > ? ORDER BY seq", [last - n])]
            conn.execute("DELETE FROM custody WHERE seq > ?", [last - n])
            if remove_rows:
                for entry in cut:
                    for rec in json.loads(entry["details"]).get("records") or []:
                        assert rec["row"] is not None, "the template's newest entries only create rows"
                        conn.execute(f"DELETE FROM [{rec['table']}] WHERE {_where(rec['table'])}", rec["key"])
            if head == "rewritten":
                _write_head(conn, case_dir)
        if head == "deleted":
            (case_dir / custody.HEAD_FILE).unlink()
    return tamper


def delete_head(case_dir: Path, _t: Templates) -> None:
    (case_dir / custody.HEAD_FILE).unlink()


def head_moved(case_dir: Path, _t: Templates) -> None:
    with raw_db(case_dir) as conn:
        before = dict(conn.execute("SELECT * FROM custody ORDER BY seq DESC LIMIT 1 OFFSET 1").fetchone())
        custody.write_head(case_dir, before["seq"] + 1, before["entry_hash"])


def rolled_back(case_dir: Path, t: Templates) -> None:
    shutil.rmtree(case_dir)
    shutil.copytree(t.older, case_dir)


def middle_entry(change: str) -> Tamper:
    def tamper(case_dir: Path, _t: Templates) -> None:
        with raw_db(case_dir) as conn:
            seq = _last(conn)["seq"] // 2
            if change == "deleted":
                conn.execute("DELETE FROM custody WHERE seq = ?", [seq])
            else:
                conn.execute("UPDATE custody SET purpose = purpose || ' (forged)' WHERE seq = ?", [seq])
    return tamper


def _objects(case_dir: Path) -> list[Path]:
    return sorted(p for p in (case_dir / "vault" / "objects").rglob("*") if p.is_file())


def swap_objects(case_dir: Path, _t: Templates) -> None:
    a, b = _objects(case_dir)[:2]
    parked = a.with_name("parked")
    os.replace(a, parked)
    os.replace(b, a)
    os.replace(parked, b)


def planted(rel: str, data: bytes = b"planted") -> Tamper:
    def tamper(case_dir: Path, _t: Templates) -> None:
        if "{prefix}" in rel:
            where = case_dir / rel.format(prefix=_objects(case_dir)[0].parent.name)
        else:
            where = case_dir / rel
        where.parent.mkdir(parents=True, exist_ok=True)
        where.write_bytes(data)
    return tamper


def planted_object(case_dir: Path, _t: Templates) -> None:
    sha = hashlib.sha256(b"planted evidence").hexdigest()
    planted(f"vault/objects/{sha[:2]}/{sha}", b"planted evidence")(case_dir, _t)


def signing_key_replaced(case_dir: Path, t: Templates) -> None:
    with raw_db(case_dir) as conn:
        conn.execute("UPDATE case_info SET signing_key = ?", [t.other_key])


def chain_attacks() -> Iterator[Attack]:
    def a(id: str, what: str, tamper: Tamper, names: Names, needs: str = "") -> Attack:
        return Attack(id, what, "demo", tamper, names, needs)

    yield a("chain-append-hashed-entry-head-rewritten",
            "a correctly hashed entry appended, custody.head rewritten to it", append_viewed(True),
            containing("custody"), EXAMINER_KEY_OR_WITNESS)
    yield a("chain-append-hashed-entry-head-kept",
            "a correctly hashed entry appended, custody.head left behind (as after a crash between commit and "
            "head write, which is accepted)", append_viewed(False), containing("custody"), EXAMINER_KEY_OR_WITNESS)
    yield a("chain-append-entry-made-up-hash", "an entry appended by someone who does not know the hashing rule",
            append_viewed(True, real_hash=False), containing("custody entry #", "was altered"))
    yield a("chain-forged-edit-with-records",
            "an item edited, with a metadata_change row and a correctly hashed metadata_changed entry carrying "
            "the new records; custody.head rewritten", forged_item_edit(with_records=True), containing("item 1"),
            EXAMINER_KEY_OR_WITNESS)
    yield a("chain-forged-edit-without-records",
            "the same forgery by someone who hashes the entry but leaves out its records",
            forged_item_edit(with_records=False),
            names_record("item", lambda _t: (1,), "field description: the chain says"))
    yield a("chain-history-rewritten-and-rehashed",
            "a source's description changed in the database and in the entry that recorded it; every later "
            "entry re-hashed, custody.head rewritten", rewritten_history(rehash_rest=True),
            containing("source 1"), EXAMINER_KEY_OR_WITNESS)
    yield a("chain-history-rewritten-one-entry-rehashed",
            "the same, re-hashing only the entry that was changed", rewritten_history(rehash_rest=False),
            containing("does not follow the entry before it"))
    yield a("chain-middle-entry-deleted", "one entry in the middle of the chain deleted", middle_entry("deleted"),
            containing("is missing (deleted)"))
    yield a("chain-middle-entry-edited", "one entry's purpose edited", middle_entry("edited"),
            containing("was altered: its content does not match its hash"))
    yield a("chain-truncated-head-kept", "the newest three entries deleted, custody.head left as it was",
            truncate(3, head="kept"), containing("missing (the chain was truncated)"))
    yield a("chain-truncated-head-rewritten",
            "the newest three entries deleted, custody.head rewritten; the rows they recorded left in place",
            truncate(3, head="rewritten"), containing("a row no custody entry created"))
    yield a("chain-truncated-head-rewritten-rows-removed",
            "the newest three entries deleted with the rows they created, custody.head rewritten",
            truncate(3, head="rewritten", remove_rows=True), containing("custody"), EXAMINER_KEY_OR_WITNESS)
    yield a("chain-truncated-head-deleted-rows-removed",
            "the newest three entries deleted with the rows they created, custody.head deleted",
            truncate(3, head="deleted", remove_rows=True), containing(f"{custody.HEAD_FILE} is missing"))
    yield a("head-deleted", "custody.head deleted", delete_head, containing(f"{custody.HEAD_FILE} is missing"))
    yield a("head-moved", "custody.head pointed at another entry's hash", head_moved,
            containing("differs from the recorded head"))
    yield a("folder-rolled-back", "the whole case folder replaced by a copy taken three changes earlier",
            rolled_back, containing("custody"), EXAMINER_KEY_OR_WITNESS)
    yield a("vault-objects-swapped", "two vault objects' files swapped", swap_objects,
            containing("content altered: SHA-256 is now"))
    yield a("vault-object-planted", "a file planted in the vault under its own SHA-256", planted_object,
            containing("is not in the catalogue"))
    for rel, id, names in (
            ("planted.txt", "file-in-case-folder", "planted.txt: an unexpected file in the case folder"),
            ("vault/planted.txt", "file-in-vault", "vault/planted.txt: an unexpected file in the vault"),
            ("vault/objects/planted.txt", "file-in-vault-objects", "vault/objects/planted.txt: an unexpected entry"),
            ("vault/objects/{prefix}/planted.txt", "file-in-vault-object-folder", "planted.txt: not a vault object"),
            ("vault/tmp/planted.part", "file-in-vault-tmp", "vault/tmp/planted.part: a leftover"),
            ("vault/tmp/planted.txt", "other-file-in-vault-tmp", "vault/tmp/planted.txt: an unexpected file"),
            ("vault/pending/planted.intent", "file-in-vault-pending", "vault/pending/planted.intent: a leftover")):
        yield a(id, f"a file planted at {rel.format(prefix='<xx>')}", planted(rel), containing(names))
    yield a("edit-case_info.signing_key", "case_info.signing_key replaced by another Ed25519 key (the column is "
            "secret, so never in the chain)", signing_key_replaced,
            containing("case_info ", "field signing_key", "does not belong to the case's public key"))


# --- 3. a review packet ---------------------------------------------------------------------------

def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def reseal(packet: Path, key: bytes, *, publish_key: bool = False) -> None:
    """Re-manifest every payload file, fix Payload-Oxum, re-list the tag files and sign with ``key``
    (``publish_key``: also put that key's public half in the seal, as its owner would)."""
    payload = sorted(p for p in (packet / format.PAYLOAD_DIR).rglob("*") if p.is_file())
    (packet / format.MANIFEST).write_text("".join(f"{_sha(p)}  {p.relative_to(packet).as_posix()}\n"
                                                  for p in payload), "utf-8")
    public = signing.public_key_of(key)
    info = format.parse_bag_info((packet / format.BAG_INFO).read_text("utf-8"))
    info[format.PAYLOAD_OXUM] = f"{sum(p.stat().st_size for p in payload)}.{len(payload)}"
    if publish_key:
        info[format.KEY_FINGERPRINT] = signing.fingerprint(public)
        (packet / format.PUBLIC_HEX).write_text(public.hex() + "\n", "utf-8")
        (packet / format.PUBLIC_PEM).write_bytes(signing.public_pem(public))
        (packet / format.FINGERPRINT).write_text(signing.fingerprint(public) + "\n", "utf-8")
    (packet / format.BAG_INFO).write_text(format.bag_info_text(info), "utf-8")
    tagmanifest = "".join(f"{_sha(packet / rel)}  {rel}\n" for rel in sorted(format.SIGNED_TAG_FILES)).encode()
    (packet / format.TAGMANIFEST).write_bytes(tagmanifest)
    (packet / format.SIGNATURE).write_bytes(signing.sign(key, tagmanifest))


def _dump(packet: Path) -> dict[str, Any]:
    return json.loads((packet / format.CASE_JSON).read_text("utf-8"))


def _write_dump(packet: Path, dump: dict[str, Any]) -> None:
    (packet / format.CASE_JSON).write_bytes(format.readable_json(dump))


def _chain(packet: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (packet / format.CUSTODY_JSONL).read_text("utf-8").splitlines()]


def _write_chain(packet: Path, chain: list[dict[str, Any]]) -> None:
    (packet / format.CUSTODY_JSONL).write_bytes(b"".join(format.canonical_line(row) for row in chain))


PACKET_TABLES = ("source", "event", "item", "item_event", "statement", "statement_event", "claim", "claim_link",
                 "annotation", "request", "request_item", "grade", "journal", "metadata_change")
_PREFERRED = ("description", "text", "rationale", "note", "title", "name", "status", "new_value")


def _forged_column(table: str) -> str:
    columns = [c for c, _ in SCHEMA[table] if c not in replay.TABLE_KEYS[table]]
    return next((c for c in _PREFERRED if c in columns), columns[0] if columns else replay.TABLE_KEYS[table][-1])


def forged_packet_record(table: str, by_other_key: bool = False) -> Tamper:
    """One row of ``table`` in case.json changed; the packet re-manifested and re-sealed with the
    case's own key (the sender), or with another key put in the seal (``by_other_key``)."""
    def tamper(packet: Path, t: Templates) -> None:
        dump = _dump(packet)
        row = dump["tables"][table][0]
        column = _forged_column(table)
        row[column] = altered(row[column])
        _write_dump(packet, dump)
        reseal(packet, t.other_key if by_other_key else t.case_key, publish_key=by_other_key)
    return tamper


def packet_key(table: str) -> Callable[[Templates], tuple[Any, ...]]:
    return lambda t: _key(table, _dump(t.packet)["tables"][table][0])


def forged_case_field(name: str) -> Tamper:
    def tamper(packet: Path, t: Templates) -> None:
        dump = _dump(packet)
        dump["case"][name] = altered(dump["case"][name])
        _write_dump(packet, dump)
        reseal(packet, t.case_key)
    return tamper


def packet_row_inserted(packet: Path, t: Templates) -> None:
    dump = _dump(packet)
    copy = dict(dump["tables"]["grade"][0])
    copy["id"] = max(r["id"] for r in dump["tables"]["grade"]) + 1000
    dump["tables"]["grade"].append(copy)
    _write_dump(packet, dump)
    reseal(packet, t.case_key)


def packet_row_removed(packet: Path, t: Templates) -> None:
    dump = _dump(packet)
    dump["tables"]["journal"].pop(0)
    _write_dump(packet, dump)
    reseal(packet, t.case_key)


def signature_by_other_key(packet: Path, t: Templates) -> None:
    (packet / format.SIGNATURE).write_bytes(signing.sign(t.other_key, (packet / format.TAGMANIFEST).read_bytes()))


def resealed_by_other_key(packet: Path, t: Templates) -> None:
    reseal(packet, t.other_key, publish_key=True)


def custody_line_edited(reseal_with_case_key: bool) -> Tamper:
    def tamper(packet: Path, t: Templates) -> None:
        chain = _chain(packet)
        chain[len(chain) // 2]["purpose"] += " (forged)"
        _write_chain(packet, chain)
        if reseal_with_case_key:
            reseal(packet, t.case_key)
    return tamper


def _rehash_lines(chain: list[dict[str, Any]], case_id: str) -> None:
    prev = custody.genesis_hash(case_id)
    for row in chain:
        row["prev_hash"] = prev
        row["entry_hash"] = prev = custody.entry_hash(row)


def _forge_item_description(dump: dict[str, Any], chain: list[dict[str, Any]], text: str) -> None:
    """Item 1's description changed in case.json and in every custody record of it."""
    item = next(r for r in dump["tables"]["item"] if r["id"] == 1)
    item["description"] = text
    for row in chain:
        details = json.loads(row["details"])
        for rec in details.get("records") or []:
            if rec["table"] == "item" and rec["key"] == [1] and rec["row"] is not None:
                rec["row"]["description"] = text
        row["details"] = custody.canonical(details)


def sender_reforges(packet: Path, t: Templates) -> None:
    """The sender, holding the case key, rewrites an item's history: case.json and every custody
    record of it changed, the whole chain re-hashed, the head in case.json moved, re-sealed."""
    dump, chain = _dump(packet), _chain(packet)
    _forge_item_description(dump, chain, "nothing of interest")
    _rehash_lines(chain, dump["case"]["id"])
    dump["custody_head"] = {"seq": chain[-1]["seq"], "entry_hash": chain[-1]["entry_hash"]}
    _write_chain(packet, chain)
    _write_dump(packet, dump)
    reseal(packet, t.case_key)


def stranger_reforges(packet: Path, t: Templates) -> None:
    """Someone without the case key rebuilds the whole packet under their own: entry #1 names their
    key, every entry re-hashed, case.json and the seal carry their key."""
    public = signing.public_key_of(t.other_key).hex()
    dump, chain = _dump(packet), _chain(packet)
    _forge_item_description(dump, chain, "nothing of interest")
    first = json.loads(chain[0]["details"])
    first["public_key"] = public
    for rec in first.get("records") or []:
        if rec["table"] == "case_info":
            rec["row"]["public_key"] = public
    chain[0]["details"] = custody.canonical(first)
    _rehash_lines(chain, dump["case"]["id"])
    dump["custody_head"] = {"seq": chain[-1]["seq"], "entry_hash": chain[-1]["entry_hash"]}
    dump["case"]["public_key_hex"] = public
    dump["case"]["fingerprint"] = signing.fingerprint(bytes.fromhex(public))
    _write_chain(packet, chain)
    _write_dump(packet, dump)
    reseal(packet, t.other_key, publish_key=True)


def packet_attacks() -> Iterator[Attack]:
    def a(id: str, what: str, tamper: Tamper, names: Names, needs: str = "",
          expect_fingerprint: bool = False) -> Attack:
        return Attack(id, what, "packet", tamper, names, needs, expect_fingerprint)

    for table in PACKET_TABLES:
        column = _forged_column(table)
        # a table that is all key (a link): the forged row is another link, and the one it replaced is gone
        named = "deleted" if column in replay.TABLE_KEYS[table] else f"field {column}: the chain says"
        yield a(f"packet-forged-{table}.{column}-resealed-by-case-key",
                f"{table}.{column} of one row in case.json changed, the packet re-manifested and re-sealed "
                "with the case's own key", forged_packet_record(table),
                names_record(table, packet_key(table), "data/case.json: ", named))
    for name in ("title", "description", "created_at", "created_by", "default_examiner", "default_tz",
                 "fingerprint"):
        yield a(f"packet-forged-case.{name}-resealed-by-case-key",
                f"the case's {name} in case.json changed, re-sealed with the case's own key",
                forged_case_field(name), containing("data/case.json: ", f"the case's {name} is "))
    yield a("packet-row-inserted-resealed-by-case-key", "a grade row added to case.json, re-sealed with the "
            "case's own key", packet_row_inserted, containing("data/case.json: grade ", "no custody entry created"))
    yield a("packet-row-removed-resealed-by-case-key", "a journal row removed from case.json, re-sealed with the "
            "case's own key", packet_row_removed, containing("data/case.json: journal ", "deleted"))
    yield a("packet-forged-item-resealed-by-other-key",
            "item.description forged in case.json, re-manifested, re-sealed with another key put in the seal",
            forged_packet_record("item", by_other_key=True),
            containing("custody entry #1 records that the case was opened with key"))
    yield a("packet-resealed-by-other-key", "the packet re-sealed, unchanged, by another key put in the seal",
            resealed_by_other_key, containing("custody entry #1 records that the case was opened with key"))
    yield a("packet-signature-by-other-key", "the signature replaced by another key's, the seal's key left",
            signature_by_other_key, containing(f"does not match {format.TAGMANIFEST}"))
    yield a("packet-custody-line-edited", "one custody.jsonl line edited, nothing else",
            custody_line_edited(False), containing("data/custody.jsonl: content altered"))
    yield a("packet-custody-line-edited-resealed-by-case-key",
            "one custody.jsonl line edited, re-manifested and re-sealed with the case's own key",
            custody_line_edited(True), containing("data/custody.jsonl: custody entry #", "was altered"))
    yield a("packet-history-reforged-by-case-key",
            "the sender rewrites an item's history: case.json and every custody record of it changed, the "
            "chain re-hashed, the sealed head moved, re-sealed with the case's own key", sender_reforges,
            containing("item 1"), "the sender holds the case key; only a witness of the chain heads it "
                                  "published before (or the examiner's signed checkpoints) catches it")
    yield a("packet-wholly-reforged-by-other-key",
            "a stranger rebuilds the packet under their own key: entry #1, every hash, case.json and the seal",
            stranger_reforges, containing("item 1"),
            "self-consistent under the stranger's key: only the fingerprint compared out of band catches it")
    yield a("packet-wholly-reforged-by-other-key-fingerprint-checked",
            "the same, checked against the case key's fingerprint known out of band", stranger_reforges,
            containing("not by the expected"), expect_fingerprint=True)


ATTACKS: list[Attack] = [*row_attacks(), *chain_attacks(), *packet_attacks()]
#: The attacks that verification cannot catch from inside the case or packet: each needs the
#: examiner's key (signed checkpoints), a witness of published heads, or a fingerprint compared out of band.
NEEDS_EXAMINER_KEY_OR_WITNESS = [a.id for a in ATTACKS if a.needs]


def _param(attack: Attack) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=attack.needs)] if attack.needs else []
    return pytest.param(attack, id=attack.id, marks=marks)


# --- the tests ------------------------------------------------------------------------------

def test_the_templates_verify_and_hold_rows_in_every_table_attacked(templates: Templates) -> None:
    for target in (templates.demo, templates.older, templates.received):
        report = verify(target)
        assert report.ok, (target, [str(f) for f in report.failures])
    assert verify_packet(templates.packet, expect_fingerprint=templates.fingerprint).ok
    for table in replay.TABLE_KEYS:
        where = templates.received if table in RECEIVED_ONLY else templates.demo
        with closing(sqlite3.connect(where / "case.sqlite")) as conn:
            count = conn.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0]
        if table in NO_WRITER:
            assert count == 0, f"something now writes {table}: attack its rows like the others"
        else:
            assert count > 0, f"the template has no {table} rows to attack"
    dump = _dump(templates.packet)
    assert all(dump["tables"][table] for table in PACKET_TABLES)


@pytest.mark.parametrize("attack", [_param(a) for a in ATTACKS])
def test_the_attack_is_detected_and_named(attack: Attack, templates: Templates) -> None:
    outcome = run(attack, templates)
    assert outcome.detected, f"{attack.what}: verification passed"
    assert outcome.named, f"{attack.what}: detected, but no failure names it: {outcome.failures}"


def test_the_xfail_list_is_exactly_the_consistent_forgeries() -> None:
    assert NEEDS_EXAMINER_KEY_OR_WITNESS == [
        "chain-append-hashed-entry-head-rewritten", "chain-append-hashed-entry-head-kept",
        "chain-forged-edit-with-records", "chain-history-rewritten-and-rehashed",
        "chain-truncated-head-rewritten-rows-removed", "folder-rolled-back",
        "packet-history-reforged-by-case-key", "packet-wholly-reforged-by-other-key"]


def _cell(text: str | None, limit: int = 160) -> str:
    if not text:
        return ""
    text = " ".join(text.split()).replace("|", "\\|")
    return "`" + (text if len(text) <= limit else text[:limit] + "…") + "`"


def matrix_document(rows: list[tuple[Attack, Outcome]]) -> str:
    detected = sum(1 for _, o in rows if o.detected)
    lines = [
        "# Tamper matrix",
        "",
        "Generated by `tests/core/test_tamper_matrix.py` (run it with `EVIDENCE_DESK_WRITE_MATRIX=1` to rewrite this",
        "file). Each row is one test: the attack is made straight into the files, with the database's triggers",
        "and CHECK constraints dropped, then `verify` (a case) or `verify-packet` (a packet) is run. *Named as* is",
        "the failure that names the tampering (values in it differ from run to run).",
        "",
        f"{len(rows)} attacks, {detected} detected. The {len(rows) - detected} not detected are forgeries that",
        "someone who can write the case folder (or who holds the case key, for a packet) makes wholly",
        "consistent; no check inside the folder or the packet can tell them from genuine history. They are",
        "strict `xfail` tests, listed in `NEEDS_EXAMINER_KEY_OR_WITNESS`: what catches them is the examiner's",
        "own key (signed checkpoints of the chain head), a witness holding those heads outside the case, or",
        "the case key's fingerprint compared out of band.",
        "",
        "The case's private key (`case_info.signing_key`) is never written into the chain (entries travel in",
        "packets). `verify` checks it is the private half of the public key the chain records; a packet's seal",
        "is checked against the public key custody entry #1 recorded when the case was created.",
        "",
        "| Attack | On | Detected | Named as / what would catch it |",
        "|---|---|---|---|",
    ]
    for attack, outcome in rows:
        how = _cell(outcome.named) if outcome.detected else f"*not detected*: {attack.needs}"
        lines.append(f"| `{attack.id}`: {attack.what} | {attack.target} | {'yes' if outcome.detected else 'no'} "
                     f"| {how} |")
    return "\n".join(lines) + "\n"


def _documented(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.split(" | ")]
        if line.startswith("| `") and len(cells) >= 4:
            found[cells[0][3:].split("`", 1)[0]] = cells[2]
    return found


def test_the_whole_matrix_matches_its_document(templates: Templates) -> None:
    """Every attack run once more, in one go: each outcome is what its test expects, and
    docs/tamper-matrix.md lists the same attacks with the same outcomes."""
    rows = [(attack, run(attack, templates)) for attack in ATTACKS]
    wrong = [(a.id, o.detected, o.failures[:3]) for a, o in rows if o.detected != (not a.needs)
             or (o.detected and not o.named)]
    assert not wrong, wrong
    text = matrix_document(rows)
    if WRITE_MATRIX:
        MATRIX_DOC.write_text(text, "utf-8")
    assert MATRIX_DOC.is_file(), "run with EVIDENCE_DESK_WRITE_MATRIX=1 to write docs/tamper-matrix.md"
    assert _documented(MATRIX_DOC.read_text("utf-8")) == _documented(text), \
        "docs/tamper-matrix.md is out of date: run this test with EVIDENCE_DESK_WRITE_MATRIX=1"
