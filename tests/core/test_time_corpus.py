"""The time corpus: expressions as witnesses, radio logs, memos and press releases write them.

Every line of ``tests/data/time_corpus.tsv`` is one raw text with the zone, the
locale order, the context day and any answer the examiner gave, and the
reading it must get: interval, precision, flags and the open question.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from evidence_desk.core import uncertain_time as utime

CORPUS = Path(__file__).parent.parent / "data" / "time_corpus.tsv"


@dataclass(frozen=True)
class Case:
    line: int
    raw: str
    zone: str
    dayfirst: bool | None
    context_day: str | None
    choose: str
    start: str | None
    end: str | None
    precision: str
    flags: tuple[str, ...]
    question: str


def load() -> list[Case]:
    cases = []
    with CORPUS.open(encoding="utf-8", newline="") as f:
        rows = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        for number, row in enumerate(rows, 1):
            if not row or row[0].startswith("#") or row[0] == "raw":
                continue
            raw, zone, order, context, choose, start, end, precision, flags, question = row
            cases.append(Case(number, raw, zone, {"day": True, "month": False}.get(order), context or None,
                              choose, None if start == "-" else start, None if end == "-" else end, precision,
                              tuple(f for f in flags.split(",") if f), question))
    return cases


CASES = load()


def read(case: Case) -> utime.UncertainTime:
    return utime.parse(case.raw, case.zone, dayfirst=case.dayfirst, context_day=case.context_day,
                       choose=case.choose or None)


def test_the_corpus_is_large_and_has_no_duplicates() -> None:
    keys = [(c.raw, c.zone, c.dayfirst, c.context_day, c.choose) for c in CASES]
    assert len(CASES) >= 200
    assert len(set(keys)) == len(keys)


def test_the_corpus_holds_every_example_the_issue_names() -> None:
    raws = {c.raw for c in CASES}
    for example in ["04/10/2025", "11/2/25 11:04 PM", "about 3 pm", "around 3 pm", "approx. 3 pm", "c. 3 pm",
                    "between 1 and 2 pm", "shortly after 13:00", "morning of 4 October 2025",
                    "afternoon of 4 October 2025", "evening of 4 October 2025", "night of 4 October 2025",
                    "03:10", "03:1O", "2025-03-09T02:30:00-06:00", "2025-10-04T17:34:44Z", "2025-03-09 02:30",
                    "2025-11-02 01:30", "04-Oc5-2025/12:34:44"]:
        assert example in raws, example


@pytest.mark.parametrize("case", CASES, ids=[f"{c.line}:{c.raw}" for c in CASES])
def test_a_corpus_expression_reads_as_expected(case: Case) -> None:
    got = read(case)
    assert (got.start, got.end, got.precision) == (case.start, case.end, case.precision), got
    assert tuple(sorted(got.flags)) == case.flags, got
    assert got.question == case.question, got
    # what every reading keeps: the raw text, the interval in UTC, the precision and how it was read
    assert got.raw == case.raw and got.tz == case.zone
    if got.known:
        assert got.start_utc == got.sort_utc
        assert got.start_utc is not None and got.end_utc is not None and got.start_utc <= got.end_utc
        assert datetime.fromisoformat(got.start).astimezone(UTC) <= datetime.fromisoformat(got.end).astimezone(UTC)
        assert got.how
        if got.flags:
            assert got.note, "anything the reader noticed is said in the note"
    else:
        assert got.note or got.raw.strip().lower() in ("unknown", "?", "n/a")
    # a question comes with its candidate readings, the current one first; choosing one answers it
    if got.question:
        assert len(got.alternatives) == 2
        assert got.alternatives[0].start == got.start
        for alternative in got.alternatives:
            chosen = utime.parse(case.raw, case.zone, dayfirst=case.dayfirst, context_day=case.context_day,
                                 choose=[*case.choose.split(","), alternative.choice] if case.choose
                                 else alternative.choice)
            assert chosen.start == alternative.start and chosen.question != got.question
            assert "chosen" in chosen.flags
        assert got.alternatives[0].start != got.alternatives[1].start or \
            got.alternatives[0].sort_utc != got.alternatives[1].sort_utc
    else:
        assert got.alternatives == ()
    # the stored form of the reading equals the reading (flags and alternatives are not stored)
    assert utime.from_stored(got.raw, got.start, got.end, got.tz, got.precision, got.sort_utc, got.note) == got


def test_the_corpus_passes_in_full() -> None:
    """One figure for the report: how many corpus lines read exactly as expected."""
    passed = 0
    for case in CASES:
        got = read(case)
        if ((got.start, got.end, got.precision, tuple(sorted(got.flags)), got.question)
                == (case.start, case.end, case.precision, case.flags, case.question)):
            passed += 1
    assert passed == len(CASES), f"{passed}/{len(CASES)} corpus lines read as expected"
