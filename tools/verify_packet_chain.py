#!/usr/bin/env python3
"""Check the custody chain and records of an Evidence Desk review packet, without Evidence Desk.

    python3 -I verify_packet_chain.py PACKET_FOLDER

Standard library only (Python 3.8+); reads the unpacked packet, writes nothing. Run it
after `sha256sum -c` and `openssl pkeyutl -verify` (docs/verify-without-evidence-desk.md):
they show the files are the ones sealed; this shows that what the files say holds:

1. data/custody.jsonl: entries #1, #2... in order, each line canonical JSON, each entry_hash
   recomputed, each prev_hash linking to the entry before, the first to the case id's genesis.
2. The key openssl used (seal/public-key.pem) is the case's own; its fingerprint is printed.
3. Replaying each entry's details["records"] gives every record; case.json must hold the same.
4. Evidence files hash to their items' sha256; chains received from other cases re-walk.

Exit 0 when all holds, 1 naming each failure, 2 on bad usage.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
from pathlib import Path

# The fields each entry_hash covers, in evidence_desk/core/custody.py (HASHED_FIELDS).
HASHED_FIELDS = ("seq", "at_utc", "local_offset", "examiner", "action", "target_type", "target_id", "item_id",
                 "item_sha256", "location", "purpose", "released_by", "received_by", "condition", "details",
                 "prev_hash")
# The key columns of each table the chain records, in evidence_desk/core/replay.py (TABLE_KEYS).
TABLE_KEYS = {
    "case_info": ("id",), "source": ("id",), "event": ("id",), "object": ("sha256",), "item": ("id",),
    "item_event": ("item_id", "event_id"), "statement": ("id",), "statement_event": ("statement_id", "event_id"),
    "claim": ("id",), "claim_link": ("id",), "annotation": ("id",), "request": ("id",),
    "request_item": ("request_id", "item_id"), "grade": ("id",), "journal": ("id",), "metadata_change": ("id",),
    "transfer_in": ("id",), "inherited_custody": ("source_case_id", "seq"), "timestamp_token": ("id",),
    "review_judgement": ("id",), "derived_text": ("id",),
}
ADDED_BY_EXPORT = {"item": ("packet_path",)}  # where the item's file is in this packet; not a recorded field
CASE_FIELDS = ("id", "title", "description", "created_at", "created_by", "default_examiner", "default_tz")
ED25519_SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")  # DER of an Ed25519 public key, before its 32 bytes

failures: list[str] = []


def fail(message: str) -> None:
    failures.append(message)
    print(f"FAIL: {message}")


def canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def inside(root: Path, rel: str) -> Path:
    """``root / rel``, refusing a path from case.json that leads out of the packet's data/ folder."""
    path = (root / rel).resolve()
    if not rel.startswith("data/") or (root / "data").resolve() not in path.parents:
        raise ValueError(f"{rel!r} is not a path inside the packet's data/ folder")
    return path


def lines_of(path: Path) -> list[str]:
    """The lines of a .jsonl file. Only "\\n" ends a line: canonical JSON may hold U+2028 and the like."""
    lines = path.read_text("utf-8").split("\n")
    return lines[:-1] if lines[-1] == "" else lines


def walk_chain(path: Path, case_id: str) -> list[dict]:
    """The entries of one chain file, each checked for its text, its place in order, its hash and its link."""
    entries: list[dict] = []
    prev = hashlib.sha256(f"evidence-desk custody genesis\n{case_id}".encode()).hexdigest()
    expected_seq = 1
    name = f"{path.parent.name}/{path.name}"
    for number, line in enumerate(lines_of(path), 1):
        try:
            entry = json.loads(line)
            hashed = {field: entry[field] for field in HASHED_FIELDS}
            label = f"{name} entry #{entry['seq']} ({entry['action']})"
        except (ValueError, KeyError, TypeError):
            fail(f"{name} line {number} is not a custody entry")
            continue
        if canonical(entry) != line:
            fail(f"{label}: the line is not in canonical form, so it is not the text that was hashed")
        if entry["seq"] != expected_seq:
            fail(f"{label} is where entry #{expected_seq} belongs: an entry was removed, inserted or moved")
        if hashlib.sha256(canonical(hashed).encode("utf-8")).hexdigest() != entry["entry_hash"]:
            fail(f"{label}: its content does not match its entry_hash (it was altered)")
        if entry["prev_hash"] != prev:
            fail(f"{label}: its prev_hash is not the hash of the entry before it"
                 + (f" (the genesis of case {case_id})" if number == 1 else ""))
        prev, expected_seq = entry["entry_hash"], entry["seq"] + 1
        entries.append(entry)
    return entries


def replay(entries: list[dict]) -> dict[str, dict[tuple, dict]]:
    """table -> key -> row: the state of every record as the chain's entries wrote it."""
    state: dict[str, dict[tuple, dict]] = {}
    for entry in entries:
        records = json.loads(entry["details"]).get("records")
        if not isinstance(records, list):
            continue  # an entry that wrote no rows (viewed, exported, verified...)
        if entry["action"] == "baseline":  # the whole state at an upgrade; what came before is unproven
            state = {}
            print(f"note: replay starts at baseline entry #{entry['seq']}; earlier records are not proven")
        for record in records:
            rows = state.setdefault(record["table"], {})
            if record["row"] is None:
                rows.pop(tuple(record["key"]), None)
            else:
                rows[tuple(record["key"])] = record["row"]
    return state


def compare(table: str, row: dict, state: dict) -> None:
    key = tuple(row[column] for column in TABLE_KEYS[table])
    label = f"case.json record {table} {'/'.join(str(k) for k in key)}"
    chained = state.get(table, {}).get(key)
    if chained is None:
        fail(f"{label}: no custody entry created it")
        return
    for field in sorted(set(row) | set(chained)):
        if row.get(field) != chained.get(field):
            fail(f"{label}: field {field} is {row.get(field)!r}, the custody chain says {chained.get(field)!r}")


def public_key_from_pem(text: str) -> str:
    body = "".join(line for line in text.splitlines() if line and not line.startswith("-----"))
    der = base64.b64decode(body)
    if len(der) != 44 or not der.startswith(ED25519_SPKI_PREFIX):
        raise ValueError("seal/public-key.pem is not an Ed25519 public key")
    return der[12:].hex()


def check_key(root: Path, case: dict, state: dict) -> None:
    """The key openssl checked the seal with is the one the case was created with, as the chain records it."""
    key = public_key_from_pem((root / "seal/public-key.pem").read_text("ascii"))
    case_record = state.get("case_info", {}).get((case["id"],), {})
    for source, value in (("seal/public-key.hex", (root / "seal/public-key.hex").read_text("ascii").strip()),
                          ("case.json", case["public_key_hex"]),
                          ("the chain's case record", case_record.get("public_key"))):
        if value != key:
            fail(f"{source} holds key {value}, but the packet is sealed with seal/public-key.pem, key {key}")
    for field in CASE_FIELDS:
        if case.get(field) != case_record.get(field):
            fail(f"case.json case {field} is {case.get(field)!r}, the custody chain says {case_record.get(field)!r}")
    digest = hashlib.sha256(bytes.fromhex(key)).hexdigest()  # a fingerprint is its first 32 digits in fours
    fingerprint = ":".join(digest[i:i + 4] for i in range(0, 32, 4))
    print(f"checked: the sealing key against the case's own; compare its fingerprint {fingerprint} with yours")


def check_records(dump: dict, state: dict) -> None:
    """Every record in case.json is what the chain replays to; in a whole-case packet, every one is there."""
    whole_case, count = dump["scope"]["event_id"] is None, 0
    for table, rows in sorted(dump["tables"].items()):
        if table not in TABLE_KEYS:
            fail(f"case.json holds table {table!r}, which this script does not know")
            continue
        for row in rows:
            compare(table, {k: v for k, v in row.items() if k not in ADDED_BY_EXPORT.get(table, ())}, state)
            count += 1
        found = {tuple(row[column] for column in TABLE_KEYS[table]) for row in rows}
        for gone in sorted(set(state.get(table, {})) - found, key=str) if whole_case else ():
            fail(f"record {table} {'/'.join(str(k) for k in gone)}: the chain holds it, case.json lacks it")
    print(f"checked: {count} records in case.json against the state replayed from the chain"
          + ("" if whole_case else f" (a packet of event {dump['scope']['event_id']}: only its records)"))


def check_files(root: Path, dump: dict, state: dict) -> None:
    """Evidence files against their items; chains received from other cases, re-walked and as recorded."""
    for item in dump["tables"]["item"]:
        actual = sha256_file(inside(root, item["packet_path"]))
        if actual != item["sha256"]:
            fail(f"item {item['id']} ({item['packet_path']}): SHA-256 is {actual}, its record says {item['sha256']}")
    print(f"checked: {len(dump['tables']['item'])} evidence files against their items' SHA-256")
    received = state.get("inherited_custody", {})  # (case id, seq) -> the line, as the receiving entry wrote it
    for source in sorted(set(dump["inherited_custody"]) | {k[0] for k in received}):
        rel = dump["inherited_custody"].get(source)
        if rel is None:
            fail(f"the custody chain recorded receiving the chain of case {source}; the packet lacks it")
            continue
        entries = walk_chain(inside(root, rel), source)
        if lines_of(inside(root, rel)) != [row["line"] for k, row in sorted(received.items()) if k[0] == source]:
            fail(f"{rel}: not the chain of case {source} that the custody chain recorded on receipt")
        print(f"checked: {len(entries)} entries received from case {source}: order, hashes, links, as recorded")


def check(root: Path) -> None:
    dump = json.loads((root / "data/case.json").read_text("utf-8"))
    bag_info = dict(line.split(": ", 1) for line in (root / "bag-info.txt").read_text("utf-8").splitlines())
    chain = walk_chain(root / "data/custody.jsonl", dump["case"]["id"])
    head = f"{chain[-1]['seq']} {chain[-1]['entry_hash']}" if chain else "none"
    if bag_info.get("Evidence-Desk-Custody-Head") != head:
        fail(f"the chain ends at {head!r}, bag-info.txt says {bag_info.get('Evidence-Desk-Custody-Head')!r}")
    print(f"checked: {len(chain)} custody entries: order, hashes, links from the genesis of case {dump['case']['id']}")
    state = replay(chain)
    check_key(root, dump["case"], state)
    check_records(dump, state)
    check_files(root, dump, state)


def main() -> int:
    parser = argparse.ArgumentParser(description="Check a review packet's custody chain and records.")
    parser.add_argument("packet", type=Path, help="the unpacked packet folder (unzip a .zip packet first)")
    args = parser.parse_args()
    if not (args.packet / "data" / "custody.jsonl").is_file():
        parser.error(f"{args.packet} is not an unpacked review packet folder (no data/custody.jsonl)")
    try:
        check(args.packet)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        fail(f"the packet cannot be read as a review packet: {type(exc).__name__}: {exc}")
    if failures:
        print(f"{len(failures)} failure(s): do not rely on this packet")
        return 1
    print("OK: chain, records and evidence hashes hold")
    return 0


if __name__ == "__main__":
    sys.exit(main())
