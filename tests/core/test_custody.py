"""The chain of custody: every change appends its entry, naming who acted, in the
same transaction; transfers, derived copies and edits say what they must."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from evidence_desk.core import custody
from evidence_desk.core.case import Case
from evidence_desk.core.errors import BadInput, CaseReadOnly, UnknownRecord
from evidence_desk.core.verify import verify


@pytest.fixture
def case(tmp_path: Path) -> Case:
    c = Case.create(tmp_path / "case", "Custody", "Ann Examiner", tz="America/Chicago")
    yield c
    c.close()


@pytest.fixture
def memo(case: Case, tmp_path: Path) -> int:
    path = tmp_path / "memo.txt"
    path.write_bytes(b"04-Oc5-2025/12:34:44 clear everybody out")
    return case.items.import_file(path, source="OEMC", description="dispatcher memo").id


def head(case: Case) -> tuple[int, str]:
    return json.loads((case.path / "custody.head").read_text())["seq"], \
        json.loads((case.path / "custody.head").read_text())["entry_hash"]


CHANGES: dict[str, tuple[Callable[[Case, int], object], str]] = {
    "add_event": (lambda c, i: c.events.add("Stand-down order", when="4 Oct 2025 12:34"), "event_added"),
    "edit_event": (lambda c, i: c.events.edit(c.events.add("x").id, "retitled", title="y"), "event_changed"),
    "add_source": (lambda c, i: c.sources.add("Union leader", kind="person"), "source_added"),
    "add_statement": (lambda c, i: c.statements.add("CPD", "press release", "Officers did respond."),
                      "statement_added"),
    "add_claim": (lambda c, i: c.claims.add("CPD units responded"), "claim_added"),
    "link_claim": (lambda c, i: c.claims.link(c.claims.add("x").id, "supports", item_id=i), "claim_linked"),
    "grade": (lambda c, i: c.grades.add("item", i, "corroborated by the radio log", credibility="2"), "graded"),
    "annotate": (lambda c, i: c.annotations.add(i, "passage", "clear everybody out", text_start=21,
                                               text_end=40), "annotated"),
    "request": (lambda c, i: c.requests.add("Body-worn video", addressed_to="CPD"), "request_added"),
    "request_status": (lambda c, i: c.requests.set_status(c.requests.add("Logs").id, "fulfilled", [i],
                                                         reason="logs arrived"),
                       "request_changed"),
    "journal": (lambda c, i: c.journal.add("asked for the full log", item_id=i), "journal_note"),
    "edit_item": (lambda c, i: c.items.edit(i, reason="typo", description="memo"), "metadata_changed"),
    "link_event": (lambda c, i: c.items.link_event(i, c.events.add("x").id), "linked"),
    "view": (lambda c, i: c.history.record_view(i), "viewed"),
    "export": (lambda c, i: c.history.record_export([i], "/media/usb", "handover"), "exported"),
    "transfer": (lambda c, i: c.history.record_transfer([i], released_by="Ann", received_by="Bo", purpose="lab"),
                 "transferred"),
    "derive": (lambda c, i: c.items.add_derived(i, b"CLEAR EVERYBODY OUT", name="t.txt", reason="transcript"),
               "derived"),
    "case_action": (lambda c, i: c.history.record_case_action("verified", "weekly check"), "verified"),
}


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_every_change_appends_its_entry_with_who_acted(case: Case, memo: int, name: str) -> None:
    change, action = CHANGES[name]
    case.examiner = "Carla Examiner"
    before = len(case.history.entries())
    change(case, memo)
    new = case.history.entries()[before:]
    assert action in [e.action for e in new]
    assert {e.examiner for e in new} == {"Carla Examiner"}
    assert all(e.location == "test bench (host " + e.location.split("(host ")[1] for e in new)
    assert head(case) == (new[-1].seq, new[-1].entry_hash), "custody.head follows the newest entry"
    assert verify(case.path).ok


def test_a_refused_change_appends_nothing(case: Case, memo: int) -> None:
    case.sources.add("OEMC radio")
    before = case.history.entries()
    with pytest.raises(BadInput):
        case.sources.add("OEMC radio")  # duplicate name: refused inside the transaction
    with pytest.raises(BadInput):
        case.grades.add("item", memo, "", credibility="2")
    with pytest.raises(UnknownRecord):
        case.history.record_transfer([memo, 999], released_by="Ann", received_by="Bo", purpose="lab")
    assert case.history.entries() == before, "a failed change must roll back its custody entries too"
    assert verify(case.path).ok


def test_a_read_only_case_refuses_changes(case: Case, memo: int) -> None:
    with Case.open(case.path, read_only=True) as ro:
        with pytest.raises(CaseReadOnly):
            ro.events.add("x")
        with pytest.raises(CaseReadOnly):
            ro.history.record_view(memo)


def test_acquisition_records_who_what_hash_and_where_from(case: Case, memo: int) -> None:
    entry = case.history.entries(item_id=memo)[0]
    item = case.items.get(memo)
    assert (entry.action, entry.examiner, entry.item_id, entry.item_sha256) == \
        ("acquired", "Ann Examiner", memo, item.sha256)
    assert entry.at_utc.endswith("Z") and len(entry.local_offset) == 5
    recorded = entry.details_dict["item"]
    assert recorded["original_name"] == "memo.txt" and recorded["size"] == item.size
    assert recorded["description"] == "dispatcher memo"


def test_a_transfer_names_who_released_and_who_received_with_seal_notes(case: Case, memo: int) -> None:
    case.history.record_transfer([memo], released_by="Ann Examiner", received_by="Bo Lab", purpose="analysis",
                         condition="evidence bag 42, seal intact")
    entry = case.history.entries(item_id=memo)[-1]
    assert (entry.action, entry.released_by, entry.received_by, entry.condition, entry.purpose) == \
        ("transferred", "Ann Examiner", "Bo Lab", "evidence bag 42, seal intact", "analysis")
    with pytest.raises(BadInput):
        case.history.record_transfer([memo], released_by=" ", received_by="Bo", purpose="x")


def test_a_derived_copy_points_at_its_original_with_the_reason(case: Case, memo: int) -> None:
    derived = case.items.add_derived(memo, b"CLEAR EVERYBODY OUT", name="memo-transcript.txt",
                               reason="transcription of the memo")
    assert (derived.derived_from, derived.derivation_reason) == (memo, "transcription of the memo")
    assert case.items.derived(memo)[0].id == derived.id
    entry = case.history.entries(item_id=derived.id)[0]
    assert entry.action == "derived" and entry.purpose == "transcription of the memo"
    assert entry.details_dict["item"]["derived_from"] == memo
    with pytest.raises(BadInput):
        case.items.add_derived(memo, b"x", name="y", reason="  ")


def test_an_edit_keeps_the_value_it_replaced(case: Case, memo: int) -> None:
    case.items.edit(memo, reason="more precise", description="dispatcher memo, photographed at 12:40",
                   kind="scan")
    item = case.items.get(memo)
    assert (item.description, item.kind) == ("dispatcher memo, photographed at 12:40", "scan")
    changes = {c.field: c for c in case.history.changes("item", memo)}
    assert (changes["description"].old_value, changes["description"].new_value) == \
        ("dispatcher memo", "dispatcher memo, photographed at 12:40")
    assert (changes["kind"].old_value, changes["kind"].changed_by, changes["kind"].reason) == \
        ("document", "Ann Examiner", "more precise")
    logged = {e.details_dict["field"]: e.details_dict for e in case.history.entries(item_id=memo)
              if e.action == "metadata_changed"}
    assert logged["description"]["old"] == "dispatcher memo"
    assert {k: v for k, v in logged["kind"].items() if k != "records"} == {"field": "kind", "old": "document",
                                                                           "new": "scan"}
    # the entries carry the rows' new states: the item as edited, and each logged change
    states = [r for e in case.history.entries(item_id=memo) for r in e.details_dict.get("records", [])]
    assert [r["row"]["kind"] for r in states if r["table"] == "item"][-1] == "scan"
    assert {r["row"]["field"] for r in states if r["table"] == "metadata_change"} == {"description", "kind"}
    assert verify(case.path).ok


def test_an_edit_to_the_same_value_logs_nothing(case: Case, memo: int) -> None:
    before = len(case.history.entries())
    case.items.edit(memo, description="dispatcher memo")
    assert len(case.history.entries()) == before


def test_content_cannot_be_edited(case: Case, memo: int) -> None:
    for field in ("sha256", "size", "acquired_by", "acquired_at"):
        with pytest.raises(BadInput):
            case.items.edit(memo, **{field: "x"})


def test_the_examiner_is_who_the_caller_says_else_the_environment_else_the_case(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "case"
    Case.create(path, "Who", "Default Examiner").close()
    with Case.open(path, examiner="Explicit Examiner") as c:
        assert c.claims.add("a").created_by == "Explicit Examiner"
    monkeypatch.setenv("EVIDENCE_DESK_EXAMINER", "Env Examiner")
    with Case.open(path) as c:
        assert c.claims.add("b").created_by == "Env Examiner"
    monkeypatch.delenv("EVIDENCE_DESK_EXAMINER")
    with Case.open(path) as c:
        assert c.claims.add("c").created_by == "Default Examiner"
        assert [e.examiner for e in c.history.entries()[-3:]] == ["Explicit Examiner", "Env Examiner",
                                                          "Default Examiner"]


def test_each_entry_chains_to_the_one_before(case: Case, memo: int) -> None:
    entries = case.history.entries()
    assert entries[0].action == "case_created"
    assert entries[0].prev_hash == custody.genesis_hash(case.id)
    for before, after in zip(entries, entries[1:], strict=False):
        assert after.seq == before.seq + 1 and after.prev_hash == before.entry_hash
    for entry in entries:
        assert custody.entry_hash(entry.__dict__) == entry.entry_hash


@pytest.mark.parametrize("edit", ["item", "event", "request"])
def test_a_change_without_a_reason_is_refused_and_nothing_is_written(case: Case, memo: int, edit: str) -> None:
    event = case.events.add("Stand-down order")
    request = case.requests.add("Radio logs")
    before = len(case.history.entries())
    change = {"item": lambda: case.items.edit(memo, "  ", description="changed"),
              "event": lambda: case.events.edit(event.id, "", title="Renamed"),
              "request": lambda: case.requests.set_status(request.id, "fulfilled", reason="")}[edit]
    with pytest.raises(BadInput, match="needs a reason"):
        change()
    assert len(case.history.entries()) == before
    assert case.items.get(memo).description != "changed" and case.events.get(event.id).title != "Renamed"
    assert case.requests.list(ids=[request.id])[0].status == "open"
