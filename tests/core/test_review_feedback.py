"""A reviewer's judgements travel back to the sender in the signed notes, and the sender
records them beside its records (custody-logged) without changing any of them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from evidence_desk.cli import main
from evidence_desk.core import operations as ops
from evidence_desk.core.case import Case
from evidence_desk.core.errors import BadInput
from evidence_desk.core.packet import format
from evidence_desk.core.packet.export import export_packet
from evidence_desk.core.packet.review import (
    NotesRefused,
    add_judgement,
    add_review_note,
    export_review_notes,
    latest_judgements,
    open_for_review,
    read_review_notes,
    review_judgements,
    verify_review_notes,
)
from evidence_desk.core.verify import verify

SENDER_TABLES = ("source", "event", "item", "item_event", "statement", "statement_event", "claim", "claim_link",
                 "annotation", "request", "request_item", "grade", "journal", "metadata_change")


def _case(base: Path, name: str = "case") -> tuple[Case, dict[str, int]]:
    case = Case.create(base / name, "Stand-down order", "Alice Field", tz="America/Chicago")
    event = case.events.add("Dispatch order", when="04-Oc5-2025/12:34:44")
    (base / f"{name}-memo.txt").write_bytes(b"12:34 clear everybody out\n")
    memo = case.items.import_file(base / f"{name}-memo.txt", event_ids=[event.id], source="OEMC")
    grade = case.grades.add("item", memo.id, "matches the radio log", credibility="2")
    statement = case.statements.add("CPD", "press release", "Officers did respond.", event_ids=[event.id])
    claim = case.claims.add("CPD units were told not to respond")
    case.claims.link(claim.id, "supports", item_id=memo.id)
    return case, {"item": memo.id, "grade": grade.id, "statement": statement.id, "claim": claim.id}


@pytest.fixture
def sent(tmp_path: Path) -> dict:
    case, ids = _case(tmp_path)
    packet = export_packet(case, tmp_path / "packet.zip", zip=True)
    yield {"case": case, "ids": ids, "packet": packet, "base": tmp_path}
    case.close()


def _review(sent: dict, verdicts: dict[str, tuple[str, str]]) -> Path:
    base = sent["base"]
    with open_for_review(sent["packet"], base / "cache", reviewer="Rita Review") as session:
        add_review_note(session, "read the whole packet")
        for kind, (verdict, note) in verdicts.items():
            add_judgement(session, kind, sent["ids"][kind], verdict, note)
        return export_review_notes(session, base / "notes.json", key_path=base / "keys" / "rev.key")


def _snapshot(case: Case) -> dict[str, list[dict]]:
    return {t: case.table_rows(t) for t in SENDER_TABLES}


def test_judgements_are_kept_beside_the_packet_and_signed(sent: dict) -> None:
    base = sent["base"]
    with open_for_review(sent["packet"], base / "cache", reviewer="Rita Review") as session:
        add_judgement(session, "item", sent["ids"]["item"], "disputed", "the time on the memo is garbled")
        add_judgement(session, "item", sent["ids"]["item"], "needs_info", "send the CAD log")
        add_judgement(session, "claim", sent["ids"]["claim"], "accepted")
        with pytest.raises(BadInput, match="needs one"):
            add_judgement(session, "grade", sent["ids"]["grade"], "disputed", "  ")
        with pytest.raises(BadInput):
            add_judgement(session, "journal", 1, "accepted")
        assert session.judgements_path.parent == sent["packet"].parent
        latest = latest_judgements(review_judgements(session))
        assert latest[("item", sent["ids"]["item"])].verdict == "needs_info"
        assert latest[("item", sent["ids"]["item"])].target_sha256 == sent["case"].items.get(sent["ids"]["item"]).sha256
        signed = export_review_notes(session, base / "notes.json", key_path=base / "keys" / "rev.key")
    body = json.loads(signed.read_text("utf-8"))["signed"]
    assert body["format_version"] == format.NOTES_FORMAT_VERSION == 2
    assert [j["verdict"] for j in body["judgements"]] == ["disputed", "needs_info", "accepted"]
    check = verify_review_notes(signed)
    assert check.ok and check.judgements == 3, check.message
    # the signature covers the judgements: a changed verdict is refused
    document = json.loads(signed.read_text("utf-8"))
    document["signed"]["judgements"][0]["verdict"] = "accepted"
    signed.write_text(json.dumps(document), "utf-8")
    assert not verify_review_notes(signed).ok


def test_the_sender_imports_judgements_beside_unchanged_records(sent: dict, capsys: pytest.CaptureFixture) -> None:
    case: Case = sent["case"]
    ids = sent["ids"]
    notes = _review(sent, {"item": ("disputed", "the time is garbled"), "grade": ("needs_info", "who graded 2?"),
                           "statement": ("accepted", ""), "claim": ("disputed", "the memo alone does not show it")})
    before = _snapshot(case)
    entries_before = len(case.history.entries())
    case.close()
    assert main(["import-notes", str(sent["base"] / "case"), str(notes), "--examiner", "Alice Field"]) == 0
    out = capsys.readouterr().out
    assert "4 judgement(s) received" in out and "Rita Review" in out
    case = sent["case"] = Case.open(sent["base"] / "case")
    received = case.feedback.list()
    assert {(j.target_type, j.target_id, j.verdict) for j in received} == {
        ("item", ids["item"], "disputed"), ("grade", ids["grade"], "needs_info"),
        ("statement", ids["statement"], "accepted"), ("claim", ids["claim"], "disputed")}
    assert all(j.reviewer == "Rita Review" and j.received_by == "Alice Field" for j in received)
    assert case.feedback.latest()[("claim", ids["claim"])].note == "the memo alone does not show it"
    assert _snapshot(case) == before, "the sender's records must not change"
    new = [e for e in case.history.entries()[entries_before:] if e.action != "checkpoint"]  # the CLI signs
    assert [e.action for e in new] == ["feedback_received"]
    assert new[0].released_by == "Rita Review" and "4 judgement(s)" in new[0].purpose
    assert new[0].details_dict["notes_sha256"] == read_review_notes(notes).sha256
    report = verify(case.path)
    assert report.ok, [str(f) for f in report.failures]
    # a second import of the same file records nothing new
    entries_after = len(case.history.entries())
    again = ops.import_review_notes(case, notes)
    assert again.value.received == 0 and again.value.already == 4
    assert len(case.history.entries()) == entries_after


def test_altered_or_foreign_notes_are_refused(sent: dict, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    case: Case = sent["case"]
    notes = _review(sent, {"item": ("disputed", "the time is garbled")})
    altered = tmp_path / "altered.json"
    document = json.loads(notes.read_text("utf-8"))
    document["signed"]["judgements"][0]["note"] = "fine by me"
    altered.write_text(json.dumps(document), "utf-8")
    before = len(case.history.entries())
    with pytest.raises(NotesRefused, match="signature does not match"):
        ops.import_review_notes(case, altered)
    case.close()
    assert main(["import-notes", str(tmp_path / "case"), str(altered), "--examiner", "Alice Field"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "signature does not match" in err and "Traceback" not in err
    # notes about another case's packet are refused, even when validly signed
    other, _ = _case(tmp_path, "other")
    try:
        with pytest.raises(NotesRefused, match="not this case"):
            ops.import_review_notes(other, notes)
        assert other.feedback.list() == []
    finally:
        other.close()
    case = sent["case"] = Case.open(tmp_path / "case")
    assert len(case.history.entries()) == before
    assert case.feedback.list() == []


def test_notes_about_a_packet_this_case_never_sealed_are_refused(sent: dict, tmp_path: Path) -> None:
    # a copy of the case seals its own packet: same case id and key, but a packet the original never sealed
    shutil.copytree(tmp_path / "case", tmp_path / "copy")
    with Case.open(tmp_path / "copy") as copy:
        copy.journal.add("a note only the copy has")
        other_packet = export_packet(copy, tmp_path / "other.zip", zip=True)
    notes = _review({**sent, "packet": other_packet}, {"claim": ("accepted", "")})
    with pytest.raises(NotesRefused, match="never sealed"):
        ops.import_review_notes(sent["case"], notes)


def test_format_1_notes_still_verify_and_import_as_no_judgements(sent: dict) -> None:
    from evidence_desk.core import signing

    notes = _review(sent, {})
    body = json.loads(notes.read_text("utf-8"))["signed"]
    del body["judgements"]
    body["format_version"] = 1
    key = signing.load_or_create_key(sent["base"] / "keys" / "rev.key")
    v1 = sent["base"] / "v1.json"
    v1.write_text(json.dumps({"signed": body, "signature_ed25519": signing.sign(
        key, format.canonical(body).encode("utf-8")).hex()}), "utf-8")
    check = verify_review_notes(v1)
    assert check.ok and check.judgements == 0 and check.notes == 1, check.message
    assert ops.import_review_notes(sent["case"], v1).value.received == 0
