"""A reviewer who does not trust Evidence Desk checks a packet with standard tools.

Every ``sh`` block of docs/verify-without-evidence-desk.md is run here exactly
as written (``python3`` becomes this interpreter), as subprocesses: on a fresh
packet every step holds; on tampered copies the step meant to catch each
tampering fails and names it."""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from evidence_desk.core import signing
from evidence_desk.core.case import Case
from evidence_desk.core.packet import format
from evidence_desk.core.packet.export import export_packet
from evidence_desk.core.packet.transfer import import_packet

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "verify-without-evidence-desk.md"
SCRIPT = REPO / "tools" / "verify_packet_chain.py"
TOOLS = ("bash", "sha256sum", "openssl", "unzip", "find", "diff", "cut", "sort", "tail", "sed")

MISSING = [tool for tool in TOOLS if shutil.which(tool) is None]


def doc_blocks() -> list[str]:
    """The commands of the document, block by block, in order."""
    return re.findall(r"^```sh\n(.*?)^```$", DOC.read_text("utf-8"), flags=re.S | re.M)


def block(marker: str) -> str:
    found = [b for b in doc_blocks() if marker in b]
    assert len(found) == 1, f"the document should have one sh block with {marker!r}, has {len(found)}"
    return found[0]


UNZIP, MANIFESTS, BAGIT, SEAL, FINGERPRINT, PUBLISHED, CHAIN = (
    block("unzip"), block("sha256sum -c"), block("bagit.py"), block("-inkey seal/public-key.pem"),
    block("openssl pkey "), block("published-key.pem"), block("verify_packet_chain.py"))


def run(commands: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """One block as a reviewer's shell runs it; the first failing command ends it."""
    if MISSING:
        pytest.skip(f"the documented steps need {', '.join(MISSING)}, not installed here")
    commands = re.sub(r"^python3 ", shlex.quote(sys.executable) + " ", commands, flags=re.M)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("PYTHONPATH", None)
    return subprocess.run(["bash", "-e", "-o", "pipefail", "-c", commands], cwd=cwd, env=env,
                          capture_output=True, text=True)


def output(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout + result.stderr


@pytest.fixture(scope="module")
def review(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A field case received at the office (so its packet carries an inherited chain), sealed as a
    zip, and what a reviewer puts beside it: the script from the repository and the published key."""
    base = tmp_path_factory.mktemp("standalone")
    (base / "memo.txt").write_text("dispatcher memo 04-Oc5-2025/12:34:44\n", "utf-8")
    (base / "dispatch.flac").write_bytes(b"fLaC" + bytes(range(256)) * 300)
    with Case.create(base / "field", "Stand-down order", "Alice Field") as field:
        event = field.events.add("Dispatch order", when="04-Oct-2025 12:34", tz="America/Chicago")
        memo = field.items.import_file(base / "memo.txt", event_ids=[event.id], source="CPD dispatcher")
        audio = field.items.import_file(base / "dispatch.flac", event_ids=[event.id], source="OEMC")
        field.items.edit(memo.id, reason="clearer", description="memo with the garbled timestamp")
        field.grades.add("source", audio.source_id, "official recording system", reliability="B")
        statement = field.statements.add("CPD spokesperson", "press release", "officers did in fact respond")
        claim = field.claims.add("CPD units responded")
        field.claims.link(claim.id, "supports", statement_id=statement.id)
        field.claims.link(claim.id, "contradicts", item_id=audio.id)
        field.annotations.add(audio.id, "audio_segment", "clear everybody out", start_s=1.0, end_s=2.5)
        field_id = field.id
        field_packet = export_packet(field, base / "field-packet")
    import_packet(field_packet, base / "office", examiner="Bob Office")
    folder = base / "review"
    folder.mkdir()
    with Case.open(base / "office", examiner="Bob Office") as office:
        office.journal.add("received at the office; memo timestamp still garbled", item_id=memo.id)
        export_packet(office, folder / "packet.zip", zip=True)
        info = office.info()
        event_packet = export_packet(office, base / "event-packet", event_id=event.id)
    # Obtained another way than the packet: from the examiner's own case.
    (folder / "published-key.pem").write_bytes(signing.public_pem(bytes.fromhex(info.public_key_hex)))
    shutil.copy(SCRIPT, folder / "verify_packet_chain.py")
    unzipped = run(UNZIP, folder)
    assert unzipped.returncode == 0, output(unzipped)
    return {"folder": folder, "packet": folder / "packet", "unzipped": unzipped, "fingerprint": info.fingerprint, "field_id": field_id,
            "event_packet": event_packet, "event_id": event.id}


@pytest.fixture
def copy(review: dict, tmp_path: Path) -> Path:
    """A copy of the unpacked packet with the reviewer's script and key beside it, to tamper with."""
    shutil.copytree(review["packet"], tmp_path / "packet")
    for name in ("verify_packet_chain.py", "published-key.pem"):
        shutil.copy(review["folder"] / name, tmp_path / name)
    return tmp_path / "packet"


def test_every_documented_step_holds_on_a_sealed_packet(review: dict) -> None:
    packet = review["packet"]
    assert (packet / format.CUSTODY_JSONL).is_file()
    assert (packet / format.inherited_chain(review["field_id"])).is_file()
    results = {UNZIP: review["unzipped"]}  # run by the fixture, in the folder that holds the zip
    for commands in doc_blocks():  # every block, so a step added to the page is run too
        if commands not in results:
            results[commands] = result = run(commands, packet)
            assert result.returncode == 0, f"{commands}\n{output(result)}"
    assert set(results) == {UNZIP, MANIFESTS, BAGIT, SEAL, FINGERPRINT, PUBLISHED, CHAIN}
    listed = len((packet / format.MANIFEST).read_text("utf-8").splitlines()) + len(format.SIGNED_TAG_FILES)
    assert results[MANIFESTS].stdout.count(": OK\n") == listed and results[MANIFESTS].stderr == ""
    assert "Signature Verified Successfully" in results[SEAL].stdout
    assert results[FINGERPRINT].stdout.strip() == review["fingerprint"]
    chain = results[CHAIN].stdout
    entries = len((packet / format.CUSTODY_JSONL).read_bytes().splitlines())
    dump = json.loads((packet / format.CASE_JSON).read_text("utf-8"))
    records = sum(len(rows) for rows in dump["tables"].values())
    assert f"checked: {entries} custody entries: order, hashes, links from the genesis of case {dump['case']['id']}" \
        in chain
    assert f"compare its fingerprint {review['fingerprint']} with yours" in chain
    assert f"checked: {records} records in case.json against the state replayed from the chain" in chain
    assert f"checked: {len(dump['tables']['item'])} evidence files against their items' SHA-256" in chain
    assert f"received from case {review['field_id']}: order, hashes, links, as recorded" in chain
    assert "FAIL" not in chain and chain.endswith("OK: chain, records and evidence hashes hold\n")


def test_a_packet_of_one_event_passes_with_only_its_records(review: dict, tmp_path: Path) -> None:
    shutil.copytree(review["event_packet"], tmp_path / "packet")
    shutil.copy(SCRIPT, tmp_path / "verify_packet_chain.py")
    for commands in (MANIFESTS, SEAL, CHAIN):
        result = run(commands, tmp_path / "packet")
        assert result.returncode == 0, f"{commands}\n{output(result)}"
    assert f"(a packet of event {review['event_id']}: only its records)" in result.stdout


def test_an_upgraded_case_passes_from_its_baseline_entry(tmp_path: Path) -> None:
    shutil.copytree(REPO / "tests" / "fixtures" / "schema-v1-case", tmp_path / "case")
    (tmp_path / "later.txt").write_bytes(b"statement received after the upgrade\n")
    with Case.open(tmp_path / "case", examiner="Later Examiner") as case:  # upgrades: one baseline entry
        case.items.import_file(tmp_path / "later.txt", event_ids=[1])
        baseline = next(e.seq for e in case.history.entries() if e.action == "baseline")
        export_packet(case, tmp_path / "packet")
    shutil.copy(SCRIPT, tmp_path / "verify_packet_chain.py")
    result = run(CHAIN, tmp_path / "packet")
    assert result.returncode == 0, output(result)
    assert f"note: replay starts at baseline entry #{baseline}; earlier records are not proven" in result.stdout


def test_the_script_needs_only_the_standard_library() -> None:
    tree = ast.parse(SCRIPT.read_text("utf-8"), feature_version=(3, 8))  # as old a Python as it claims
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    assert imported and imported <= set(sys.stdlib_module_names), imported - set(sys.stdlib_module_names)


def test_the_script_refuses_bad_usage(tmp_path: Path) -> None:
    for args in ([], [str(tmp_path)], ["a", "b"]):
        result = subprocess.run([sys.executable, "-I", str(SCRIPT), *args], capture_output=True, text=True)
        assert result.returncode == 2, (args, output(result))


# --- tampered copies -----------------------------------------------------------------

def remanifest(bag: Path) -> None:
    """What someone who altered a payload file does next: rewrite both manifests to match."""
    payload = sorted(p.relative_to(bag).as_posix() for p in (bag / "data").rglob("*") if p.is_file())
    (bag / format.MANIFEST).write_text("".join(f"{_sha(bag / rel)}  {rel}\n" for rel in payload), "utf-8")
    (bag / format.TAGMANIFEST).write_text(
        "".join(f"{_sha(bag / rel)}  {rel}\n" for rel in sorted(format.SIGNED_TAG_FILES)), "utf-8")


def reseal_with_another_key(bag: Path) -> str:
    """...and, to make the seal hold again, sign with a key of their own; return its fingerprint."""
    key = Ed25519PrivateKey.generate()
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    (bag / format.PUBLIC_PEM).write_bytes(signing.public_pem(raw))
    (bag / format.PUBLIC_HEX).write_text(raw.hex() + "\n", "ascii")
    (bag / format.FINGERPRINT).write_text(signing.fingerprint(raw) + "\n", "ascii")
    remanifest(bag)
    (bag / format.SIGNATURE).write_bytes(key.sign((bag / format.TAGMANIFEST).read_bytes()))
    return signing.fingerprint(raw)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_flipped_payload_byte_fails_sha256sum(copy: Path) -> None:
    rel = next(r for r in (copy / format.MANIFEST).read_text("utf-8").split("\n") if "/evidence/" in r).split("  ")[1]
    data = bytearray((copy / rel).read_bytes())
    data[len(data) // 2] ^= 0x01
    (copy / rel).write_bytes(bytes(data))
    result = run(MANIFESTS, copy)
    assert result.returncode != 0 and f"{rel}: FAILED" in result.stdout, output(result)
    chain = run(CHAIN, copy)
    assert chain.returncode == 1 and f"({rel}): SHA-256 is {_sha(copy / rel)}" in chain.stdout, output(chain)


def test_an_edited_tag_manifest_fails_the_openssl_seal(copy: Path) -> None:
    text = (copy / format.TAGMANIFEST).read_text("utf-8")
    (copy / format.TAGMANIFEST).write_text(text.replace(f"  {format.BAG_INFO}", f"  {format.BAG_INFO} "), "utf-8")
    for commands in (SEAL, PUBLISHED):
        result = run(commands, copy)
        assert result.returncode != 0 and "Signature Verification Failure" in output(result), output(result)


def test_an_edited_custody_line_resealed_by_another_key_fails_against_the_published_key(
        copy: Path, review: dict) -> None:
    lines = (copy / format.CUSTODY_JSONL).read_text("utf-8").split("\n")
    entry = json.loads(lines[2])
    assert entry["examiner"] and f'"examiner":"{entry["examiner"]}"' in lines[2]
    lines[2] = lines[2].replace(f'"examiner":"{entry["examiner"]}"', '"examiner":"Mallory"')
    (copy / format.CUSTODY_JSONL).write_text("\n".join(lines), "utf-8")
    forged = reseal_with_another_key(copy)
    # The forger's own manifests and seal hold: they prove nothing by themselves...
    assert run(MANIFESTS, copy).returncode == 0
    assert run(SEAL, copy).returncode == 0
    # ...the fingerprint is not the examiner's, and the examiner's published key rejects the seal.
    fingerprint = run(FINGERPRINT, copy).stdout.strip()
    assert fingerprint == forged != review["fingerprint"]
    published = run(PUBLISHED, copy)
    assert published.returncode != 0 and "Signature Verification Failure" in output(published), output(published)
    chain = run(CHAIN, copy)
    assert chain.returncode == 1, output(chain)
    assert f"custody.jsonl entry #3 ({entry['action']}): its content does not match its entry_hash" in chain.stdout
    assert "the chain's case record holds key" in chain.stdout  # the forger's key is not the case's


def _change_title(dump: dict) -> str:
    dump["tables"]["event"][0]["title"] = "No order was given"
    return (f"case.json record event {dump['tables']['event'][0]['id']}: field title is 'No order was given', "
            "the custody chain says 'Dispatch order'")


def _add_note(dump: dict) -> str:
    note = {**dump["tables"]["journal"][0], "id": 99, "text": "a note nobody logged"}
    dump["tables"]["journal"].append(note)
    return "case.json record journal 99: no custody entry created it"


def _drop_claim(dump: dict) -> str:
    claim = dump["tables"]["claim"].pop()
    return f"record claim {claim['id']}: the chain holds it, case.json lacks it"


@pytest.mark.parametrize("tamper", [_change_title, _add_note, _drop_claim], ids=["changed", "added", "removed"])
def test_a_record_changed_in_case_json_is_named_by_the_script(copy: Path, tamper) -> None:
    dump = json.loads((copy / format.CASE_JSON).read_text("utf-8"))
    expected = tamper(dump)
    (copy / format.CASE_JSON).write_bytes(format.readable_json(dump))
    remanifest(copy)
    assert run(MANIFESTS, copy).returncode == 0  # the manifests were recomputed to match
    assert run(SEAL, copy).returncode != 0  # not re-signed: the seal no longer holds
    chain = run(CHAIN, copy)
    assert chain.returncode == 1, output(chain)
    assert f"FAIL: {expected}" in chain.stdout.splitlines(), chain.stdout
    assert chain.stdout.count("FAIL:") == 1, chain.stdout


def _label(line: str) -> str:
    entry = json.loads(line)
    return f"entry #{entry['seq']} ({entry['action']})"


def _drop_entry(lines: list[str]) -> list[str]:
    del lines[3]
    return [f"{_label(lines[3])} is where entry #4 belongs", f"{_label(lines[3])}: its prev_hash is not"]


def _swap_entries(lines: list[str]) -> list[str]:
    lines[3], lines[4] = lines[4], lines[3]
    return [f"{_label(lines[3])} is where entry #4 belongs", f"{_label(lines[4])} is where entry #6 belongs"]


def _respace(lines: list[str]) -> list[str]:
    lines[2] = lines[2].replace('":', '": ', 1)  # the same values, not the same text
    return [f"{_label(lines[2])}: the line is not in canonical form"]


@pytest.mark.parametrize("tamper", [_drop_entry, _swap_entries, _respace], ids=["removed", "moved", "respaced"])
def test_a_broken_chain_is_named_entry_by_entry(copy: Path, tamper) -> None:
    lines = (copy / format.CUSTODY_JSONL).read_text("utf-8").split("\n")
    expected = tamper(lines)
    (copy / format.CUSTODY_JSONL).write_text("\n".join(lines), "utf-8")
    remanifest(copy)
    chain = run(CHAIN, copy)
    assert chain.returncode == 1, output(chain)
    for message in expected:
        assert f"FAIL: data/custody.jsonl {message}" in chain.stdout, chain.stdout


def test_an_edited_received_chain_is_named(copy: Path, review: dict) -> None:
    rel = format.inherited_chain(review["field_id"])
    lines = (copy / rel).read_text("utf-8").split("\n")
    lines[1] = lines[1].replace('"examiner":"Alice Field"', '"examiner":"Mallory"')
    (copy / rel).write_text("\n".join(lines), "utf-8")
    remanifest(copy)
    chain = run(CHAIN, copy)
    assert chain.returncode == 1, output(chain)
    name = rel.split("/", 1)[1]
    assert f"FAIL: {name} {_label(lines[1])}: its content does not match its entry_hash" in chain.stdout, chain.stdout
    assert f"FAIL: {rel}: not the chain of case {review['field_id']} that the custody chain recorded on receipt" \
        in chain.stdout, chain.stdout


def test_a_path_out_of_the_packet_is_refused_not_read(copy: Path) -> None:
    dump = json.loads((copy / format.CASE_JSON).read_text("utf-8"))
    dump["tables"]["item"][0]["packet_path"] = "data/../../verify_packet_chain.py"
    (copy / format.CASE_JSON).write_bytes(format.readable_json(dump))
    chain = run(CHAIN, copy)
    assert chain.returncode == 1, output(chain)
    assert "'data/../../verify_packet_chain.py' is not a path inside the packet's data/ folder" in chain.stdout
