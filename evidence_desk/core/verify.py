"""Verification: prove that no byte and no custody record changed.

It does not trust the database: it reads raw rows through its own read-only
connection (triggers and constraints may have been dropped), recomputes every
object's hash from the vault, walks the custody chain against the recorded
head (a missing head is itself a failure), and replays each item's custody
entries to check that the catalogue still says what the chain says it should.
Every failure names the item (id and original file name) or the custody entry
and what failed.

What it cannot catch from inside the folder: a history someone who can write
the folder made wholly consistent (entries appended or re-hashed with the head
rewritten, the folder rolled back). ``docs/tamper-matrix.md`` lists each attack
tried and whether it is detected.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from . import custody, replay
from .case import DB_FILE, VAULT_DIR
from .errors import CaseNotFound
from .items import ITEM_RECORD_FIELDS
from .sealing import KEY_FILE, CaseKey, SealBroken, Sealer
from .store import open_connection
from .vault import Progress, ShouldCancel, Vault

if TYPE_CHECKING:
    from .checkpoints import Checks

# --- what a verification found: shared with packet verification ---------------------

@dataclass(frozen=True)
class Failure:
    """One thing that does not hold, named so a person can find it.

    A case's verification adds the item's name and hash (:class:`CaseFailure`),
    a packet's the file in the packet (:class:`~evidence_desk.core.packet.verify.PacketFailure`);
    :attr:`where` is that place as text, so both are shown the same way."""

    what: str  # "case", "object", "item", "custody"; in a packet also "structure", "payload", "tag", ...
    message: str
    item_id: int | None = None
    seq: int | None = None  # the custody entry

    @property
    def where(self) -> str:
        return ""

    def __str__(self) -> str:
        return self.message

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "text": str(self)}


class Verification:
    """What a verification found: every failure, a one-line summary, a JSON form.

    The base of :class:`VerifyReport` (a case) and
    :class:`~evidence_desk.core.packet.verify.PacketReport` (a packet), so the
    command line and the GUI present either through this interface alone.
    Subclasses are dataclasses holding ``failures`` and their counts."""

    failures: list[Failure]
    FAILURE: ClassVar[type[Failure]] = Failure
    WHERE: ClassVar[str] = "Where"  # what :attr:`Failure.where` holds, as a column heading

    @property
    def ok(self) -> bool:
        return not self.failures

    def fail(self, what: str, message: str, **where: Any) -> None:
        self.failures.append(self.FAILURE(what, message, **where))

    def summary(self) -> str:
        raise NotImplementedError

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)  # every subclass is a dataclass
        out["ok"] = self.ok
        out["failures"] = [f.to_json() for f in self.failures]
        return out


# --- a case ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class CaseFailure(Failure):
    """A failure in a case, naming the item by id and original file name."""

    item_name: str = ""
    sha256: str = ""
    #: for a record that differs from what the chain replays: its table, key and field
    table: str = ""
    record: list[Any] | None = None
    field: str | None = None

    @property
    def where(self) -> str:
        return self.item_name or (f"{self.table} {'/'.join(str(k) for k in self.record or [])}" if self.table else "")

    def __str__(self) -> str:
        if self.item_id is not None:
            return f"item {self.item_id} ({self.item_name}): {self.message}"
        return self.message


@dataclass
class VerifyReport(Verification):
    case_dir: str
    items: int = 0
    objects: int = 0
    bytes_hashed: int = 0
    custody_entries: int = 0
    failures: list[Failure] = field(default_factory=list)
    #: the baseline entry replay started from (a case upgraded from before whole-record replay)
    baseline_seq: int | None = None
    #: findings that are not failures, e.g. entries no examiner has signed yet (:mod:`.checkpoints`)
    warnings: list[str] = field(default_factory=list)
    #: what the examiner signatures and witnesses vouch for (:func:`.checkpoints.check_case`)
    signatures: dict[str, Any] = field(default_factory=dict)
    FAILURE: ClassVar[type[Failure]] = CaseFailure
    WHERE: ClassVar[str] = "Name"

    def summary(self) -> str:
        if self.ok:
            text = (f"intact: {self.items} items, {self.objects} objects ({self.bytes_hashed} bytes) rehashed, "
                    f"{self.custody_entries} custody entries chained, every record replayed from the chain")
            if self.baseline_seq is not None:
                text += (f" (from the baseline at entry #{self.baseline_seq}: the state at the upgrade, "
                         "not proven before that point)")
            if self.warnings:
                text += f"; {len(self.warnings)} warning(s)"
            return text
        return f"{len(self.failures)} failure(s) in {self.case_dir}"


def verify(case_dir: Path | str, progress: Progress | None = None, should_cancel: ShouldCancel | None = None,
           on_total: Callable[[int], None] | None = None,
           rehashed: Mapping[str, str] | None = None, checks: Checks | None = None,
           key: CaseKey | None = None, passphrase: str | None = None) -> VerifyReport:
    """Check the case at ``case_dir``; ``progress`` gets byte increments of hashing.

    ``rehashed`` maps object SHA-256s to what a caller has *just* recomputed
    from those objects' bytes (a packet export hashes every copy it makes);
    those objects are not read a second time. ``checks`` says which witnesses
    to compare the chain with and whether unsigned entries fail (default: the
    local witness log; unsigned entries are warnings). An encrypted case needs its ``key``
    (an open case's ``case.key``) or ``passphrase``: its objects are opened, every chunk
    authenticated, and the plaintext hashed."""
    case_dir = Path(case_dir)
    db_path = case_dir / DB_FILE
    if not db_path.is_file():
        raise CaseNotFound(f"no case at {case_dir} (missing {DB_FILE})")
    report = VerifyReport(str(case_dir))
    if key is None:
        from .case import unlock_case

        key = unlock_case(case_dir, passphrase)
    conn = open_connection(db_path, read_only=True, key=key.db_key if key is not None else None)
    conn.row_factory = _dict_row
    try:
        _verify(conn, case_dir, report, progress, should_cancel, on_total, rehashed or {},
                key.sealer() if key is not None else None)
        from .checkpoints import check_case

        check_case(conn, report, checks)  # examiner signatures and witnesses
    finally:
        conn.close()
    return report


class _Row(dict):
    """A row by column name or by position, like sqlite3.Row, for both drivers."""

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, int):
            return list(self.values())[key]
        return super().__getitem__(key)


def _dict_row(cursor: Any, row: tuple[Any, ...]) -> _Row:
    """A row factory both sqlite3 and SQLCipher's driver take (sqlite3.Row is sqlite3's own)."""
    return _Row(zip([d[0] for d in cursor.description], row, strict=True))


def _rows(conn: sqlite3.Connection, sql: str) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(sql).fetchall()]


def _verify(conn: sqlite3.Connection, case_dir: Path, report: VerifyReport, progress: Progress | None,
            should_cancel: ShouldCancel | None, on_total: Callable[[int], None] | None,
            rehashed: Mapping[str, str], sealer: Sealer | None = None) -> None:
    fail = report.failures.append
    chain = _rows(conn, "SELECT * FROM custody ORDER BY seq")
    replayed = replay.replay(chain)
    case_id = _case_id(_rows(conn, "SELECT id FROM case_info"), replayed.state["case_info"], fail)
    if case_id is None:
        return
    items = _rows(conn, "SELECT * FROM item ORDER BY id")
    objects = {r["sha256"]: r for r in _rows(conn, "SELECT * FROM object")}
    report.items, report.objects, report.custody_entries = len(items), len(objects), len(chain)
    names = {r["id"]: r["original_name"] for r in items}

    # 1. the chain, and the head anchor beside it (without it, entries cut off the end go unnoticed)
    head = custody.read_head(case_dir)
    if head is None:
        fail(CaseFailure("custody", f"{custody.HEAD_FILE} is missing: entries removed from the end of the chain "
                                    "could not be noticed"))
    for problem in custody.check_chain(chain, case_id, head):
        fail(CaseFailure("custody", problem.message, item_id=problem.item_id,
                         item_name=names.get(problem.item_id, ""), seq=problem.seq))

    # 2. content: every object rehashed, every item has its object, every object an item
    vault = Vault(case_dir / VAULT_DIR, sealer)
    on_disk = {sha: path for sha, path in vault.iter_objects()}
    if on_total is not None:
        on_total(sum(r["size"] for r in objects.values()))
    items_by_sha: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        items_by_sha.setdefault(item["sha256"], []).append(item)
    bad_objects: dict[str, str] = {}
    object_failures: list[CaseFailure] = []

    def rehash_objects() -> None:  # on a worker: hashlib releases the GIL while replay runs here
        for sha, row in sorted(objects.items()):
            if sha not in items_by_sha:
                object_failures.append(CaseFailure("object", f"vault object {sha} is recorded but belongs to no "
                                                             "item", sha256=sha))
            if sha not in on_disk:
                bad_objects[sha] = "its content is missing from the vault"
                continue
            actual = rehashed.get(sha)
            if actual is None:
                try:
                    found = vault.hash_object(sha, progress, should_cancel)
                except (FileNotFoundError, PermissionError, IsADirectoryError):
                    bad_objects[sha] = "its content cannot be read from the vault"
                    continue
                except SealBroken as exc:
                    bad_objects[sha] = f"sealed content altered or cut short: {exc}"
                    continue
                actual, size = found.sha256, found.size
            else:
                size = on_disk[sha].stat().st_size if sealer is None else row["size"]
            report.bytes_hashed += size
            if actual != sha:
                bad_objects[sha] = f"content altered: SHA-256 is now {actual}, catalogued as {sha}"
            elif size != row["size"]:
                bad_objects[sha] = f"size is {size}, catalogued as {row['size']}"

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="verify-hash") as pool:
        hashing = pool.submit(rehash_objects)
        record_failures = _replay_records(conn, replayed, chain, names, case_id)
        hashing.result()
    for failure in object_failures:
        fail(failure)
    for sha in sorted(set(on_disk) - set(objects)):
        fail(CaseFailure("object", f"vault object {sha} is not in the catalogue (added outside Evidence Desk, "
                                   "or its record was deleted)", sha256=sha))
    for item in items:
        sha = item["sha256"]
        if sha not in objects:
            reason = bad_objects.get(sha) or (
                "its content is missing from the vault" if sha not in on_disk else "its object record is missing")
            fail(CaseFailure("item", reason, item_id=item["id"], item_name=item["original_name"], sha256=sha))
        elif sha in bad_objects:
            fail(CaseFailure("item", bad_objects[sha], item_id=item["id"], item_name=item["original_name"],
                             sha256=sha))

    # 2b. chains received with review packets, re-walked against the sender's case
    _verify_inherited(conn, fail)

    # 3. every record against the chain (replayed above, while the vault was being rehashed)
    report.baseline_seq = replayed.baseline_seq
    for failure in record_failures:
        fail(failure)
    by_item: dict[int, list[dict[str, Any]]] = {}
    for entry in chain:
        if entry.get("item_id") is not None:
            by_item.setdefault(entry["item_id"], []).append(entry)
    for item in items:
        entries = by_item.get(item["id"], [])
        # a case from before whole-record replay (no entry carries records) keeps the item replay
        _replay_item(item, entries, fail, fields=not replayed.entries_with_records)
    known_ids = set(names)
    for item_id, entries in sorted(by_item.items()):
        first = entries[0]
        if item_id not in known_ids and first["action"] in ("acquired", "derived", "transferred") \
                and first["target_type"] == "item":
            fail(CaseFailure("item", f"custody entry #{first['seq']} records item {item_id}, which is no longer in "
                                     "the catalogue (deleted)", item_id=item_id, item_name="?", seq=first["seq"]))

    # 4. nothing in the case folder that the case does not account for
    for problem in unexpected_files(case_dir):
        fail(CaseFailure("file", problem))


def _replay_records(conn: sqlite3.Connection, replayed: replay.Replayed, chain: list[dict[str, Any]],
                    names: dict[int, str], case_id: str) -> list[CaseFailure]:
    """Compare every row of every table with the state the chain replays to."""
    failures: list[CaseFailure] = []
    if not replayed.entries_with_records:
        return failures
    found = {table: _rows(conn, f"SELECT * FROM [{table}]") for table in replay.TABLE_KEYS
             if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                             [table]).fetchone() is not None}
    for difference in replay.compare(replayed.state, found):
        item_id = difference.key[0] if difference.table == "item" else None
        item_name = ""
        if item_id is not None:  # a deleted item is still named, by the name the chain recorded
            item_name = names.get(item_id) or (difference.chain or {}).get("original_name", "")
        failures.append(CaseFailure("record", difference.detail if item_id is not None else str(difference),
                                    item_id=item_id, item_name=item_name, table=difference.table,
                                    record=list(difference.key), field=difference.field))
    _check_case_key([r for r in found.get("case_info", []) if r["id"] == case_id], chain, failures.append)
    return failures


#: Files a case folder may hold besides its vault objects.
_CASE_FILES = {DB_FILE, f"{DB_FILE}-wal", f"{DB_FILE}-shm", f"{DB_FILE}-journal", custody.HEAD_FILE,
               ".evidence-desk.lock", KEY_FILE}


def unexpected_files(case_dir: Path) -> list[str]:
    """Every file or folder in the case folder that is not part of the case.

    Temporaries of a live import (``vault/tmp``, ``vault/pending``, a head
    being written) are expected only while another process holds the case's
    lock; otherwise they are leftovers and named as such."""
    from . import lock as case_lock

    live = case_lock.holder(case_dir) is not None
    problems: list[str] = []
    for path in sorted(case_dir.iterdir()):
        name = path.name
        if name == VAULT_DIR and path.is_dir():
            continue
        if name in _CASE_FILES or (name.startswith(f"{DB_FILE}.v") and name.endswith(".bak")):
            continue
        if name.startswith(f".{custody.HEAD_FILE}.") and name.endswith(".tmp") and live:
            continue
        problems.append(f"{name}: an unexpected {'folder' if path.is_dir() else 'file'} in the case folder")
    vault = case_dir / VAULT_DIR
    if not vault.is_dir():
        return problems + ["vault: the vault folder is missing"]
    for path in sorted(vault.iterdir()):
        if path.name in ("objects", "tmp", "pending") and path.is_dir():
            continue
        problems.append(f"vault/{path.name}: an unexpected {'folder' if path.is_dir() else 'file'} in the vault")
    for folder, pattern, what in (("tmp", ".part", "a copy being imported"),
                                  ("pending", ".intent", "an object being placed")):
        for path in sorted((vault / folder).iterdir()) if (vault / folder).is_dir() else []:
            if live and path.is_file() and path.name.endswith(pattern):
                continue
            kind = (f"a leftover of an interrupted import ({what}; removed the next time the case is opened "
                    "for writing)") if path.name.endswith(pattern) else "an unexpected file"
            problems.append(f"vault/{folder}/{path.name}: {kind}")
    objects = vault / "objects"
    for prefix in sorted(objects.iterdir()) if objects.is_dir() else []:
        if not (prefix.is_dir() and len(prefix.name) == 2):
            problems.append(f"vault/objects/{prefix.name}: an unexpected entry among the object folders")
            continue
        for path in sorted(prefix.iterdir()):
            if not (path.is_file() and len(path.name) == 64 and path.name.startswith(prefix.name)
                    and all(c in "0123456789abcdef" for c in path.name)):
                problems.append(f"vault/objects/{prefix.name}/{path.name}: not a vault object "
                                "(its name is no SHA-256 of this folder)")
    return problems


def _case_id(rows: list[dict[str, Any]], created: Mapping[replay.Key, Any],
             fail: Callable[[CaseFailure], None]) -> str | None:
    """The id of the one case record; a record missing, or one more than the chain created, is named."""
    ids = [r["id"] for r in rows]
    if len(ids) > 1:  # a second record planted beside the real one: the replay below names it
        ids = [i for i in ids if (i,) in created]
    if len(ids) == 1:
        return ids[0]
    if not rows and created:
        for key, row in created.items():
            gone = replay.Difference("case_info", key, None, row, None, "deleted")
            fail(CaseFailure("case", f"{gone}: the case record is missing", table="case_info", record=list(key)))
    else:
        fail(CaseFailure("case", "the case record is " + (
            "missing, and no custody entry created one" if not rows else
            f"duplicated: case_info {', '.join(str(r['id']) for r in rows)}, and the chain does not say which "
            "is the case")))
    return None


def _check_case_key(case_rows: list[dict[str, Any]], chain: list[dict[str, Any]],
                    fail: Callable[[CaseFailure], None]) -> None:
    """The case's public key is the one its first entry was created with (a zeroed or swapped key is named),
    and its private key, never written into the chain, is that public key's other half."""
    first = next((e for e in chain if e["action"] == "case_created"), None)
    if not case_rows or first is None:
        return
    created_with = _details(first).get("public_key")
    stored = bytes(case_rows[0].get("public_key") or b"").hex()
    if created_with and stored != created_with:
        fail(CaseFailure("case", f"the case's public key is {stored or 'empty'}, but entry #{first['seq']} created "
                                 f"the case with {created_with}", seq=first["seq"]))
    from . import signing  # cryptography: only when a case is verified

    expected = created_with or stored
    try:
        derived = signing.public_key_of(bytes(case_rows[0].get("signing_key") or b"")).hex()
    except (ValueError, TypeError):
        derived = None
    if derived != expected:
        case_id = case_rows[0]["id"]
        fail(CaseFailure("case", f"case_info {case_id}: field signing_key: the private key does not belong to the "
                                 f"case's public key {expected} (entry #{first['seq']}); packets it seals would "
                                 "not verify", seq=first["seq"], table="case_info", record=[case_id],
                         field="signing_key"))


def _verify_inherited(conn: sqlite3.Connection, fail: Callable[[CaseFailure], None]) -> None:
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'inherited_custody'").fetchone() is None:
        return
    for transfer in _rows(conn, "SELECT * FROM transfer_in ORDER BY id"):
        rows: list[dict[str, Any]] = []
        for stored in _rows(conn, f"SELECT * FROM inherited_custody WHERE transfer_id = {int(transfer['id'])} "
                                  "ORDER BY source_case_id, seq"):
            try:
                row = json.loads(stored["line"])
            except ValueError:
                row = None
            if not isinstance(row, dict) or custody.canonical(row) != stored["line"] \
                    or row.get("entry_hash") != stored["entry_hash"]:
                fail(CaseFailure("custody", f"received custody entry #{stored['seq']} of case "
                                            f"{stored['source_case_id']} was altered", seq=stored["seq"]))
                continue
            if stored["source_case_id"] == transfer["source_case_id"]:
                rows.append(row)
        head = (transfer["custody_head_seq"], transfer["custody_head_hash"])
        for problem in custody.check_chain(rows, transfer["source_case_id"], head):
            fail(CaseFailure("custody", f"custody chain received from case {transfer['source_case_id']} "
                                        f"(packet {transfer['packet_name']}): {problem.message}", seq=problem.seq))


def _replay_item(item: dict[str, Any], entries: list[dict[str, Any]], fail: Callable[[CaseFailure], None],
                 fields: bool = True) -> None:
    intake = next((e for e in entries if e["action"] in ("acquired", "derived")
                   or (e["action"] == "transferred" and "item" in _details(e))), None)
    name = item["original_name"]
    if intake is None:
        fail(CaseFailure("item", "has no acquisition entry in the custody chain", item_id=item["id"],
                         item_name=name))
        return
    expected = dict(_details(intake).get("item", {}))
    for entry in entries:
        if entry.get("item_sha256") not in (None, item["sha256"]):
            fail(CaseFailure("item", f"custody entry #{entry['seq']} records SHA-256 {entry['item_sha256']}, "
                                     f"the catalogue says {item['sha256']}", item_id=item["id"], item_name=name,
                                     seq=entry["seq"]))
        if entry["action"] == "metadata_changed" and entry["seq"] > intake["seq"]:
            d = _details(entry)
            if "field" in d:
                expected[d["field"]] = d.get("new")
    for field_name in ITEM_RECORD_FIELDS if fields else ():
        if field_name in expected and expected[field_name] != item.get(field_name):
            fail(CaseFailure("item", f"{field_name} is {item.get(field_name)!r} but the custody chain records "
                                     f"{expected[field_name]!r}: changed without a custody entry",
                             item_id=item["id"], item_name=name))


def _details(entry: dict[str, Any]) -> dict[str, Any]:
    try:
        value = json.loads(entry.get("details") or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
