"""Every record of a case, replayed from its custody chain.

Each custody entry that creates, changes or removes rows carries, in its
``details["records"]``, the complete new state of each row it touched (or
``None`` for a row removed). As the entry is hashed into the chain, the chain
itself says what every row must hold. :func:`replay` rebuilds that state from
the entries alone; :func:`compare` sets it beside the rows found and names
every difference: the table, the record, the field, what the chain says and
what the database says, rows the chain never created and rows it holds that
are gone.

A ``baseline`` entry (written once when a case made before schema 3 is
upgraded) carries the whole state found at that moment; replay starts from
it, and what came before it is not proven by the chain.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

#: Every table whose rows the chain must account for, with its key columns.
TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "case_info": ("id",), "source": ("id",), "event": ("id",), "object": ("sha256",), "item": ("id",),
    "item_event": ("item_id", "event_id"), "statement": ("id",), "statement_event": ("statement_id", "event_id"),
    "claim": ("id",), "claim_link": ("id",), "annotation": ("id",), "request": ("id",),
    "request_item": ("request_id", "item_id"), "grade": ("id",), "journal": ("id",), "metadata_change": ("id",),
    "transfer_in": ("id",), "inherited_custody": ("source_case_id", "seq"), "timestamp_token": ("id",),
    "review_judgement": ("id",),  # schema 4: a reviewer's judgements received back (never in a packet)
    "derived_text": ("id",),  # schema 5: OCR, transcripts, document text and metadata, with provenance
}
#: Columns never written into the chain: the case's private signing key stays out of every entry
#: (entries travel in packets). It is checked instead against the public key the chain records.
SECRET_COLUMNS = {"case_info": ("signing_key",)}
BASELINE = "baseline"

Key = tuple[Any, ...]
State = dict[str, dict[Key, dict[str, Any]]]


def json_value(value: Any) -> Any:
    """A column value as the chain stores it (bytes as hex)."""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return value


def row_state(table: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """The state of one row as the chain records it."""
    hidden = SECRET_COLUMNS.get(table, ())
    return {name: json_value(value) for name, value in row.items() if name not in hidden}


def key_of(table: str, row: Mapping[str, Any]) -> Key:
    return tuple(row[column] for column in TABLE_KEYS[table])


def record(table: str, row: Mapping[str, Any] | None, key: Key | None = None) -> dict[str, Any]:
    """One entry of ``details["records"]``: the row's new state, or its removal."""
    if row is None:
        assert key is not None
        return {"table": table, "key": list(key), "row": None}
    state = row_state(table, row)
    return {"table": table, "key": list(key_of(table, state)), "row": state}


@dataclass(frozen=True)
class Difference:
    """Where the database and the replayed chain disagree."""

    table: str
    key: Key
    field: str | None  # None: the whole row (missing, or not created by any entry)
    chain: Any
    database: Any
    kind: str  # "changed" | "not in chain" | "deleted"

    @property
    def record(self) -> str:
        return f"{self.table} {'/'.join(str(k) for k in self.key)}"

    @property
    def detail(self) -> str:
        """What differs, without naming the record."""
        if self.kind == "not in chain":
            return f"a row no custody entry created (found {_short(self.database)})"
        if self.kind == "deleted":
            return f"deleted without a custody entry (the chain says {_short(self.chain)})"
        return (f"field {self.field}: the chain says {_short(self.chain)}, the database says "
                f"{_short(self.database)} (changed without a custody entry)")

    def __str__(self) -> str:
        return f"{self.record}: {self.detail}"

    def to_json(self) -> dict[str, Any]:
        return {"table": self.table, "key": list(self.key), "field": self.field, "chain": self.chain,
                "database": self.database, "kind": self.kind, "message": str(self)}


@dataclass
class Replayed:
    state: State
    baseline_seq: int | None = None  # the baseline entry replay started from, if any
    entries_with_records: int = 0


def replay(entries: Iterable[Any]) -> Replayed:
    """The state of every table as the entries (custody rows, or their ``to_json`` dicts) say."""
    result = Replayed(state={table: {} for table in TABLE_KEYS})
    for entry in entries:
        details = _details(entry)
        records = details.get("records")
        if not isinstance(records, list):
            continue
        if _field(entry, "action") == BASELINE:
            result.state = {table: {} for table in TABLE_KEYS}
            result.baseline_seq = _field(entry, "seq")
        result.entries_with_records += 1
        for rec in records:
            if not isinstance(rec, dict) or rec.get("table") not in TABLE_KEYS:
                continue
            key = tuple(rec.get("key") or ())
            table = result.state[rec["table"]]
            if rec.get("row") is None:
                table.pop(key, None)
            elif isinstance(rec["row"], dict):
                table[key] = dict(rec["row"])
    return result


def compare(state: State, rows: Mapping[str, Iterable[Mapping[str, Any]]],
            tables: Iterable[str] | None = None) -> list[Difference]:
    """Every difference between the replayed ``state`` and the ``rows`` found, table by table.

    ``tables`` limits which tables are required to be complete (a packet of one
    event holds only some rows); rows found are always checked."""
    found: dict[str, dict[Key, dict[str, Any]]] = {}
    for table, table_rows in rows.items():
        if table not in TABLE_KEYS:
            continue
        found[table] = {}
        for row in table_rows:
            as_recorded = row_state(table, row)
            found[table][key_of(table, as_recorded)] = as_recorded
    complete = set(TABLE_KEYS if tables is None else tables)
    differences: list[Difference] = []
    for table in TABLE_KEYS:
        chain_rows = state.get(table, {})
        db_rows = found.get(table, {})
        for key, db_row in sorted(db_rows.items(), key=lambda kv: _order(kv[0])):
            chain_row = chain_rows.get(key)
            if chain_row is None:
                differences.append(Difference(table, key, None, None, db_row, "not in chain"))
                continue
            for name in sorted(set(chain_row) | set(db_row)):
                if chain_row.get(name) != db_row.get(name):
                    differences.append(Difference(table, key, name, chain_row.get(name), db_row.get(name),
                                                  "changed"))
        if table in complete and table in found:
            for key in sorted(set(chain_rows) - set(db_rows), key=_order):
                differences.append(Difference(table, key, None, chain_rows[key], None, "deleted"))
    return differences


def _details(entry: Any) -> dict[str, Any]:
    if isinstance(entry, Mapping):
        details = entry.get("details")
        if isinstance(details, str):
            import json

            try:
                details = json.loads(details)
            except ValueError:
                return {}
        return details if isinstance(details, dict) else {}
    return entry.details_dict


def _field(entry: Any, name: str) -> Any:
    return entry.get(name) if isinstance(entry, Mapping) else getattr(entry, name)


def _order(key: Key) -> tuple[str, ...]:
    return tuple(f"{k:020d}" if isinstance(k, int) else str(k) for k in key)


def _short(value: Any, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"
