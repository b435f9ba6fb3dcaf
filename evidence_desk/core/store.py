"""The case database: one SQLite file per case, its schema and its upgrades.

This is the only module that knows the schema. Integrity rules that SQLite
can enforce live here (CHECK constraints, foreign keys, triggers that refuse
UPDATE and DELETE on the append-only tables); :mod:`verify` checks them again
without trusting the database.

Schema versions are in ``PRAGMA user_version``; ``UPGRADES[n]`` brings a
case from version n to n+1. Before upgrading, the file is backed up beside
itself. A case newer than this program is refused rather than guessed at.
"""

from __future__ import annotations

import datetime
import decimal
import json
import logging
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .admiralty import CREDIBILITY_CODES, RELIABILITY_CODES
from .errors import CaseTooNew, db_errors

log = logging.getLogger("evidence_desk.store")

ITEM_KINDS = ("audio", "scan", "document", "statement", "video", "other")
SOURCE_KINDS = ("person", "organisation", "channel", "outlet", "other")
MEDIA = ("radio", "memo", "press release", "social post", "interview", "other")
STANCES = ("supports", "contradicts", "mentions")
REQUEST_STATUSES = ("open", "fulfilled", "partly fulfilled", "refused", "withdrawn")
RELIABILITY = RELIABILITY_CODES  # the Admiralty codes, checked by the schema
CREDIBILITY = CREDIBILITY_CODES
ANNOTATION_KINDS = ("audio_segment", "region", "passage")
GRADE_TARGETS = ("source", "item", "statement", "claim")
#: The actions schema 1 allowed (its CHECK is frozen with the schema text).
CUSTODY_ACTIONS_V1 = (
    "case_created", "acquired", "imported", "viewed", "exported", "transferred",
    "annotated", "graded", "verified", "metadata_changed", "derived", "linked", "unlinked",
    "event_added", "event_changed", "source_added", "statement_added", "claim_added",
    "claim_linked", "request_added", "request_changed", "journal_note", "sealed",
)
#: Schema 3 adds: the state found at an upgrade (``baseline``), an examiner's signature
#: over the chain head (``checkpoint``), and a signed hand-over to a new examiner key.
CUSTODY_ACTIONS_V3 = (*CUSTODY_ACTIONS_V1, "baseline", "checkpoint", "key_handover", "statement_changed",
                      "claim_changed", "request_status")
#: Schema 4 adds: a reviewer's signed judgements received back by the sender (``feedback_received``).
CUSTODY_ACTIONS_V4 = (*CUSTODY_ACTIONS_V3, "feedback_received")
#: Schema 5 adds: text or metadata derived from an item by a machine or a reader (``text_derived``),
#: a person's correction of it (``text_corrected``) and a person's check of it (``text_checked``).
CUSTODY_ACTIONS = (*CUSTODY_ACTIONS_V4, "text_derived", "text_corrected", "text_checked")
#: What derived text is: OCR of a scan or page, an automatic transcript, text a reader extracted
#: from a document (PDF, DOCX, ODT, HTML, e-mail), or metadata read at intake (EXIF, properties).
DERIVED_TEXT_KINDS = ("ocr", "transcription", "document_text", "metadata")
#: What a reviewer can say of an item, a grade, a statement or a claim.
VERDICTS = ("accepted", "disputed", "needs_info")
JUDGED_TARGETS = ("item", "grade", "statement", "claim")
PRECISIONS = ("second", "minute", "hour", "day", "month", "year", "range", "unknown")


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + ")"


def _time_columns(prefix: str) -> str:
    """Columns for one uncertain time: raw text, normalised interval, zone, precision."""
    p = prefix
    return f"""
        {p}_raw TEXT NOT NULL DEFAULT '',
        {p}_start TEXT,
        {p}_end TEXT,
        {p}_tz TEXT NOT NULL DEFAULT 'UTC',
        {p}_precision TEXT NOT NULL DEFAULT 'unknown' CHECK ({p}_precision IN {_in(PRECISIONS)}),
        {p}_sort TEXT,
        {p}_note TEXT NOT NULL DEFAULT ''"""


def _append_only(table: str) -> str:
    return f"""
    CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
    BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;
    CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
    BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;
    """


SCHEMA_1 = f"""
CREATE TABLE case_info (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL CHECK (length(title) > 0),
    description TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    default_examiner TEXT NOT NULL,
    default_tz TEXT NOT NULL DEFAULT 'UTC',
    signing_key BLOB NOT NULL,          -- Ed25519 private key, raw 32 bytes
    public_key BLOB NOT NULL            -- Ed25519 public key, raw 32 bytes
);

CREATE TABLE source (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (length(name) > 0),
    kind TEXT NOT NULL DEFAULT 'other' CHECK (kind IN {_in(SOURCE_KINDS)}),
    description TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);

CREATE TABLE event (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL CHECK (length(title) > 0),
    place TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    {_time_columns("time")},
    time_normalised_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX event_by_time ON event (time_sort, id);

-- One row per distinct content; the bytes live in vault/objects/<sha256[:2]>/<sha256>.
CREATE TABLE object (
    sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    size INTEGER NOT NULL CHECK (size >= 0),
    stored_at TEXT NOT NULL
);

CREATE TABLE item (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL REFERENCES object (sha256),
    original_name TEXT NOT NULL,
    size INTEGER NOT NULL CHECK (size >= 0),
    media_type TEXT NOT NULL DEFAULT 'application/octet-stream',
    kind TEXT NOT NULL CHECK (kind IN {_in(ITEM_KINDS)}),
    description TEXT NOT NULL DEFAULT '',
    acquired_at TEXT NOT NULL,
    acquired_by TEXT NOT NULL,
    acquired_from TEXT NOT NULL DEFAULT '',
    acquisition_method TEXT NOT NULL DEFAULT '',
    original_path TEXT NOT NULL DEFAULT '',
    source_id INTEGER REFERENCES source (id),
    derived_from INTEGER REFERENCES item (id),
    derivation_reason TEXT NOT NULL DEFAULT '',
    CHECK ((derived_from IS NULL) = (derivation_reason = ''))
);
CREATE INDEX item_by_sha ON item (sha256);
CREATE INDEX item_by_source ON item (source_id);
CREATE INDEX item_by_derived ON item (derived_from);
CREATE INDEX item_by_name ON item (original_name COLLATE NOCASE);
CREATE INDEX item_by_acquired ON item (acquired_at);

CREATE TABLE item_event (
    item_id INTEGER NOT NULL REFERENCES item (id),
    event_id INTEGER NOT NULL REFERENCES event (id),
    PRIMARY KEY (item_id, event_id)
) WITHOUT ROWID;
CREATE INDEX item_event_by_event ON item_event (event_id, item_id);

CREATE TABLE statement (
    id INTEGER PRIMARY KEY,
    speaker TEXT NOT NULL CHECK (length(speaker) > 0),
    affiliation TEXT NOT NULL DEFAULT '',
    medium TEXT NOT NULL CHECK (medium IN {_in(MEDIA)}),
    {_time_columns("time")},
    text TEXT NOT NULL,
    item_id INTEGER REFERENCES item (id),
    source_id INTEGER REFERENCES source (id),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);

CREATE TABLE statement_event (
    statement_id INTEGER NOT NULL REFERENCES statement (id),
    event_id INTEGER NOT NULL REFERENCES event (id),
    PRIMARY KEY (statement_id, event_id)
) WITHOUT ROWID;
CREATE INDEX statement_event_by_event ON statement_event (event_id);

CREATE TABLE claim (
    id INTEGER PRIMARY KEY,
    text TEXT NOT NULL CHECK (length(text) > 0),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);

CREATE TABLE claim_link (
    id INTEGER PRIMARY KEY,
    claim_id INTEGER NOT NULL REFERENCES claim (id),
    item_id INTEGER REFERENCES item (id),
    statement_id INTEGER REFERENCES statement (id),
    stance TEXT NOT NULL CHECK (stance IN {_in(STANCES)}),
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    CHECK ((item_id IS NULL) != (statement_id IS NULL))
);
CREATE INDEX claim_link_by_claim ON claim_link (claim_id);

CREATE TABLE annotation (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES item (id),
    kind TEXT NOT NULL CHECK (kind IN {_in(ANNOTATION_KINDS)}),
    start_s REAL, end_s REAL, speaker TEXT NOT NULL DEFAULT '',
    page INTEGER, x REAL, y REAL, w REAL, h REAL,
    text_start INTEGER, text_end INTEGER,
    text TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    CHECK (kind != 'audio_segment' OR (start_s IS NOT NULL AND end_s >= start_s)),
    CHECK (kind != 'region' OR (x IS NOT NULL AND y IS NOT NULL AND w > 0 AND h > 0)),
    CHECK (kind != 'passage' OR (text_start IS NOT NULL AND text_end >= text_start))
);
CREATE INDEX annotation_by_item ON annotation (item_id);

CREATE TABLE request (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL CHECK (length(title) > 0),
    description TEXT NOT NULL DEFAULT '',
    addressed_to TEXT NOT NULL DEFAULT '',
    {_time_columns("asked")},
    {_time_columns("due")},
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN {_in(REQUEST_STATUSES)}),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);

CREATE TABLE request_item (
    request_id INTEGER NOT NULL REFERENCES request (id),
    item_id INTEGER NOT NULL REFERENCES item (id),
    PRIMARY KEY (request_id, item_id)
) WITHOUT ROWID;

-- Grades are history: the current grade is the newest row for a target.
CREATE TABLE grade (
    id INTEGER PRIMARY KEY,
    target_type TEXT NOT NULL CHECK (target_type IN {_in(GRADE_TARGETS)}),
    target_id INTEGER NOT NULL,
    reliability TEXT CHECK (reliability IS NULL OR reliability IN {_in(RELIABILITY)}),
    credibility TEXT CHECK (credibility IS NULL OR credibility IN {_in(CREDIBILITY)}),
    rationale TEXT NOT NULL CHECK (length(rationale) > 0),
    graded_by TEXT NOT NULL,
    graded_at TEXT NOT NULL,
    CHECK (reliability IS NOT NULL OR credibility IS NOT NULL)
);
CREATE INDEX grade_by_target ON grade (target_type, target_id, id);

-- The investigator's running notes. Notes are evidence too: append-only.
CREATE TABLE journal (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    author TEXT NOT NULL,
    text TEXT NOT NULL CHECK (length(text) > 0),
    event_id INTEGER REFERENCES event (id),
    item_id INTEGER REFERENCES item (id)
);

-- Every metadata edit, with the value it replaced.
CREATE TABLE metadata_change (
    id INTEGER PRIMARY KEY,
    target_type TEXT NOT NULL,
    target_id INTEGER NOT NULL,
    field TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX metadata_change_by_target ON metadata_change (target_type, target_id, id);

-- The chain of custody. entry_hash = sha256(canonical JSON of the entry,
-- which includes prev_hash); see custody.py.
CREATE TABLE custody (
    seq INTEGER PRIMARY KEY,
    at_utc TEXT NOT NULL,
    local_offset TEXT NOT NULL,
    examiner TEXT NOT NULL CHECK (length(examiner) > 0),
    action TEXT NOT NULL CHECK (action IN {_in(CUSTODY_ACTIONS_V1)}),
    target_type TEXT NOT NULL,
    target_id INTEGER,
    item_id INTEGER,
    item_sha256 TEXT,
    location TEXT NOT NULL DEFAULT '',
    purpose TEXT NOT NULL DEFAULT '',
    released_by TEXT NOT NULL DEFAULT '',
    received_by TEXT NOT NULL DEFAULT '',
    condition TEXT NOT NULL DEFAULT '',
    details TEXT NOT NULL DEFAULT '{{}}',
    prev_hash TEXT NOT NULL CHECK (length(prev_hash) = 64),
    entry_hash TEXT NOT NULL UNIQUE CHECK (length(entry_hash) = 64)
);
CREATE INDEX custody_by_item ON custody (item_id, seq);
CREATE INDEX custody_by_target ON custody (target_type, target_id, seq);

-- Where a trusted timestamp (RFC 3161) for a custody head or a sealed packet
-- will be kept once a timestamp authority can be reached.
CREATE TABLE timestamp_token (
    id INTEGER PRIMARY KEY,
    custody_seq INTEGER NOT NULL REFERENCES custody (seq),
    digest TEXT NOT NULL,
    authority TEXT NOT NULL DEFAULT '',
    requested_at TEXT NOT NULL,
    token BLOB
);

{_append_only("custody")}
{_append_only("grade")}
{_append_only("journal")}
{_append_only("metadata_change")}
CREATE TRIGGER object_no_update BEFORE UPDATE ON object
BEGIN SELECT RAISE(ABORT, 'vault objects are immutable'); END;
CREATE TRIGGER item_content_fixed BEFORE UPDATE OF sha256, size ON item
BEGIN SELECT RAISE(ABORT, 'an item''s content is immutable'); END;
"""

# Schema 2: a case received as a review packet keeps the sender's custody
# chain verbatim (each line exactly as it was hashed, so it can be re-walked
# against the sender's case id) and a record of each packet received: who
# released it, who received it, the sender's key and the chain head it sealed.
SCHEMA_2 = f"""
CREATE TABLE transfer_in (
    id INTEGER PRIMARY KEY,
    source_case_id TEXT NOT NULL,
    source_title TEXT NOT NULL DEFAULT '',
    source_public_key TEXT NOT NULL CHECK (length(source_public_key) = 64),
    source_fingerprint TEXT NOT NULL,
    custody_head_seq INTEGER NOT NULL,
    custody_head_hash TEXT NOT NULL CHECK (length(custody_head_hash) = 64),
    tagmanifest_sha256 TEXT NOT NULL CHECK (length(tagmanifest_sha256) = 64),
    signature TEXT NOT NULL,
    packet_name TEXT NOT NULL DEFAULT '',
    released_by TEXT NOT NULL CHECK (length(released_by) > 0),
    received_by TEXT NOT NULL CHECK (length(received_by) > 0),
    received_at TEXT NOT NULL
);

CREATE TABLE inherited_custody (
    source_case_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    entry_hash TEXT NOT NULL CHECK (length(entry_hash) = 64),
    line TEXT NOT NULL,                 -- canonical JSON of the entry, as hashed
    transfer_id INTEGER NOT NULL REFERENCES transfer_in (id),
    PRIMARY KEY (source_case_id, seq)
);

{_append_only("transfer_in")}
{_append_only("inherited_custody")}
"""

# Schema 3: the custody log accepts the new actions. SQLite cannot change a
# CHECK in place, so the table is rebuilt with every entry copied verbatim
# (the append-only triggers are dropped for the copy and made again).
_CUSTODY_COLUMNS = ("seq, at_utc, local_offset, examiner, action, target_type, target_id, item_id, item_sha256, "
                    "location, purpose, released_by, received_by, condition, details, prev_hash, entry_hash")


def _custody_allowing(actions: tuple[str, ...], version: int) -> str:
    """Rebuild the custody table with a CHECK allowing ``actions``, every entry copied verbatim."""
    return f"""
DROP TRIGGER custody_no_update;
DROP TRIGGER custody_no_delete;
CREATE TABLE custody_v{version} (
    seq INTEGER PRIMARY KEY,
    at_utc TEXT NOT NULL,
    local_offset TEXT NOT NULL,
    examiner TEXT NOT NULL CHECK (length(examiner) > 0),
    action TEXT NOT NULL CHECK (action IN {_in(actions)}),
    target_type TEXT NOT NULL,
    target_id INTEGER,
    item_id INTEGER,
    item_sha256 TEXT,
    location TEXT NOT NULL DEFAULT '',
    purpose TEXT NOT NULL DEFAULT '',
    released_by TEXT NOT NULL DEFAULT '',
    received_by TEXT NOT NULL DEFAULT '',
    condition TEXT NOT NULL DEFAULT '',
    details TEXT NOT NULL DEFAULT '{{}}',
    prev_hash TEXT NOT NULL CHECK (length(prev_hash) = 64),
    entry_hash TEXT NOT NULL UNIQUE CHECK (length(entry_hash) = 64)
);
INSERT INTO custody_v{version} ({_CUSTODY_COLUMNS}) SELECT {_CUSTODY_COLUMNS} FROM custody ORDER BY seq;
DROP TABLE custody;
ALTER TABLE custody_v{version} RENAME TO custody;
CREATE INDEX custody_by_item ON custody (item_id, seq);
CREATE INDEX custody_by_target ON custody (target_type, target_id, seq);
{_append_only("custody")}
"""


SCHEMA_3 = _custody_allowing(CUSTODY_ACTIONS_V3, 3)

# Schema 4: a reviewer's judgements (accepted / disputed / needs more information, with a
# note) on the sender's items, grades, statements and claims, received from the reviewer's
# signed notes file. They sit beside the sender's records and never change them; each row
# names the notes file (its SHA-256) and the packet it was about. The custody log accepts
# ``feedback_received``.
SCHEMA_4 = _custody_allowing(CUSTODY_ACTIONS_V4, 4) + f"""
CREATE TABLE review_judgement (
    id INTEGER PRIMARY KEY,
    judgement_uid TEXT NOT NULL CHECK (length(judgement_uid) > 0),
    reviewer TEXT NOT NULL CHECK (length(reviewer) > 0),
    reviewer_fingerprint TEXT NOT NULL CHECK (length(reviewer_fingerprint) > 0),
    judged_at TEXT NOT NULL,
    target_type TEXT NOT NULL CHECK (target_type IN {_in(JUDGED_TARGETS)}),
    target_id INTEGER NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN {_in(VERDICTS)}),
    note TEXT NOT NULL DEFAULT '',
    notes_sha256 TEXT NOT NULL CHECK (length(notes_sha256) = 64),
    packet_tagmanifest_sha256 TEXT NOT NULL,
    received_at TEXT NOT NULL,
    received_by TEXT NOT NULL CHECK (length(received_by) > 0),
    UNIQUE (reviewer_fingerprint, judgement_uid)
);
CREATE INDEX review_judgement_by_target ON review_judgement (target_type, target_id, id);
{_append_only("review_judgement")}
"""

# Schema 5: text and metadata derived from an item, each row naming what made it (engine, its
# version, the model or language data and its SHA-256, the settings) and the item content it was
# made from; a person's corrections are logged edits and ``checked_by``/``checked_at`` say who
# checked it against the evidence. ``data`` holds what is not plain text (JSON: OCR word boxes,
# metadata fields). Annotations made by a machine (OCR word regions, automatic transcript
# segments) name their derived text in ``derived_id`` and stay "automatic: check against the
# evidence" until a person confirms each (``checked_by``). New columns of old tables default to
# NULL, so rows recorded in the chain before schema 5 replay unchanged.
SCHEMA_5 = _custody_allowing(CUSTODY_ACTIONS, 5) + f"""
CREATE TABLE derived_text (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES item (id),
    item_sha256 TEXT NOT NULL CHECK (length(item_sha256) = 64),
    kind TEXT NOT NULL CHECK (kind IN {_in(DERIVED_TEXT_KINDS)}),
    page INTEGER CHECK (page IS NULL OR page >= 1),
    text TEXT NOT NULL DEFAULT '',
    data TEXT NOT NULL DEFAULT '{{}}',
    engine TEXT NOT NULL CHECK (length(engine) > 0),
    engine_version TEXT NOT NULL DEFAULT '',
    model TEXT NOT NULL DEFAULT '',
    model_sha256 TEXT NOT NULL DEFAULT '',
    settings TEXT NOT NULL DEFAULT '{{}}',
    checked_by TEXT,
    checked_at TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    CHECK ((checked_by IS NULL) = (checked_at IS NULL))
);
CREATE INDEX derived_text_by_item ON derived_text (item_id, kind, page);
ALTER TABLE annotation ADD COLUMN derived_id INTEGER REFERENCES derived_text (id);
ALTER TABLE annotation ADD COLUMN checked_by TEXT;
ALTER TABLE annotation ADD COLUMN checked_at TEXT;
CREATE INDEX annotation_by_derived ON annotation (derived_id);
"""

# UPGRADES[n] is the SQL that takes a case at schema version n to n + 1.
UPGRADES: list[str] = [SCHEMA_1, SCHEMA_2, SCHEMA_3, SCHEMA_4, SCHEMA_5]
SCHEMA_VERSION = len(UPGRADES)
#: From this schema on every custody entry carries the records it wrote (see replay.py).
REPLAY_SCHEMA = 3


#: How long a change waits for another program's write to finish before the case is reported busy.
BUSY_TIMEOUT_S = 10.0


class Database:
    """A case's SQLite connection with the little the program needs beyond sqlite3:
    ``db.execute(sql, params)``, ``db[table].insert(row).last_pk``, ``db[table].rows``.

    This used to be ``Database``, of which nothing else was used;
    importing sqlite-utils cost every command 0.3 s, and 0.7 s wherever pandas is
    installed (sqlite-utils imports pandas and numpy whenever it can), so a
    1 GiB intake spent a third of its time starting up. ``conn`` is any DB-API
    connection in the default transaction mode (sqlite3, or sqlcipher3 for an
    encrypted case)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        conn.execute("PRAGMA recursive_triggers = ON")  # as sqlite-utils set it

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, () if params is None else params)

    def __getitem__(self, name: str) -> Table:
        return Table(self, name)


class Table:
    def __init__(self, db: Database, name: str) -> None:
        self.db = db
        self.name = name
        self.last_pk: Any = None

    def insert(self, row: dict[str, Any]) -> Table:
        """Insert one row; ``last_pk`` is then its rowid (the ``id`` of tables keyed by one)."""
        columns = ", ".join(_quoted(c) for c in row)
        marks = ", ".join("?" for _ in row)
        cursor = self.db.execute(f"INSERT INTO {_quoted(self.name)} ({columns}) VALUES ({marks})",
                                 [_sql_value(v) for v in row.values()])
        self.last_pk = cursor.lastrowid
        return self

    @property
    def rows(self) -> Iterator[dict[str, Any]]:
        cursor = self.db.execute(f"SELECT * FROM {_quoted(self.name)}")
        names = [d[0] for d in cursor.description]
        return (dict(zip(names, r, strict=True)) for r in cursor)

    def exists(self) -> bool:
        return self.db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                               [self.name]).fetchone() is not None


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_value(value: Any) -> Any:
    """Values as sqlite-utils stored them: containers as JSON text, times as ISO text."""
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, default=repr, ensure_ascii=False)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta | uuid.UUID):
        return str(value)
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def connect(path: Path, *, read_only: bool = False, key: bytes | None = None) -> Database:
    """Open ``path`` with WAL, foreign keys and a busy timeout; ``key``: an encrypted case's
    database, opened with SQLCipher and that raw key."""
    conn = open_connection(path, read_only=read_only, key=key)
    if not read_only:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    return Database(conn)


def open_connection(path: Path, *, read_only: bool = False, key: bytes | None = None) -> Any:
    """A bare DB-API connection; with ``key`` through SQLCipher, checked to open (else
    :class:`~.sealing.WrongPassphrase`: the key does not fit this database)."""
    module: Any = sqlite3
    if key is not None:
        import sqlcipher3.dbapi2 as module  # type: ignore[import-not-found,no-redef]
    target = f"file:{path}?mode=ro" if read_only else str(path)
    conn = module.connect(target, uri=read_only, check_same_thread=False, isolation_level=None,
                          timeout=BUSY_TIMEOUT_S)
    if key is not None:
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except module.DatabaseError:
            conn.close()
            from .sealing import WrongPassphrase

            raise WrongPassphrase(f"wrong passphrase for {path.parent}") from None
    return conn


def schema_version(db: Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: Database, path: Path) -> int:
    """Bring the case up to :data:`SCHEMA_VERSION`; return the version found.

    Backs up the file before touching an existing case. Each step runs in its
    own transaction together with the version bump, so a crash leaves the
    case at a whole version.
    """
    found = schema_version(db)
    if found > SCHEMA_VERSION:
        raise CaseTooNew(
            f"{path.parent} was written by a newer Evidence Desk (schema {found}; "
            f"this program knows up to {SCHEMA_VERSION}); update the program to open it"
        )
    if found == SCHEMA_VERSION:
        return found
    if found > 0:
        backup = path.with_name(f"{path.name}.v{found}.bak")
        log.info("backing up %s to %s before upgrading", path, backup)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copy2(path, backup)
    for version in range(found, SCHEMA_VERSION):
        # executescript commits anything pending first, so the step carries its
        # own BEGIN/COMMIT around the version bump.
        script = f"BEGIN IMMEDIATE;\n{UPGRADES[version]}\nPRAGMA user_version = {version + 1};\nCOMMIT;"
        try:
            db.conn.executescript(script)
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise
    return found


@contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """One atomic change: everything inside commits together or not at all."""
    conn = db.conn
    if conn.in_transaction:  # nested: the outer transaction owns the commit
        yield db
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
        conn.execute("COMMIT")
    except BaseException:
        # SQLite may have rolled back already (a full disk, an I/O error); a COMMIT that
        # failed leaves the transaction open, and a long-lived connection must not stay in it.
        if conn.in_transaction:
            try:
                conn.execute("ROLLBACK")
            except db_errors() as exc:  # the error that got us here says more; raise that one
                log.warning("rolling back after a failed change: %s", exc)
        raise
