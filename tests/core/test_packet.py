"""Review packets: built from a real case, checked by the real validators
(bagit, case_validate, pdftotext) and by verify-packet, which must name every
alteration."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import bagit
import pytest

from evidence_desk.cli import main
from evidence_desk.core import custody
from evidence_desk.core.case import Case
from evidence_desk.core.errors import Cancelled
from evidence_desk.core.packet.export import PacketError, export_packet
from evidence_desk.core.packet.verify import verify_packet

CASE_VALIDATE = Path(sys.executable).with_name("case_validate")


def make_case(base: Path) -> Case:
    """A small real case: originals with awkward names, a derived transcript, an edit,
    grades, a statement with a claim, an annotation, a request and a journal note."""
    src = base / "incoming"
    src.mkdir(parents=True)
    (src / "memo.txt").write_text("dispatcher memo 04-Oc5-2025/12:34:44\n", "utf-8")
    (src / "Memo.TXT").write_text("a second memo, same name but for case\n", "utf-8")
    (src / "dispatch.flac").write_bytes(bytes(range(256)) * 4000)
    (src / ".hidden name\u0301.bin").write_bytes(b"\x00\x01hidden")  # not imported by folder walk
    case = Case.create(base / "case", "Stand-down order", "Alice Field")
    event = case.events.add("Dispatch order", when="04-Oct-2025 12:34", tz="America/Chicago", place="South Side")
    other = case.events.add("Press statement", when="2025-10-05")
    memo = case.items.import_file(src / "memo.txt", event_ids=[event.id], source="CPD dispatcher")
    case.items.import_file(src / "Memo.TXT", event_ids=[other.id], source="CPD")
    audio = case.items.import_file(src / "dispatch.flac", event_ids=[event.id], source="OEMC")
    case.items.add_derived(memo.id, b"transcript: clear everybody out\n", name="../memo transcript.txt",
                     reason="typed transcription of the scan")
    case.items.edit(memo.id, reason="clearer", description="memo with the garbled timestamp")
    case.grades.add("source", audio.source_id, "official recording system", reliability="B")
    case.grades.add("item", memo.id, "consistent with the audio", credibility="2")
    statement = case.statements.add("CPD spokesperson", "press release", "officers did in fact respond",
                                   event_ids=[other.id], source="CPD")
    claim = case.claims.add("CPD units responded")
    case.claims.link(claim.id, "supports", statement_id=statement.id)
    case.claims.link(claim.id, "contradicts", item_id=audio.id)
    case.annotations.add(audio.id, "audio_segment", "clear everybody out", start_s=1.0, end_s=2.5,
                        speaker="dispatcher")
    case.requests.add("Body-worn video", addressed_to="CPD", asked="2025-10-06")
    case.journal.add("memo timestamp looks garbled", item_id=memo.id)
    return case


@pytest.fixture(scope="module")
def sealed(tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("sealed")
    mp = pytest.MonkeyPatch()
    mp.setenv("EVIDENCE_DESK_EXAMINER", "Alice Field")
    case = make_case(base)
    folder = export_packet(case, base / "packet", organisation="Office of Inspector General")
    zipped = export_packet(case, base / "packet.zip", zip=True)
    out = {"base": base, "case": case, "folder": folder, "zip": zipped, "items": case.items.list(),
           "fingerprint": case.info().fingerprint}
    yield out
    case.close()
    mp.undo()


def tampered(sealed: dict, tmp_path: Path) -> Path:
    copy = tmp_path / "packet"
    shutil.copytree(sealed["folder"], copy)
    return copy


def run_cli(args: list[str], capsys: pytest.CaptureFixture) -> tuple[int, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_packet_is_a_valid_bag_for_the_bagit_library(sealed: dict) -> None:
    bag = bagit.Bag(str(sealed["folder"]))
    assert bag.validate()
    assert bag.info["Source-Organization"] == "Office of Inspector General"
    assert bag.info["Contact-Name"] == "Alice Field"
    assert bag.info["External-Identifier"] == sealed["case"].id
    assert bag.info["Bagging-Date"] and bag.info["External-Description"]
    assert bag.info["Evidence-Desk-Key-Fingerprint"] == sealed["fingerprint"]


def test_case_jsonld_passes_case_validate_without_warnings(sealed: dict) -> None:
    result = subprocess.run([str(CASE_VALIDATE), str(sealed["folder"] / "data" / "case.jsonld")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    graph = json.loads((sealed["folder"] / "data" / "case.jsonld").read_text("utf-8"))["@graph"]
    hashes = {n["uco-types:hashValue"]["@value"] for n in _walk(graph) if n.get("@type") == "uco-types:Hash"}
    assert hashes == {i.sha256 for i in sealed["items"]}
    types = {n.get("@type") for n in graph}
    assert {"case-investigation:Investigation", "case-investigation:InvestigativeAction",
            "case-investigation:ProvenanceRecord", "uco-identity:Person", "uco-observable:File"} <= types


def _walk(nodes: list) -> list[dict]:
    out = []
    for node in nodes:
        if isinstance(node, dict):
            out.append(node)
            for value in node.values():
                out += _walk(value if isinstance(value, list) else [value])
    return out


def test_report_pdf_names_every_item_hash_and_the_key(sealed: dict) -> None:
    text = subprocess.run(["pdftotext", "-layout", str(sealed["folder"] / "data" / "report.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    for item in sealed["items"]:
        assert item.sha256 in flat, f"item {item.id} hash missing from the report"
    assert sealed["fingerprint"] in flat
    assert "<html" in (sealed["folder"] / "data" / "report.html").read_text("utf-8").lower()


def test_evidence_is_byte_identical_under_safe_unique_names_and_derived_kept_apart(sealed: dict) -> None:
    case, folder = sealed["case"], sealed["folder"]
    dump = json.loads((folder / "data" / "case.json").read_text("utf-8"))
    paths = {row["id"]: row["packet_path"] for row in dump["tables"]["item"]}
    for item in sealed["items"]:
        path = folder / paths[item.id]
        assert path.read_bytes() == case.items.read_bytes(item.id)
        assert path.parent.name == ("derived" if item.derived_from else "evidence")
        assert path.name.startswith(f"{item.id}-") and not path.name.split("-", 1)[1].startswith(".")
    assert len({p.lower() for p in paths.values()}) == len(paths)
    derived = [p for p in paths.values() if "/derived/" in p]
    assert derived == ["data/derived/4-_memo transcript.txt"]
    # the dump carries what another machine needs to rebuild the case
    for table in ("event", "source", "statement", "claim", "claim_link", "annotation", "request", "grade",
                  "journal", "metadata_change", "item_event"):
        assert dump["tables"][table], table
    assert dump["tables"]["event"][0]["time_raw"] == "04-Oct-2025 12:34"
    assert "signing_key" not in json.dumps(dump)


def test_custody_jsonl_is_the_chain_exactly_as_hashed(sealed: dict) -> None:
    lines = (sealed["folder"] / "data" / "custody.jsonl").read_text("utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    assert all(custody.canonical(r) == line for r, line in zip(rows, lines, strict=True))
    assert all(custody.entry_hash(r) == r["entry_hash"] for r in rows)
    assert custody.check_chain(rows, sealed["case"].id, None) == []


def test_export_is_recorded_in_the_case_chain(sealed: dict) -> None:
    sealed_entries = [e for e in sealed["case"].history.entries() if e.action == "sealed"]
    assert len(sealed_entries) == 2
    details = sealed_entries[0].details_dict
    tagmanifest = (sealed["folder"] / "tagmanifest-sha256.txt").read_bytes()
    import hashlib

    assert details["tagmanifest_sha256"] == hashlib.sha256(tagmanifest).hexdigest()
    assert details["fingerprint"] == sealed["fingerprint"]


@pytest.mark.parametrize("which", ["folder", "zip"])
def test_verify_packet_passes_an_intact_packet(sealed: dict, which: str, capsys: pytest.CaptureFixture) -> None:
    code, out = run_cli(["verify-packet", str(sealed[which]), "--expect-fingerprint",
                         sealed["fingerprint"].replace(":", "").upper()], capsys)
    assert code == 0, out
    assert sealed["fingerprint"] in out and "packet intact" in out


def test_one_altered_payload_byte_is_named(sealed: dict, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    packet = tampered(sealed, tmp_path)
    target = next((packet / "data" / "evidence").glob("*dispatch.flac"))
    data = bytearray(target.read_bytes())
    data[1000] ^= 0x01
    target.write_bytes(bytes(data))
    code, out = run_cli(["verify-packet", str(packet)], capsys)
    assert code == 1
    assert f"data/evidence/{target.name}: content altered" in out
    assert "(dispatch.flac)" in out


def test_one_altered_custody_line_is_named(sealed: dict, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    packet = tampered(sealed, tmp_path)
    path = packet / "data" / "custody.jsonl"
    lines = path.read_text("utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace('"examiner":"Alice Field"', '"examiner":"Mallory"')
    path.write_text("".join(lines), "utf-8")
    code, out = run_cli(["verify-packet", str(packet), "--json"], capsys)
    assert code == 1
    failures = json.loads(out)["failures"]
    assert any(f["seq"] == 3 and "custody entry #3" in f["text"] and "altered" in f["text"] for f in failures)
    assert any(f["path"] == "data/custody.jsonl" and "content altered" in f["text"] for f in failures)


def test_one_altered_signature_byte_is_named(sealed: dict, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    packet = tampered(sealed, tmp_path)
    sig = packet / "seal" / "tagmanifest-sha256.txt.sig"
    data = bytearray(sig.read_bytes())
    data[10] ^= 0x80
    sig.write_bytes(bytes(data))
    code, out = run_cli(["verify-packet", str(packet)], capsys)
    assert code == 1
    assert "signature seal/tagmanifest-sha256.txt.sig does not match" in out


def test_resealing_with_another_key_is_caught_by_the_expected_fingerprint(sealed: dict, tmp_path: Path,
                                                                          capsys: pytest.CaptureFixture) -> None:
    from evidence_desk.core import signing

    packet = tampered(sealed, tmp_path)
    forger = Case.create(tmp_path / "forger", "x", "Mallory")
    public = bytes.fromhex(forger.info().public_key_hex)
    (packet / "seal" / "public-key.hex").write_text(public.hex() + "\n")
    (packet / "seal" / "public-key.pem").write_bytes(signing.public_pem(public))
    forger.close()
    code, out = run_cli(["verify-packet", str(packet), "--expect-fingerprint", sealed["fingerprint"]], capsys)
    assert code == 1
    assert "not by the expected" in out


def test_export_of_one_event_carries_only_what_it_touches(sealed: dict) -> None:
    case = sealed["case"]
    event = case.events.list()[0]
    out = export_packet(case, sealed["base"] / "event-packet", event_id=event.id)
    report = verify_packet(out)
    assert report.ok, report.failures
    dump = json.loads((out / "data" / "case.json").read_text("utf-8"))
    ids = {r["id"] for r in dump["tables"]["item"]}
    expected = {i.id for i in case.items.list(event_id=event.id)}
    expected |= {i.id for i in case.items.list() if i.derived_from in expected}
    assert ids == expected
    assert [e["id"] for e in dump["tables"]["event"]] == [event.id]
    assert bagit.Bag(str(out)).validate()


def test_existing_destination_is_refused_and_cancel_leaves_nothing(sealed: dict, tmp_path: Path) -> None:
    case = sealed["case"]
    with pytest.raises(PacketError, match="already exists"):
        export_packet(case, sealed["folder"])
    before = len(case.history.entries())
    with pytest.raises(Cancelled):
        export_packet(case, tmp_path / "cancelled", should_cancel=lambda: True)
    with pytest.raises(Cancelled):
        export_packet(case, tmp_path / "cancelled.zip", zip=True, should_cancel=lambda: True)
    assert list(tmp_path.iterdir()) == []
    assert len(case.history.entries()) == before


def test_damaged_vault_object_is_never_sealed(tmp_path: Path) -> None:
    case = Case.create(tmp_path / "case", "t", "Alice")
    (tmp_path / "f.bin").write_bytes(b"original bytes")
    item = case.items.import_file(tmp_path / "f.bin")
    path = case.items.object_path(item.id)
    path.chmod(0o644)
    path.write_bytes(b"altered bytes!")
    with pytest.raises(PacketError, match="no longer matches"):
        export_packet(case, tmp_path / "packet")
    assert not (tmp_path / "packet").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    case.close()


def test_cli_export_zip_unpacks_to_a_valid_bag(sealed: dict, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    case_dir = sealed["case"].path
    event_id = sealed["case"].events.list()[0].id
    code, out = run_cli(["export", str(case_dir), "-o", str(tmp_path / "event.zip"), "--event",
                         str(event_id)], capsys)
    assert code == 0, out
    assert sealed["fingerprint"] in out
    shutil.unpack_archive(tmp_path / "event.zip", tmp_path / "unzipped")
    assert bagit.Bag(str(tmp_path / "unzipped" / "event")).validate()
    code, out = run_cli(["verify-packet", str(tmp_path / "event.zip")], capsys)
    assert code == 0, out
    code, out = run_cli(["export", str(case_dir), "-o", str(tmp_path / "event.zip")], capsys)
    assert code == 2 and "already exists" in out


def test_a_packet_resealed_under_another_key_names_the_key_the_case_was_opened_with(sealed: dict,
                                                                                    tmp_path: Path) -> None:
    import hashlib

    from evidence_desk.core import signing

    packet = tampered(sealed, tmp_path)
    forger = Case.create(tmp_path / "forger", "x", "Mallory")
    public = bytes.fromhex(forger.info().public_key_hex)
    (packet / "seal" / "public-key.hex").write_text(public.hex() + "\n")
    (packet / "seal" / "public-key.pem").write_bytes(signing.public_pem(public))
    (packet / "seal" / "fingerprint.txt").write_text(signing.fingerprint(public) + "\n")
    dump = json.loads((packet / "data" / "case.json").read_text("utf-8"))
    assert dump["case"]["public_key_hex"] != public.hex()
    tags = packet / "tagmanifest-sha256.txt"
    tags.write_text("".join(f"{hashlib.sha256((packet / rel).read_bytes()).hexdigest()}  {rel}\n"
                            for _, rel in (line.split("  ", 1) for line in tags.read_text("utf-8").splitlines())))
    (packet / "seal" / "tagmanifest-sha256.txt.sig").write_bytes(signing.sign(forger.signing_key_bytes(),
                                                                              tags.read_bytes()))
    forger.close()
    report = verify_packet(packet)
    assert report.signature_valid and report.fingerprint == signing.fingerprint(public)
    texts = [str(f) for f in report.failures]
    assert any("custody entry #1 records that the case was opened with key" in t for t in texts), texts


def test_a_name_with_a_percent_sign_travels_and_verifies(tmp_path: Path) -> None:
    """BagIt manifests percent-encode ``%``; a file named ``50%25 off.txt`` must still verify."""
    from evidence_desk.core.packet.verify import verify_packet

    case = Case.create(tmp_path / "case", "Percent", "Ann")
    source = tmp_path / "50%25 off.txt"
    source.write_bytes(b"half price")
    item = case.items.import_file(source)
    packet = export_packet(case, tmp_path / "packet")
    case.close()
    report = verify_packet(packet)
    assert report.ok, [str(f) for f in report.failures]
    assert item.name == "50%25 off.txt"
    assert [p.name for p in (packet / "data" / "evidence").iterdir()] == [f"{item.id}-50_25 off.txt"]
