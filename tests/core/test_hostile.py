"""Hostile packets: each is refused or reported with a clear message, nothing is
written outside the destination, and nothing crashes."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import struct
import time
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from evidence_desk.core.case import Case
from evidence_desk.core.packet.archive import PacketLimits, PacketRefused, extract_zip
from evidence_desk.core.packet.export import export_packet
from evidence_desk.core.packet.transfer import PacketRejected, import_packet
from evidence_desk.core.packet.verify import verify_packet


@pytest.fixture(scope="module")
def good_packet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("good")
    case = Case.create(base / "case", "Hostile packets", "Alice")
    for name, data in (("a.txt", b"alpha\n"), ("b.txt", b"bravo\n")):
        (base / name).write_bytes(data)
        case.items.import_file(base / name)
    packet = export_packet(case, base / "packet")
    case.close()
    return packet


def zip_of(path: Path, entries: list[tuple[str, bytes]], *, symlink: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries:
            archive.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.create_system = 3
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return path


def zip_bag(good: Path, path: Path, extra: list[tuple[str, bytes]] = (), **kw) -> Path:
    entries = [(f"bag/{p.relative_to(good).as_posix()}", p.read_bytes()) for p in sorted(good.rglob("*"))
               if p.is_file()]
    return zip_of(path, entries + list(extra), **kw)


def assert_refused(packet: Path, tmp_path: Path, needle: str) -> None:
    report = verify_packet(packet)
    assert not report.ok
    assert any(needle in str(f) for f in report.failures), [str(f) for f in report.failures]
    with pytest.raises((PacketRejected, PacketRefused)):
        import_packet(packet, tmp_path / "received", examiner="Bob")
    assert not (tmp_path / "received").exists()
    assert not [p for p in tmp_path.iterdir() if ".receiving" in p.name]


@pytest.mark.parametrize("name, needle", [
    ("../escaped.txt", "climbs out"),
    ("bag/../../escaped.txt", "climbs out"),
    ("/tmp/evidence-desk-absolute.txt", "absolute path"),
    ("C:/Windows/evil.txt", "absolute path"),
    ("bag\\..\\evil.txt", "backslash"),
])
def test_traversal_and_absolute_names_in_a_zip_are_refused(good_packet: Path, tmp_path: Path, name: str,
                                                           needle: str) -> None:
    packet = zip_bag(good_packet, tmp_path / "evil.zip", [(name, b"owned")])
    assert_refused(packet, tmp_path, needle)
    assert not (tmp_path.parent / "escaped.txt").exists()
    assert not Path("/tmp/evidence-desk-absolute.txt").exists()


def test_symlink_entry_in_a_zip_is_refused(good_packet: Path, tmp_path: Path) -> None:
    packet = zip_bag(good_packet, tmp_path / "link.zip", symlink="bag/data/evidence/passwd")
    assert_refused(packet, tmp_path, "symbolic link")


def test_symlink_in_a_packet_folder_is_reported_not_followed(good_packet: Path, tmp_path: Path) -> None:
    packet = tmp_path / "packet"
    shutil.copytree(good_packet, packet)
    victim = next((packet / "data" / "evidence").iterdir())
    victim.unlink()
    os.symlink("/etc/hostname", victim)
    report = verify_packet(packet)
    texts = [str(f) for f in report.failures]
    assert any("is a symbolic link" in t and victim.name in t for t in texts), texts
    assert any(f"data/evidence/{victim.name} is listed in the manifest but is not in the packet" in t
               for t in texts), texts


@pytest.mark.parametrize("first, second", [
    ("bag/data/evidence/Report.txt", "bag/data/evidence/report.TXT"),
    ("bag/data/evidence/" + unicodedata.normalize("NFC", "café.txt"),
     "bag/data/evidence/" + unicodedata.normalize("NFD", "café.txt")),
])
def test_names_differing_only_in_case_or_normalisation_are_refused(good_packet: Path, tmp_path: Path, first: str,
                                                                   second: str) -> None:
    packet = zip_bag(good_packet, tmp_path / "dupes.zip", [(first, b"one"), (second, b"two")])
    assert_refused(packet, tmp_path, "differ only in letter case or Unicode normalisation")


def test_manifest_with_colliding_or_escaping_paths_is_reported(good_packet: Path, tmp_path: Path) -> None:
    packet = tmp_path / "packet"
    shutil.copytree(good_packet, packet)
    manifest = packet / "manifest-sha256.txt"
    first = manifest.read_text("utf-8").splitlines()[0]
    digest, rel = first.split("  ", 1)
    manifest.write_text(manifest.read_text("utf-8") + f"{digest}  data/{rel[5:].upper()}\n{digest}  data/../../etc/passwd\n",
                        "utf-8")
    report = verify_packet(packet)
    texts = " | ".join(str(f) for f in report.failures)
    assert "same name once case and Unicode normalisation are ignored" in texts
    assert "climbs out" in texts
    assert "altered after sealing" in texts  # the manifest itself no longer matches the signed tag manifest


def test_zip_bomb_is_refused_before_extraction(tmp_path: Path) -> None:
    packet = tmp_path / "bomb.zip"
    with zipfile.ZipFile(packet, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bag/bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
        archive.writestr("bag/data/zeros.bin", bytes(8 * 1024 * 1024))
    assert packet.stat().st_size < 100_000
    assert_refused(packet, tmp_path, "zip bomb")


def test_zip_whose_sizes_lie_stops_at_the_declared_size(tmp_path: Path) -> None:
    packet = tmp_path / "liar.zip"
    with zipfile.ZipFile(packet, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("bag/bagit.txt", "BagIt-Version: 1.0\n")
        archive.writestr("bag/data/big.bin", b"x" * 4096)
    data = bytearray(packet.read_bytes())
    # shrink the declared uncompressed size in the central directory entry to 10 bytes
    at = data.rfind(b"PK\x01\x02")
    struct.pack_into("<L", data, at + 24, 10)
    packet.write_bytes(bytes(data))
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(PacketRefused):
        extract_zip(packet, out)


def test_manifest_listing_files_that_are_not_there_is_reported(good_packet: Path, tmp_path: Path) -> None:
    packet = tmp_path / "packet"
    shutil.copytree(good_packet, packet)
    gone = next((packet / "data" / "evidence").iterdir())
    gone.unlink()
    report = verify_packet(packet)
    texts = [str(f) for f in report.failures]
    assert f"data/evidence/{gone.name} is listed in the manifest but is not in the packet" in texts
    with pytest.raises(PacketRejected, match="listed in the manifest but is not in the packet"):
        import_packet(packet, tmp_path / "received", examiner="Bob")


def test_file_added_after_sealing_is_reported(good_packet: Path, tmp_path: Path) -> None:
    packet = tmp_path / "packet"
    shutil.copytree(good_packet, packet)
    (packet / "data" / "evidence" / "planted.txt").write_text("planted")
    (packet / "seal" / "extra.txt").write_text("unsigned")
    texts = [str(f) for f in verify_packet(packet).failures]
    assert "data/evidence/planted.txt is in the packet but not in the manifest (added after sealing)" in texts
    assert "seal/extra.txt is in the packet but not covered by the signed tag manifest" in texts


def test_signature_by_another_key_is_reported(good_packet: Path, tmp_path: Path) -> None:
    from evidence_desk.core import signing

    packet = tmp_path / "packet"
    shutil.copytree(good_packet, packet)
    other = Case.create(tmp_path / "other", "x", "Mallory")
    tagmanifest = (packet / "tagmanifest-sha256.txt").read_bytes()
    (packet / "seal" / "tagmanifest-sha256.txt.sig").write_bytes(signing.sign(other.signing_key_bytes(),
                                                                              tagmanifest))
    other.close()
    texts = [str(f) for f in verify_packet(packet).failures]
    assert any("does not match tagmanifest-sha256.txt" in t for t in texts), texts


def test_a_zip_claiming_a_million_entries_is_refused_unread(tmp_path: Path) -> None:
    packet = zip_of(tmp_path / "million.zip", [("bag/bagit.txt", b"BagIt-Version: 1.0\n")])
    data = bytearray(packet.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 0xFFFF, 0xFFFF)  # entries on this disk / in total
    zip64_claim = data
    packet.write_bytes(bytes(zip64_claim))
    started = time.monotonic()
    report = verify_packet(packet, limits=PacketLimits(max_files=50_000))
    assert time.monotonic() - started < 30  # generous: the point is it never tries to read them
    assert any("claims 65,535 entries; the limit is 50,000" in str(f) for f in report.failures), report.failures


def test_a_zip64_end_record_claiming_a_million_entries_is_refused(tmp_path: Path) -> None:
    packet = tmp_path / "million64.zip"
    with zipfile.ZipFile(packet, "w", allowZip64=True) as archive:
        archive.writestr("bag/bagit.txt", "BagIt-Version: 1.0\n")
    data = bytearray(packet.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    cd_size, cd_offset = struct.unpack_from("<LL", data, end + 12)
    zip64_end = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, 1_000_000, 1_000_000, cd_size,
                            cd_offset)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, end, 1)
    eocd = bytearray(data[end:])
    struct.pack_into("<HH", eocd, 8, 0xFFFF, 0xFFFF)
    packet.write_bytes(bytes(data[:end]) + zip64_end + locator + bytes(eocd))
    with pytest.raises(PacketRefused, match="claims 1,000,000 entries"):
        extract_zip(packet, tmp_path)


def test_a_folder_with_more_files_than_the_limit_is_refused_before_hashing(good_packet: Path,
                                                                           tmp_path: Path) -> None:
    packet = tmp_path / "packet"
    shutil.copytree(good_packet, packet)
    for n in range(30):
        (packet / "data" / f"tiny-{n}").write_bytes(b"x")
    report = verify_packet(packet, limits=PacketLimits(max_files=20))
    assert [str(f) for f in report.failures] == ["the packet holds more than 20 files; refused before hashing"]
    assert report.files_hashed == 0


def test_garbage_instead_of_a_packet_is_refused_cleanly(tmp_path: Path) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"PK\x03\x04 not really a zip")
    assert "refused" in str(verify_packet(junk).failures[0])
    assert "no packet at" in str(verify_packet(tmp_path / "missing").failures[0])
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "no bagit.txt" in str(verify_packet(empty).failures[0])


def test_malformed_case_records_are_reported_not_crashed_on(good_packet: Path, tmp_path: Path) -> None:
    packet = tmp_path / "packet"
    shutil.copytree(good_packet, packet)
    (packet / "data" / "case.json").write_text('{"case": {"id": [1]}, "tables": {"item": [[1, 2], {"id": []}]}}')
    texts = [str(f) for f in verify_packet(packet).failures]
    assert any("data/case.json" in t for t in texts), texts
    (packet / "data" / "case.json").write_text("[not json")
    assert any("not readable JSON" in str(f) for f in verify_packet(packet).failures)
    (packet / "data" / "case.json").write_text("[" + "1," * 5000 + "1]")
    texts = [str(f) for f in verify_packet(packet, limits=PacketLimits(max_records_bytes=1000)).failures]
    assert any("over the 1,000-byte limit" in t for t in texts), texts


def resealed_by_sender(packet: Path, case: Case, change: Callable[[dict[str, Any]], None]) -> None:
    """``change`` made to case.json, then the packet re-manifested and re-signed with the case's own key."""
    from evidence_desk.core import signing

    dump_path = packet / "data" / "case.json"
    dump = json.loads(dump_path.read_text("utf-8"))
    change(dump)
    dump_path.write_text(json.dumps(dump), "utf-8")

    def sha(path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()

    manifest = packet / "manifest-sha256.txt"
    manifest.write_text("".join(f"{sha(packet / rel) if rel == 'data/case.json' else digest}  {rel}\n"
                                for digest, rel in (line.split("  ", 1) for line in
                                                    manifest.read_text("utf-8").splitlines())), "utf-8")
    payload = [p for p in packet.joinpath("data").rglob("*") if p.is_file()]
    info = packet / "bag-info.txt"
    info.write_text("".join(f"Payload-Oxum: {sum(p.stat().st_size for p in payload)}.{len(payload)}\n"
                            if line.startswith("Payload-Oxum") else line + "\n"
                            for line in info.read_text("utf-8").splitlines()), "utf-8")
    tags = packet / "tagmanifest-sha256.txt"
    tags.write_text("".join(f"{sha(packet / rel)}  {rel}\n" for _, rel in
                            (line.split("  ", 1) for line in tags.read_text("utf-8").splitlines())), "utf-8")
    (packet / "seal" / "tagmanifest-sha256.txt.sig").write_bytes(signing.sign(case.signing_key_bytes(),
                                                                              tags.read_bytes()))


def test_a_sender_sealing_inconsistent_records_gets_a_refusal_and_no_case(tmp_path: Path) -> None:
    """Signed by the real key, yet its records reference an event that does not
    exist and no custody entry created that link: verification names the forged
    record, and the import refuses and keeps nothing."""
    case = Case.create(tmp_path / "case", "Hostile sender", "Mallory")
    (tmp_path / "a.txt").write_bytes(b"alpha")
    case.items.import_file(tmp_path / "a.txt")
    packet = export_packet(case, tmp_path / "packet")
    resealed_by_sender(packet, case, lambda dump: dump["tables"].update(item_event=[{"item_id": 1, "event_id": 999}]))
    case.close()
    report = verify_packet(packet)
    assert [str(f) for f in report.failures] == [
        "data/case.json: item_event 1/999: a row no custody entry created (found {'item_id': 1, 'event_id': 999})"]
    with pytest.raises(PacketRejected):
        import_packet(packet, tmp_path / "received", examiner="Bob")
    assert not (tmp_path / "received").exists()
    assert not [p for p in tmp_path.iterdir() if ".receiving" in p.name]


def test_a_sender_rewriting_who_made_the_case_is_named(tmp_path: Path) -> None:
    """The case record in case.json is checked field by field against the record the chain
    created, and its fingerprint against the key that sealed the packet."""
    case = Case.create(tmp_path / "case", "Hostile sender", "Mallory")
    packet = export_packet(case, tmp_path / "packet")

    def rewrite(dump: dict[str, Any]) -> None:
        dump["case"].update(created_by="Alice", default_examiner="Alice", created_at="2020-01-01T00:00:00Z",
                            fingerprint="0000:0000:0000:0000:0000:0000:0000:0000")

    resealed_by_sender(packet, case, rewrite)
    fingerprint = case.info().fingerprint
    case.close()
    texts = [str(f) for f in verify_packet(packet).failures]
    assert "data/case.json: the case's created_by is 'Alice', the chain says 'Mallory'" in texts
    assert "data/case.json: the case's default_examiner is 'Alice', the chain says 'Mallory'" in texts
    assert any(t.startswith("data/case.json: the case's created_at is '2020-01-01T00:00:00Z', the chain says")
               for t in texts), texts
    assert ("data/case.json: the case's fingerprint is '0000:0000:0000:0000:0000:0000:0000:0000', the packet's key "
            f"is {fingerprint}") in texts
    assert len(texts) == 4, texts
