"""Uncertain time: raw text kept, normalised interval in a named zone, precision."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence_desk.core import uncertain_time as utime
from evidence_desk.core.errors import BadTime

ZONES = ["UTC", "America/Chicago", "Europe/London", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham",
         "America/St_Johns"]

# (strftime format, precision the reading must have)
FORMATS = [
    ("%Y-%m-%d %H:%M:%S", "second"),
    ("%Y-%m-%dT%H:%M:%S", "second"),
    ("%Y-%m-%dT%H:%M", "minute"),
    ("%d-%b-%Y/%H:%M:%S", "second"),  # the dispatcher memo's layout
    ("%d %B %Y %H:%M", "minute"),
    ("%d %b %Y, %H:%M:%S", "second"),
    ("%B %d, %Y %I:%M %p", "minute"),
    ("%b %d %Y %I:%M:%S %p", "second"),
    ("%m/%d/%Y %H:%M", "minute"),
    ("%Y-%m-%d", "day"),
    ("%d %B %Y", "day"),
    ("%B %Y", "month"),
    ("%Y", "year"),
]

TRUNCATE = {"second": {}, "minute": {"second": 0}, "day": {"hour": 0, "minute": 0, "second": 0},
            "month": {"day": 1, "hour": 0, "minute": 0, "second": 0},
            "year": {"month": 1, "day": 1, "hour": 0, "minute": 0, "second": 0}}
LENGTH = {"second": timedelta(0), "minute": timedelta(seconds=59)}


@settings(max_examples=300, deadline=None)
@given(moment=st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2099, 12, 31, 23, 59, 59)),
       zone=st.sampled_from(ZONES), layout=st.sampled_from(FORMATS))
def test_a_written_time_reads_back_as_the_interval_it_names(moment: datetime, zone: str,
                                                            layout: tuple[str, str]) -> None:
    fmt, precision = layout
    raw = moment.strftime(fmt)
    # the numeric layout is written month first here; a day-first zone would otherwise read it the other way
    got = utime.parse(raw, zone, dayfirst=False if fmt.startswith("%m/") else None)
    tz = UTC if zone == "UTC" else ZoneInfo(zone)
    # written text carries no fold: a wall time that happens twice is read as its first occurrence
    start = moment.replace(microsecond=0, fold=0, **TRUNCATE[precision]).replace(tzinfo=tz)
    assert (got.raw, got.tz, got.precision) == (raw, zone, precision), got
    assert got.start == start.isoformat(), (raw, got)
    if precision in LENGTH:
        end = start + LENGTH[precision]
    elif precision == "day":
        end = start.replace(hour=23, minute=59, second=59)
    elif precision == "month":
        end = (start.replace(day=28) + timedelta(days=4)).replace(day=1, hour=0) - timedelta(seconds=1)
        end = end.replace(tzinfo=tz)
    else:
        end = start.replace(month=12, day=31, hour=23, minute=59, second=59)
    # the end is the same instant; inside a DST gap it is shown with the offset actually in force then
    assert got.end is not None and datetime.fromisoformat(got.end) == end, (raw, got)
    assert got.sort_utc == start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert utime.from_stored(got.raw, got.start, got.end, got.tz, got.precision, got.sort_utc, got.note) == got


def test_the_memo_timestamp_is_read_as_chicago_on_4_october_with_a_note() -> None:
    got = utime.parse("04-Oc5-2025/12:34:44", "America/Chicago")
    assert got.raw == "04-Oc5-2025/12:34:44"
    assert got.start == got.end == "2025-10-04T12:34:44-05:00"
    assert (got.precision, got.tz, got.sort_utc) == ("second", "America/Chicago", "2025-10-04T17:34:44Z")
    assert "Oc5" in got.note and "Oct" in got.note
    assert got.display() == "2025-10-04 12:34:44 America/Chicago"


@pytest.mark.parametrize("raw, start, end", [
    ("between 12:30 and 12:40 on 4 October 2025", "2025-10-04T12:30:00-05:00", "2025-10-04T12:40:59-05:00"),
    ("2025-10-04 12:30 - 2025-10-04 13:15", "2025-10-04T12:30:00-05:00", "2025-10-04T13:15:59-05:00"),
    ("4 Oct 2025 23:50 to 5 Oct 2025 00:10", "2025-10-04T23:50:00-05:00", "2025-10-05T00:10:59-05:00"),
    ("12:30 until 12:45 on 2025-10-04", "2025-10-04T12:30:00-05:00", "2025-10-04T12:45:59-05:00"),
])
def test_ranges_keep_both_ends(raw: str, start: str, end: str) -> None:
    got = utime.parse(raw, "America/Chicago")
    assert (got.precision, got.start, got.end, got.raw) == ("range", start, end, raw)
    assert "–" in got.display()


@pytest.mark.parametrize("raw", ["sometime after lunch", "the day before the raid", "12:34", "Oc5",
                                 "31 February 2025", "2025-13-01", "25:61 on 4 October 2025",
                                 "between 13:00 and 12:00 on 4 October 2025"])
def test_text_that_cannot_be_read_is_kept_raw_with_precision_unknown(raw: str) -> None:
    got = utime.parse(raw, "America/Chicago")
    assert (got.raw, got.precision, got.start, got.end, got.sort_utc) == (raw, "unknown", None, None, None)
    assert not got.known
    assert got.note, "the reader is told why the time was not normalised"
    assert raw in got.display()


@pytest.mark.parametrize("raw", ["", None, "unknown", "?"])
def test_no_time_is_unknown_without_fuss(raw: str | None) -> None:
    got = utime.parse(raw, "UTC")
    assert got.precision == "unknown" and got.start is None


def test_an_offset_given_by_the_source_wins_over_the_zone_and_is_noted() -> None:
    got = utime.parse("2025-10-04T12:34:44-05:00", "Europe/London")
    assert got.start == "2025-10-04T12:34:44-05:00" and got.sort_utc == "2025-10-04T17:34:44Z"
    assert "offset" in got.note


def test_an_ambiguous_numeric_date_says_how_it_was_read() -> None:
    us = utime.parse("10/04/2025 12:34", "America/Chicago")
    assert us.start == "2025-10-04T12:34:00-05:00" and "ambiguous" in us.note
    european = utime.parse("24/10/2025", "UTC")
    assert european.start.startswith("2025-10-24") and "day/month" in european.note


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "America/Chicag", "", "../../etc/passwd", "+05:00"])
def test_a_bad_zone_is_an_error_not_a_guess(zone: str) -> None:
    with pytest.raises(BadTime, match="time zone"):
        utime.parse("2025-10-04 12:00", zone)


def test_times_in_different_zones_sort_by_the_instant() -> None:
    chicago = utime.parse("2025-10-04 12:34", "America/Chicago")  # 17:34 UTC
    london = utime.parse("2025-10-04 18:00", "Europe/London")  # 17:00 UTC
    assert london.sort_utc < chicago.sort_utc


# --- time as people write it (issue 11 part 3); the corpus is in tests/data/time_corpus.tsv -----------

def test_an_ambiguous_numeric_date_offers_both_readings_and_the_locale_picks_the_default() -> None:
    us = utime.parse("04/10/2025", "America/Chicago")
    assert us.ambiguous and us.question == "date-order" and "ambiguous-date" in us.flags
    assert us.start == "2025-04-10T00:00:00-05:00"
    assert [(a.choice, a.start) for a in us.alternatives] == [
        ("month-first", "2025-04-10T00:00:00-05:00"), ("day-first", "2025-10-04T00:00:00-05:00")]
    british = utime.parse("04/10/2025", "Europe/London")
    assert british.start == "2025-10-04T00:00:00+01:00" and british.alternatives[0].choice == "day-first"
    case_locale = utime.parse("04/10/2025", "America/Chicago", dayfirst=True)
    assert case_locale.start == "2025-10-04T00:00:00-05:00" and case_locale.ambiguous
    answered = utime.parse("04/10/2025", "America/Chicago", choose="day-first")
    assert answered.start == "2025-10-04T00:00:00-05:00" and not answered.ambiguous
    assert "examiner chose" in answered.note and "chosen" in answered.flags


def test_the_zone_gives_the_default_date_order() -> None:
    assert [utime.dayfirst_for_zone(z) for z in ("America/Chicago", "US/Central", "Asia/Manila", "UTC")] == \
        [False, False, False, False]
    assert [utime.dayfirst_for_zone(z) for z in ("Europe/London", "Europe/Berlin", "America/Sao_Paulo",
                                                 "Asia/Kolkata", "Australia/Sydney")] == [True] * 5


def test_a_twelve_hour_time_on_a_two_digit_year() -> None:
    got = utime.parse("11/2/25 11:04 PM", "America/Chicago")
    # 23:04 CST (the clocks went back that morning) is 05:04 UTC on the 3rd
    assert got.start == "2025-11-02T23:04:00-06:00" and got.sort_utc == "2025-11-03T05:04:00Z"
    assert "two-digit year" in got.note


def test_a_wall_time_in_the_spring_gap_is_flagged_with_both_candidates() -> None:
    got = utime.parse("2025-03-09 02:30", "America/Chicago")
    assert got.question == "dst-gap" and "dst-gap" in got.flags and "does not exist" in got.note
    # with the offset before the change (-06:00) it is 08:30 UTC; with the one after (-05:00), 07:30 UTC
    assert [(a.choice, a.sort_utc) for a in got.alternatives] == [
        ("dst-first", "2025-03-09T08:30:00Z"), ("dst-second", "2025-03-09T07:30:00Z")]
    later = utime.parse("2025-03-09 02:30", "America/Chicago", choose="dst-second")
    assert later.start == "2025-03-09T02:30:00-05:00" and not later.ambiguous


def test_a_wall_time_in_the_autumn_overlap_is_flagged_with_both_candidates() -> None:
    got = utime.parse("2025-11-02 01:30", "America/Chicago")
    assert got.question == "dst-overlap" and "happens twice" in got.note
    assert [(a.choice, a.sort_utc) for a in got.alternatives] == [
        ("dst-first", "2025-11-02T06:30:00Z"), ("dst-second", "2025-11-02T07:30:00Z")]
    assert "CDT" in got.alternatives[0].label and "CST" in got.alternatives[1].label
    # the source naming the zone's abbreviation settles it without asking
    stated = utime.parse("2025-11-02 01:30 CST", "America/Chicago")
    assert stated.start == "2025-11-02T01:30:00-06:00" and not stated.ambiguous
    # an offset given by the source is not a wall time: nothing to ask
    offset = utime.parse("2025-03-09T02:30:00-06:00", "America/Chicago")
    assert offset.sort_utc == "2025-03-09T08:30:00Z" and not offset.ambiguous and "offset" in offset.flags


@pytest.mark.parametrize("context", [date(2025, 10, 4), datetime(2025, 10, 4, 23, 0), "2025-10-04",
                                     "2025-10-04T12:34:44-05:00"])
def test_a_time_alone_is_taken_on_the_context_day(context: object) -> None:
    got = utime.parse("03:1O", "America/Chicago", context_day=context)  # type: ignore[arg-type]
    assert got.start == "2025-10-04T03:10:00-05:00" and got.precision == "minute"
    assert "damaged" in got.note and "03:10" in got.note and "context-day" in got.flags
    assert utime.parse("03:10", "America/Chicago").precision == "unknown"


def test_the_context_day_may_be_another_reading() -> None:
    event = utime.parse("4 October 2025", "America/Chicago")
    got = utime.parse("about 3 pm", "America/Chicago", context_day=event)
    assert (got.start, got.end, got.precision) == ("2025-10-04T14:30:00-05:00", "2025-10-04T15:30:00-05:00",
                                                   "range")
    assert "±30 min" in got.note
    assert utime.parse("3 pm", "America/Chicago", context_day=utime.parse("October 2025")).precision == "unknown"


def test_the_extra_reading_fields_do_not_change_equality_with_the_stored_time() -> None:
    got = utime.parse("2025-11-02 01:30", "America/Chicago")
    stored = utime.from_stored(got.raw, got.start, got.end, got.tz, got.precision, got.sort_utc, got.note)
    assert stored == got and stored.alternatives == () and got.alternatives
    assert got.start_utc == "2025-11-02T06:30:00Z" and got.end_utc == "2025-11-02T06:30:59Z"


def test_the_examiners_answer_reaches_the_case_and_the_custody_record(tmp_path) -> None:
    from evidence_desk.core import operations as ops
    from evidence_desk.core.case import Case

    with Case.create(tmp_path / "case", "Times", "Test Examiner", tz="America/Chicago") as case:
        event = ops.add_event(case, "Call logged", when="2025-11-02 01:30", choose="dst-second").value
        assert event.time.start == "2025-11-02T01:30:00-06:00" and "examiner chose" in event.time.note
        assert utime.choices_for(event.time) == "dst-second"
        # the same text read the other way is a logged change of the time
        edited = ops.edit_event(case, event.id, "the log says CDT", when="2025-11-02 01:30",
                                choose="dst-first").value
        assert edited.time.start == "2025-11-02T01:30:00-05:00"
        change = case.history.changes("event", event.id)[-1]
        assert "read as 2025-11-02T01:30:00-06:00" in str(change.old_value)
        assert "read as 2025-11-02T01:30:00-05:00" in str(change.new_value)
        # a time alone typed for an event is taken on the day it already had
        alone = ops.edit_event(case, event.id, "the radio log has the minute", when="03:1O").value
        assert alone.time.start == "2025-11-02T03:10:00-06:00" and "damaged" in alone.time.note
        # a statement's time said alone is taken on the day of the event it is about
        said = case.statements.add("Dispatcher", "radio", "clear everybody out", when="about 3 pm",
                                   event_ids=[event.id])
        assert (said.time.start, said.time.end) == ("2025-11-02T14:30:00-06:00", "2025-11-02T15:30:00-06:00")


def test_the_command_line_says_when_a_time_can_be_read_two_ways_and_takes_the_answer(tmp_path, capsys) -> None:
    from evidence_desk import cli
    from evidence_desk.cli.events import CHOICES
    from evidence_desk.core.case import Case

    assert CHOICES == utime.CHOICES
    path = tmp_path / "case"
    assert cli.main(["init", str(path), "--title", "T", "--examiner", "Ann", "--tz", "America/Chicago"]) == 0
    capsys.readouterr()
    assert cli.main(["event", "add", str(path), "--title", "Memo", "--when", "04/10/2025"]) == 0
    out, err = capsys.readouterr()
    assert "--reading month-first" in err and "--reading day-first" in err
    event_id = int(out.strip())
    assert cli.main(["event", "edit", str(path), str(event_id), "--reading", "day-first",
                     "--reason", "the memo is British"]) == 0
    with Case.open(path) as case:
        assert case.events.get(event_id).time.start == "2025-10-04T00:00:00-05:00"


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=60) | st.lists(st.sampled_from(
    ["between", "and", "about", "3", "pm", "12:34", "04/10/2025", "2025-11-02", "01:30", "morning", "of", "Oc5",
     "yesterday", "CST", "Z", "+05:30", "-", "shortly", "after", "noon", "1241", "03:1O", "night", "11/2/25"]),
    max_size=8).map(" ".join), zone=st.sampled_from(ZONES), context=st.sampled_from([None, "2025-11-02"]))
def test_reading_never_fails_and_a_known_reading_is_a_proper_interval(text: str, zone: str,
                                                                       context: str | None) -> None:
    got = utime.parse(text, zone, context_day=context)
    assert got.raw == text
    if got.known:
        assert got.start_utc is not None and got.end_utc is not None and got.start_utc <= got.end_utc
        assert got.precision in utime.PRECISIONS and got.precision != "unknown"
    assert bool(got.question) == bool(got.alternatives)
