"""One description of a custody entry, read by the inspector and the report alike."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from evidence_desk.core.case import Case
from evidence_desk.core.custody_text import SUMMARY_LIMIT, describe_entry, local_time
from evidence_desk.core.report import build_report_model


@pytest.fixture
def worked(tmp_path: Path) -> Case:
    """A memo that is imported, described again, graded, annotated, viewed and handed over."""
    memo = tmp_path / "memo.txt"
    memo.write_bytes(b"PER CHIEF OF PATROL NO UNITS WILL RESPOND\n")
    case = Case.create(tmp_path / "case", "Stand-down", "Test Examiner", tz="America/Chicago")
    event = case.events.add("Order relayed", when="2025-10-04 12:34:44")
    item = case.items.import_file(memo, event_ids=[event.id], source="OEMC", acquired_from="OEMC records clerk",
                            description="dispatcher memo", purpose="intake at the desk")
    case.items.edit(item.id, "the clerk named the channel", description="dispatcher memo, channel 3")
    case.grades.add("item", item.id, "matches the dispatch audio", credibility="2")
    case.annotations.add(item.id, "passage", "the order", text_start=0, text_end=19)
    case.journal.add("Asked OEMC for the CAD log.\nNo answer yet.\t<b>follow up</b>", item_id=item.id)
    case.history.record_view(item.id)
    case.history.record_transfer([item.id], released_by="Test Examiner", received_by="Inspector General's office",
                         purpose="review", condition="sealed envelope")
    yield case
    case.close()


def test_every_field_of_an_entry_is_labelled(worked: Case) -> None:
    [item] = worked.items.list()
    entries = worked.history.entries(item_id=item.id)
    assert [e.action for e in entries] == ["acquired", "metadata_changed", "graded", "annotated", "journal_note",
                                           "viewed", "transferred"]
    acquired, changed, graded, annotated, note, viewed, transferred = (describe_entry(e) for e in entries)

    fields = dict(acquired.fields)
    assert fields["Entry"] == f"#{entries[0].seq}" and fields["Action"] == "acquired"
    assert fields["Concerns"] == f"item #{item.id}"
    assert fields["By"] == "Test Examiner" and fields["Where"] == entries[0].location
    assert fields["Item SHA-256 then"] == hashlib.sha256(worked.items.read_bytes(item.id)).hexdigest()
    assert fields["Entry hash"] == entries[0].entry_hash and fields["Previous entry hash"] == entries[0].prev_hash
    event_id = worked.events.list()[0].id
    assert acquired.detail == f"events #{event_id}"
    assert acquired.summary == f"events #{event_id} (intake at the desk, from OEMC records clerk to Test Examiner)"

    assert changed.detail == "description: 'dispatcher memo' → 'dispatcher memo, channel 3'"
    assert changed.summary.endswith("(the clerk named the channel)")
    assert graded.detail == "grade -2: matches the dispatch audio"
    assert annotated.detail.endswith("(passage): the order")
    assert viewed.detail == "" and viewed.summary == entries[5].purpose

    fields = dict(transferred.fields)
    assert (fields["Released by"], fields["Received by"]) == ("Test Examiner", "Inspector General's office")
    assert fields["Condition"] == "sealed envelope"
    assert transferred.summary == "review, from Test Examiner to Inspector General's office"
    assert transferred.as_text().splitlines()[:2] == [f"Entry: #{entries[6].seq}", "Action: transferred"]

    # A note's line breaks stay in the detail but not in the one-line summary.
    assert note.detail == "Asked OEMC for the CAD log.\nNo answer yet.\t<b>follow up</b>"
    assert note.summary == "Asked OEMC for the CAD log. No answer yet. <b>follow up</b>"
    assert note.headline == (f"#{entries[4].seq} · {entries[4].at_utc.replace('T', ' ')[:19]} UTC · "
                             "journal note · Test Examiner")


def test_the_report_states_the_same_description(worked: Case) -> None:
    [item] = worked.items.list()
    model = build_report_model(worked)
    [section] = model.items
    entries = worked.history.entries(item_id=item.id)
    assert [line.seq for line in section.custody] == [e.seq for e in entries]
    for line, entry in zip(section.custody, entries, strict=True):
        text = describe_entry(entry)
        assert (line.action, line.detail, line.at_local) == (text.action, text.detail, text.local_time)


def test_a_long_summary_is_cut_but_the_detail_is_whole(worked: Case) -> None:
    long_note = "word " * 200
    worked.journal.add(long_note)
    entry = worked.history.entries()[-1]
    text = describe_entry(entry)
    assert len(text.summary) == SUMMARY_LIMIT and text.summary.endswith("…")
    assert text.detail == long_note and dict(text.fields)["What"] == long_note
    assert dict(text.fields)["Concerns"].startswith("journal #")


def test_local_time_uses_the_examiners_offset_then() -> None:
    assert local_time("2026-11-27T04:43:16.123456Z", "+0100") == "2026-11-27 05:43:16 +01:00"
    assert local_time("2026-11-27T04:43:16Z", "-0530") == "2026-11-26 23:13:16 -05:30"
    assert local_time("2026-11-27T04:43:16Z", "bogus") == "2026-11-27T04:43:16Z (offset 'bogus' unreadable)"
