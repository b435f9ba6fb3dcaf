"""A case: the front object over one open case folder.

A case is a folder holding ``case.sqlite``, ``vault/`` and ``custody.head``;
copying the folder copies the case. :class:`Case` owns the connection, the
one transaction a change runs in (:meth:`Case.change`) and the custody log
(:meth:`Case.log`); each area of the record has its own module, reached as an
attribute: ``case.items``, ``case.events``, ``case.sources``,
``case.statements``, ``case.claims``, ``case.annotations``, ``case.requests``,
``case.journal``, ``case.grades``, ``case.history``. Every mutating call
records who acted in a custody entry committed in the same transaction as the
change, and edits keep the value they replace. Reads return frozen records
from :mod:`records`. User actions that combine several of these are in
:mod:`operations`.

One :class:`Case` may be used from several threads (the GUI's writer worker
and, for a read-only case, its own thread); a lock serialises use of the
connection.
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import custody, replay, sealing, store
from . import uncertain_time as utime
from .annotations import Annotations
from .claims import Claims
from .custody import CustodyEntry, NewEntry
from .derived import DerivedTexts
from .errors import BadInput, CaseExists, CaseNotFound, CaseReadOnly, user_error
from .events import Events
from .evidence_requests import Requests
from .feedback import ReviewFeedback
from .grades import Grades
from .history import History
from .items import Items
from .journal import Journal
from .records import CaseInfo
from .sources import Sources
from .sqlparts import now_text
from .statements import Statements
from .vault import Placed, Vault

log = logging.getLogger("evidence_desk.case")

DB_FILE = "case.sqlite"
VAULT_DIR = "vault"
#: tables whose ids are never given twice: their rows can be withdrawn (Undo of their creation)
NEVER_REUSED_IDS = frozenset({"statement", "claim", "request"})

#: Tables :meth:`Case.table_rows` hands out, with their natural order.
EXPORTABLE_TABLES = {"source": "id", "event": "id", "object": "sha256", "item": "id",
                     "item_event": "item_id, event_id", "statement": "id",
                     "statement_event": "statement_id, event_id", "claim": "id", "claim_link": "id",
                     "annotation": "id", "request": "id", "request_item": "request_id, item_id",
                     "grade": "id", "journal": "id", "metadata_change": "id", "custody": "seq",
                     "transfer_in": "id", "inherited_custody": "source_case_id, seq", "derived_text": "id"}


def unlock_case(path: Path, passphrase: str | None) -> sealing.CaseKey | None:
    """The key of the case at ``path`` when it is encrypted, else None."""
    if not sealing.is_encrypted(path):
        return None
    if passphrase is None:
        raise sealing.PassphraseNeeded(f"{path} is an encrypted case: give its passphrase (set "
                                       f"{sealing.PASSPHRASE_ENV} or pass --case-passphrase-file)")
    return sealing.unlock(path, passphrase)


def resolve_examiner(explicit: str | None, case_default: str | None = None) -> str:
    """Who acts: an explicit name, else $EVIDENCE_DESK_EXAMINER, else the case default."""
    for candidate in (explicit, os.environ.get("EVIDENCE_DESK_EXAMINER"), case_default):
        if candidate and candidate.strip():
            return candidate.strip()
    raise BadInput("no examiner: pass --examiner NAME or set EVIDENCE_DESK_EXAMINER")


@dataclass
class Change:
    """Handed to the body of a change: what settles after commit, and the
    custody entries written so far (from which :mod:`operations` tells the GUI
    what changed)."""

    placed: list[Placed] = field(default_factory=list)
    entries: list[CustodyEntry] = field(default_factory=list)
    #: new states of rows written since the last custody entry; the next entry carries them
    records: list[dict[str, Any]] = field(default_factory=list)


class Case:
    """An open case folder."""

    def __init__(self, path: Path, db: store.Database, *, read_only: bool,
                 examiner: str | None, key: sealing.CaseKey | None = None) -> None:
        self.path = path
        self.db = db
        self.read_only = read_only
        #: an encrypted case's unlocked key (None: a plain case)
        self.key = key
        self.vault = Vault(path / VAULT_DIR, key.sealer() if key is not None else None)
        if key is not None:
            sealing.note_open(+1)
        self.lock = threading.RLock()
        self._open_change: Change | None = None
        row = db.execute("SELECT * FROM case_info").fetchone()
        if row is None:
            raise CaseNotFound(f"{path} is not an Evidence Desk case (no case record)")
        names = [d[0] for d in db.execute("SELECT * FROM case_info LIMIT 0").description]
        info = dict(zip(names, row, strict=True))
        self.id: str = info["id"]
        self.examiner = resolve_examiner(examiner, info["default_examiner"])
        self.sources = Sources(self)
        self.events = Events(self)
        self.items = Items(self)
        self.statements = Statements(self)
        self.claims = Claims(self)
        self.annotations = Annotations(self)
        self.derived = DerivedTexts(self)  # OCR, transcripts, document text, metadata
        self.requests = Requests(self)
        self.journal = Journal(self)
        self.grades = Grades(self)
        self.history = History(self)
        self.feedback = ReviewFeedback(self)  # a reviewer's judgements received back

    # --- lifecycle -----------------------------------------------------------

    @classmethod
    def create(cls, path: Path | str, title: str, examiner: str, description: str = "",
               tz: str = "UTC", passphrase: str | None = None) -> Case:
        """Make a new case folder with its own Ed25519 signing key; with ``passphrase``, an
        encrypted case (:mod:`sealing`): SQLCipher database, sealed vault objects."""
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        path = Path(path)
        if not title.strip():
            raise BadInput("a case needs a title")
        if not examiner.strip():
            raise BadInput("a case needs an examiner name")
        utime.zone(tz)
        if (path / DB_FILE).exists():
            raise CaseExists(f"{path} already holds a case")
        if path.exists() and any(path.iterdir()):
            raise CaseExists(f"{path} exists and is not empty; choose a new folder for the case")
        path.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        raw_private = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                        serialization.NoEncryption())
        raw_public = key.public_key().public_bytes(serialization.Encoding.Raw,
                                                   serialization.PublicFormat.Raw)
        # Build in a temporary name and rename, so a half-made case never exists.
        tmp_db = path / f".{DB_FILE}.{uuid.uuid4().hex}.tmp"
        case_key = sealing.create_key(path, passphrase) if passphrase is not None else None
        db = store.connect(tmp_db, key=case_key.db_key if case_key else None)
        try:
            store.migrate(db, tmp_db)
            case_id = str(uuid.uuid4())
            with store.transaction(db):
                db["case_info"].insert({
                    "id": case_id, "title": title.strip(), "description": description,
                    "created_at": now_text(), "created_by": examiner.strip(),
                    "default_examiner": examiner.strip(), "default_tz": tz,
                    "signing_key": raw_private, "public_key": raw_public,
                })
                row = next(db["case_info"].rows)
                first = custody.append(db, case_id, NewEntry(
                    action="case_created", examiner=examiner.strip(), purpose="case opened",
                    details={"title": title.strip(), "description": description, "tz": tz,
                             "public_key": raw_public.hex(), "records": [replay.record("case_info", row)]}))
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            db.conn.execute("PRAGMA journal_mode = DELETE")
            db.conn.close()
            Vault(path / VAULT_DIR).create()
            custody.write_head(path, first.seq, first.entry_hash)
            os.replace(tmp_db, path / DB_FILE)
        except BaseException:
            db.conn.close()
            for leftover in path.glob(f".{DB_FILE}.*"):
                leftover.unlink(missing_ok=True)
            sealing.key_path(path).unlink(missing_ok=True)
            raise
        return cls.open(path, examiner=examiner, passphrase=passphrase)

    @classmethod
    def open(cls, path: Path | str, *, read_only: bool = False, examiner: str | None = None,
             passphrase: str | None = None, key: sealing.CaseKey | None = None) -> Case:
        """Open the case at ``path``; an encrypted one needs its ``passphrase``
        (:class:`~.sealing.PassphraseNeeded` without, :class:`~.sealing.WrongPassphrase` when wrong)
        or its ``key`` already unlocked (:func:`unlock_case`: Argon2id runs once, not per open)."""
        path = Path(path)
        db_path = path / DB_FILE
        if not db_path.is_file():
            raise CaseNotFound(f"no case at {path} (missing {DB_FILE})")
        if key is None:
            key = unlock_case(path, passphrase)
        try:
            return cls._open(path, db_path, read_only=read_only, examiner=examiner, key=key)
        except (OSError, *store.db_errors()) as exc:  # a busy, damaged or read-only case: say so, naming it
            refused = user_error(exc, path)
            if refused is None:
                raise
            raise refused from exc

    @classmethod
    def _open(cls, path: Path, db_path: Path, *, read_only: bool, examiner: str | None,
              key: sealing.CaseKey | None = None) -> Case:
        db = store.connect(db_path, key=key.db_key if key is not None else None)
        try:
            if read_only:
                found = store.schema_version(db)
                if found > store.SCHEMA_VERSION:
                    store.migrate(db, db_path)  # raises CaseTooNew
                db.execute("PRAGMA query_only = ON")
            else:
                found = store.migrate(db, db_path)
            case = cls(path, db, read_only=read_only, examiner=examiner, key=key)
        except BaseException:
            db.conn.close()
            raise
        if not read_only:
            try:
                case._recover()
                if 0 < found < store.REPLAY_SCHEMA and not case._has_baseline():
                    case._record_baseline(found)
            except BaseException:
                case.close()
                raise
        return case

    def _has_baseline(self) -> bool:
        return self.scalar("SELECT 1 FROM custody WHERE action = 'baseline' LIMIT 1") is not None

    def _record_baseline(self, from_schema: int) -> None:
        """A case made before entries carried their records: write down, once, the state found,
        so replay starts from it. What came before it is not proven by the chain."""
        with self.change():
            records = []
            for table, key in replay.TABLE_KEYS.items():
                if self.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", table) is None:
                    continue
                order = ", ".join(f"[{c}]" for c in key)
                records += [replay.record(table, row) for row in self.rows(f"SELECT * FROM [{table}] ORDER BY {order}")]
            self.log(replay.BASELINE, target_type="case",
                     purpose=f"state at upgrade from schema {from_schema}, not proven before this point",
                     details={"from_schema": from_schema, "records": records})

    def close(self) -> None:
        with self.lock:
            self.db.conn.close()
            self.vault.close()
            if self.key is not None and not getattr(self, "_closed", False):
                sealing.note_open(-1)
            self._closed = True

    def __enter__(self) -> Case:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _recover(self) -> None:
        """Finish or undo whatever a crash interrupted, unless another process has the
        case open for writing: then the temporaries are its work in progress, not leftovers."""
        from . import lock as case_lock

        held = case_lock.acquire(self.path)
        if isinstance(held, case_lock.LockHolder):
            if not held.is_this_process():
                log.info("not cleaning up %s: %s has it open for writing", self.path, held.describe())
                return
            held = None  # this process took the lock for this open (the app, the command line)
        try:
            self._clean_up_after_crash()
        finally:
            if held is not None:
                held.release()

    def _clean_up_after_crash(self) -> None:
        with self.lock:
            self.vault.create()
            self.vault.recover(lambda sha: self.scalar("SELECT 1 FROM object WHERE sha256 = ?", sha) is not None)
            for leftover in self.path.glob(f".{custody.HEAD_FILE}.*.tmp"):  # a head write cut short
                leftover.unlink(missing_ok=True)
            head = custody.read_head(self.path)
            last = self.db.execute("SELECT seq, entry_hash FROM custody ORDER BY seq DESC LIMIT 1").fetchone()
            if last is None:
                return
            if head is None:
                custody.write_head(self.path, last[0], last[1])
            elif 0 <= head[0] < last[0]:
                at_head = self.scalar("SELECT entry_hash FROM custody WHERE seq = ?", head[0])
                if at_head == head[1]:  # committed after the head was last written
                    custody.write_head(self.path, last[0], last[1])

    # --- the single way to change anything ----------------------------------

    @contextmanager
    def change(self) -> Iterator[Change]:
        """One transaction: every write and its custody entries commit together or
        not at all; vault objects placed inside are removed again on failure.
        Nested uses join the outermost change."""
        if self.read_only:
            raise CaseReadOnly("this case is open read-only; no change can be made")
        with self.lock:
            if self._open_change is not None:  # nested: the outermost change commits
                yield self._open_change
                return
            change = self._open_change = Change()
            try:
                with store.transaction(self.db):
                    yield change
                    if change.records:  # a bug, not a user error: nothing may change unrecorded
                        raise RuntimeError("rows were written without a custody entry: "
                                           + ", ".join(sorted({r["table"] for r in change.records})))
                    last = self.db.execute(
                        "SELECT seq, entry_hash FROM custody ORDER BY seq DESC LIMIT 1").fetchone()
            except BaseException as exc:
                for placed in change.placed:
                    self.vault.unplace(placed)
                refused = user_error(exc, self.path) if isinstance(exc, (OSError, *store.db_errors())) else None
                if refused is not None:  # a full disk, a busy database: nothing was recorded; say so
                    raise refused from exc
                raise
            finally:
                self._open_change = None
            for placed in change.placed:
                self.vault.settle(placed.sha256)
            try:
                custody.write_head(self.path, last[0], last[1])
            except OSError as exc:  # the change is committed; the next open brings the head up to date
                log.warning("%s could not be updated after a committed change (%s); it is brought up to "
                            "date when the case is next opened", custody.HEAD_FILE, exc.strerror or exc)

    def log(self, action: str, **fields: Any) -> CustodyEntry:
        """Append a custody entry to the chain; only inside :meth:`change`."""
        if self._open_change is None:
            raise RuntimeError("custody entries are written inside case.change()")
        fields.setdefault("examiner", self.examiner)
        if self._open_change.records:
            fields["details"] = {**(fields.get("details") or {}), "records": self._open_change.records}
            self._open_change.records = []
        entry = custody.append(self.db, self.id, NewEntry(action=action, **fields))
        self._open_change.entries.append(entry)
        return entry

    # --- writing rows: each write notes the row's new state for the next custody entry ---

    def insert(self, table: str, row: dict[str, Any]) -> Any:
        """Insert one row (inside :meth:`change`); return its id (or its key, for tables keyed otherwise)."""
        change = self._writing()
        if table in NEVER_REUSED_IDS and "id" not in row:
            # a withdrawn statement, claim or request keeps its number: the chain still speaks of it
            used = self.db.execute(f"SELECT max(id) FROM [{table}]").fetchone()[0] or 0
            logged = self.db.execute("SELECT max(target_id) FROM custody WHERE target_type = ?",
                                     [table]).fetchone()[0] or 0
            row = {"id": max(used, logged) + 1, **row}
        pk = self.db[table].insert(row).last_pk
        columns = replay.TABLE_KEYS[table]
        key = (pk,) if columns == ("id",) else tuple(row[c] for c in columns)
        change.records.append(replay.record(table, self._row(table, key)))
        return pk if columns == ("id",) else key

    def update(self, table: str, key: Any, values: dict[str, Any]) -> None:
        """Change columns of the row keyed ``key`` (an id, or a tuple of key values)."""
        change = self._writing()
        key = key if isinstance(key, tuple) else (key,)
        columns = replay.TABLE_KEYS[table]
        sets = ", ".join(f"[{name}] = ?" for name in values)
        where = " AND ".join(f"[{c}] = ?" for c in columns)
        self.db.execute(f"UPDATE [{table}] SET {sets} WHERE {where}", [*values.values(), *key])
        change.records.append(replay.record(table, self._row(table, key)))

    def delete(self, table: str, key: Any) -> None:
        """Remove the row keyed ``key``; the next custody entry records the removal."""
        change = self._writing()
        key = key if isinstance(key, tuple) else (key,)
        where = " AND ".join(f"[{c}] = ?" for c in replay.TABLE_KEYS[table])
        self.db.execute(f"DELETE FROM [{table}] WHERE {where}", list(key))
        change.records.append(replay.record(table, None, key))

    def _writing(self) -> Change:
        if self._open_change is None:
            raise RuntimeError("rows are written inside case.change()")
        return self._open_change

    def _row(self, table: str, key: tuple[Any, ...]) -> dict[str, Any]:
        where = " AND ".join(f"[{c}] = ?" for c in replay.TABLE_KEYS[table])
        cursor = self.db.execute(f"SELECT * FROM [{table}] WHERE {where}", list(key))
        names = [d[0] for d in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))

    def columns(self, table: str) -> set[str]:
        """The columns of ``table``; empty when the case has no such table (an older schema)."""
        with self.lock:
            return {row[1] for row in self.db.execute(f"PRAGMA table_info([{table}])").fetchall()}

    def scalar(self, sql: str, *params: Any) -> Any:
        with self.lock:
            row = self.db.execute(sql, params).fetchone()
            return row[0] if row else None

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self.lock:
            cursor = self.db.execute(sql, list(params))
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]

    # --- case ---------------------------------------------------------------

    def info(self) -> CaseInfo:
        row = self.rows("SELECT * FROM case_info")[0]
        return CaseInfo(id=row["id"], title=row["title"], description=row["description"],
                        created_at=row["created_at"], created_by=row["created_by"],
                        default_examiner=row["default_examiner"], default_tz=row["default_tz"],
                        public_key_hex=bytes(row["public_key"]).hex())

    def signing_key_bytes(self) -> bytes:
        """The case's raw Ed25519 private key (for sealing packets)."""
        return bytes(self.rows("SELECT signing_key FROM case_info")[0]["signing_key"])

    # --- sources ------------------------------------------------------------



    # --- events -------------------------------------------------------------




    # --- items --------------------------------------------------------------








    # --- statements, claims -------------------------------------------------





    # --- annotations, requests, journal --------------------------------------





    # --- grading ------------------------------------------------------------


    # --- custody ------------------------------------------------------------




    @contextmanager
    def consistent_read(self) -> Iterator[None]:
        """Reads inside see one state of the case (a read transaction): no change,
        from this or another process, lands between them. Keep it short: it
        holds the case's lock."""
        with self.lock:
            if self.db.conn.in_transaction:
                yield
                return
            self.db.execute("BEGIN")
            try:
                yield
            finally:
                self.db.execute("COMMIT")

    def table_rows(self, table: str, where: str = "", params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Stored rows of one catalogue table, as plain dicts, for exports that
        must let another machine rebuild the case. Never the case record
        (it holds the private key)."""
        if table not in EXPORTABLE_TABLES:
            raise BadInput(f"table {table!r} cannot be exported")
        key = EXPORTABLE_TABLES[table]
        return self.rows(f"SELECT * FROM {table} {('WHERE ' + where) if where else ''} ORDER BY {key}",
                          params)

    def counts(self) -> dict[str, int]:
        with self.lock:
            return {table: self.scalar(f"SELECT count(*) FROM {table}")
                    for table in ("event", "item", "source", "statement", "claim", "request", "custody",
                                  "journal", "annotation")}


# --- helpers -------------------------------------------------------------------


Condition = tuple[str, Sequence[Any]] | None









