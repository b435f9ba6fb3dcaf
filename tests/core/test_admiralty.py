"""The Admiralty vocabulary: one set of codes and words for the store, the GUI and the report."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from evidence_desk.core import admiralty
from evidence_desk.core.case import Case
from evidence_desk.core.errors import BadInput
from evidence_desk.core.report import build_report_model


def test_the_scales_say_what_the_nato_system_says() -> None:
    # The words of DOMAIN.md, axis by axis, in order.
    assert admiralty.RELIABILITY_CODES == ("A", "B", "C", "D", "E", "F")
    assert admiralty.CREDIBILITY_CODES == ("1", "2", "3", "4", "5", "6")
    assert [admiralty.reliability_meaning(c) for c in "ABCDEF"] == [
        "completely reliable", "usually reliable", "fairly reliable", "not usually reliable", "unreliable",
        "reliability cannot be judged"]
    assert [admiralty.credibility_meaning(c) for c in "123456"] == [
        "confirmed by other sources", "probably true", "possibly true", "doubtful", "improbable",
        "truth cannot be judged"]
    with pytest.raises(TypeError):
        admiralty.RELIABILITY_MEANINGS["G"] = "made up"  # type: ignore[index]


def test_describe_spells_out_either_axis_or_both() -> None:
    assert admiralty.describe("B", "2") == "B: usually reliable; 2: probably true"
    assert admiralty.describe("F", None) == "F: reliability cannot be judged"
    assert admiralty.describe(None, "6") == "6: truth cannot be judged"
    assert admiralty.describe(None, None) == admiralty.describe("", "") == "not graded"
    assert admiralty.describe("G", None) == "G: 'G' is not a reliability grade"  # named, not guessed


@pytest.mark.parametrize("reliability", [None, *admiralty.RELIABILITY_CODES])
@pytest.mark.parametrize("credibility", [None, *admiralty.CREDIBILITY_CODES])
def test_notation_reads_back_to_the_same_meaning(reliability: str | None, credibility: str | None) -> None:
    written = admiralty.notation(reliability, credibility)
    assert admiralty.describe_notation(written) == admiralty.describe(reliability, credibility)
    if reliability and credibility:
        assert written == reliability + credibility
    elif reliability or credibility:
        assert written in (f"{reliability}-", f"-{credibility}")
    else:
        assert written == ""


def test_the_store_refuses_codes_outside_the_vocabulary(tmp_path: Path) -> None:
    with Case.create(tmp_path / "case", "Grades", "Test Examiner") as case:
        source = case.sources.add("CPD News Affairs")
        with pytest.raises(BadInput, match="A, B, C, D, E, F"):
            case.grades.add("source", source.id, "no such grade", reliability="G")
        # the schema holds the same line without the Python check in front of it
        with pytest.raises(sqlite3.IntegrityError):
            case.db.execute("INSERT INTO grade (target_type, target_id, reliability, rationale, graded_by, "
                            "graded_at) VALUES ('source', ?, 'G', 'x', 'x', 'x')", [source.id])


def test_the_report_uses_the_same_words(tmp_path: Path) -> None:
    memo = tmp_path / "memo.txt"
    memo.write_text("clear everybody out\n", "utf-8")
    with Case.create(tmp_path / "case", "Grades", "Test Examiner") as case:
        item = case.items.import_file(memo, source="OEMC")
        case.grades.add("item", item.id, "matches the audio", credibility="2")
        case.grades.add("source", item.source_id, "official records", reliability="B")
        model = build_report_model(case)
    [section] = model.items
    assert section.grade == "B2"
    assert section.grade_meaning == "B: usually reliable; 2: probably true"
    [source] = model.sources
    assert source.meaning == "B: usually reliable"
