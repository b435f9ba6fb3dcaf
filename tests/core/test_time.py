"""Uncertain time: raw text kept, normalised interval in a named zone, precision."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
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
    got = utime.parse(raw, zone)
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
    assert got.end == end.isoformat(), (raw, got)
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
