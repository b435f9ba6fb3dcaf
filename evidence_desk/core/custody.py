"""The chain of custody: append-only, hash-chained entries.

Each entry's hash covers a canonical serialisation of the entry (who, what
action, which item and its hash at that moment, when in UTC with the
examiner's offset, where, why, transfer parties, condition, details) and
the previous entry's hash. Deleting, editing, inserting or reordering any
entry therefore breaks the chain at a point :func:`check_chain` can name.

Truncating the newest entries leaves a valid chain, so the case folder keeps
the head (last sequence number and hash) in ``custody.head`` beside the
database; a chain shorter than its recorded head is reported.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .fsutil import atomic_write_bytes

if TYPE_CHECKING:
    from .store import Database

HASHED_FIELDS = (
    "seq", "at_utc", "local_offset", "examiner", "action", "target_type", "target_id",
    "item_id", "item_sha256", "location", "purpose", "released_by", "received_by",
    "condition", "details", "prev_hash",
)


@dataclass(frozen=True)
class CustodyEntry:
    """One link of the chain of custody, as stored."""

    seq: int
    at_utc: str
    local_offset: str
    examiner: str
    action: str
    target_type: str
    target_id: int | None
    item_id: int | None
    item_sha256: str | None
    location: str
    purpose: str
    released_by: str
    received_by: str
    condition: str
    details: str
    prev_hash: str
    entry_hash: str

    @property
    def details_dict(self) -> dict[str, Any]:
        try:
            value = json.loads(self.details)
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["details"] = self.details_dict
        return out


@dataclass(frozen=True)
class NewEntry:
    """What a caller says about an action; the chain adds seq, time and hashes."""

    action: str
    examiner: str
    target_type: str = "case"
    target_id: int | None = None
    item_id: int | None = None
    item_sha256: str | None = None
    purpose: str = ""
    released_by: str = ""
    received_by: str = ""
    condition: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)
    location: str | None = None
    at: datetime | None = None


@dataclass(frozen=True)
class ChainProblem:
    seq: int | None
    item_id: int | None
    message: str


def canonical(value: Any) -> str:
    """The one serialisation that is hashed: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def genesis_hash(case_id: str) -> str:
    return hashlib.sha256(f"evidence-desk custody genesis\n{case_id}".encode()).hexdigest()


def entry_hash(row: Mapping[str, Any]) -> str:
    body = {name: row[name] for name in HASHED_FIELDS}
    return hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()


def default_location() -> str:
    """Where the examiner is: EVIDENCE_DESK_LOCATION if set, and the machine name."""
    place = os.environ.get("EVIDENCE_DESK_LOCATION", "").strip()
    host = socket.gethostname()
    return f"{place} (host {host})" if place else f"host {host}"


def now_utc() -> datetime:
    return datetime.now(UTC)


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def append(db: Database, case_id: str, new: NewEntry) -> CustodyEntry:
    """Append one entry. Call inside the transaction of the change it records."""
    assert db.conn.in_transaction, "custody.append must run inside the change's transaction"
    last = db.execute("SELECT seq, entry_hash FROM custody ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (last[0] + 1, last[1]) if last else (1, genesis_hash(case_id))
    moment = new.at or now_utc()
    row: dict[str, Any] = {
        "seq": seq,
        "at_utc": utc_text(moment),
        "local_offset": moment.astimezone().strftime("%z"),
        "examiner": new.examiner,
        "action": new.action,
        "target_type": new.target_type,
        "target_id": new.target_id,
        "item_id": new.item_id,
        "item_sha256": new.item_sha256,
        "location": new.location if new.location is not None else default_location(),
        "purpose": new.purpose,
        "released_by": new.released_by,
        "received_by": new.received_by,
        "condition": new.condition,
        "details": canonical(dict(new.details)),
        "prev_hash": prev,
    }
    row["entry_hash"] = entry_hash(row)
    db["custody"].insert(row)
    return CustodyEntry(**row)


def entries(db: Database, where: str = "", params: Iterable[Any] = ()) -> list[CustodyEntry]:
    sql = "SELECT * FROM custody" + (f" WHERE {where}" if where else "") + " ORDER BY seq"
    cursor = db.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [CustodyEntry(**dict(zip(names, r, strict=True))) for r in cursor.fetchall()]


# --- the head anchor ---------------------------------------------------------

HEAD_FILE = "custody.head"


def read_head(case_dir: Path) -> tuple[int, str] | None:
    try:
        data = json.loads((case_dir / HEAD_FILE).read_text("utf-8"))
        return int(data["seq"]), str(data["entry_hash"])
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError):
        return (-1, "")


def write_head(case_dir: Path, seq: int, digest: str) -> None:
    atomic_write_bytes(case_dir / HEAD_FILE, canonical({"seq": seq, "entry_hash": digest}).encode())


# --- checking ----------------------------------------------------------------

def check_chain(rows: list[Mapping[str, Any]], case_id: str,
                head: tuple[int, str] | None) -> list[ChainProblem]:
    """Walk ``rows`` (ordered by seq) and name every break.

    Takes plain rows straight from the file, not trusting any constraint:
    verification must hold even if the triggers were dropped.
    """
    problems: list[ChainProblem] = []
    expected_prev = genesis_hash(case_id)
    expected_seq = 1
    for row in rows:
        seq = row["seq"]
        item = row.get("item_id")
        if seq > expected_seq:
            gap = f"#{expected_seq}" if seq == expected_seq + 1 else f"#{expected_seq}–#{seq - 1}"
            problems.append(ChainProblem(expected_seq, None, f"custody entry {gap} is missing (deleted)"))
        try:
            recomputed = entry_hash(row)
        except (KeyError, TypeError):
            recomputed = ""
        if recomputed != row["entry_hash"]:
            problems.append(ChainProblem(seq, item, f"custody entry #{seq} ({row.get('action')}) was altered: "
                                                    "its content does not match its hash"))
        if row["prev_hash"] != expected_prev:
            problems.append(ChainProblem(seq, item, f"custody entry #{seq} ({row.get('action')}) does not follow "
                                                    "the entry before it: an entry was removed, inserted or "
                                                    "reordered"))
        expected_prev = row["entry_hash"]
        expected_seq = seq + 1
    if head is not None:
        head_seq, head_hash = head
        if head_seq < 0:
            problems.append(ChainProblem(None, None, f"{HEAD_FILE} is unreadable"))
        elif head_seq >= expected_seq:
            problems.append(ChainProblem(head_seq, None,
                                         f"custody entries after #{expected_seq - 1} up to #{head_seq} are "
                                         "missing (the chain was truncated)"))
        elif head_seq > 0:
            at_head = next((r for r in rows if r["seq"] == head_seq), None)
            if at_head is not None and at_head["entry_hash"] != head_hash:
                problems.append(ChainProblem(head_seq, at_head.get("item_id"),
                                             f"custody entry #{head_seq} differs from the recorded head"))
    return problems
