"""Statements, claims, links and requests edited through operations: every change is a custody
entry with its reason and old value, an undo is one more edit, and the chain still replays to
exactly the rows found (verify passes; a row changed behind the chain's back is named)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from evidence_desk.core import operations as ops
from evidence_desk.core.case import Case
from evidence_desk.core.errors import BadInput
from evidence_desk.core.verify import verify


@pytest.fixture
def case(tmp_path: Path):
    with Case.create(tmp_path / "case", "Analysis", "Test Examiner", tz="America/Chicago") as c:
        files = tmp_path / "files"
        files.mkdir()
        for n in range(3):
            (files / f"memo{n}.txt").write_text(f"memo {n}\n", "utf-8")
        c.events.add("Dispatch", when="2025-10-04 12:34")
        c.events.add("Stand-down", when="2025-10-04 13:10")
        ops.import_files(c, [files], ops.IntakeOptions(source="OEMC"))
        yield c


def actions_after(case: Case, seq: int) -> list[tuple[str, str, dict]]:
    return [(e.action, e.purpose, e.details_dict) for e in case.history.entries_after(seq)]


def test_edit_statement_logs_each_field_and_an_undo_is_a_new_edit(case: Case) -> None:
    s = ops.add_statement(case, "Sgt. Ruiz", "radio", "Clear everybody out.", when="about 12:40",
                          event_ids=[1]).value
    head = case.history.head_seq()
    result = ops.edit_statement(case, s.id, "the recording says 12:41", text="Clear everybody out now.",
                                when="2025-10-04 12:41", affiliation="OEMC", event_ids=[1, 2], item_id=1,
                                source="Radio log")
    edited = result.value
    assert result.changes.statements and result.changes.custody
    assert edited.text == "Clear everybody out now." and edited.affiliation == "OEMC"
    assert edited.time.raw == "2025-10-04 12:41" and edited.time.known
    assert edited.event_ids == (1, 2) and edited.item_id == 1 and edited.source_name == "Radio log"
    written = actions_after(case, head)
    fields = {d["field"]: (d["old"], d["new"]) for a, _p, d in written if a == "statement_changed"}
    assert fields["text"] == ("Clear everybody out.", "Clear everybody out now.")
    assert fields["events"] == ("1", "1,2")
    assert fields["item_id"] == (None, 1)
    assert fields["source"] == ("", "Radio log")
    assert fields["time"][0].startswith("about 12:40 @ ")
    assert all(p == "the recording says 12:41" for a, p, _d in written if a == "statement_changed")
    assert "source_added" in [a for a, _p, _d in written]

    # undo: the old values written back as one more logged edit
    head = case.history.head_seq()
    back = ops.edit_statement(case, s.id, "undo", text="Clear everybody out.", when="about 12:40",
                              affiliation="", event_ids=[1], item_id=None, source="").value
    assert (back.text, back.time.raw, back.event_ids, back.item_id, back.source_name) == (
        "Clear everybody out.", "about 12:40", (1,), None, "")
    assert {a for a, _p, _d in actions_after(case, head)} == {"statement_changed"}
    assert verify(case.path).ok


def test_edit_statement_needs_a_reason_and_writes_nothing_without_one(case: Case) -> None:
    s = ops.add_statement(case, "Ruiz", "memo", "text").value
    head = case.history.head_seq()
    with pytest.raises(BadInput, match="reason"):
        ops.edit_statement(case, s.id, " ", text="other")
    with pytest.raises(BadInput, match="medium"):
        ops.edit_statement(case, s.id, "why", medium="telegram")
    assert case.history.head_seq() == head
    assert ops.edit_statement(case, s.id, "", text="text").value == s  # nothing changed: nothing asked


def test_claim_edit_link_edit_and_unlink_replay(case: Case) -> None:
    claim = ops.add_claim(case, "The order came from the chief").value
    s = ops.add_statement(case, "Ruiz", "radio", "Per the chief").value
    made = ops.link_claim_evidence(case, claim.id, "supports", item_ids=[1, 2], statement_ids=[s.id],
                                   note="first reading").value
    assert len(made) == 3
    again = ops.link_claim_evidence(case, claim.id, "supports", item_ids=[1, 3]).value
    assert len(again) == 1  # item 1 is already there with that stance
    assert [(link.item_id, link.statement_id) for link in case.claims.get(claim.id).links] == [
        (1, None), (2, None), (None, s.id), (3, None)]

    head = case.history.head_seq()
    ops.edit_claim(case, claim.id, "as the memo words it", "The order came from the chief of patrol")
    link = ops.edit_claim_link(case, made[1], "heard the tape", stance="contradicts", note="he says no").value
    assert (link.stance, link.note) == ("contradicts", "he says no")
    assert case.claims.get(claim.id).contested
    ops.unlink_claim(case, [again[0]], "linked by mistake")
    written = actions_after(case, head)
    assert [a for a, _p, _d in written] == ["claim_changed"] * 4
    assert written[0][2]["field"] == "text"
    assert written[1][2]["field"] == f"link #{made[1]} stance" and written[1][2]["old"] == "supports"
    assert written[3][2]["unlinked"] and written[3][2]["item_id"] == 3 and written[3][1] == "linked by mistake"
    # the item's own history shows both the linking and the unlinking
    assert [e.action for e in case.history.entries(item_id=3)][-2:] == ["claim_linked", "claim_changed"]
    assert len(case.claims.get(claim.id).links) == 3
    report = verify(case.path)
    assert report.ok, [str(f) for f in report.failures]


def test_a_link_changed_behind_the_chains_back_is_named(case: Case) -> None:
    claim = ops.add_claim(case, "c").value
    link_id = ops.link_claim_evidence(case, claim.id, "supports", item_ids=[1]).value[0]
    ops.edit_claim_link(case, link_id, "why", note="edited")
    case.close()
    with closing(sqlite3.connect(case.path / "case.sqlite")) as conn:
        conn.execute("UPDATE claim_link SET stance = 'contradicts' WHERE id = ?", [link_id])
        conn.commit()
    report = verify(case.path)
    assert not report.ok
    assert any("claim_link" in str(f) and "stance" in str(f) for f in report.failures)


def test_request_edit_sets_status_and_exact_items_and_undo_takes_them_off(case: Case) -> None:
    request = ops.add_request(case, "Dispatch tapes", addressed_to="OEMC").value
    head = case.history.head_seq()
    done = ops.edit_request(case, request.id, "tapes arrived", status="partly fulfilled", item_ids=[1, 2]).value
    assert (done.status, done.item_ids) == ("partly fulfilled", (1, 2))
    written = actions_after(case, head)
    assert [(a, d.get("field") or d.get("resulting_item")) for a, _p, d in written] == [
        ("request_changed", "status"), ("request_changed", 1), ("request_changed", 2)]
    back = ops.edit_request(case, request.id, "undo", status="open", item_ids=[]).value
    assert (back.status, back.item_ids) == ("open", ())
    assert [d.get("no_longer_resulting_item") for a, _p, d in actions_after(case, head)[3:]] == [None, 1, 2]
    with pytest.raises(BadInput, match="status"):
        ops.edit_request(case, request.id, "why", status="lost")
    assert verify(case.path).ok


def test_bulk_grade_is_one_transaction_with_an_entry_per_record(case: Case) -> None:
    head = case.history.head_seq()
    grades = ops.grade_items(case, [1, 2, 3], "same clerk, same day", reliability="B", credibility="2").value
    assert sorted((g.target_type, g.target_id) for g in grades) == [("item", 1), ("item", 2), ("item", 3),
                                                                    ("source", 1)]
    written = actions_after(case, head)
    assert [a for a, _p, _d in written] == ["graded"] * 4
    assert [case.items.get(i).credibility for i in (1, 2, 3)] == ["2", "2", "2"]
    with pytest.raises(BadInput):
        ops.grade_items(case, [1], "why")
    assert verify(case.path).ok


def test_bulk_link_fails_whole_when_one_record_is_unknown(case: Case) -> None:
    claim = ops.add_claim(case, "c").value
    head = case.history.head_seq()
    with pytest.raises(Exception, match="999"):
        ops.link_claim_evidence(case, claim.id, "mentions", item_ids=[1, 999])
    assert case.history.head_seq() == head
    assert case.claims.get(claim.id).links == ()


def test_packets_of_an_edited_analysis_verify_whole_and_by_event(case: Case, tmp_path: Path) -> None:
    """A reviewer replays the same chain: statement edits, a link taken off, items taken off a
    request all replay to the rows the packet carries, for the whole case and for one event."""
    from evidence_desk.core.packet.export import export_packet
    from evidence_desk.core.packet.verify import verify_packet

    s = ops.add_statement(case, "Ruiz", "radio", "Per the chief", event_ids=[1], item_id=1).value
    ops.edit_statement(case, s.id, "tape", event_ids=[1, 2], text="Per the chief of patrol")
    claim = ops.add_claim(case, "c").value
    made = ops.link_claim_evidence(case, claim.id, "supports", item_ids=[1, 2], statement_ids=[s.id]).value
    ops.unlink_claim(case, [made[1]], "wrong item")
    ops.edit_claim_link(case, made[2], "heard it", stance="contradicts")
    request = ops.add_request(case, "tapes").value
    ops.edit_request(case, request.id, "came", status="fulfilled", item_ids=[1, 2])
    ops.edit_request(case, request.id, "one was a copy", item_ids=[1])
    ops.link_items(case, [1], 1)
    for name, event_id in (("whole", None), ("event", 1)):
        packet = export_packet(case, tmp_path / name, event_id=event_id)
        report = verify_packet(packet)
        assert report.ok, (name, [str(f) for f in report.failures])


def test_a_record_just_made_is_withdrawn_while_nothing_refers_to_it(case: Case) -> None:
    """Undo of a creation: the row (and its event links) go, one entry keeps what it held, the
    chain still replays; once something refers to the record it is kept, with the reason said."""
    from evidence_desk.core.custody_text import entry_detail

    s = ops.add_statement(case, "Sgt. Ruiz", "radio", "Clear everybody out.", event_ids=[1, 2]).value
    claim = ops.add_claim(case, "The order came from the chief").value
    request = ops.add_request(case, "OEMC audio").value
    head = case.history.head_seq()
    result = ops.withdraw_record(case, "statement", s.id, "undo")
    assert result.changes.statements and case.statements.list() == []
    assert case.rows("SELECT * FROM statement_event") == []
    [(action, purpose, details)] = [(a, p, d) for a, p, d in actions_after(case, head)]
    assert (action, purpose, details["withdrawn"]) == ("statement_changed", "undo", True)
    assert details["old"]["text"] == "Clear everybody out." and len(details["old"]["statement_event"]) == 2
    assert entry_detail(case.history.entries_after(head)[0]) == "withdrawn (its creation undone): Clear everybody out."
    ops.withdraw_record(case, "request", request.id, "undo")
    assert case.requests.list() == []
    # the numbers of withdrawn records are not given again: the chain still speaks of them
    assert ops.add_statement(case, "Sgt. Ruiz", "radio", "again").value.id == s.id + 1
    assert ops.add_request(case, "OEMC audio").value.id == request.id + 1

    ops.link_claim_evidence(case, claim.id, "supports", item_ids=[1])
    with pytest.raises(BadInput, match="evidence is linked to it"):
        ops.withdraw_record(case, "claim", claim.id, "undo")
    graded = case.statements.list()[-1]
    ops.grade(case, [ops.Grading("statement", graded.id, credibility="3")], "one voice")
    with pytest.raises(BadInput, match="graded"):
        ops.withdraw_record(case, "statement", graded.id, "undo")
    with pytest.raises(BadInput):
        ops.withdraw_record(case, "item", 1, "undo")
    assert [c.id for c in case.claims.list()] == [claim.id]
    assert verify(case.path).ok
