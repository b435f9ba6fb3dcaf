"""Sealing a review packet: a signed BagIt bag (RFC 8493) a reviewer can check
without trusting the sender. What goes where is defined in :mod:`.format`.

Evidence is copied with a single read that hashes and writes, checked
against the catalogued hash (a packet never carries bytes that differ from
the catalogue), and the manifests are written from those hashes rather than
hashing everything twice. The bag is built in a temporary sibling and
renamed into place, so a half packet never exists at the destination.
"""

from __future__ import annotations

import hashlib
import logging
import os
import queue
import shutil
import threading
import zipfile
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from .. import custody, signing
from ..case import Case
from ..errors import Cancelled, EvidenceDeskError, VerificationFailed, user_error
from ..fsutil import fsync_dir, owned_name, remove_dead_temporaries
from ..vault import Digest, Progress, ShouldCancel, hash_file
from ..verify import VerifyReport
from . import examiner_seal, format
from .names import evidence_names

log = logging.getLogger("evidence_desk.packet")

CHUNK = 4 * 1024 * 1024
PARTIAL = ".partial"  # the bag being built beside its destination
ZIP_PARTIAL = ".zip.partial"  # the zip being written beside its destination
ENC_PARTIAL = ".age.partial"  # the encrypted packet being written beside its destination


class PacketError(EvidenceDeskError):
    """The packet cannot be written (destination exists, evidence damaged)."""


class PacketNotSealed(PacketError, VerificationFailed):
    """The case failed verification; its report names each failure."""

    exit_code = 1

    def __init__(self, verification: VerifyReport, message: str) -> None:
        super().__init__(message)
        self.verification = verification


def export_packet(case: Case, out: Path | str, *, zip: bool = False, event_id: int | None = None,
                  progress: Progress | None = None, should_cancel: ShouldCancel | None = None,
                  on_total: Callable[[int], None] | None = None, organisation: str = "",
                  contact: str = "", description: str = "", examiner_key: Any = None,
                  encrypt_to: Sequence[str] = ()) -> Path:
    """Seal a review packet of ``case`` (or of one event) at ``out``; return its path.

    ``progress`` receives byte increments of evidence copied; ``on_total`` the
    byte total first. Cancelling leaves nothing at ``out``. The export and the
    seal are logged in the case's custody chain unless the case is read-only.
    With ``examiner_key`` (an unlocked :class:`~evidence_desk.core.examiner_keys.ExaminerKey`)
    the examiner seals the packet too (:mod:`.examiner_seal`).
    With ``encrypt_to`` (age ``age1…`` recipients) the packet is one encrypted file
    only those reviewers open (:mod:`.encrypted`); ``out`` then ends in ``.age``.
    """
    out = Path(out)
    if encrypt_to:
        from . import encrypted

        zip, out = False, encrypted.encrypted_name(out)
    if out.exists() or out.is_symlink():
        raise PacketError(f"{out} already exists; choose a new name for the packet")
    if not out.parent.is_dir():
        raise PacketError(f"the folder {out.parent} does not exist")
    if event_id is not None:
        case.events.get(event_id)  # unknown event: fail before writing anything
    remove_dead_temporaries(out.parent, (PARTIAL, ZIP_PARTIAL, ENC_PARTIAL))  # what a killed export left here
    work = out.parent / owned_name(out.name, PARTIAL)
    try:
        # the clear bag of an encrypted packet, or of an encrypted case: owner only
        work.mkdir(mode=0o700 if encrypt_to or case.key is not None else 0o777)
    except OSError as exc:
        raise (user_error(exc, out.parent) or exc) from exc
    zip_tmp = out.with_name(owned_name(out.name, ZIP_PARTIAL))
    enc_tmp = out.with_name(owned_name(out.name, ENC_PARTIAL))
    try:
        if zip:
            # Evidence goes straight from the vault into the zip (one read that
            # hashes and writes); everything else is built in ``work`` and added after.
            with zipfile.ZipFile(zip_tmp, "w", allowZip64=True) as archive:
                sealed = _build(case, work, event_id, progress, should_cancel, on_total, organisation,
                                contact, description, out.name, archive=archive, arc_root=out.stem,
                                examiner_key=examiner_key)
                _zip_folder(archive, work, out.stem)
            _fsync_file(zip_tmp)
            os.replace(zip_tmp, out)
            shutil.rmtree(work)
        elif encrypt_to:
            from . import encrypted

            sealed = _build(case, work, event_id, progress, should_cancel, on_total, organisation, contact,
                            description, out.name, examiner_key=examiner_key)
            encrypted.seal_folder(work, encrypted.bag_name(out), enc_tmp, encrypt_to, should_cancel)
            os.replace(enc_tmp, out)
            shutil.rmtree(work)
        else:
            sealed = _build(case, work, event_id, progress, should_cancel, on_total, organisation, contact,
                            description, out.name, examiner_key=examiner_key)
            os.rename(work, out)
        fsync_dir(out.parent)
    except BaseException as exc:
        shutil.rmtree(work, ignore_errors=True)
        zip_tmp.unlink(missing_ok=True)
        enc_tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError) and (refused := user_error(exc, out)) is not None:
            raise refused from exc  # "disk full: <the packet>", not a bare "No space left on device"
        raise
    if not case.read_only:
        try:
            with case.change():  # both entries, or neither
                case.history.record_export(sealed["item_ids"], destination=str(out),
                                           purpose="sealed into a review packet")
                case.history.record_case_action("sealed", f"review packet {out.name} sealed", {
                    "packet": out.name, "tagmanifest_sha256": sealed["tagmanifest_sha256"],
                    "fingerprint": sealed["fingerprint"], "examiner_fingerprint": sealed["examiner_fingerprint"],
                    "custody_head": sealed["custody_head"],
                    "items": len(sealed["item_ids"]), "event_id": event_id,
                    **({"encrypted_for": list(encrypt_to)} if encrypt_to else {})})
        except BaseException:  # no packet leaves the case unrecorded
            if out.is_dir():
                shutil.rmtree(out, ignore_errors=True)
            else:
                out.unlink(missing_ok=True)
            raise
    log.info("sealed review packet %s (%d items)", out, len(sealed["item_ids"]))
    return out


def _build(case: Case, work: Path, event_id: int | None, progress: Progress | None,
           should_cancel: ShouldCancel | None, on_total: Callable[[int], None] | None,
           organisation: str, contact: str, description: str, packet_name: str,
           archive: zipfile.ZipFile | None = None, arc_root: str = "", examiner_key: Any = None) -> dict[str, Any]:
    info = case.info()
    public_key = bytes.fromhex(info.public_key_hex)
    fingerprint = signing.fingerprint(public_key)
    with case.consistent_read():  # the records and the chain must describe the same moment
        tables = scoped_tables(case, event_id)
        chain = case.table_rows("custody")
        objects = case.table_rows("object")
    head = {"seq": chain[-1]["seq"], "entry_hash": chain[-1]["entry_hash"]} if chain else None
    items = tables["item"]
    names = evidence_names([(r["id"], r["original_name"]) for r in items])
    for row in items:
        folder = format.DERIVED_DIR if row["derived_from"] is not None else format.EVIDENCE_DIR
        row["packet_path"] = f"{folder}/{names[row['id']]}"
    if on_total is not None:  # copying the packet's items, then verifying the rest of the case
        in_packet = {r["sha256"] for r in items}
        on_total(sum(r["size"] for r in items)
                 + sum(r["size"] for r in objects if r["sha256"] not in in_packet))

    payload: dict[str, str] = {}  # bag path -> sha256
    sizes: dict[str, int] = {}  # bag path -> size, for files not in ``work``
    (work / format.EVIDENCE_DIR).mkdir(parents=True)
    (work / format.DERIVED_DIR).mkdir(parents=True)
    syncing: Future[None] | None = None
    if archive is None:
        found = _copy_evidence(case, work, items, progress, should_cancel)
        # The disk writes the evidence back while the records and reports are built.
        syncer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="packet-sync")
        syncing = syncer.submit(_fsync_all, [work / row["packet_path"] for row in items])
        syncer.shutdown(wait=False)
    else:
        found = _stream_evidence(case, archive, arc_root, items, progress, should_cancel)
    rehashed: dict[str, str] = {}
    for row in items:
        sha, size = found[row["packet_path"]]
        if sha != row["sha256"] or size != row["size"]:
            raise PacketError(f"item {row['id']} ({row['original_name']}) no longer matches its catalogued "
                              f"SHA-256 in the vault (now {sha}); run verify before sealing a packet")
        payload[row["packet_path"]] = sha
        sizes[row["packet_path"]] = size
        rehashed[sha] = sha

    def put(rel: str, data: bytes) -> None:
        target = work / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        payload[rel] = hashlib.sha256(data).hexdigest()

    now = custody.utc_text(datetime.now(UTC))
    put(format.CUSTODY_JSONL, b"".join(format.canonical_line(row) for row in chain))
    inherited = tables.pop("inherited_custody", [])
    by_source: dict[str, list[str]] = {}
    for row in inherited:
        by_source.setdefault(row["source_case_id"], []).append(row["line"])
    for source_case_id, lines in sorted(by_source.items()):
        put(format.inherited_chain(source_case_id), "".join(f"{line}\n" for line in lines).encode())
    dump = {
        "format": format.PACKET_FORMAT, "format_version": format.FORMAT_VERSION, "exported_at": now,
        "exported_by": case.examiner, "software": format.SOFTWARE, "scope": {"event_id": event_id},
        "case": {"id": info.id, "title": info.title, "description": info.description,
                 "created_at": info.created_at, "created_by": info.created_by,
                 "default_examiner": info.default_examiner, "default_tz": info.default_tz,
                 "public_key_hex": info.public_key_hex, "fingerprint": fingerprint},
        "custody_head": head, "tables": tables,
        "inherited_custody": {k: format.inherited_chain(k) for k in sorted(by_source)},
    }
    put(format.CASE_JSON, format.readable_json(dump))
    from .caseuco import case_graph

    put(format.CASE_JSONLD, format.readable_json(case_graph(dump, chain), sort_keys=False))
    from ..verify import verify

    # The report states what verification found at the moment of sealing.
    verification = verify(case.path, progress, should_cancel, rehashed=rehashed, key=case.key)
    if not verification.ok:  # a packet never carries records its own chain does not prove
        shown = "; ".join(str(f) for f in verification.failures[:5])
        more = f" (and {len(verification.failures) - 5} more)" if len(verification.failures) > 5 else ""
        raise PacketNotSealed(verification, f"the case does not verify, so no packet was sealed: {shown}{more}")
    _write_reports(case, work, event_id, fingerprint, verification)
    for rel in (format.REPORT_PDF, format.REPORT_HTML):
        payload[rel] = hash_file(work / rel).sha256
    if should_cancel is not None and should_cancel():
        raise Cancelled("packet export cancelled")

    oxum_bytes = sum(sizes[rel] if rel in sizes else (work / rel).stat().st_size for rel in payload)
    _write_text(work / format.MANIFEST, "".join(f"{sha}  {rel}\n" for rel, sha in sorted(payload.items())))
    _write_text(work / format.BAGIT, format.BAGIT_DECLARATION)
    bag_info = {
        format.SOURCE_ORGANIZATION: organisation.strip() or os.environ.get("EVIDENCE_DESK_ORGANISATION", "")
        or "not stated",
        format.CONTACT_NAME: contact.strip() or case.examiner,
        format.BAGGING_DATE: date.today().isoformat(),
        format.EXTERNAL_IDENTIFIER: info.id,
        format.EXTERNAL_DESCRIPTION: description or f"{format.SOFTWARE} review packet: {info.title}"
        + (f" (event {event_id})" if event_id is not None else ""),
        format.BAG_SOFTWARE_AGENT: f"{format.SOFTWARE} {_version()}",
        format.PAYLOAD_OXUM: f"{oxum_bytes}.{len(payload)}",
        format.INTERNAL_SENDER_IDENTIFIER: packet_name,
        format.KEY_FINGERPRINT: fingerprint,
        format.CUSTODY_HEAD: f"{head['seq']} {head['entry_hash']}" if head else "none",
    }
    if examiner_key is not None:
        bag_info[format.EXAMINER_KEY_FINGERPRINT] = examiner_key.fingerprint
    _write_text(work / format.BAG_INFO, format.bag_info_text(bag_info))
    _write_bytes(work / format.PUBLIC_PEM, signing.public_pem(public_key))
    _write_text(work / format.PUBLIC_HEX, info.public_key_hex + "\n")
    _write_text(work / format.FINGERPRINT, fingerprint + "\n")
    tag_files = format.SIGNED_TAG_FILES

    def put_tag(rel: str, data: bytes) -> None:
        _write_bytes(work / rel, data)

    if examiner_key is not None:
        tag_files += examiner_seal.write_examiner_seal(put_tag, examiner_key)
    tagmanifest = "".join(f"{hash_file(work / rel).sha256}  {rel}\n" for rel in sorted(tag_files)).encode()
    _write_bytes(work / format.TAGMANIFEST, tagmanifest)
    _write_bytes(work / format.SIGNATURE, signing.sign(case.signing_key_bytes(), tagmanifest))
    if examiner_key is not None:
        examiner_seal.sign_tagmanifest(put_tag, examiner_key, tagmanifest)
    if syncing is not None:
        syncing.result()
    for folder in (work / format.EVIDENCE_DIR, work / format.DERIVED_DIR, work / format.PAYLOAD_DIR,
                   work / format.SEAL_DIR, work):
        fsync_dir(folder)
    return {"item_ids": [r["id"] for r in items], "fingerprint": fingerprint, "custody_head": head,
            "examiner_fingerprint": examiner_key.fingerprint if examiner_key is not None else "",
            "tagmanifest_sha256": hashlib.sha256(tagmanifest).hexdigest()}


def _write_reports(case: Case, work: Path, event_id: int | None, fingerprint: str,
                   verification: VerifyReport) -> None:
    """Both editions from one model, so the PDF and the HTML state the same
    report hash. ``work`` is the temporary bag, already atomic as a whole."""
    from ..report import build_report_model, render_html, render_pdf

    # The report scopes an event the same way the packet does (its items,
    # their derived records, its statements and their claims).
    model = build_report_model(case, event_id=event_id, verification=verification,
                               packet_fingerprint=fingerprint)
    render_pdf(model, work / format.REPORT_PDF)
    render_html(model, work / format.REPORT_HTML)
    for rel in (format.REPORT_PDF, format.REPORT_HTML):
        _fsync_file(work / rel)


# --- what goes in ----------------------------------------------------------------

def scoped_tables(case: Case, event_id: int | None) -> dict[str, list[dict[str, Any]]]:
    """Every catalogue row the packet carries: the whole case, or what one event touches.

    An event's packet holds its items, the items they derive from or that derive
    from them, its statements and the items they quote, and the claims, grades,
    notes and requests about those; references to anything left out are dropped
    so the packet rebuilds as a consistent case."""
    names = ("source", "event", "item", "item_event", "statement", "statement_event", "claim", "claim_link",
             "annotation", "request", "request_item", "grade", "journal", "metadata_change", "derived_text")
    tables = {name: case.table_rows(name) for name in names if name != "derived_text" or _has_table(case, name)}
    if _has_table(case, "transfer_in"):
        tables["transfer_in"] = case.table_rows("transfer_in")
        tables["inherited_custody"] = case.table_rows("inherited_custody")
    if event_id is None:
        return tables
    events = {event_id}
    statements = {r["statement_id"] for r in tables["statement_event"] if r["event_id"] in events}
    items = {r["item_id"] for r in tables["item_event"] if r["event_id"] in events}
    items |= {r["item_id"] for r in tables["statement"] if r["id"] in statements and r["item_id"]}
    by_id = {r["id"]: r for r in tables["item"]}
    changed = True
    while changed:  # close over derivation both ways
        before = len(items)
        items |= {by_id[i]["derived_from"] for i in list(items) if by_id[i]["derived_from"] is not None}
        items |= {r["id"] for r in tables["item"] if r["derived_from"] in items}
        changed = len(items) != before
    links = [r for r in tables["claim_link"] if r["item_id"] in items or r["statement_id"] in statements]
    claims = {r["claim_id"] for r in links}
    request_items = [r for r in tables["request_item"] if r["item_id"] in items]
    with_items = {r["request_id"] for r in tables["request_item"]}
    requests = {r["request_id"] for r in request_items} | {r["id"] for r in tables["request"]
                                                            if r["id"] not in with_items}
    kept = {"item": items, "statement": statements, "claim": claims, "event": events, "request": requests}
    sources = {by_id[i]["source_id"] for i in items} | {r["source_id"] for r in tables["statement"]
                                                        if r["id"] in statements}
    kept["source"] = {s for s in sources if s is not None}
    out = {
        "source": [r for r in tables["source"] if r["id"] in kept["source"]],
        "event": [r for r in tables["event"] if r["id"] in events],
        "item": [r for r in tables["item"] if r["id"] in items],
        "item_event": [r for r in tables["item_event"] if r["item_id"] in items and r["event_id"] in events],
        "statement": [r for r in tables["statement"] if r["id"] in statements],
        "statement_event": [r for r in tables["statement_event"]
                            if r["statement_id"] in statements and r["event_id"] in events],
        "claim": [r for r in tables["claim"] if r["id"] in claims],
        "claim_link": links,
        "annotation": [r for r in tables["annotation"] if r["item_id"] in items],
        "derived_text": [r for r in tables.get("derived_text", []) if r["item_id"] in items],
        "request": [r for r in tables["request"] if r["id"] in requests],
        "request_item": request_items,
        "grade": [r for r in tables["grade"] if r["target_id"] in kept.get(r["target_type"], ())],
        "journal": [r for r in tables["journal"] if r["event_id"] in events or r["item_id"] in items],
        "metadata_change": [r for r in tables["metadata_change"] if r["target_id"] in kept.get(r["target_type"], ())],
    }
    if "transfer_in" in tables:
        out["transfer_in"] = tables["transfer_in"]
        out["inherited_custody"] = tables["inherited_custody"]
    return out


def _has_table(case: Case, name: str) -> bool:
    return bool(case.columns(name))


# --- bytes out ---------------------------------------------------------------------

def _copy_evidence(case: Case, work: Path, items: list[dict[str, Any]], progress: Progress | None,
                   should_cancel: ShouldCancel | None) -> dict[str, tuple[str, int]]:
    """Copy each item into the bag folder; return bag path -> (sha256, size) of the copy."""
    first_copy: dict[str, str] = {}  # sha256 -> bag path of its first copy
    hashing: list[tuple[str, Future[Digest]]] = []
    # The kernel copies one file while two threads hash the copies before it
    # (hashing is slower than copying; hashlib releases the GIL).
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="packet-hash") as hasher:
        try:
            for row in items:
                target = work / row["packet_path"]
                if row["sha256"] in first_copy:  # identical content under two items
                    shutil.copyfile(work / first_copy[row["sha256"]], target)
                elif case.vault.sealer is not None:  # an encrypted case: the packet gets the plaintext
                    _copy_opened(case, row["sha256"], target, progress, should_cancel)
                else:
                    copy_file(case.vault.object_path(row["sha256"]), target, progress, should_cancel)
                    first_copy[row["sha256"]] = row["packet_path"]
                hashing.append((row["packet_path"], hasher.submit(hash_file, target)))
        except BaseException:
            for _, future in hashing:
                future.cancel()
            raise
    return {rel: future.result() for rel, future in hashing}


def _stream_evidence(case: Case, archive: zipfile.ZipFile, arc_root: str, items: list[dict[str, Any]],
                     progress: Progress | None, should_cancel: ShouldCancel | None) -> dict[str, tuple[str, int]]:
    """Write each item into the zip (stored: media is already compressed) reading it
    once; the SHA-256 is computed in a second thread from the same chunks."""
    found: dict[str, tuple[str, int]] = {}
    for row in items:
        source = case.vault.object_path(row["sha256"])
        info = zipfile.ZipInfo(f"{arc_root}/{row['packet_path']}", date_time=_zip_time())
        info.compress_type = zipfile.ZIP_STORED
        info.external_attr = 0o644 << 16
        digest = hashlib.sha256()
        chunks: queue.Queue = queue.Queue(4)

        def hasher(digest: Any = digest, chunks: queue.Queue = chunks) -> None:
            while (chunk := chunks.get()) is not None:
                digest.update(chunk)

        thread = threading.Thread(target=hasher, daemon=True)
        thread.start()
        size = 0
        try:
            with case.vault.open_object(row["sha256"]) as src, \
                    archive.open(info, "w", force_zip64=row["size"] >= 2 ** 31) as dst:
                while chunk := src.read(CHUNK):
                    chunks.put(chunk)
                    dst.write(chunk)
                    size += len(chunk)
                    if progress is not None:
                        progress(len(chunk))
                    if should_cancel is not None and should_cancel():
                        raise Cancelled("packet export cancelled")
        except FileNotFoundError:
            raise PacketError(f"{source} is missing from the vault; run verify before sealing a packet") from None
        finally:
            chunks.put(None)
            thread.join()
        found[row["packet_path"]] = (digest.hexdigest(), size)
    return found


def _zip_folder(archive: zipfile.ZipFile, folder: Path, arc_root: str) -> None:
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        for name in sorted(filenames):
            full = Path(dirpath) / name
            rel = full.relative_to(folder).as_posix()
            archive.write(full, f"{arc_root}/{rel}", compress_type=zipfile.ZIP_DEFLATED)


def _zip_time() -> tuple[int, int, int, int, int, int]:
    return datetime.now().timetuple()[:6]  # type: ignore[return-value]


def _copy_opened(case: Case, sha256: str, target: Path, progress: Progress | None,
                 should_cancel: ShouldCancel | None) -> None:
    """Copy the plaintext of a sealed object to ``target``, opening it chunk by chunk."""
    try:
        src = case.vault.open_object(sha256)
    except FileNotFoundError:
        raise PacketError(f"{sha256} is missing from the vault; run verify before sealing a packet") from None
    with src, open(target, "xb") as out:
        while chunk := src.read(CHUNK):
            out.write(chunk)
            if progress is not None:
                progress(len(chunk))
            if should_cancel is not None and should_cancel():
                raise Cancelled("packet export cancelled")


def copy_file(source: Path, target: Path, progress: Progress | None = None,
              should_cancel: ShouldCancel | None = None) -> int:
    """Copy ``source`` to the new file ``target`` in the kernel (``copy_file_range``,
    no trip through Python); return the size. Not fsynced here: waiting for
    the disk after every file would serialise copying behind write-back, so
    the bag is made durable in one pass before it is renamed into place.

    The caller hashes the *copy* (:func:`~evidence_desk.core.vault.hash_file`) while it is still in
    the page cache, so the hash vouches for the bytes actually in the packet."""
    try:
        src = open(source, "rb", buffering=0)
    except FileNotFoundError:
        raise PacketError(f"{source} is missing from the vault; run verify before sealing a packet") from None
    with src:
        out_fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            size = os.fstat(src.fileno()).st_size
            _kernel_copy(src.fileno(), out_fd, size, progress, should_cancel)
        finally:
            os.close(out_fd)
    return size


def _kernel_copy(src: int, dst: int, size: int, progress: Progress | None,
                 should_cancel: ShouldCancel | None) -> None:
    done = 0
    use_kernel = hasattr(os, "copy_file_range")
    while done < size:
        if should_cancel is not None and should_cancel():
            raise Cancelled("packet export cancelled")
        step = min(16 * CHUNK, size - done)
        n = 0
        if use_kernel:
            try:
                n = os.copy_file_range(src, dst, step, done, done)
            except OSError:  # another file system or an old kernel: copy through memory
                use_kernel = False
        if not use_kernel:
            chunk = os.pread(src, min(CHUNK, step), done)
            view = memoryview(chunk)
            while view:
                view = view[os.pwrite(dst, view, done + len(chunk) - len(view)):]
            n = len(chunk)
        if n == 0:
            raise PacketError("a vault object ended early while it was being copied; run verify")
        done += n
        if progress is not None:
            progress(n)


def _fsync_all(paths: list[Path]) -> None:
    for path in paths:
        try:
            _fsync_file(path)
        except FileNotFoundError:  # the export failed meanwhile and its folder is being removed
            return


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _write_text(path: Path, text: str) -> None:
    _write_bytes(path, text.encode("utf-8"))


def _version() -> str:
    from ... import __version__

    return __version__
