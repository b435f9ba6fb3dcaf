"""A case: the one way in for everything the GUI, the CLI and exports do.

A case is a folder holding ``case.sqlite``, ``vault/`` and ``custody.head``;
copying the folder copies the case. Every mutating call records who acted in
a custody entry committed in the same transaction as the change, and edits
keep the value they replace. Reads return frozen records from
:mod:`records`.

One :class:`Case` may be used from several threads (the GUI reads on its
thread and writes on one worker); a lock serialises use of the connection.
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from . import custody, kinds, store
from . import uncertain_time as utime
from .custody import CustodyEntry, NewEntry
from .errors import BadInput, Cancelled, CaseExists, CaseNotFound, CaseReadOnly, ImportFailed, UnknownRecord
from .records import (
    Annotation,
    CaseInfo,
    Claim,
    ClaimLink,
    Event,
    Grade,
    ImportFailure,
    ImportReport,
    Item,
    JournalNote,
    MetadataChange,
    Request,
    Source,
    Statement,
)
from .vault import Placed, Progress, ShouldCancel, Staged, Vault

log = logging.getLogger("evidence_desk.case")

DB_FILE = "case.sqlite"
VAULT_DIR = "vault"

#: Item fields an investigator may edit; content (sha256, size) never changes.
EDITABLE_ITEM_FIELDS = ("original_name", "kind", "description", "acquired_from",
                        "acquisition_method", "source_id", "media_type")
#: What the acquisition custody entry records about an item, replayed by verify.
ITEM_RECORD_FIELDS = ("original_name", "sha256", "size", "media_type", "kind", "description",
                      "acquired_at", "acquired_by", "acquired_from", "acquisition_method",
                      "original_path", "source_id", "derived_from", "derivation_reason")
EDITABLE_EVENT_FIELDS = ("title", "place", "notes")
#: Tables :meth:`Case.table_rows` hands out, with their natural order.
EXPORTABLE_TABLES = {"source": "id", "event": "id", "object": "sha256", "item": "id",
                     "item_event": "item_id, event_id", "statement": "id",
                     "statement_event": "statement_id, event_id", "claim": "id", "claim_link": "id",
                     "annotation": "id", "request": "id", "request_item": "request_id, item_id",
                     "grade": "id", "journal": "id", "metadata_change": "id", "custody": "seq",
                     "transfer_in": "id", "inherited_custody": "source_case_id, seq"}

ITEM_SORTS = {"id": "item.id", "name": "item.original_name COLLATE NOCASE", "kind": "item.kind",
              "size": "item.size", "acquired_at": "item.acquired_at", "acquired_by": "item.acquired_by",
              "source": "source.name COLLATE NOCASE", "sha256": "item.sha256",
              "grade": "reliability, credibility"}
#: Sorts whose key is one NOT NULL column, so a page can start after the last row seen
#: (keyset paging) instead of skipping OFFSET rows; value: the Item attribute holding the key.
KEYSET_SORTS = {"id": "id", "name": "name", "kind": "kind", "size": "size", "acquired_at": "acquired_at",
                "acquired_by": "acquired_by", "sha256": "sha256"}


def keyset_after(item: Item, sort: str) -> tuple[Any, ...] | None:
    """The cursor :meth:`Case.items` takes as ``after`` to continue past ``item``; None if the sort has none."""
    attr = KEYSET_SORTS.get(sort)
    if attr is None:
        return None
    return (item.id,) if sort == "id" else (getattr(item, attr), item.id)


def resolve_examiner(explicit: str | None, case_default: str | None = None) -> str:
    """Who acts: an explicit name, else $EVIDENCE_DESK_EXAMINER, else the case default."""
    for candidate in (explicit, os.environ.get("EVIDENCE_DESK_EXAMINER"), case_default):
        if candidate and candidate.strip():
            return candidate.strip()
    raise BadInput("no examiner: pass --examiner NAME or set EVIDENCE_DESK_EXAMINER")


def now_text() -> str:
    return custody.utc_text(datetime.now(UTC))


@dataclass
class _Change:
    """Handed to the body of a change; collects what settles after commit."""

    placed: list[Placed]


class Case:
    """An open case folder."""

    def __init__(self, path: Path, db: sqlite_utils.Database, *, read_only: bool,
                 examiner: str | None) -> None:
        self.path = path
        self.db = db
        self.read_only = read_only
        self.vault = Vault(path / VAULT_DIR)
        self._lock = threading.RLock()
        self._open_change: _Change | None = None
        row = db.execute("SELECT * FROM case_info").fetchone()
        if row is None:
            raise CaseNotFound(f"{path} is not an Evidence Desk case (no case record)")
        names = [d[0] for d in db.execute("SELECT * FROM case_info LIMIT 0").description]
        info = dict(zip(names, row, strict=True))
        self.id: str = info["id"]
        self.examiner = resolve_examiner(examiner, info["default_examiner"])

    # --- lifecycle -----------------------------------------------------------

    @classmethod
    def create(cls, path: Path | str, title: str, examiner: str, description: str = "",
               tz: str = "UTC") -> Case:
        """Make a new case folder with its own Ed25519 signing key."""
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
        db = store.connect(tmp_db)
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
                first = custody.append(db, case_id, NewEntry(
                    action="case_created", examiner=examiner.strip(), purpose="case opened",
                    details={"title": title.strip(), "description": description, "tz": tz,
                             "public_key": raw_public.hex()}))
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
            raise
        return cls.open(path, examiner=examiner)

    @classmethod
    def open(cls, path: Path | str, *, read_only: bool = False, examiner: str | None = None) -> Case:
        path = Path(path)
        db_path = path / DB_FILE
        if not db_path.is_file():
            raise CaseNotFound(f"no case at {path} (missing {DB_FILE})")
        db = store.connect(db_path)
        try:
            if read_only:
                found = store.schema_version(db)
                if found > store.SCHEMA_VERSION:
                    store.migrate(db, db_path)  # raises CaseTooNew
                db.execute("PRAGMA query_only = ON")
            else:
                store.migrate(db, db_path)
            case = cls(path, db, read_only=read_only, examiner=examiner)
        except BaseException:
            db.conn.close()
            raise
        if not read_only:
            case._recover()
        return case

    def close(self) -> None:
        with self._lock:
            self.db.conn.close()

    def __enter__(self) -> Case:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _recover(self) -> None:
        """Finish or undo whatever a crash interrupted."""
        with self._lock:
            self.vault.create()
            self.vault.recover(lambda sha: self._scalar("SELECT 1 FROM object WHERE sha256 = ?", sha) is not None)
            for leftover in self.path.glob(f".{custody.HEAD_FILE}.*.tmp"):  # a head write cut short
                leftover.unlink(missing_ok=True)
            head = custody.read_head(self.path)
            last = self.db.execute("SELECT seq, entry_hash FROM custody ORDER BY seq DESC LIMIT 1").fetchone()
            if last is None:
                return
            if head is None:
                custody.write_head(self.path, last[0], last[1])
            elif 0 <= head[0] < last[0]:
                at_head = self._scalar("SELECT entry_hash FROM custody WHERE seq = ?", head[0])
                if at_head == head[1]:  # committed after the head was last written
                    custody.write_head(self.path, last[0], last[1])

    # --- the single way to change anything ----------------------------------

    @contextmanager
    def _change(self) -> Iterator[_Change]:
        if self.read_only:
            raise CaseReadOnly("this case is open read-only; no change can be made")
        with self._lock:
            if self._open_change is not None:  # nested: the outermost change commits
                yield self._open_change
                return
            change = self._open_change = _Change(placed=[])
            try:
                with store.transaction(self.db):
                    yield change
                    last = self.db.execute(
                        "SELECT seq, entry_hash FROM custody ORDER BY seq DESC LIMIT 1").fetchone()
            except BaseException:
                for placed in change.placed:
                    self.vault.unplace(placed)
                raise
            finally:
                self._open_change = None
            for placed in change.placed:
                self.vault.settle(placed.sha256)
            custody.write_head(self.path, last[0], last[1])

    def _log(self, action: str, **fields: Any) -> CustodyEntry:
        fields.setdefault("examiner", self.examiner)
        return custody.append(self.db, self.id, NewEntry(action=action, **fields))

    def _scalar(self, sql: str, *params: Any) -> Any:
        row = self.db.execute(sql, params).fetchone()
        return row[0] if row else None

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self._lock:
            cursor = self.db.execute(sql, list(params))
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]

    # --- case ---------------------------------------------------------------

    def info(self) -> CaseInfo:
        row = self._rows("SELECT * FROM case_info")[0]
        return CaseInfo(id=row["id"], title=row["title"], description=row["description"],
                        created_at=row["created_at"], created_by=row["created_by"],
                        default_examiner=row["default_examiner"], default_tz=row["default_tz"],
                        public_key_hex=bytes(row["public_key"]).hex())

    def signing_key_bytes(self) -> bytes:
        """The case's raw Ed25519 private key (for sealing packets)."""
        return bytes(self._rows("SELECT signing_key FROM case_info")[0]["signing_key"])

    # --- sources ------------------------------------------------------------

    def add_source(self, name: str, kind: str = "other", description: str = "") -> Source:
        name = name.strip()
        if not name:
            raise BadInput("a source needs a name")
        _check_choice("source kind", kind, store.SOURCE_KINDS)
        with self._change():
            if self._scalar("SELECT id FROM source WHERE name = ?", name) is not None:
                raise BadInput(f"a source named {name!r} already exists")
            source_id = self.db["source"].insert({"name": name, "kind": kind, "description": description,
                                                  "created_at": now_text(),
                                                  "created_by": self.examiner}).last_pk
            self._log("source_added", target_type="source", target_id=source_id,
                      details={"name": name, "kind": kind, "description": description})
        return self.source(source_id)

    def source_id_for(self, name: str | None) -> int | None:
        """The id of the source called ``name``, adding it if new; None for no name."""
        if name is None or not name.strip():
            return None
        with self._lock:
            found = self._scalar("SELECT id FROM source WHERE name = ?", name.strip())
            return found if found is not None else self.add_source(name).id

    def source(self, source_id: int) -> Source:
        rows = self._source_rows("WHERE source.id = ?", [source_id])
        if not rows:
            raise UnknownRecord(f"no source with id {source_id}")
        return rows[0]

    def sources(self) -> list[Source]:
        return self._source_rows("ORDER BY source.name COLLATE NOCASE", [])

    def _source_rows(self, tail: str, params: list[Any]) -> list[Source]:
        rows = self._rows(f"""SELECT source.*, (SELECT reliability FROM grade WHERE target_type = 'source'
                    AND target_id = source.id AND reliability IS NOT NULL ORDER BY id DESC LIMIT 1)
                    AS reliability FROM source {tail}""", params)
        return [Source(id=r["id"], name=r["name"], kind=r["kind"], description=r["description"],
                       reliability=r["reliability"], created_at=r["created_at"],
                       created_by=r["created_by"]) for r in rows]

    # --- events -------------------------------------------------------------

    def add_event(self, title: str, when: str | None = None, tz: str | None = None, place: str = "",
                  notes: str = "") -> Event:
        if not title.strip():
            raise BadInput("an event needs a title")
        time = utime.parse(when, tz or self.info().default_tz)
        row = {"title": title.strip(), "place": place, "notes": notes, **_time_row("time", time),
               "time_normalised_by": f"{self.examiner} (Evidence Desk reader)" if when else "",
               "created_at": now_text(), "created_by": self.examiner}
        with self._change():
            event_id = self.db["event"].insert(row).last_pk
            self._log("event_added", target_type="event", target_id=event_id,
                      details={k: v for k, v in row.items() if k not in ("created_at", "created_by")})
        return self.event(event_id)

    def edit_event(self, event_id: int, reason: str = "", when: str | None = None,
                   tz: str | None = None, **fields: str) -> Event:
        old = self.event(event_id)
        changes: dict[str, tuple[Any, Any]] = {}
        for name, value in fields.items():
            if name not in EDITABLE_EVENT_FIELDS:
                raise BadInput(f"an event's {name} cannot be edited")
            if getattr(old, name) != value:
                changes[name] = (getattr(old, name), value)
        new_time = None
        if when is not None or tz is not None:
            new_time = utime.parse(when if when is not None else old.time.raw, tz or old.time.tz)
            if new_time != old.time:
                changes["time"] = (old.time.raw + " @ " + old.time.tz, new_time.raw + " @ " + new_time.tz)
        if not changes:
            return old
        with self._change():
            update: dict[str, Any] = {k: v[1] for k, v in changes.items() if k != "time"}
            if new_time is not None and "time" in changes:
                update.update(_time_row("time", new_time))
                update["time_normalised_by"] = f"{self.examiner} (Evidence Desk reader)"
            self.db["event"].update(event_id, update)
            self._record_changes("event", event_id, changes, reason)
        return self.event(event_id)

    def event(self, event_id: int) -> Event:
        rows = self._rows("SELECT * FROM event WHERE id = ?", [event_id])
        if not rows:
            raise UnknownRecord(f"no event with id {event_id}")
        return _event(rows[0])

    def events(self, offset: int = 0, limit: int | None = None) -> list[Event]:
        """Events in timeline order: by normalised time, unknown times last."""
        sql = ("SELECT * FROM event ORDER BY time_sort IS NULL, time_sort, id"
               + (f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""))
        return [_event(r) for r in self._rows(sql)]

    def count_events(self) -> int:
        with self._lock:
            return self._scalar("SELECT count(*) FROM event")

    def events_of_item(self, item_id: int) -> list[Event]:
        return [_event(r) for r in self._rows(
            """SELECT event.* FROM event JOIN item_event ON item_event.event_id = event.id
               WHERE item_event.item_id = ? ORDER BY time_sort IS NULL, time_sort, event.id""", [item_id])]

    # --- items --------------------------------------------------------------

    def import_file(self, path: Path | str, *, kind: str | None = None, event_ids: Iterable[int] = (),
                    source: str | None = None, description: str = "", acquired_from: str = "",
                    method: str = "", acquired_at: str | None = None, purpose: str = "",
                    condition: str = "", progress: Progress | None = None,
                    should_cancel: ShouldCancel | None = None) -> Item:
        """Copy one file into the vault and catalogue it; all or nothing."""
        path = Path(path)
        event_ids = list(event_ids)
        self._check_events(event_ids)
        if kind is not None:
            _check_choice("kind", kind, store.ITEM_KINDS)
        staged = self.vault.stage(path, progress, should_cancel)
        return self.import_staged(staged, path, kind=kind, event_ids=event_ids, source=source,
                                  description=description, acquired_from=acquired_from, method=method,
                                  acquired_at=acquired_at, purpose=purpose, condition=condition)

    def import_staged(self, staged: Staged, path: Path | str, *, kind: str | None = None,
                      event_ids: Iterable[int] = (), source: str | None = None, description: str = "",
                      acquired_from: str = "", method: str = "", acquired_at: str | None = None,
                      purpose: str = "", condition: str = "") -> Item:
        """Catalogue a copy already staged with ``case.vault.stage(path)``; all or nothing.

        Lets a caller copy a whole batch first and record it only once every copy
        is made, so cancelling the batch leaves the case exactly as it was
        (discard the staged copies with ``case.vault.discard``)."""
        path = Path(path)
        event_ids = list(event_ids)
        try:
            self._check_events(event_ids)
            if kind is not None:
                _check_choice("kind", kind, store.ITEM_KINDS)
            media = kinds.sniff_media_type(_head(staged.tmp_path), path.name)
        except OSError as exc:
            self.vault.discard(staged)
            raise ImportFailed(str(path), f"could not read back the copy: {exc}") from None
        except BaseException:
            self.vault.discard(staged)
            raise
        return self._catalogue(staged, name=path.name, original_path=str(path.resolve()),
                               kind=kind or kinds.kind_for(media), media_type=media, event_ids=event_ids,
                               source=source, description=description, acquired_from=acquired_from,
                               method=method or "file copied into the vault by Evidence Desk",
                               acquired_at=acquired_at, purpose=purpose, condition=condition)

    def add_derived(self, original_id: int, data: bytes, *, name: str, reason: str,
                    kind: str = "document", media_type: str = "text/plain", description: str = "") -> Item:
        """Record a derived copy (transcript, OCR text, transcode) of an item."""
        original = self.item(original_id)
        if not reason.strip():
            raise BadInput("a derived record needs the reason it was made")
        staged = self.vault.stage_bytes(data)
        return self._catalogue(staged, name=name, original_path="", kind=kind, media_type=media_type,
                               event_ids=[e.id for e in self.events_of_item(original_id)],
                               source=original.source_name or None, description=description,
                               acquired_from=f"derived from item {original.id} ({original.name})",
                               method="derived record", acquired_at=None, purpose=reason,
                               derived_from=original.id, derivation_reason=reason.strip())

    def _catalogue(self, staged: Staged, *, name: str, original_path: str, kind: str, media_type: str,
                   event_ids: list[int], source: str | None, description: str, acquired_from: str,
                   method: str, acquired_at: str | None, purpose: str, condition: str = "",
                   derived_from: int | None = None, derivation_reason: str = "",
                   action: str | None = None, released_by: str = "", received_by: str = "",
                   extra_details: dict[str, Any] | None = None) -> Item:
        try:
            with self._change() as change:
                placed = self.vault.place(staged)
                change.placed.append(placed)
                source_id = self.source_id_for(source)
                if self._scalar("SELECT 1 FROM object WHERE sha256 = ?", placed.sha256) is None:
                    self.db["object"].insert({"sha256": placed.sha256, "size": placed.size,
                                              "stored_at": now_text()})
                record = {"original_name": name, "sha256": placed.sha256, "size": placed.size,
                          "media_type": media_type, "kind": kind, "description": description,
                          "acquired_at": acquired_at or now_text(), "acquired_by": self.examiner,
                          "acquired_from": acquired_from, "acquisition_method": method,
                          "original_path": original_path, "source_id": source_id,
                          "derived_from": derived_from, "derivation_reason": derivation_reason}
                item_id = self.db["item"].insert(record).last_pk
                for event_id in event_ids:
                    self.db["item_event"].insert({"item_id": item_id, "event_id": event_id})
                duplicates = [r[0] for r in self.db.execute(
                    "SELECT id FROM item WHERE sha256 = ? AND id != ?", [placed.sha256, item_id])]
                details: dict[str, Any] = {"item": record, "events": event_ids,
                                           "identical_content_items": duplicates}
                details.update(extra_details or {})
                self._log(action or ("derived" if derived_from else "acquired"), target_type="item",
                          target_id=item_id, item_id=item_id, item_sha256=placed.sha256,
                          purpose=purpose or ("derived record" if derived_from else "intake"),
                          condition=condition, released_by=released_by or acquired_from,
                          received_by=received_by or self.examiner, details=details)
        except BaseException:
            self.vault.discard(staged)
            raise
        return self.item(item_id)

    def import_files(self, paths: Iterable[Path | str], *, progress: Progress | None = None,
                     should_cancel: ShouldCancel | None = None, **options: Any) -> ImportReport:
        """Import files and folders (recursively); one failure does not stop the rest.

        On cancel, the file being read is dropped and the report says so; files
        already imported stay, each complete with its custody entry."""
        items: list[Item] = []
        failures: list[ImportFailure] = []
        for path in expand_paths(paths):
            try:
                items.append(self.import_file(path, progress=progress, should_cancel=should_cancel,
                                              **options))
            except ImportFailed as exc:
                failures.append(ImportFailure(exc.path, exc.reason))
            except Cancelled:
                return ImportReport(tuple(items), tuple(failures), cancelled=True)
        return ImportReport(tuple(items), tuple(failures))

    def edit_item(self, item_id: int, reason: str = "", **fields: Any) -> Item:
        """Change an item's metadata; each changed field is logged with its old value.

        ``source`` may be given by name instead of ``source_id``."""
        old = self._item_row(item_id)
        if "source" in fields:
            fields["source_id"] = self.source_id_for(fields.pop("source"))
        changes: dict[str, tuple[Any, Any]] = {}
        for name, value in fields.items():
            if name not in EDITABLE_ITEM_FIELDS:
                raise BadInput(f"an item's {name} cannot be edited")
            if name == "kind":
                _check_choice("kind", value, store.ITEM_KINDS)
            if name == "original_name" and not str(value).strip():
                raise BadInput("an item's name cannot be empty")
            if old[name] != value:
                changes[name] = (old[name], value)
        if not changes:
            return self.item(item_id)
        with self._change():
            self.db["item"].update(item_id, {k: v[1] for k, v in changes.items()})
            self._record_changes("item", item_id, changes, reason, item_sha256=old["sha256"])
        return self.item(item_id)

    def _record_changes(self, target_type: str, target_id: int, changes: dict[str, tuple[Any, Any]],
                        reason: str, item_sha256: str | None = None) -> None:
        at = now_text()
        for name, (old_value, new_value) in changes.items():
            self.db["metadata_change"].insert({
                "target_type": target_type, "target_id": target_id, "field": name,
                "old_value": None if old_value is None else str(old_value),
                "new_value": None if new_value is None else str(new_value),
                "changed_at": at, "changed_by": self.examiner, "reason": reason})
            self._log("metadata_changed" if target_type == "item" else f"{target_type}_changed",
                      target_type=target_type, target_id=target_id,
                      item_id=target_id if target_type == "item" else None, item_sha256=item_sha256,
                      purpose=reason or "metadata edit",
                      details={"field": name, "old": old_value, "new": new_value})

    def link_item_event(self, item_id: int, event_id: int, link: bool = True) -> None:
        item = self._item_row(item_id)
        self._check_events([event_id])
        exists = self._scalar("SELECT 1 FROM item_event WHERE item_id = ? AND event_id = ?",
                              item_id, event_id) is not None
        if exists == link:
            return
        with self._change():
            if link:
                self.db["item_event"].insert({"item_id": item_id, "event_id": event_id})
            else:
                self.db.execute("DELETE FROM item_event WHERE item_id = ? AND event_id = ?",
                                [item_id, event_id])
            self._log("linked" if link else "unlinked", target_type="item", target_id=item_id,
                      item_id=item_id, item_sha256=item["sha256"], details={"event_id": event_id})

    def item(self, item_id: int) -> Item:
        found = self.items(ids=[item_id])
        if not found:
            raise UnknownRecord(f"no item with id {item_id}")
        return found[0]

    def _item_row(self, item_id: int) -> dict[str, Any]:
        rows = self._rows("SELECT * FROM item WHERE id = ?", [item_id])
        if not rows:
            raise UnknownRecord(f"no item with id {item_id}")
        return rows[0]

    def items(self, *, event_id: int | None = None, ids: Sequence[int] | None = None, text: str = "",
              kind: str | None = None, sort: str = "id", descending: bool = False, offset: int = 0,
              limit: int | None = None, after: tuple[Any, ...] | None = None) -> list[Item]:
        """Items, filtered and sorted in SQL so a large case pages cheaply.

        ``after`` (from :func:`keyset_after`) starts the page just past that row, so a deep
        page costs what the first does; only for :data:`KEYSET_SORTS`, and instead of ``offset``.
        """
        order = ITEM_SORTS.get(sort)
        if order is None:
            raise BadInput(f"cannot sort items by {sort!r}")
        where, params = self._item_filter(event_id, ids, text, kind, self._keyset(sort, descending, after))
        if after is not None and offset:
            raise BadInput("page items by offset or after a row, not both")
        direction = " DESC" if descending else ""
        order_sql = ", ".join(part + direction for part in order.split(", ")) + f", item.id{direction}"
        sql = f"""SELECT item.*, source.name AS source_name,
              (SELECT reliability FROM grade WHERE target_type = 'source' AND target_id = item.source_id
                 AND reliability IS NOT NULL ORDER BY id DESC LIMIT 1) AS reliability,
              (SELECT credibility FROM grade WHERE target_type = 'item' AND target_id = item.id
                 AND credibility IS NOT NULL ORDER BY id DESC LIMIT 1) AS credibility
              FROM item LEFT JOIN source ON source.id = item.source_id
              {where} ORDER BY {order_sql}"""
        if limit is not None:
            sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
        return [_item(r) for r in self._rows(sql, params)]

    def count_items(self, *, event_id: int | None = None, text: str = "", kind: str | None = None) -> int:
        where, params = self._item_filter(event_id, None, text, kind)
        with self._lock:
            return self._scalar(f"SELECT count(*) FROM item LEFT JOIN source ON source.id = item.source_id "
                                f"{where}", *params)

    @staticmethod
    def _keyset(sort: str, descending: bool, after: tuple[Any, ...] | None) -> Condition:
        if after is None:
            return None
        if sort not in KEYSET_SORTS:
            raise BadInput(f"items sorted by {sort!r} cannot be paged after a row")
        cmp = "<" if descending else ">"
        if sort == "id":
            if len(after) != 1:
                raise BadInput("a cursor for the id sort is (id,)")
            return (f"item.id {cmp} ?", [after[0]])
        if len(after) != 2:
            raise BadInput("a cursor is (sort value, id)")
        column = ITEM_SORTS[sort]  # one column, possibly with its collation
        value, item_id = after
        # the leading inclusive bound lets SQLite walk the sort column's index from the cursor on
        return (f"({column} {cmp}= ? AND ({column} {cmp} ? OR item.id {cmp} ?))", [value, value, item_id])

    @staticmethod
    def _item_filter(event_id: int | None, ids: Sequence[int] | None, text: str,
                     kind: str | None, *more: Condition) -> tuple[str, list[Any]]:
        like = f"%{text}%"
        return _where(
            None if event_id is None else
            ("item.id IN (SELECT item_id FROM item_event WHERE event_id = ?)", [event_id]),
            _among("item.id", ids),
            _equals("item.kind", kind or None),
            None if not text else
            ("(item.original_name LIKE ? OR item.description LIKE ? OR item.sha256 LIKE ? OR source.name LIKE ?)",
             [like, like, f"{text}%", like]),
            *more)

    def object_path(self, item_id: int) -> Path:
        """Where the item's bytes are (read-only; never write there)."""
        return self.vault.object_path(self._item_row(item_id)["sha256"])

    def read_item_bytes(self, item_id: int) -> bytes:
        return self.object_path(item_id).read_bytes()

    def derived_items(self, item_id: int) -> list[Item]:
        return [_item(r) for r in self._rows(
            "SELECT item.*, '' AS source_name, NULL AS reliability, NULL AS credibility FROM item "
            "WHERE derived_from = ? ORDER BY id", [item_id])]

    def _check_events(self, event_ids: Iterable[int]) -> None:
        for event_id in event_ids:
            if self._scalar("SELECT 1 FROM event WHERE id = ?", event_id) is None:
                raise UnknownRecord(f"no event with id {event_id}")

    # --- statements, claims -------------------------------------------------

    def add_statement(self, speaker: str, medium: str, text: str, *, affiliation: str = "",
                      when: str | None = None, tz: str | None = None, event_ids: Iterable[int] = (),
                      source: str | None = None, item_id: int | None = None) -> Statement:
        if not speaker.strip():
            raise BadInput("a statement needs a speaker")
        if not text.strip():
            raise BadInput("a statement needs its verbatim text")
        _check_choice("medium", medium, store.MEDIA)
        event_ids = list(event_ids)
        self._check_events(event_ids)
        if item_id is not None:
            self._item_row(item_id)
        time = utime.parse(when, tz or self.info().default_tz)
        with self._change():
            source_id = self.source_id_for(source)
            row = {"speaker": speaker.strip(), "affiliation": affiliation, "medium": medium,
                   **_time_row("time", time), "text": text, "item_id": item_id, "source_id": source_id,
                   "created_at": now_text(), "created_by": self.examiner}
            statement_id = self.db["statement"].insert(row).last_pk
            for event_id in event_ids:
                self.db["statement_event"].insert({"statement_id": statement_id, "event_id": event_id})
            self._log("statement_added", target_type="statement", target_id=statement_id,
                      details={**{k: v for k, v in row.items() if k not in ("created_at", "created_by")},
                               "events": event_ids})
        return self.statement(statement_id)

    def statement(self, statement_id: int) -> Statement:
        found = self.statements(ids=[statement_id])
        if not found:
            raise UnknownRecord(f"no statement with id {statement_id}")
        return found[0]

    def statements(self, *, event_id: int | None = None, ids: Sequence[int] | None = None) -> list[Statement]:
        where, params = _where(
            None if event_id is None else
            ("statement.id IN (SELECT statement_id FROM statement_event WHERE event_id = ?)", [event_id]),
            _among("statement.id", ids))
        rows = self._rows(f"""SELECT statement.*, source.name AS source_name,
              (SELECT group_concat(event_id) FROM statement_event WHERE statement_id = statement.id) AS events,
              (SELECT reliability FROM grade WHERE target_type = 'source' AND target_id = statement.source_id
                 AND reliability IS NOT NULL ORDER BY id DESC LIMIT 1) AS reliability,
              (SELECT credibility FROM grade WHERE target_type = 'statement' AND target_id = statement.id
                 AND credibility IS NOT NULL ORDER BY id DESC LIMIT 1) AS credibility
              FROM statement LEFT JOIN source ON source.id = statement.source_id {where}
              ORDER BY statement.time_sort IS NULL, statement.time_sort, statement.id""", params)
        return [Statement(id=r["id"], speaker=r["speaker"], affiliation=r["affiliation"], medium=r["medium"],
                          time=_time(r, "time"), text=r["text"], item_id=r["item_id"],
                          source_id=r["source_id"], source_name=r["source_name"] or "",
                          event_ids=tuple(sorted(int(x) for x in (r["events"] or "").split(",") if x)),
                          created_at=r["created_at"], created_by=r["created_by"],
                          reliability=r["reliability"], credibility=r["credibility"]) for r in rows]

    def add_claim(self, text: str) -> Claim:
        if not text.strip():
            raise BadInput("a claim needs its text")
        with self._change():
            claim_id = self.db["claim"].insert({"text": text.strip(), "created_at": now_text(),
                                                "created_by": self.examiner}).last_pk
            self._log("claim_added", target_type="claim", target_id=claim_id, details={"text": text.strip()})
        return self.claim(claim_id)

    def link_claim(self, claim_id: int, stance: str, *, item_id: int | None = None,
                   statement_id: int | None = None, note: str = "") -> Claim:
        _check_choice("stance", stance, store.STANCES)
        self.claim(claim_id)
        if (item_id is None) == (statement_id is None):
            raise BadInput("link a claim to exactly one item or one statement")
        if item_id is not None:
            self._item_row(item_id)
        else:
            self.statement(statement_id)  # type: ignore[arg-type]
        with self._change():
            link_id = self.db["claim_link"].insert({
                "claim_id": claim_id, "item_id": item_id, "statement_id": statement_id, "stance": stance,
                "note": note, "created_at": now_text(), "created_by": self.examiner}).last_pk
            self._log("claim_linked", target_type="claim", target_id=claim_id, item_id=item_id,
                      details={"link": link_id, "item_id": item_id, "statement_id": statement_id,
                               "stance": stance, "note": note})
        return self.claim(claim_id)

    def claim(self, claim_id: int) -> Claim:
        found = [c for c in self.claims(ids=[claim_id])]
        if not found:
            raise UnknownRecord(f"no claim with id {claim_id}")
        return found[0]

    def claims(self, ids: Sequence[int] | None = None) -> list[Claim]:
        where, params = _where(_among("claim.id", ids))
        rows = self._rows(f"""SELECT claim.*, (SELECT credibility FROM grade WHERE target_type = 'claim'
                    AND target_id = claim.id AND credibility IS NOT NULL ORDER BY id DESC LIMIT 1) AS credibility
                    FROM claim {where} ORDER BY id""", params)
        links: dict[int, list[ClaimLink]] = {}
        for r in self._rows("SELECT * FROM claim_link ORDER BY id"):
            links.setdefault(r["claim_id"], []).append(ClaimLink(
                id=r["id"], claim_id=r["claim_id"], item_id=r["item_id"], statement_id=r["statement_id"],
                stance=r["stance"], note=r["note"]))
        return [Claim(id=r["id"], text=r["text"], links=tuple(links.get(r["id"], [])),
                      created_at=r["created_at"], created_by=r["created_by"], credibility=r["credibility"])
                for r in rows]

    # --- annotations, requests, journal --------------------------------------

    def add_annotation(self, item_id: int, kind: str, text: str = "", **anchor: Any) -> Annotation:
        item = self._item_row(item_id)
        _check_choice("annotation kind", kind, store.ANNOTATION_KINDS)
        allowed = {"start_s", "end_s", "speaker", "page", "x", "y", "w", "h", "text_start", "text_end"}
        unknown_keys = set(anchor) - allowed
        if unknown_keys:
            raise BadInput(f"unknown annotation fields: {', '.join(sorted(unknown_keys))}")
        row = {"item_id": item_id, "kind": kind, "text": text, **anchor, "created_at": now_text(),
               "created_by": self.examiner}
        with self._change():
            try:
                annotation_id = self.db["annotation"].insert(row).last_pk
            except Exception as exc:  # a CHECK constraint names the broken anchor
                if "CHECK constraint" in str(exc):
                    raise BadInput(f"the {kind} annotation's anchor is incomplete or inverted") from None
                raise
            self._log("annotated", target_type="item", target_id=item_id, item_id=item_id,
                      item_sha256=item["sha256"], details={"annotation": annotation_id, "kind": kind,
                                                           "text": text, **anchor})
        return self.annotations(item_id, ids=[annotation_id])[0]

    def annotations(self, item_id: int | None = None, ids: Sequence[int] | None = None) -> list[Annotation]:
        where, params = _where(_equals("item_id", item_id), _among("id", ids))
        return [Annotation(**r) for r in self._rows(
            f"SELECT * FROM annotation {where} ORDER BY item_id, coalesce(start_s, page, text_start, 0), id",
            params)]

    def add_request(self, title: str, *, addressed_to: str = "", asked: str | None = None,
                    due: str | None = None, tz: str | None = None, description: str = "",
                    status: str = "open") -> Request:
        if not title.strip():
            raise BadInput("a request needs a title")
        _check_choice("status", status, store.REQUEST_STATUSES)
        zone = tz or self.info().default_tz
        row = {"title": title.strip(), "description": description, "addressed_to": addressed_to,
               **_time_row("asked", utime.parse(asked, zone)), **_time_row("due", utime.parse(due, zone)),
               "status": status, "created_at": now_text(), "created_by": self.examiner}
        with self._change():
            request_id = self.db["request"].insert(row).last_pk
            self._log("request_added", target_type="request", target_id=request_id,
                      details={k: v for k, v in row.items() if k not in ("created_at", "created_by")})
        return self.requests(ids=[request_id])[0]

    def set_request_status(self, request_id: int, status: str, item_ids: Iterable[int] = (),
                           reason: str = "") -> Request:
        _check_choice("status", status, store.REQUEST_STATUSES)
        found = self.requests(ids=[request_id])
        if not found:
            raise UnknownRecord(f"no request with id {request_id}")
        item_ids = [i for i in item_ids if i not in found[0].item_ids]
        for item_id in item_ids:
            self._item_row(item_id)
        with self._change():
            if status != found[0].status:
                self.db["request"].update(request_id, {"status": status})
                self._record_changes("request", request_id, {"status": (found[0].status, status)}, reason)
            for item_id in item_ids:
                self.db["request_item"].insert({"request_id": request_id, "item_id": item_id})
                self._log("request_changed", target_type="request", target_id=request_id, item_id=item_id,
                          details={"resulting_item": item_id})
        return self.requests(ids=[request_id])[0]

    def requests(self, ids: Sequence[int] | None = None) -> list[Request]:
        where, params = _where(_among("id", ids))
        rows = self._rows(f"""SELECT request.*, (SELECT group_concat(item_id) FROM request_item
                   WHERE request_id = request.id) AS items FROM request {where} ORDER BY id""", params)
        return [Request(id=r["id"], title=r["title"], description=r["description"],
                        addressed_to=r["addressed_to"], asked=_time(r, "asked"), due=_time(r, "due"),
                        status=r["status"],
                        item_ids=tuple(sorted(int(x) for x in (r["items"] or "").split(",") if x)),
                        created_at=r["created_at"], created_by=r["created_by"]) for r in rows]

    def add_journal_note(self, text: str, *, event_id: int | None = None,
                         item_id: int | None = None) -> JournalNote:
        if not text.strip():
            raise BadInput("a journal note cannot be empty")
        if event_id is not None:
            self._check_events([event_id])
        sha = self._item_row(item_id)["sha256"] if item_id is not None else None
        with self._change():
            note_id = self.db["journal"].insert({"at": now_text(), "author": self.examiner, "text": text,
                                                 "event_id": event_id, "item_id": item_id}).last_pk
            self._log("journal_note", target_type="journal", target_id=note_id, item_id=item_id,
                      item_sha256=sha, details={"text": text, "event_id": event_id, "item_id": item_id})
        return self.journal(ids=[note_id])[0]

    def journal(self, *, event_id: int | None = None, item_id: int | None = None,
                ids: Sequence[int] | None = None) -> list[JournalNote]:
        where, params = _where(_equals("event_id", event_id), _equals("item_id", item_id), _among("id", ids))
        return [JournalNote(**r) for r in self._rows(f"SELECT * FROM journal {where} ORDER BY id", params)]

    # --- grading ------------------------------------------------------------

    def grade(self, target_type: str, target_id: int, rationale: str, *, reliability: str | None = None,
              credibility: str | None = None) -> Grade:
        """Grade a source's reliability (A–F) and/or information's credibility (1–6)."""
        _check_choice("grade target", target_type, store.GRADE_TARGETS)
        if reliability is not None:
            reliability = reliability.upper()
            _check_choice("reliability", reliability, store.RELIABILITY)
        if credibility is not None:
            credibility = str(credibility)
            _check_choice("credibility", credibility, store.CREDIBILITY)
        if reliability is None and credibility is None:
            raise BadInput("a grade needs a reliability (A–F) or a credibility (1–6)")
        if not rationale.strip():
            raise BadInput("a grade needs its rationale")
        table = {"source": "source", "item": "item", "statement": "statement", "claim": "claim"}[target_type]
        if self._scalar(f"SELECT 1 FROM {table} WHERE id = ?", target_id) is None:
            raise UnknownRecord(f"no {target_type} with id {target_id}")
        sha = self._item_row(target_id)["sha256"] if target_type == "item" else None
        with self._change():
            grade_id = self.db["grade"].insert({
                "target_type": target_type, "target_id": target_id, "reliability": reliability,
                "credibility": credibility, "rationale": rationale.strip(), "graded_by": self.examiner,
                "graded_at": now_text()}).last_pk
            self._log("graded", target_type=target_type, target_id=target_id,
                      item_id=target_id if target_type == "item" else None, item_sha256=sha,
                      purpose="grading", details={"grade": grade_id, "reliability": reliability,
                                                  "credibility": credibility, "rationale": rationale.strip()})
        return self.grades(target_type, target_id)[-1]

    def grades(self, target_type: str | None = None, target_id: int | None = None) -> list[Grade]:
        """Grade history, oldest first."""
        where, params = _where(_equals("target_type", target_type), _equals("target_id", target_id))
        return [Grade(**r) for r in self._rows(f"SELECT * FROM grade {where} ORDER BY id", params)]

    # --- custody ------------------------------------------------------------

    def custody(self, *, item_id: int | None = None, target_type: str | None = None,
                target_id: int | None = None) -> list[CustodyEntry]:
        with self._lock:
            if item_id is not None:
                return custody.entries(self.db, "item_id = ?", [item_id])
            if target_type is not None:
                return custody.entries(self.db, "target_type = ? AND target_id = ?", [target_type, target_id])
            return custody.entries(self.db)

    def metadata_changes(self, target_type: str, target_id: int) -> list[MetadataChange]:
        return [MetadataChange(**r) for r in self._rows(
            "SELECT * FROM metadata_change WHERE target_type = ? AND target_id = ? ORDER BY id",
            [target_type, target_id])]

    def record_view(self, item_id: int, purpose: str = "viewed in Evidence Desk") -> CustodyEntry:
        item = self._item_row(item_id)
        with self._change():
            entry = self._log("viewed", target_type="item", target_id=item_id, item_id=item_id,
                              item_sha256=item["sha256"], purpose=purpose)
        return entry

    def record_export(self, item_ids: Iterable[int], destination: str, purpose: str) -> None:
        with self._change():
            for item_id in item_ids:
                item = self._item_row(item_id)
                self._log("exported", target_type="item", target_id=item_id, item_id=item_id,
                          item_sha256=item["sha256"], purpose=purpose, details={"destination": destination})

    def record_transfer(self, item_ids: Iterable[int], *, released_by: str, received_by: str,
                        purpose: str, condition: str = "") -> None:
        if not released_by.strip() or not received_by.strip():
            raise BadInput("a transfer names who released and who received the item")
        with self._change():
            for item_id in item_ids:
                item = self._item_row(item_id)
                self._log("transferred", target_type="item", target_id=item_id, item_id=item_id,
                          item_sha256=item["sha256"], released_by=released_by.strip(),
                          received_by=received_by.strip(), purpose=purpose, condition=condition)

    def record_case_action(self, action: str, purpose: str, details: dict[str, Any] | None = None) -> CustodyEntry:
        """Log a case-wide action (verified, sealed, exported)."""
        _check_choice("action", action, store.CUSTODY_ACTIONS)
        with self._change():
            return self._log(action, target_type="case", purpose=purpose, details=details or {})

    @contextmanager
    def consistent_read(self) -> Iterator[None]:
        """Reads inside see one state of the case (a read transaction): no change,
        from this or another process, lands between them. Keep it short: it
        holds the case's lock."""
        with self._lock:
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
        return self._rows(f"SELECT * FROM {table} {('WHERE ' + where) if where else ''} ORDER BY {key}",
                          params)

    def counts(self) -> dict[str, int]:
        with self._lock:
            return {table: self._scalar(f"SELECT count(*) FROM {table}")
                    for table in ("event", "item", "source", "statement", "claim", "request", "custody",
                                  "journal", "annotation")}


# --- helpers -------------------------------------------------------------------

def expand_paths(paths: Iterable[Path | str]) -> Iterator[Path]:
    """Files as given, and the files inside given folders (sorted, hidden skipped)."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield Path(root) / name
        else:
            yield path


Condition = tuple[str, Sequence[Any]] | None


def _where(*conditions: Condition) -> tuple[str, list[Any]]:
    """A WHERE clause joining the given ``(sql, params)`` conditions; None ones are skipped."""
    parts = [c for c in conditions if c is not None]
    return (("WHERE " + " AND ".join(sql for sql, _ in parts)) if parts else "",
            [value for _, values in parts for value in values])


def _equals(column: str, value: Any) -> Condition:
    return None if value is None else (f"{column} = ?", [value])


def _among(column: str, ids: Sequence[int] | None) -> Condition:
    return None if ids is None else (f"{column} IN ({', '.join('?' * len(ids)) or 'NULL'})", list(ids))


def _head(path: Path) -> bytes:
    with open(path, "rb") as f:
        return f.read(4096)


def _check_choice(what: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise BadInput(f"{what} must be one of: {', '.join(allowed)} (got {value!r})")


def _time_row(prefix: str, t: utime.UncertainTime) -> dict[str, Any]:
    return {f"{prefix}_raw": t.raw, f"{prefix}_start": t.start, f"{prefix}_end": t.end,
            f"{prefix}_tz": t.tz, f"{prefix}_precision": t.precision, f"{prefix}_sort": t.sort_utc,
            f"{prefix}_note": t.note}


def _time(row: dict[str, Any], prefix: str) -> utime.UncertainTime:
    return utime.from_stored(row[f"{prefix}_raw"], row[f"{prefix}_start"], row[f"{prefix}_end"],
                             row[f"{prefix}_tz"], row[f"{prefix}_precision"], row[f"{prefix}_sort"],
                             row[f"{prefix}_note"])


def _event(r: dict[str, Any]) -> Event:
    return Event(id=r["id"], title=r["title"], place=r["place"], notes=r["notes"], time=_time(r, "time"),
                 normalised_by=r["time_normalised_by"], created_at=r["created_at"], created_by=r["created_by"])


def _item(r: dict[str, Any]) -> Item:
    return Item(id=r["id"], sha256=r["sha256"], name=r["original_name"], size=r["size"],
                media_type=r["media_type"], kind=r["kind"], description=r["description"],
                acquired_at=r["acquired_at"], acquired_by=r["acquired_by"], acquired_from=r["acquired_from"],
                acquisition_method=r["acquisition_method"], original_path=r["original_path"],
                source_id=r["source_id"], source_name=r["source_name"] or "", derived_from=r["derived_from"],
                derivation_reason=r["derivation_reason"], reliability=r.get("reliability"),
                credibility=r.get("credibility"))
