"""Receiving a review packet: the case moves to another machine without a
break in its chain of custody.

The packet is verified first (nothing unverified is ever imported). A new
case is built beside the destination and renamed into place only when
complete. It keeps:

* the sender's custody chain verbatim (``inherited_custody``, each line as it
  was hashed, so it can be re-walked against the sender's case id at any
  time), and a ``transfer_in`` record of the packet: the sender's key and
  fingerprint, the chain head it sealed, the signed tag manifest's hash, who
  released it and who received it;
* every record of the case with its original ids, so the report, the
  timeline and the grade history read the same on both machines;
* its own chain, which starts with an ``imported`` entry for the packet and a
  ``transferred`` entry per item naming who released and who received it and
  carrying the packet's custody head and signature fingerprint, so the two
  chains are joined by hashes anyone can check.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import store
from ..case import Case
from ..errors import BadInput, CaseExists, EnvironmentRefused, EvidenceDeskError, user_error
from ..fsutil import fsync_dir, owned_name, remove_dead_temporaries
from ..items import ITEM_RECORD_FIELDS
from ..sqlparts import now_text
from ..vault import Progress, ShouldCancel
from . import format
from .archive import OpenedPacket, PacketLimits
from .verify import PacketReport, verify_bag

log = logging.getLogger("evidence_desk.transfer")

RECEIVING = ".receiving"  # the new case being built beside its destination

# Tables copied row for row, in an order that satisfies their references.
_TABLES = ("source", "event", "item", "item_event", "statement", "statement_event", "claim", "claim_link",
           "derived_text", "annotation", "request", "request_item", "grade", "journal", "metadata_change")


class PacketRejected(EvidenceDeskError):
    """The packet failed verification; nothing was imported."""

    def __init__(self, report: PacketReport, reason: str = "") -> None:
        lines = reason or "; ".join(str(f) for f in report.failures[:5])
        more = f" (and {len(report.failures) - 5} more)" if len(report.failures) > 5 and not reason else ""
        super().__init__(f"the packet was refused, nothing was imported: {lines}{more}")
        self.report = report


@dataclass(frozen=True)
class TransferResult:
    case_dir: Path
    case_id: str
    source_case_id: str
    source_fingerprint: str
    items: int
    released_by: str
    received_by: str
    report: PacketReport


def import_packet(packet_path: Path | str, case_dir: Path | str, *, examiner: str, released_by: str = "",
                  purpose: str = "received as a review packet", expect_fingerprint: str | None = None,
                  limits: PacketLimits | None = None, progress: Progress | None = None,
                  should_cancel: ShouldCancel | None = None,
                  on_total: Callable[[int], None] | None = None) -> TransferResult:
    """Verify ``packet_path`` and continue its case in a new case at ``case_dir``.

    ``released_by`` defaults to whoever exported the packet; ``examiner``
    receives it. ``progress`` gets byte increments over verifying and copying;
    ``on_total`` is told the sum before, and again if identical content
    shrinks it once the records are read. Cancel or failure leaves no case."""
    case_dir = Path(case_dir)
    if not examiner.strip():
        raise BadInput("name who receives the packet (the examiner)")
    if case_dir.exists() and (not case_dir.is_dir() or any(case_dir.iterdir())):
        raise CaseExists(f"{case_dir} exists and is not empty; a received packet becomes a new case")
    if not case_dir.parent.is_dir():
        raise BadInput(f"the folder {case_dir.parent} does not exist")
    remove_dead_temporaries(case_dir.parent, (RECEIVING,))  # what a killed import left here
    # a zip unpacks beside the new case: that disk must hold the evidence anyway
    with OpenedPacket(Path(packet_path), limits, should_cancel=should_cancel, scratch=case_dir.parent) as opened:
        report = PacketReport(str(packet_path))

        estimate = [0]

        def total(n: int) -> None:  # verify reads every byte, then the evidence is copied into the vault
            estimate[0] = n + _evidence_bytes(opened.root)
            if on_total is not None:
                on_total(estimate[0])

        dump = verify_bag(opened.root, report, expect_fingerprint=expect_fingerprint, limits=limits,
                          progress=progress, should_cancel=should_cancel, on_total=total)
        if not report.ok or dump is None:
            raise PacketRejected(report)
        exact = report.bytes_hashed + sum({r["sha256"]: int(r.get("size") or 0) for r in dump["tables"]["item"]}.values())
        if on_total is not None and exact != estimate[0]:
            on_total(exact)  # identical content is copied once
        released = released_by.strip() or str(dump.get("exported_by") or "").strip() or "sender not named"
        work = case_dir.parent / owned_name(case_dir.name, RECEIVING)
        try:
            case = Case.create(work, dump["case"]["title"], examiner.strip(),
                               description=dump["case"].get("description", ""),
                               tz=dump["case"].get("default_tz") or "UTC")
            try:
                try:
                    _receive(case, opened.root, dump, report, released, examiner.strip(), purpose,
                             Path(packet_path).name, progress, should_cancel)
                except (*store.db_errors(), KeyError, TypeError, ValueError, AttributeError) as exc:
                    if isinstance(exc, store.db_errors()) and user_error(exc) is not None:
                        raise  # the disk or the database refused: not the packet's fault
                    # verified and signed, yet its records do not fit together: refuse, keep nothing
                    raise PacketRejected(report, f"its case records cannot be rebuilt ({exc})") from None
                case_id = case.id
            finally:
                case.close()
            if case_dir.exists():
                case_dir.rmdir()
            os.rename(work, case_dir)
            fsync_dir(case_dir.parent)
        except BaseException as exc:
            shutil.rmtree(work, ignore_errors=True)
            if isinstance(exc, EnvironmentRefused):  # name the case asked for, not its temporary
                raise exc.at(case_dir) from exc
            if isinstance(exc, (OSError, *store.db_errors())) and (refused := user_error(exc, case_dir)) is not None:
                raise refused from exc
            raise
    log.info("received packet %s as case %s (%d items)", packet_path, case_dir, report.items)
    return TransferResult(case_dir, case_id, report.case_id, report.fingerprint, report.items, released,
                          examiner.strip(), report)


def _evidence_bytes(root: Path) -> int:
    total = 0
    for folder in (format.EVIDENCE_DIR, format.DERIVED_DIR):
        try:
            entries = list(os.scandir(root / folder))
        except OSError:
            continue
        total += sum(e.stat(follow_symlinks=False).st_size for e in entries if e.is_file(follow_symlinks=False))
    return total


def _receive(case: Case, root: Path, dump: dict[str, Any], report: PacketReport, released_by: str,
             received_by: str, purpose: str, packet_name: str, progress: Progress | None,
             should_cancel: ShouldCancel | None) -> None:
    tables: dict[str, list[dict[str, Any]]] = dump["tables"]
    items = tables["item"]
    # Copy evidence into the vault before the transaction: each copy is hashed
    # again on the way in, so the vault holds exactly what was verified.
    staged = {}
    for row in items:
        if row["sha256"] not in staged:
            copy = case.vault.stage(root / row["packet_path"], progress, should_cancel)
            if copy.sha256 != row["sha256"]:
                for other in staged.values():
                    case.vault.discard(other)
                case.vault.discard(copy)
                raise EvidenceDeskError(f"item {row['id']} changed while it was being received; import again")
            staged[row["sha256"]] = copy
    head = dump.get("custody_head") or {}
    chain_lines = (root / format.CUSTODY_JSONL).read_text("utf-8").splitlines()
    inherited: list[tuple[str, str]] = [(dump["case"]["id"], line) for line in chain_lines]
    for source_case_id, rel in (dump.get("inherited_custody") or {}).items():
        inherited += [(source_case_id, line) for line in (root / rel).read_text("utf-8").splitlines()]
    transfer_facts = {"source_case_id": dump["case"]["id"], "source_title": dump["case"]["title"],
                      "source_fingerprint": report.fingerprint, "packet": packet_name,
                      "custody_head": head, "tagmanifest_sha256": report.tagmanifest_sha256}
    # This module is the one way a packet becomes a case, so it writes the
    # catalogue rows with their original ids inside the case's own change.
    try:
        with case.change() as change:
            for copy in staged.values():
                placed = case.vault.place(copy)
                change.placed.append(placed)
                case.insert("object", {"sha256": placed.sha256, "size": placed.size, "stored_at": now_text()})
            transfer_id = case.insert("transfer_in", {
                "source_case_id": dump["case"]["id"], "source_title": dump["case"]["title"],
                "source_public_key": report.public_key_hex, "source_fingerprint": report.fingerprint,
                "custody_head_seq": head.get("seq", 0), "custody_head_hash": head.get("entry_hash", "0" * 64),
                "tagmanifest_sha256": report.tagmanifest_sha256,
                "signature": (root / format.SIGNATURE).read_bytes().hex(),
                "packet_name": packet_name, "released_by": released_by, "received_by": received_by,
                "received_at": now_text()})
            # Packets the sender had itself received travel on with their records.
            transfer_of = {dump["case"]["id"]: transfer_id}
            for earlier in tables.get("transfer_in", []):
                row = {k: v for k, v in earlier.items() if k != "id"}
                transfer_of.setdefault(earlier["source_case_id"], case.insert("transfer_in", row))
            for source_case_id, line in inherited:
                entry = json.loads(line)
                case.insert("inherited_custody", {"source_case_id": source_case_id, "seq": entry["seq"],
                                                "entry_hash": entry["entry_hash"], "line": line,
                                                "transfer_id": transfer_of.get(source_case_id, transfer_id)})
            for table in _TABLES:
                columns = case.columns(table)
                rows = [{k: v for k, v in row.items() if k in columns} for row in tables.get(table, [])]
                for row in rows:
                    case.insert(table, row)
            case.log("imported", target_type="case", purpose=purpose, released_by=released_by,
                      received_by=received_by, details={**transfer_facts, "transfer": transfer_id,
                                                        "items": len(items),
                                                        "record_counts": {t: len(tables.get(t, [])) for t in _TABLES}})
            events_of: dict[int, list[int]] = {}
            for link in tables.get("item_event", []):
                events_of.setdefault(link["item_id"], []).append(link["event_id"])
            for row in items:
                record = {name: row[name] for name in ITEM_RECORD_FIELDS}
                case.log("transferred", target_type="item", target_id=row["id"], item_id=row["id"],
                          item_sha256=row["sha256"], purpose=purpose, released_by=released_by,
                          received_by=received_by, condition="verified: signature and every hash hold",
                          details={"item": record, "events": events_of.get(row["id"], []),
                                   "source_item_id": row["id"], "packet_path": row["packet_path"],
                                   **transfer_facts})
    except BaseException:
        for copy in staged.values():
            case.vault.discard(copy)
        raise
