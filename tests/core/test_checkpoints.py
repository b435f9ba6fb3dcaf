"""Checkpoints, hand-overs, witnesses, receipts and the examiner's seal on packets.

Every case here is made and changed through the command line, as an examiner
would; tampering goes straight into the files with the append-only triggers
dropped and the chain re-hashed, so only signatures and witnesses can tell.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import bagit
import pytest

from evidence_desk import cli
from evidence_desk.core import custody, signing, witness
from evidence_desk.core import examiner_keys as keys
from evidence_desk.core.checkpoints import Checks, check_chain
from evidence_desk.core.packet import format
from evidence_desk.core.verify import verify

CHEAP = keys.KdfParams(time_cost=1, memory_kib=8, parallelism=1)
PASSPHRASE = "correct horse battery staple"  # as in tests/conftest.py
TRIGGERS = ("custody_no_update", "custody_no_delete")


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def rows(case_dir: Path) -> list[dict[str, Any]]:
    with closing(sqlite3.connect(case_dir / "case.sqlite")) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute("SELECT * FROM custody ORDER BY seq")]


def details(row: dict[str, Any]) -> dict[str, Any]:
    return json.loads(row["details"])


def rewrite_chain(case_dir: Path, edit: Callable[[list[dict[str, Any]]], None]) -> None:
    """Edit the chain as an insider would, then re-hash every entry and the head so the hash
    chain itself is valid again."""
    chain = rows(case_dir)
    edit(chain)
    case_id = _case_id(case_dir)
    prev = custody.genesis_hash(case_id)
    for row in chain:
        row["prev_hash"] = prev
        row["entry_hash"] = custody.entry_hash(row)
        prev = row["entry_hash"]
    with closing(sqlite3.connect(case_dir / "case.sqlite")) as conn:
        for trigger in TRIGGERS:
            conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        conn.execute("DELETE FROM custody")
        for row in chain:
            conn.execute(f"INSERT INTO custody ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                         list(row.values()))
        conn.commit()
    custody.write_head(case_dir, chain[-1]["seq"], chain[-1]["entry_hash"])


def _case_id(case_dir: Path) -> str:
    with closing(sqlite3.connect(case_dir / "case.sqlite")) as conn:
        return conn.execute("SELECT id FROM case_info").fetchone()[0]


def make_home(root: Path, name: str) -> tuple[Path, keys.ExaminerKey]:
    """Another examiner's folder with a key of their own."""
    home = root / f"home-{name}"
    key = keys.create(PASSPHRASE, examiner=name, path=home / keys.KEY_FILE, kdf=CHEAP)
    return home, key


@pytest.fixture
def case_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "case"
    (tmp_path / "memo.txt").write_text("Per chief of patrol: clear everybody out.\n", "utf-8")
    assert run(capsys, "init", path, "--title", "Stand-down", "--examiner", "Ann Examiner")[0] == 0
    assert run(capsys, "event", "add", path, "--title", "Dispatch order", "--when", "2025-10-04 12:34")[0] == 0
    assert run(capsys, "add", path, tmp_path / "memo.txt", "--event", "1")[0] == 0
    return path


def my_fingerprint() -> str:
    stored = keys.load_public()
    assert stored is not None
    return stored.fingerprint


# --- checkpoints ---------------------------------------------------------------------------

def test_a_writing_command_ends_with_a_checkpoint_whose_signature_verifies(
        case_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    chain = rows(case_dir)
    actions = [r["action"] for r in chain]
    assert actions == ["case_created", "checkpoint", "event_added", "checkpoint", "acquired", "checkpoint"]
    for index, row in enumerate(chain):
        if row["action"] != "checkpoint":
            continue
        d = details(row)
        before = chain[index - 1]
        assert (d["head_seq"], d["head_hash"]) == (before["seq"], before["entry_hash"])
        public_key = bytes.fromhex(d["public_key"])
        assert d["fingerprint"] == signing.fingerprint(public_key) == my_fingerprint()
        assert signing.verify(public_key, bytes.fromhex(d["signature"]),
                              witness.head_message(_case_id(case_dir), before["seq"], before["entry_hash"]))
    report = verify(case_dir)
    assert report.ok and report.warnings == []
    assert report.signatures["checkpoints"] == 3 and report.signatures["last_signed_seq"] == 5
    assert [k["fingerprint"] for k in report.signatures["examiner_keys"]] == [my_fingerprint()]
    # the witness log outside the case saw each checkpoint entry itself
    seen = [(r.head_seq, r.head_hash) for r in witness.read_log().records]
    assert seen == [(r["seq"], r["entry_hash"]) for r in chain if r["action"] == "checkpoint"]
    code, out, _ = run(capsys, "verify", case_dir)
    assert code == 0 and f"examiner key(s) {my_fingerprint()}" in out and "3 sighting(s)" in out


def test_a_command_that_changes_nothing_writes_no_checkpoint(case_dir: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    before = rows(case_dir)
    assert run(capsys, "list", case_dir, "items")[0] == 0
    assert run(capsys, "verify", case_dir)[0] == 0
    assert run(capsys, "edit", case_dir, "9", "--description", "x")[0] == 2
    assert rows(case_dir) == before


def test_a_forged_checkpoint_signature_is_named(case_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def flip(chain: list[dict[str, Any]]) -> None:
        d = details(chain[3])
        d["signature"] = ("0" if d["signature"][0] != "0" else "1") + d["signature"][1:]
        chain[3]["details"] = custody.canonical(d)

    original = rows(case_dir)
    rewrite_chain(case_dir, flip)
    report = verify(case_dir, checks=Checks(local_witness=False))
    # the forged #4, and #6, which signed the real history that re-hashing replaced
    assert [(f.what, f.seq) for f in report.failures] == [("signature", 4), ("signature", 6)]
    assert report.failures[0].message.startswith(f"custody entry #4 (checkpoint): the examiner's signature (key "
                                                 f"{my_fingerprint()}) does not verify")
    assert report.failures[1].message.endswith("the history it signed was replaced")
    # the witness log saw the real entries #4 and #6
    code, out, _ = run(capsys, "verify", case_dir)
    assert code == 1
    assert "custody entry #4 (checkpoint): the examiner's signature" in out
    assert f"replaced history: the witness saw entry 4 with hash {original[3]['entry_hash']}" in out


def test_history_rewritten_under_a_checkpoint_is_caught_by_its_signed_head(case_dir: Path) -> None:
    original = rows(case_dir)

    def retitle(chain: list[dict[str, Any]]) -> None:
        d = details(chain[2])
        d["title"] = "Nothing happened"
        chain[2]["details"] = custody.canonical(d)

    rewrite_chain(case_dir, retitle)
    report = verify(case_dir)
    signature = [f for f in report.failures if f.what == "signature"]
    assert [f.seq for f in signature] == [4, 6]
    assert signature[0].message == (
        f"custody entry #4 (checkpoint) was signed over entry #3 with hash {original[2]['entry_hash']}, but entry #3 "
        f"now has hash {rows(case_dir)[2]['entry_hash']}: the history it signed was replaced")
    assert any(f.what == "witness" and f.message.startswith(
        f"replaced history: the witness saw entry 2 with hash {original[1]['entry_hash']}") is False
        for f in report.failures)  # entry 2 is unchanged: the first entry seen that differs is #4
    [replaced] = [f for f in report.failures if f.what == "witness"]
    assert replaced.message.startswith(
        f"replaced history: the witness saw entry 4 with hash {original[3]['entry_hash']}, the case's entry 4 has "
        f"hash {rows(case_dir)[3]['entry_hash']} (and 1 later witnessed entry differ too)")


def test_entries_after_the_last_checkpoint_are_reported_as_unsigned(case_dir: Path, tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(keys.PASSPHRASE_ENV)
    run(capsys, "note", "add", case_dir, "--text", "asked OEMC for the log")
    run(capsys, "event", "add", case_dir, "--title", "Press release")
    report = verify(case_dir)
    assert report.ok
    assert report.warnings == ["unsigned: 2 custody entries (#7–#8) come after the last signed checkpoint (which "
                               "covers up to #5); no examiner has signed them yet"]
    strict = verify(case_dir, checks=Checks(require_signed=True))
    assert [(f.what, f.seq) for f in strict.failures] == [("signature", 7)]
    monkeypatch.setenv(keys.PASSPHRASE_ENV, PASSPHRASE)
    run(capsys, "note", "add", case_dir, "--text", "signed again")
    assert verify(case_dir, checks=Checks(require_signed=True)).ok, "the next checkpoint covers them"


# --- witnesses outside the case ------------------------------------------------------------

def test_rolling_a_whole_case_folder_back_is_caught_by_the_witness_log_and_by_a_receipt(
        case_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    old_copy = tmp_path / "old copy"
    shutil.copytree(case_dir, old_copy)
    run(capsys, "grade", case_dir, "item", "1", "--credibility", "2", "--rationale", "matches the radio log")
    code, out, _ = run(capsys, "receipt", case_dir, "-o", tmp_path / "receipt.json")
    assert code == 0
    receipt = json.loads((tmp_path / "receipt.json").read_text("utf-8"))
    newest = rows(case_dir)[-1]
    assert (receipt["head_seq"], receipt["head_hash"]) == (newest["seq"], newest["entry_hash"])
    assert receipt["fingerprint"] == my_fingerprint()
    assert out.splitlines()[-1] == f"head code {witness.head_code(newest['seq'], newest['entry_hash'])}"

    shutil.rmtree(case_dir)
    shutil.copytree(old_copy, case_dir)  # the whole folder, custody.head included: a valid older case
    assert verify(case_dir, checks=Checks(local_witness=False)).ok, "on its own the older copy looks intact"
    expected = (f"truncation or rollback: the witness saw entry {newest['seq']} with hash {newest['entry_hash']}, "
                f"the case has only 6")
    code, out, _ = run(capsys, "verify", case_dir)
    assert code == 1 and out.startswith(expected)

    # on another machine, with no witness log, the receipt kept on a second drive says the same
    monkeypatch.setenv("EVIDENCE_DESK_HOME", str(tmp_path / "elsewhere"))
    assert run(capsys, "verify", case_dir)[0] == 0
    code, out, _ = run(capsys, "verify", case_dir, "--witness", tmp_path / "receipt.json")
    assert code == 1 and out.startswith(expected) and f"receipt {tmp_path / 'receipt.json'}" in out
    # and so does the code printed on the receipt (and on a report cover), typed back by a person
    code, out, _ = run(capsys, "verify", case_dir, "--code", receipt["code"].lower())
    assert code == 1 and out.startswith(f"truncation or rollback: the code {receipt['code'].lower()!r} names entry "
                                        f"{newest['seq']}, the case has only 6")


def test_truncating_the_chain_and_rewriting_the_head_is_caught_by_the_witness(
        case_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "verify", case_dir, "--record")[0] == 0  # entries #7, #8: no record of their own
    original = rows(case_dir)
    rewrite_chain(case_dir, lambda chain: chain.__delitem__(slice(6, None)))  # drop them, then rewrite the head
    alone = verify(case_dir, checks=Checks(local_witness=False))
    assert alone.ok, [str(f) for f in alone.failures]
    assert alone.custody_entries == 6
    code, out, _ = run(capsys, "verify", case_dir)
    assert code == 1
    assert out.splitlines()[0].startswith(
        f"truncation or rollback: the witness saw entry 8 with hash {original[7]['entry_hash']}, the case has only 6")


def test_a_typed_back_code_that_matches_passes_and_one_that_does_not_fails(case_dir: Path, tmp_path: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    out_json = tmp_path / "report.json"
    assert run(capsys, "report", case_dir, "-o", out_json)[0] == 0
    cover = json.loads(out_json.read_text("utf-8"))
    head = next(r for r in rows(case_dir) if r["seq"] == cover["custody_head_seq"])
    assert cover["custody_head_code"] == witness.head_code(head["seq"], head["entry_hash"])
    assert cover["examiner_fingerprint"] == my_fingerprint()
    typed = cover["custody_head_code"].replace("-", " ").replace("O", "0").lower()  # as a person might type it
    assert run(capsys, "verify", case_dir, "--code", typed)[0] == 0
    other = rows(case_dir)[2]
    code, out, _ = run(capsys, "verify", case_dir, "--code", f"#{head['seq']} {witness.short_code(other['entry_hash'])}")
    assert code == 1 and out.startswith(f"replaced history: the code '#{head['seq']} ")
    code, _, err = run(capsys, "verify", case_dir, "--code", "#5 ABC")
    assert code == 2 and "at least 10" in err


def test_short_codes_are_80_bits_of_base32_in_groups_of_four() -> None:
    digest = "00" * 31 + "ff"
    assert witness.short_code(digest) == "AAAA-AAAA-AAAA-AAAA"
    import hashlib

    some = hashlib.sha256(b"x").hexdigest()
    code = witness.short_code(some)
    assert len(code.replace("-", "")) == 16 and code.count("-") == 3
    import base64

    assert code.replace("-", "") == base64.b32encode(bytes.fromhex(some)).decode()[:16]
    parsed = witness.parse_code(f"57: {code.lower()}")
    assert (parsed.seq, parsed.prefix) == (57, code.replace("-", ""))


def test_an_altered_witness_record_is_ignored_with_a_warning(case_dir: Path) -> None:
    log_file = witness.log_path()
    lines = log_file.read_text("utf-8").splitlines()
    record = json.loads(lines[-1])
    record["head_seq"] = 99  # claims a longer chain, but is no longer signed
    log_file.write_text("\n".join([*lines[:-1], custody.canonical(record)]) + "\n", "utf-8")
    report = verify(case_dir)
    assert report.ok
    assert report.warnings == [f"witness log {log_file}: the record of entry #99 seen at {record['at']} has a "
                               "signature that does not verify; it was ignored (the witness itself was altered)"]


# --- hand-overs -------------------------------------------------------------------------------

def test_a_hand_over_signed_by_the_old_key_lets_the_new_key_sign(case_dir: Path, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    ann = my_fingerprint()
    bo_home, bo = make_home(tmp_path, "Bo")
    (tmp_path / "bo.pem").write_bytes(signing.public_pem(bo.public_key))
    code, out, _ = run(capsys, "key", "handover", case_dir, "--to-public-key", tmp_path / "bo.pem",
                       "--reason", "Bo takes the case over")
    assert code == 0 and f"examiner key {bo.fingerprint} introduced, signed by your examiner key {ann}" in out
    handover = next(r for r in rows(case_dir) if r["action"] == "key_handover")
    assert (details(handover)["signer"], details(handover)["new_fingerprint"]) == ("examiner", bo.fingerprint)

    monkeypatch.setenv("EVIDENCE_DESK_HOME", str(bo_home))
    assert run(capsys, "note", "add", case_dir, "--text", "Bo here", "--examiner", "Bo")[0] == 0
    last = rows(case_dir)[-1]
    assert (last["action"], details(last)["fingerprint"]) == ("checkpoint", bo.fingerprint)
    report = verify(case_dir)
    assert report.ok and report.warnings == []
    assert [(k["fingerprint"], k["proven"]) for k in report.signatures["examiner_keys"]] == \
        [(ann, True), (bo.fingerprint, True)]


def test_a_key_no_hand_over_introduced_fails_verification(case_dir: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    ann = my_fingerprint()
    cy_home, cy = make_home(tmp_path, "Cy")
    monkeypatch.setenv("EVIDENCE_DESK_HOME", str(cy_home))
    assert run(capsys, "note", "add", case_dir, "--text", "Cy was never handed the case")[0] == 0
    seq = rows(case_dir)[-1]["seq"]
    code, out, _ = run(capsys, "verify", case_dir)
    assert code == 1
    assert out.splitlines()[0] == (f"custody entry #{seq} (checkpoint) is signed by examiner key {cy.fingerprint}, "
                                   f"which no valid hand-over introduced into this case (its examiner keys: {ann})")
    code, _, err = run(capsys, "key", "handover", case_dir, "--to-public-key", tmp_path / "missing.pem")
    assert code == 2 and "missing.pem" in err


def test_a_lost_key_is_replaced_by_a_case_key_hand_over_marked_as_not_proven(
        case_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    ann_home = Path(keys.config_dir())
    ann = my_fingerprint()
    bo_home, bo = make_home(tmp_path, "Bo")
    (tmp_path / "bo.hex").write_text(bo.public_hex + "\n", "utf-8")
    monkeypatch.setenv("EVIDENCE_DESK_HOME", str(bo_home))  # Ann's laptop is gone; Bo carries on
    code, _, err = run(capsys, "key", "handover", case_dir, "--to-public-key", tmp_path / "bo.hex", "--lost")
    assert code == 2 and "needs a reason" in err
    code, out, _ = run(capsys, "key", "handover", case_dir, "--to-public-key", tmp_path / "bo.hex", "--lost",
                       "--reason", "Ann's laptop was stolen on 5 Oct", "--lost-fingerprint", ann)
    assert code == 0 and "not proven by the previous examiner" in out
    seq = next(r["seq"] for r in rows(case_dir) if r["action"] == "key_handover")
    assert rows(case_dir)[-1]["action"] == "checkpoint", "Bo's key signed the hand-over entry"
    code, out, _ = run(capsys, "verify", case_dir)
    assert code == 0
    assert (f"warning: custody entry #{seq} (key handover) introduces examiner key {bo.fingerprint} signed by the "
            "case key, not by the previous examiner: not proven by the previous examiner (reason given: Ann's laptop "
            f"was stolen on 5 Oct); key {ann} is declared lost") in out
    assert f"{bo.fingerprint} (not proven by the previous examiner)" in out

    # whoever now holds Ann's lost key cannot sign the case any more
    monkeypatch.setenv("EVIDENCE_DESK_HOME", str(ann_home))
    assert run(capsys, "note", "add", case_dir, "--text", "written with the stolen key")[0] == 0
    code, out, _ = run(capsys, "verify", case_dir, "--no-witness-log")
    assert code == 1 and f"is signed by examiner key {ann}, which hand-over #{seq} declared lost" in out


def test_check_chain_refuses_a_hand_over_claiming_the_case_key_with_another_key(case_dir: Path,
                                                                               tmp_path: Path) -> None:
    from evidence_desk.core import checkpoints

    chain = rows(case_dir)
    _, mallory = make_home(tmp_path, "Mallory")
    head = chain[-1]
    fake = checkpoints.handover_details(_case_id(case_dir), head["seq"], head["entry_hash"],
                                        new_public_key=mallory.public_key, reason="trust me",
                                        case_private_key=mallory._private)
    found = check_chain([*chain, {"seq": head["seq"] + 1, "action": "key_handover", "entry_hash": "e" * 64,
                                  "details": custody.canonical(fake)}], _case_id(case_dir))
    assert [p.message for p in found.problems] == [
        f"custody entry #{head['seq'] + 1} (key handover) says it is signed by the case key, but key "
        f"{mallory.fingerprint} is not the key the case was opened with"]


# --- packets ------------------------------------------------------------------------------------

def test_a_packet_is_sealed_by_the_examiner_and_verify_packet_pins_who_sealed_it(
        case_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    packet = tmp_path / "packet"
    code, out, _ = run(capsys, "export", case_dir, "-o", packet)
    assert code == 0 and f"examiner key fingerprint {my_fingerprint()}" in out
    assert (packet / format.EXAMINER_FINGERPRINT).read_text("utf-8") == my_fingerprint() + "\n"
    listed = [line.split("  ", 1)[1] for line in (packet / format.TAGMANIFEST).read_text("utf-8").splitlines()]
    assert listed == sorted(format.SIGNED_TAG_FILES + format.EXAMINER_TAG_FILES)
    assert signing.verify(bytes.fromhex((packet / format.EXAMINER_PUBLIC_HEX).read_text("utf-8").strip()),
                          (packet / format.EXAMINER_SIGNATURE).read_bytes(),
                          (packet / format.TAGMANIFEST).read_bytes())
    bagit.Bag(str(packet)).validate()
    info = format.parse_bag_info((packet / format.BAG_INFO).read_text("utf-8"))
    assert info[format.EXAMINER_KEY_FINGERPRINT] == my_fingerprint()
    carried = [json.loads(line) for line in (packet / format.CUSTODY_JSONL).read_text("utf-8").splitlines()]
    assert carried[-1]["action"] == "checkpoint", "the chain the packet carries ends signed"

    code, out, _ = run(capsys, "verify-packet", packet, "--expect-examiner", my_fingerprint().replace(":", ""))
    assert code == 0 and f"sealed by examiner key fingerprint {my_fingerprint()}" in out
    assert "warning" not in out
    _, other = make_home(tmp_path, "Other")
    code, out, _ = run(capsys, "verify-packet", packet, "--expect-examiner", other.fingerprint)
    assert code == 1
    assert out.splitlines()[0] == (f"FAILED: the packet is sealed by examiner key {my_fingerprint()}, not by the "
                                   f"expected examiner {other.fingerprint}")
    assert rows(case_dir)[-1]["action"] == "checkpoint" and rows(case_dir)[-2]["action"] == "sealed"


def test_a_packet_whose_examiner_seal_was_swapped_fails(case_dir: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    packet = tmp_path / "packet"
    assert run(capsys, "export", case_dir, "-o", packet)[0] == 0
    _, mallory = make_home(tmp_path, "Mallory")
    (packet / format.EXAMINER_SIGNATURE).write_bytes(mallory.sign((packet / format.TAGMANIFEST).read_bytes()))
    code, out, _ = run(capsys, "verify-packet", packet)
    assert code == 1 and "the examiner's signature seal/tagmanifest-sha256.txt.examiner.sig does not match" in out


def test_a_packet_sealed_without_an_examiner_key_says_so_and_fails_a_pin(
        case_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(keys.PASSPHRASE_ENV)
    packet = tmp_path / "packet"
    assert run(capsys, "export", case_dir, "-o", packet)[0] == 0
    assert not (packet / format.EXAMINER_SIGNATURE).exists()
    code, out, _ = run(capsys, "verify-packet", packet)
    assert code == 0 and "warning: the packet is sealed by the case key only" in out
    code, out, _ = run(capsys, "verify-packet", packet, "--expect-examiner", my_fingerprint())
    assert code == 1 and f"not sealed by an examiner key, but examiner {my_fingerprint()} was expected" in out


def test_a_case_with_a_forged_checkpoint_is_not_sealed(case_dir: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    def flip(chain: list[dict[str, Any]]) -> None:
        d = details(chain[1])
        d["signature"] = d["signature"][::-1]
        chain[1]["details"] = custody.canonical(d)

    rewrite_chain(case_dir, flip)
    code, _, err = run(capsys, "export", case_dir, "-o", tmp_path / "packet")
    assert code == 1 and "custody entry #2 (checkpoint): the examiner's signature" in err
    assert not (tmp_path / "packet").exists()


def reseal_with_case_key(packet: Path, case_dir: Path) -> None:
    """What a forger holding the case folder can do: rewrite the manifests and sign them
    again with the case key (the examiner's key is not in the folder)."""
    import hashlib

    from evidence_desk.core.case import Case

    def sha(rel: str) -> str:
        return hashlib.sha256((packet / rel).read_bytes()).hexdigest()

    payload = sorted(line.split("  ", 1)[1] for line in (packet / format.MANIFEST).read_text("utf-8").splitlines())
    (packet / format.MANIFEST).write_text("".join(f"{sha(rel)}  {rel}\n" for rel in payload), "utf-8")
    tags = sorted(line.split("  ", 1)[1] for line in (packet / format.TAGMANIFEST).read_text("utf-8").splitlines())
    tagmanifest = "".join(f"{sha(rel)}  {rel}\n" for rel in tags).encode()
    (packet / format.TAGMANIFEST).write_bytes(tagmanifest)
    with Case.open(case_dir, read_only=True) as case:
        (packet / format.SIGNATURE).write_bytes(signing.sign(case.signing_key_bytes(), tagmanifest))


def test_a_forged_checkpoint_inside_a_resealed_packet_is_named(case_dir: Path, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    packet = tmp_path / "packet"
    assert run(capsys, "export", case_dir, "-o", packet)[0] == 0
    chain = [json.loads(line) for line in (packet / format.CUSTODY_JSONL).read_text("utf-8").splitlines()]
    d = json.loads(chain[1]["details"])
    d["signature"] = d["signature"][::-1]
    chain[1]["details"] = custody.canonical(d)
    prev = custody.genesis_hash(_case_id(case_dir))
    for row in chain:
        row["prev_hash"] = prev
        row["entry_hash"] = prev = custody.entry_hash(row)
    (packet / format.CUSTODY_JSONL).write_bytes(b"".join(format.canonical_line(r) for r in chain))
    dump = json.loads((packet / format.CASE_JSON).read_text("utf-8"))
    dump["custody_head"] = {"seq": chain[-1]["seq"], "entry_hash": chain[-1]["entry_hash"]}
    (packet / format.CASE_JSON).write_bytes(format.readable_json(dump))
    info = format.parse_bag_info((packet / format.BAG_INFO).read_text("utf-8"))
    info[format.CUSTODY_HEAD] = f"{chain[-1]['seq']} {chain[-1]['entry_hash']}"
    (packet / format.BAG_INFO).write_text(format.bag_info_text(info), "utf-8")
    reseal_with_case_key(packet, case_dir)

    code, out, _ = run(capsys, "verify-packet", packet)
    assert code == 1
    assert "FAILED: data/custody.jsonl: custody entry #2 (checkpoint): the examiner's signature" in out
    assert "FAILED: the examiner's signature seal/tagmanifest-sha256.txt.examiner.sig does not match" in out
    failed = [line for line in out.splitlines() if line.startswith("FAILED")]
    # the case key's seal holds again: only the examiner's seal and signatures tell (#4 and #6 signed the
    # history re-hashing replaced)
    assert failed[0] == ("FAILED: the examiner's signature seal/tagmanifest-sha256.txt.examiner.sig does not "
                         f"match tagmanifest-sha256.txt under examiner key {my_fingerprint()}: the packet was altered "
                         "after sealing or the signature is damaged")
    assert [line.split(" (checkpoint)")[0] for line in failed[1:]] == [
        f"FAILED: data/custody.jsonl: custody entry #{seq}" for seq in (2, 4, 6)]


def test_a_hand_over_reason_is_shown_with_control_and_bidi_characters_made_visible(case_dir: Path,
                                                                                  tmp_path: Path) -> None:
    from evidence_desk.core import checkpoints
    from evidence_desk.core.case import Case

    chain = rows(case_dir)
    _, bo = make_home(tmp_path, "Bo")
    head = chain[-1]
    with Case.open(case_dir, read_only=True) as case:
        case_key = case.signing_key_bytes()
    handover = checkpoints.handover_details(_case_id(case_dir), head["seq"], head["entry_hash"],
                                            new_public_key=bo.public_key, reason="lost\x1b[2J \u202eevil",
                                            case_private_key=case_key)
    found = check_chain([*chain, {"seq": head["seq"] + 1, "action": "key_handover", "entry_hash": "e" * 64,
                                  "details": custody.canonical(handover)}], _case_id(case_dir))
    [warning] = [p.message for p in found.problems]
    assert "reason given: lost\\u001b[2J \\u202eevil" in warning and "\x1b" not in warning and "\u202e" not in warning


def test_checkpoints_and_hand_overs_are_described_in_words(case_dir: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    from evidence_desk.core.case import Case
    from evidence_desk.core.custody_text import describe_entry

    _, bo = make_home(tmp_path, "Bo")
    (tmp_path / "bo.hex").write_text(bo.public_hex, "utf-8")
    assert run(capsys, "key", "handover", case_dir, "--to-public-key", tmp_path / "bo.hex", "--lost",
               "--reason", "lost")[0] == 0
    with Case.open(case_dir, read_only=True) as case:
        entries = case.history.entries()
    checkpoint = next(e for e in entries if e.action == "checkpoint")
    handover = next(e for e in entries if e.action == "key_handover")
    assert describe_entry(checkpoint).detail == \
        f"signed entries up to #{checkpoint.seq - 1} with examiner key {my_fingerprint()}"
    assert describe_entry(handover).detail == (f"examiner key {bo.fingerprint} introduced by the case key (not "
                                                "proven by the previous examiner)")
