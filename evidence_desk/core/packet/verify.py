"""Checking a review packet without trusting whoever sent it.

Everything is recomputed from the bytes in the packet: the bag's structure
and completeness, every payload and tag file hash, the Ed25519 signature over
the tag manifest (against the public key carried in the packet, whose
fingerprint the reviewer compares out of band), the custody chain re-walked
line by line, and every evidence file's SHA-256 against its item in
``case.json`` and in the custody chain. Each failure names the file, item or
custody entry. Nothing in the packet is followed (symlinks are reported, not
read) and counts are checked against limits before anything is hashed.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from .. import custody, replay, signing
from ..vault import Progress, ShouldCancel, hash_file
from ..verify import CaseFailure, Failure, Verification, _replay_item
from . import examiner_seal, format
from .archive import OpenedPacket, PacketLimits, PacketRefused, check_member_name, collision_key

_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")


@dataclass(frozen=True)
class PacketFailure(Failure):
    """One thing in the packet that does not hold, naming the file in the packet."""

    path: str = ""

    @property
    def where(self) -> str:
        return self.path


@dataclass
class PacketReport(Verification):
    packet: str
    fingerprint: str = ""
    public_key_hex: str = ""
    case_id: str = ""
    case_title: str = ""
    items: int = 0
    files_hashed: int = 0
    bytes_hashed: int = 0
    custody_entries: int = 0
    custody_head: dict[str, Any] | None = None
    tagmanifest_sha256: str = ""
    signature_valid: bool = False
    examiner_fingerprint: str = ""  # the examiner key that sealed it too (.examiner_seal), if any
    examiner_signature_valid: bool = False
    failures: list[Failure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # findings that are not failures
    signatures: dict[str, Any] = field(default_factory=dict)  # the chain's examiner checkpoints
    FAILURE: ClassVar[type[Failure]] = PacketFailure
    WHERE: ClassVar[str] = "File"

    def summary(self) -> str:
        if self.ok:
            sealer = f", sealed by examiner key {self.examiner_fingerprint}" if self.examiner_signature_valid else ""
            return (f"packet intact: signature valid (key fingerprint {self.fingerprint}{sealer}), "
                    f"{self.files_hashed} files ({self.bytes_hashed} bytes) rehashed, {self.items} items match "
                    f"their catalogue and custody records, {self.custody_entries} custody entries chained")
        return f"{len(self.failures)} failure(s) in packet {self.packet}"


def verify_packet(path: Path | str, *, expect_fingerprint: str | None = None, limits: PacketLimits | None = None,
                  progress: Progress | None = None, should_cancel: ShouldCancel | None = None,
                  on_total: Callable[[int], None] | None = None,
                  expect_examiner: str | None = None) -> PacketReport:
    """Check the packet folder or zip at ``path``; a refused zip is reported, not raised.

    ``expect_fingerprint`` pins the case key, ``expect_examiner`` the examiner key that sealed it."""
    path = Path(path)
    report = PacketReport(str(path))
    try:
        with OpenedPacket(path, limits, should_cancel=should_cancel) as opened:
            verify_bag(opened.root, report, expect_fingerprint=expect_fingerprint, limits=limits,
                       progress=progress, should_cancel=should_cancel, on_total=on_total,
                       expect_examiner=expect_examiner)
    except PacketRefused as exc:
        report.fail("structure", f"refused: {exc}")
    return report


def verify_bag(root: Path, report: PacketReport, *, expect_fingerprint: str | None = None,
               limits: PacketLimits | None = None, progress: Progress | None = None,
               should_cancel: ShouldCancel | None = None,
               on_total: Callable[[int], None] | None = None,
               expect_examiner: str | None = None) -> dict[str, Any] | None:
    """Check the unpacked bag at ``root`` into ``report``; return its ``case.json`` if readable."""
    limits = limits or PacketLimits()
    files = _inventory(root, report, limits)
    if files is None:
        return None
    _check_bagit_txt(root, files, report)
    manifest = _read_manifest(root, format.MANIFEST, files, report, limits, payload=True)
    tagmanifest = _read_manifest(root, format.TAGMANIFEST, files, report, limits, payload=False)
    if manifest is None or tagmanifest is None:
        return None
    _check_signature(root, files, report, expect_fingerprint)
    examiner_seal.check_packet_seal(root, files, report, tagmanifest, expect_examiner)
    bag_info = _bag_info(root, files)

    # tag files: every one listed must match; every one present must be listed
    for rel in (format.BAGIT, format.BAG_INFO, format.MANIFEST, format.PUBLIC_HEX):
        if rel not in tagmanifest:
            report.fail("tag", f"{rel} is not listed in {format.TAGMANIFEST}, so the signature does not cover it",
                        path=rel)
    for rel, expected in sorted(tagmanifest.items()):
        if rel not in files:
            report.fail("tag", f"{rel} is listed in {format.TAGMANIFEST} but is not in the packet", path=rel)
            continue
        actual = hash_file(root / rel, should_cancel=should_cancel).sha256
        if actual != expected:
            report.fail("tag", f"{rel} was altered after sealing: SHA-256 is {actual}, the signed tag manifest "
                               f"says {expected}", path=rel)
    for rel in sorted(files):
        if not format.is_payload(rel) and rel not in tagmanifest and rel not in format.UNLISTED_TAG_FILES:
            report.fail("tag", f"{rel} is in the packet but not covered by the signed tag manifest", path=rel)

    # payload: complete, nothing extra, every byte as listed
    for rel in sorted(manifest):
        if rel not in files:
            report.fail("payload", f"{rel} is listed in the manifest but is not in the packet", path=rel)
    for rel in sorted(files):
        if format.is_payload(rel) and rel not in manifest:
            report.fail("payload", f"{rel} is in the packet but not in the manifest (added after sealing)",
                        path=rel)
    present = [rel for rel in sorted(manifest) if rel in files]
    if on_total is not None:
        on_total(sum(files[rel] for rel in present))
    actual_hashes: dict[str, str] = {}
    for rel in present:
        actual = hash_file(root / rel, progress, should_cancel).sha256
        report.files_hashed += 1
        report.bytes_hashed += files[rel]
        actual_hashes[rel] = actual
        if actual != manifest[rel]:
            report.fail("payload", f"{rel}: content altered: SHA-256 is {actual}, the manifest says "
                                   f"{manifest[rel]}", path=rel)
    oxum = bag_info.get(format.PAYLOAD_OXUM, "")
    if oxum:
        expected_oxum = f"{sum(files[r] for r in present)}.{len(present)}"
        if oxum != expected_oxum and not any(f.what == "payload" for f in report.failures):
            report.fail("payload", f"{format.PAYLOAD_OXUM} in {format.BAG_INFO} is {oxum}, the payload is {expected_oxum}")

    if not any(f.what in ("structure", "payload") for f in report.failures):
        _bagit_completeness(root, report)

    if files.get(format.CASE_JSON, 0) > limits.max_records_bytes:
        report.fail("limits", f"{format.CASE_JSON} is {files[format.CASE_JSON]:,} bytes, over the "
                              f"{limits.max_records_bytes:,}-byte limit; its records were not read",
                    path=format.CASE_JSON)
        return None
    dump = _load_json(root, format.CASE_JSON, files, report)
    if dump is None:
        return None
    try:
        _check_case(root, files, dump, manifest, actual_hashes, bag_info, report)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:  # a hostile or broken case.json
        report.fail("item", f"{format.CASE_JSON} is malformed ({type(exc).__name__}: {exc}); its records cannot "
                            "be checked", path=format.CASE_JSON)
        return None
    return dump


# --- structure -------------------------------------------------------------------

def _inventory(root: Path, report: PacketReport, limits: PacketLimits) -> dict[str, int] | None:
    """Every regular file in the bag (posix path -> size), without following links."""
    files: dict[str, int] = {}
    seen: dict[str, str] = {}
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            report.fail("structure", f"cannot read folder {folder}: {exc.strerror or exc}")
            continue
        for entry in entries:
            rel = Path(entry.path).relative_to(root).as_posix()
            key = collision_key(rel)
            if key in seen:
                report.fail("structure", f"{seen[key]} and {rel} differ only in letter case or Unicode "
                                         "normalisation; one would overwrite the other on another machine",
                            path=rel)
            seen[key] = rel
            mode = entry.stat(follow_symlinks=False).st_mode
            if stat.S_ISLNK(mode):
                report.fail("structure", f"{rel} is a symbolic link; packets hold no links (not followed)",
                            path=rel)
            elif stat.S_ISDIR(mode):
                stack.append(Path(entry.path))
            elif stat.S_ISREG(mode):
                files[rel] = entry.stat(follow_symlinks=False).st_size
                if len(files) > limits.max_files:
                    report.fail("limits", f"the packet holds more than {limits.max_files:,} files; refused "
                                          "before hashing")
                    return None
            else:
                report.fail("structure", f"{rel} is not a regular file", path=rel)
    return files


def _bagit_completeness(root: Path, report: PacketReport) -> None:
    """Ask the reference implementation too (structure and completeness only:
    the hashes were just checked here, with failures named per file)."""
    import bagit

    try:
        bagit.Bag(str(root)).validate(completeness_only=True)
    except bagit.BagError as exc:
        details = "; ".join(str(d) for d in getattr(exc, "details", None) or [])
        report.fail("structure", f"the bagit library rejects the bag: {exc}" + (f" ({details})" if details else ""))
    except Exception as exc:  # noqa: BLE001 - a third-party parser fed hostile input must not crash the check
        report.fail("structure", f"the bagit library cannot read the bag: {type(exc).__name__}: {exc}")


def _check_bagit_txt(root: Path, files: dict[str, int], report: PacketReport) -> None:
    if format.BAGIT not in files:
        report.fail("structure", f"{format.BAGIT} is missing: this is not a BagIt bag", path=format.BAGIT)
        return
    text = (root / format.BAGIT).read_bytes()[:4096]
    if not text.startswith(b"BagIt-Version: ") or b"Tag-File-Character-Encoding: UTF-8" not in text:
        report.fail("structure", f"{format.BAGIT} does not declare a BagIt version and UTF-8 tag files",
                    path=format.BAGIT)


def _read_manifest(root: Path, name: str, files: dict[str, int], report: PacketReport, limits: PacketLimits,
                   payload: bool) -> dict[str, str] | None:
    if name not in files:
        report.fail("structure", f"{name} is missing", path=name)
        return None
    if files[name] > limits.max_files * (64 + 2 + limits.max_name_bytes + 1):
        report.fail("limits", f"{name} is too large for {limits.max_files:,} entries; refused before hashing",
                    path=name)
        return None
    try:
        text = (root / name).read_text("utf-8")
    except UnicodeDecodeError:
        report.fail("structure", f"{name} is not UTF-8 text", path=name)
        return None
    entries: dict[str, str] = {}
    folded: dict[str, str] = {}
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) > limits.max_files:
        report.fail("limits", f"{name} lists {len(lines):,} files; the limit is {limits.max_files:,}; refused "
                              "before hashing", path=name)
        return None
    for number, line in enumerate(lines, 1):
        digest, _, rel = line.partition(" ")
        rel = rel.lstrip(" *").replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")
        if not _HEX64.match(digest) or not rel:
            report.fail("structure", f"{name} line {number} is not '<sha256>  <path>'", path=name)
            continue
        problem = check_member_name(rel, limits)
        if problem is None and payload and not format.is_payload(rel):
            problem = f"a payload path outside {format.PAYLOAD_DIR}/"
        if problem is None and not payload and (format.is_payload(rel) or rel == name):
            problem = f"a tag path inside {format.PAYLOAD_DIR}/ or the tag manifest itself"
        if problem is None and any(part in ("", ".") for part in rel.split("/")):
            problem = "an empty or '.' path component"
        if problem:
            report.fail("structure", f"{name} line {number} lists {rel!r}, refused: {problem}", path=rel)
            continue
        key = collision_key(rel)
        if key in folded:
            report.fail("structure", f"{name} lists {folded[key]!r} and {rel!r}, which are the same name once "
                                     "case and Unicode normalisation are ignored", path=rel)
            continue
        folded[key] = rel
        entries[rel] = digest.lower()
    return entries


def _check_signature(root: Path, files: dict[str, int], report: PacketReport,
                     expect_fingerprint: str | None) -> None:
    for rel in (format.PUBLIC_HEX, format.SIGNATURE):
        if rel not in files:
            report.fail("signature", f"{rel} is missing: the packet is not signed", path=rel)
            return
    key_text = (root / format.PUBLIC_HEX).read_bytes()[:200].decode("ascii", "replace").strip()
    try:
        public_key = bytes.fromhex(key_text)
    except ValueError:
        public_key = b""
    if len(public_key) != signing.KEY_BYTES:
        report.fail("signature", f"{format.PUBLIC_HEX} does not hold an Ed25519 public key", path=format.PUBLIC_HEX)
        return
    report.public_key_hex = public_key.hex()
    report.fingerprint = signing.fingerprint(public_key)
    if format.PUBLIC_PEM in files:
        try:
            pem_key = signing.public_from_pem((root / format.PUBLIC_PEM).read_bytes()[:4096])
        except signing.BadKey:
            pem_key = b""
        if pem_key != public_key:
            report.fail("signature", f"{format.PUBLIC_PEM} and {format.PUBLIC_HEX} hold different keys",
                        path=format.PUBLIC_PEM)
    if format.TAGMANIFEST not in files:
        return
    tagmanifest = (root / format.TAGMANIFEST).read_bytes()
    report.tagmanifest_sha256 = hashlib.sha256(tagmanifest).hexdigest()
    signature = (root / format.SIGNATURE).read_bytes()[:1024]
    report.signature_valid = signing.verify(public_key, signature, tagmanifest)
    if not report.signature_valid:
        report.fail("signature", f"the signature {format.SIGNATURE} does not match {format.TAGMANIFEST} under the "
                                 f"packet's key {report.fingerprint}: the packet was altered after sealing or the "
                                 "signature is damaged", path=format.SIGNATURE)
    if expect_fingerprint and signing.normalise_fingerprint(expect_fingerprint) != report.fingerprint:
        report.fail("signature", f"the packet is signed by key {report.fingerprint}, not by the expected "
                                 f"{signing.normalise_fingerprint(expect_fingerprint)}", path=format.PUBLIC_HEX)


def _bag_info(root: Path, files: dict[str, int]) -> dict[str, str]:
    if format.BAG_INFO not in files:
        return {}
    return format.parse_bag_info((root / format.BAG_INFO).read_text("utf-8", "replace"), max_lines=1000)


def _load_json(root: Path, rel: str, files: dict[str, int], report: PacketReport) -> Any:
    if rel not in files:
        report.fail("item", f"{rel} is missing: the packet carries no case records", path=rel)
        return None
    try:
        return format.loads_bounded((root / rel).read_text("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        report.fail("item", f"{rel} is not readable JSON: {exc}", path=rel)
        return None


# --- the case inside -----------------------------------------------------------------

def _check_case(root: Path, files: dict[str, int], dump: Any, manifest: dict[str, str],
                actual: dict[str, str], bag_info: dict[str, str], report: PacketReport) -> None:
    try:
        case = dump["case"]
        items = list(dump["tables"]["item"])
        case_id = str(case["id"])
    except (KeyError, TypeError):
        report.fail("item", f"{format.CASE_JSON} lacks the case record or its items", path=format.CASE_JSON)
        return
    report.case_id, report.case_title = case_id, str(case.get("title", ""))
    report.items = len(items)
    report.custody_head = dump.get("custody_head")
    if report.public_key_hex and case.get("public_key_hex") != report.public_key_hex:
        report.fail("signature", f"{format.CASE_JSON} names key {case.get('public_key_hex')}, but the packet is "
                                 f"sealed with {report.public_key_hex}", path=format.CASE_JSON)
    if bag_info.get(format.EXTERNAL_IDENTIFIER) not in (None, case_id):
        report.fail("tag", f"{format.BAG_INFO} names case {bag_info.get(format.EXTERNAL_IDENTIFIER)}, "
                           f"{format.CASE_JSON} {case_id}", path=format.BAG_INFO)

    chain = _read_chain(root, format.CUSTODY_JSONL, files, report)
    report.custody_entries = len(chain)
    head = dump.get("custody_head")
    head_pair = (int(head["seq"]), str(head["entry_hash"])) if isinstance(head, dict) else None
    for problem in custody.check_chain(chain, case_id, head_pair):
        report.fail("custody", f"{format.CUSTODY_JSONL}: {problem.message}", path=format.CUSTODY_JSONL,
                    seq=problem.seq, item_id=problem.item_id)
    if head_pair and chain and (chain[-1]["seq"], chain[-1]["entry_hash"]) != head_pair:
        report.fail("custody", f"{format.CUSTODY_JSONL} ends at entry #{chain[-1]['seq']}, but the case was sealed "
                               f"at entry #{head_pair[0]}", path=format.CUSTODY_JSONL)
    examiner_seal.check_packet_chain(chain, case_id, report)

    if chain and chain[0].get("action") == "case_created" and report.public_key_hex:
        try:
            opened_with = format.loads_bounded(chain[0]["details"]).get("public_key")
        except (ValueError, TypeError, AttributeError):
            opened_with = None
        if opened_with != report.public_key_hex:
            report.fail("signature", f"the packet is sealed with key {report.fingerprint}, but custody entry #1 "
                                     f"records that the case was opened with key {opened_with}: it was re-sealed "
                                     "by someone else", path=format.PUBLIC_HEX, seq=chain[0].get("seq"))

    # every record the packet carries must be the state its own chain replays to
    replayed = replay.replay(chain)
    if replayed.entries_with_records:
        carried = {table: [{k: v for k, v in row.items() if k != "packet_path"} for row in rows
                           if isinstance(row, dict)]
                   for table, rows in dump["tables"].items() if isinstance(rows, list)}
        whole_case = not isinstance(dump.get("scope"), dict) or dump["scope"].get("event_id") is None
        try:
            differences = replay.compare(replayed.state, carried, tables=None if whole_case else ())
        except (KeyError, TypeError):
            differences = []
            report.fail("record", f"{format.CASE_JSON} holds records without their keys", path=format.CASE_JSON)
        for difference in differences:
            report.fail("record", f"{format.CASE_JSON}: {difference}", path=format.CASE_JSON,
                        item_id=difference.key[0] if difference.table == "item" else None)
        chain_case = next(iter(replayed.state.get("case_info", {}).values()), None)
        if chain_case is not None:
            for name in ("title", "description", "created_at", "created_by", "default_examiner", "default_tz"):
                if name in case and case.get(name) != chain_case.get(name):
                    report.fail("record", f"{format.CASE_JSON}: the case's {name} is {case.get(name)!r}, the "
                                          f"chain says {chain_case.get(name)!r}", path=format.CASE_JSON)
    if report.fingerprint and "fingerprint" in case and case.get("fingerprint") != report.fingerprint:
        report.fail("record", f"{format.CASE_JSON}: the case's fingerprint is {case.get('fingerprint')!r}, the "
                              f"packet's key is {report.fingerprint}", path=format.CASE_JSON)
    by_item: dict[int, list[dict[str, Any]]] = {}
    for entry in chain:
        if entry.get("item_id") is not None:
            by_item.setdefault(entry["item_id"], []).append(entry)
    for item in items:
        try:
            item_id, name, sha, rel = item["id"], item["original_name"], item["sha256"], item["packet_path"]
        except (KeyError, TypeError):
            report.fail("item", f"{format.CASE_JSON} holds an item record without id, name, hash or path")
            continue
        label = f"item {item_id} ({name})"
        if rel not in manifest:
            report.fail("item", f"{label}: its file {rel} is not in the packet manifest", path=rel, item_id=item_id)
        elif manifest[rel] != sha:
            report.fail("item", f"{label}: the manifest lists {rel} with SHA-256 {manifest[rel]}, the catalogue "
                                f"says {sha}", path=rel, item_id=item_id)
        elif rel in actual and actual[rel] != sha:
            report.fail("item", f"{label}: {rel} has SHA-256 {actual[rel]}, the catalogue says {sha}", path=rel,
                        item_id=item_id)
        problems: list[CaseFailure] = []
        _replay_item(item, by_item.get(item_id, []), problems.append, fields=not replayed.entries_with_records)
        for problem in problems:
            report.fail("item", f"{label}: {problem.message}", item_id=item_id, seq=problem.seq, path=rel)

    inherited = dump.get("inherited_custody") or {}
    transfers = {t.get("source_case_id"): t for t in dump["tables"].get("transfer_in", []) if isinstance(t, dict)}
    for source_case_id, rel in sorted(inherited.items()):
        rows = _read_chain(root, rel, files, report)
        t = transfers.get(source_case_id)
        head = (int(t["custody_head_seq"]), str(t["custody_head_hash"])) if t else None
        for problem in custody.check_chain(rows, source_case_id, head):
            report.fail("custody", f"{rel} (chain received from case {source_case_id}): {problem.message}",
                        path=rel, seq=problem.seq)


def _read_chain(root: Path, rel: str, files: dict[str, int], report: PacketReport) -> list[dict[str, Any]]:
    if rel not in files:
        report.fail("custody", f"{rel} is missing: the custody chain cannot be re-walked", path=rel)
        return []
    rows: list[dict[str, Any]] = []
    with open(root / rel, encoding="utf-8", errors="replace") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            try:
                row = format.loads_bounded(line)
                if not isinstance(row, dict) or any(k not in row for k in (*custody.HASHED_FIELDS, "entry_hash")):
                    raise ValueError("not a custody entry")
                row["seq"] = int(row["seq"])
            except (ValueError, TypeError):
                report.fail("custody", f"{rel} line {number} is not a custody entry", path=rel)
                continue
            if format.canonical(row) != line:
                report.fail("custody", f"{rel} line {number} (entry #{row['seq']}) is not in canonical form: it was "
                                       "edited", path=rel, seq=row["seq"])
            rows.append(row)
    return rows
