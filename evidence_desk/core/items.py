"""Evidence items: intake into the vault, metadata edits, event links, paged reads."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import kinds, store
from . import sqlparts as q
from .errors import BadInput, Cancelled, ImportFailed, UnknownRecord
from .records import ImportFailure, ImportReport, Item
from .sqlparts import Condition, now_text
from .vault import Progress, ShouldCancel, Staged

if TYPE_CHECKING:
    from .case import Case

#: Item fields an investigator may edit; content (sha256, size) never changes.
EDITABLE_FIELDS = ("original_name", "kind", "description", "acquired_from",
                   "acquisition_method", "source_id", "media_type")
#: What the acquisition custody entry records about an item, replayed by verify.
ITEM_RECORD_FIELDS = ("original_name", "sha256", "size", "media_type", "kind", "description",
                      "acquired_at", "acquired_by", "acquired_from", "acquisition_method",
                      "original_path", "source_id", "derived_from", "derivation_reason")

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


class Items:
    def __init__(self, case: Case) -> None:
        self.case = case

    def import_file(self, path: Path | str, *, kind: str | None = None, event_ids: Iterable[int] = (),
                    source: str | None = None, description: str = "", acquired_from: str = "",
                    method: str = "", acquired_at: str | None = None, purpose: str = "",
                    condition: str = "", progress: Progress | None = None,
                    should_cancel: ShouldCancel | None = None) -> Item:
        """Copy one file into the vault and catalogue it; all or nothing."""
        path = Path(path)
        event_ids = list(event_ids)
        self.case.events.check(event_ids)
        if kind is not None:
            q.check_choice("kind", kind, store.ITEM_KINDS)
        staged = self.case.vault.stage(path, progress, should_cancel)
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
            self.case.events.check(event_ids)
            if kind is not None:
                q.check_choice("kind", kind, store.ITEM_KINDS)
            media = kinds.sniff_media_type(self.case.vault.staged_head(staged), path.name)
        except OSError as exc:
            self.case.vault.discard(staged)
            raise ImportFailed(str(path), f"could not read back the copy: {exc}") from None
        except BaseException:
            self.case.vault.discard(staged)
            raise
        name, name_bytes = readable_name(path.name)
        original_path, path_bytes = readable_name(str(path.resolve()))
        raw = {k: v for k, v in (("original_name_bytes", name_bytes), ("original_path_bytes", path_bytes)) if v}
        return self._catalogue(staged, name=name, original_path=original_path,
                               kind=kind or kinds.kind_for(media), media_type=media, event_ids=event_ids,
                               source=source, description=description, acquired_from=acquired_from,
                               method=method or "file copied into the vault by Evidence Desk",
                               acquired_at=acquired_at, purpose=purpose, condition=condition,
                               extra_details=raw or None)

    def add_derived(self, original_id: int, data: bytes, *, name: str, reason: str,
                    kind: str = "document", media_type: str = "text/plain", description: str = "") -> Item:
        """Record a derived copy (transcript, OCR text, transcode) of an item."""
        original = self.get(original_id)
        if not reason.strip():
            raise BadInput("a derived record needs the reason it was made")
        staged = self.case.vault.stage_bytes(data)
        return self._catalogue(staged, name=name, original_path="", kind=kind, media_type=media_type,
                               event_ids=[e.id for e in self.case.events.of_item(original_id)],
                               source=original.source_name or None, description=description,
                               acquired_from=f"derived from item {original.id} ({original.name})",
                               method="derived record", acquired_at=None, purpose=reason,
                               derived_from=original.id, derivation_reason=reason.strip())

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

    def edit(self, item_id: int, reason: str = "", **fields: Any) -> Item:
        """Change an item's metadata; each changed field is logged with its old value.

        ``source`` may be given by name instead of ``source_id``."""
        old = self.row(item_id)
        if "source" in fields:
            fields["source_id"] = self.case.sources.id_for(fields.pop("source"))
        changes: dict[str, tuple[Any, Any]] = {}
        for name, value in fields.items():
            if name not in EDITABLE_FIELDS:
                raise BadInput(f"an item's {name} cannot be edited")
            if name == "kind":
                q.check_choice("kind", value, store.ITEM_KINDS)
            if name == "original_name" and not str(value).strip():
                raise BadInput("an item's name cannot be empty")
            if old[name] != value:
                changes[name] = (old[name], value)
        if not changes:
            return self.get(item_id)
        reason = q.require_reason(reason, "an item's edit")
        with self.case.change():
            self.case.update("item", item_id, {k: v[1] for k, v in changes.items()})
            self.case.history.record_changes("item", item_id, changes, reason, item_sha256=old["sha256"])
        return self.get(item_id)

    def link_event(self, item_id: int, event_id: int, link: bool = True) -> None:
        item = self.row(item_id)
        self.case.events.check([event_id])
        exists = self.case.scalar("SELECT 1 FROM item_event WHERE item_id = ? AND event_id = ?",
                              item_id, event_id) is not None
        if exists == link:
            return
        with self.case.change():
            if link:
                self.case.insert("item_event", {"item_id": item_id, "event_id": event_id})
            else:
                self.case.delete("item_event", (item_id, event_id))
            self.case.log("linked" if link else "unlinked", target_type="item", target_id=item_id,
                      item_id=item_id, item_sha256=item["sha256"], details={"event_id": event_id})

    def get(self, item_id: int) -> Item:
        found = self.list(ids=[item_id])
        if not found:
            raise UnknownRecord(f"no item with id {item_id}")
        return found[0]

    def list(self, *, event_id: int | None = None, ids: Sequence[int] | None = None, text: str = "",
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
        return [_item(r) for r in self.case.rows(sql, params)]

    def count(self, *, event_id: int | None = None, text: str = "", kind: str | None = None) -> int:
        where, params = self._item_filter(event_id, None, text, kind)
        with self.case.lock:
            return self.case.scalar(f"SELECT count(*) FROM item LEFT JOIN source ON source.id = item.source_id "
                                f"{where}", *params)

    def object_path(self, item_id: int) -> Path:
        """A path the item's plaintext can be read from (read-only; never write there): the
        vault file of a plain case; for an encrypted case a file in memory
        (:meth:`Vault.plaintext_path`), never on disk."""
        sha = self.row(item_id)["sha256"]
        if self.case.vault.sealer is not None:
            return self.case.vault.plaintext_path(sha)
        return self.case.vault.object_path(sha)

    def read_bytes(self, item_id: int) -> bytes:
        return self.case.vault.read_object(self.row(item_id)["sha256"])

    def derived(self, item_id: int) -> list[Item]:
        return [_item(r) for r in self.case.rows(
            "SELECT item.*, '' AS source_name, NULL AS reliability, NULL AS credibility FROM item "
            "WHERE derived_from = ? ORDER BY id", [item_id])]

    def row(self, item_id: int) -> dict[str, Any]:
        rows = self.case.rows("SELECT * FROM item WHERE id = ?", [item_id])
        if not rows:
            raise UnknownRecord(f"no item with id {item_id}")
        return rows[0]

    def _catalogue(self, staged: Staged, *, name: str, original_path: str, kind: str, media_type: str,
                   event_ids: list[int], source: str | None, description: str, acquired_from: str,
                   method: str, acquired_at: str | None, purpose: str, condition: str = "",
                   derived_from: int | None = None, derivation_reason: str = "",
                   action: str | None = None, released_by: str = "", received_by: str = "",
                   extra_details: dict[str, Any] | None = None) -> Item:
        try:
            with self.case.change() as change:
                placed = self.case.vault.place(staged)
                change.placed.append(placed)
                source_id = self.case.sources.id_for(source)
                if self.case.scalar("SELECT 1 FROM object WHERE sha256 = ?", placed.sha256) is None:
                    self.case.insert("object", {"sha256": placed.sha256, "size": placed.size,
                                              "stored_at": now_text()})
                record = {"original_name": name, "sha256": placed.sha256, "size": placed.size,
                          "media_type": media_type, "kind": kind, "description": description,
                          "acquired_at": acquired_at or now_text(), "acquired_by": self.case.examiner,
                          "acquired_from": acquired_from, "acquisition_method": method,
                          "original_path": original_path, "source_id": source_id,
                          "derived_from": derived_from, "derivation_reason": derivation_reason}
                item_id = self.case.insert("item", record)
                for event_id in event_ids:
                    self.case.insert("item_event", {"item_id": item_id, "event_id": event_id})
                duplicates = [r[0] for r in self.case.db.execute(
                    "SELECT id FROM item WHERE sha256 = ? AND id != ?", [placed.sha256, item_id])]
                details: dict[str, Any] = {"item": record, "events": event_ids,
                                           "identical_content_items": duplicates}
                details.update(extra_details or {})
                self.case.log(action or ("derived" if derived_from else "acquired"), target_type="item",
                          target_id=item_id, item_id=item_id, item_sha256=placed.sha256,
                          purpose=purpose or ("derived record" if derived_from else "intake"),
                          condition=condition, released_by=released_by or acquired_from,
                          received_by=received_by or self.case.examiner, details=details)
        except BaseException:
            self.case.vault.discard(staged)
            raise
        return self.get(item_id)

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
        return q.where(
            None if event_id is None else
            ("item.id IN (SELECT item_id FROM item_event WHERE event_id = ?)", [event_id]),
            q.among("item.id", ids),
            q.equals("item.kind", kind or None),
            None if not text else
            ("(item.original_name LIKE ? OR item.description LIKE ? OR item.sha256 LIKE ? OR source.name LIKE ?)",
             [like, like, f"{text}%", like]),
            *more)


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


def _item(r: dict[str, Any]) -> Item:
    return Item(id=r["id"], sha256=r["sha256"], name=r["original_name"], size=r["size"],
                media_type=r["media_type"], kind=r["kind"], description=r["description"],
                acquired_at=r["acquired_at"], acquired_by=r["acquired_by"], acquired_from=r["acquired_from"],
                acquisition_method=r["acquisition_method"], original_path=r["original_path"],
                source_id=r["source_id"], source_name=r["source_name"] or "", derived_from=r["derived_from"],
                derivation_reason=r["derivation_reason"], reliability=r.get("reliability"),
                credibility=r.get("credibility"))


def readable_name(name: str) -> tuple[str, str]:
    """A file name as text that can be recorded, and the hex of its raw bytes when they are not
    UTF-8 (else ``""``).

    On Linux a name is any bytes; Python gives the undecodable ones as lone surrogates, which
    no UTF-8 text (the database, JSON, a report) can hold. They are shown escaped as ``\\xe9``
    (``caf\\xe9.txt``), and the exact bytes are kept in the custody entry
    (``original_name_bytes``), so nothing of the name is lost."""
    try:
        name.encode("utf-8")
        return name, ""
    except UnicodeEncodeError:
        raw = os.fsencode(name)
        return raw.decode("utf-8", "backslashreplace"), raw.hex()
