"""Uncertain time: keep what the source said, what we read it as, and how sure.

Sources state times badly (a dispatcher memo says ``04-Oc5-2025/12:34:44``).
Every time in a case is kept as three things: the raw text exactly as given,
the normalised ISO 8601 interval in the zone it was interpreted in, and its
precision. Reading never fails: text that cannot be read is kept raw with
precision ``unknown`` and a note saying so. Only a bad time-zone name is an
error, because that is the investigator's input, not the source's.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import BadTime

PRECISIONS = ("second", "minute", "hour", "day", "month", "year", "range", "unknown")

_MONTHS = [m.lower() for m in calendar.month_name[1:]]
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",
                         "\u2014": "-", "\u2212": "-", "\u00a0": " ", "\u202f": " "})


@dataclass(frozen=True)
class UncertainTime:
    """A time as a source gave it, and as we read it."""

    raw: str
    start: str | None  # ISO 8601 with offset, in ``tz``
    end: str | None  # inclusive end of the interval the raw text allows
    tz: str
    precision: str
    sort_utc: str | None  # start in UTC, fixed width, for ordering/indexing
    note: str = ""

    @property
    def known(self) -> bool:
        return self.start is not None

    def display(self) -> str:
        """Short human form that does not hide the uncertainty."""
        if self.start is None:
            return f"unknown ({self.raw})" if self.raw else "unknown"
        s = datetime.fromisoformat(self.start)
        e = datetime.fromisoformat(self.end) if self.end else s
        zone = self.tz
        if self.precision == "second":
            return f"{s:%Y-%m-%d %H:%M:%S} {zone}"
        if self.precision == "minute":
            return f"{s:%Y-%m-%d %H:%M} {zone}"
        if self.precision == "hour":
            return f"{s:%Y-%m-%d %H}:00–{e:%H}:59 {zone}"
        if self.precision == "day":
            return f"{s:%Y-%m-%d} (day)"
        if self.precision == "month":
            return f"{s:%Y-%m} (month)"
        if self.precision == "year":
            return f"{s:%Y} (year)"
        if s.date() == e.date():
            return f"{s:%Y-%m-%d} {s:%H:%M}–{e:%H:%M} {zone}"
        return f"{s:%Y-%m-%d %H:%M} – {e:%Y-%m-%d %H:%M} {zone}"


def zone(name: str) -> tzinfo:
    """Return the zone called ``name`` or raise :class:`BadTime`."""
    if name.upper() in ("UTC", "Z"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise BadTime(f"unknown time zone {name!r} (use an IANA name such as America/Chicago)") from None


def unknown(raw: str = "", tz: str = "UTC", note: str = "") -> UncertainTime:
    return UncertainTime(raw=raw, start=None, end=None, tz=tz, precision="unknown",
                         sort_utc=None, note=note)


def parse(raw: str | None, tz: str = "UTC") -> UncertainTime:
    """Read ``raw`` as a time interpreted in zone ``tz``."""
    zone_info = zone(tz)
    raw = raw or ""
    text = " ".join(raw.translate(_DASHES).split())
    if not text or text.lower() in ("unknown", "?", "n/a", "none"):
        return unknown(raw, tz)
    try:
        result = _parse_range(text, zone_info) or _parse_single(text, zone_info)
    except ValueError as exc:  # e.g. 31 February
        return unknown(raw, tz, f"not a valid date ({exc}); kept as raw text")
    if result is None:
        return unknown(raw, tz, "could not be read; kept as raw text")
    start, end, precision, notes = result
    if end < start:
        return unknown(raw, tz, "the range ends before it starts; kept as raw text")
    return UncertainTime(
        raw=raw,
        start=start.isoformat(),
        end=end.isoformat(),
        tz=tz,
        precision=precision,
        sort_utc=start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        note="; ".join(notes),
    )


def from_stored(raw: str, start: str | None, end: str | None, tz: str, precision: str,
                sort_utc: str | None, note: str) -> UncertainTime:
    return UncertainTime(raw or "", start, end, tz or "UTC", precision or "unknown", sort_utc, note or "")


# --- parsing --------------------------------------------------------------

_Point = tuple[datetime, datetime, str, list[str]]

_ISO = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[T ](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?)?"
    r"\s*(?P<off>Z|[+-]\d{2}:?\d{2})?$"
)
_ISO_DATE = re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})")
_DAY_MON_YEAR = re.compile(r"(?P<d>\d{1,2})[-/ .](?P<mon>[A-Za-z][A-Za-z0-9]{1,8})\.?[-/ .,]+(?P<y>\d{4})")
_MON_DAY_YEAR = re.compile(r"(?P<mon>[A-Za-z]{3,9})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})")
_NUMERIC = re.compile(r"(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4})")
_MON_YEAR = re.compile(r"^(?P<mon>[A-Za-z]{3,9})\.?,?\s+(?P<y>\d{4})$")
_YEAR = re.compile(r"^(?P<y>\d{4})$")
_CLOCK = re.compile(r"(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?\s*(?P<ap>[ap]\.?m\.?)?", re.I)
_RANGE = re.compile(
    r"^(?:between\s+)?(?P<a>.+?)\s+(?:and|to|until|-)\s+(?P<b>.+?)(?:\s+on\s+(?P<on>.+))?$", re.I
)


def _month(token: str, notes: list[str]) -> int | None:
    """Month number from a word, tolerating OCR/typing damage (``Oc5`` → October)."""
    word = token.lower().rstrip(".")
    if word in _MONTHS:
        return _MONTHS.index(word) + 1
    for i, name in enumerate(_MONTHS):
        if word == name[:3] or (len(word) >= 3 and name.startswith(word)):
            return i + 1
    letters = re.match(r"[a-z]+", word)
    prefix = letters.group(0) if letters else ""
    if len(prefix) >= 2:
        hits = [i for i, name in enumerate(_MONTHS) if name.startswith(prefix)]
        if len(hits) == 1:
            notes.append(f"month {token!r} read as {_MONTHS[hits[0]][:3].title()} (damaged text)")
            return hits[0] + 1
    return None


def _date_part(text: str, notes: list[str]) -> tuple[tuple[int, int, int], str, str] | None:
    """Find a calendar date in ``text``; return (y, m, d), the precision, and the rest."""
    m = _ISO_DATE.search(text)
    if m:
        rest = text[: m.start()] + " " + text[m.end():]
        return (int(m.group("y")), int(m.group("m")), int(m.group("d"))), "day", rest
    for pattern in (_DAY_MON_YEAR, _MON_DAY_YEAR):
        m = pattern.search(text)
        if m:
            month = _month(m.group("mon"), notes)
            if month is None:
                continue
            rest = text[: m.start()] + " " + text[m.end():]
            return (int(m.group("y")), month, int(m.group("d"))), "day", rest
    m = _NUMERIC.search(text)
    if m:
        a, b = int(m.group("a")), int(m.group("b"))
        if a > 12:
            day, month = a, b
            notes.append("numeric date read day/month/year")
        else:
            month, day = a, b
            if b <= 12 and a != b:
                notes.append("numeric date read month/day/year (US order); ambiguous")
        rest = text[: m.start()] + " " + text[m.end():]
        return (int(m.group("y")), month, day), "day", rest
    m = _MON_YEAR.match(text)
    if m:
        month = _month(m.group("mon"), notes)
        if month:
            return (int(m.group("y")), month, 1), "month", ""
    m = _YEAR.match(text)
    if m:
        return (int(m.group("y")), 1, 1), "year", ""
    return None


def _clock(text: str) -> tuple[int, int, int | None] | None:
    m = _CLOCK.search(text)
    if not m:
        return None
    hour, minute = int(m.group("H")), int(m.group("M"))
    ap = (m.group("ap") or "").lower().replace(".", "")
    if ap == "pm" and hour < 12:
        hour += 12
    elif ap == "am" and hour == 12:
        hour = 0
    second = int(m.group("S")) if m.group("S") else None
    if hour > 23 or minute > 59 or (second is not None and second > 59):
        raise ValueError(f"{m.group(0)} is not a time of day")
    return hour, minute, second


def _offset_zone(off: str) -> tzinfo:
    if off == "Z":
        return UTC
    sign = -1 if off[0] == "-" else 1
    digits = off[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def _parse_single(text: str, tz: tzinfo, default_date: tuple[int, int, int] | None = None) -> _Point | None:
    notes: list[str] = []
    m = _ISO.match(text)
    if m:
        zone_info = _offset_zone(m.group("off")) if m.group("off") else tz
        if m.group("off"):
            notes.append(f"offset {m.group('off')} given by the source")
        ymd = (int(m.group("y")), int(m.group("m")), int(m.group("d")))
        if m.group("H") is None:
            return _span(ymd, None, "day", zone_info, notes)
        hms = (int(m.group("H")), int(m.group("M")), int(m.group("S")) if m.group("S") else None)
        return _span(ymd, hms, "", zone_info, notes)
    found = _date_part(text, notes)
    if found is None:
        if default_date is None:
            return None
        ymd, precision, rest = default_date, "day", text
    else:
        ymd, precision, rest = found
    hms = _clock(rest) if precision == "day" else None
    if hms is None and found is None:
        return None
    return _span(ymd, hms, precision, tz, notes)


def _span(ymd: tuple[int, int, int], hms: tuple[int, int, int | None] | None, precision: str,
          tz: tzinfo, notes: list[str]) -> _Point:
    y, mo, d = ymd
    if hms is not None:
        hour, minute, second = hms
        start = datetime(y, mo, d, hour, minute, second or 0, tzinfo=tz)
        if second is None:
            return start, start + timedelta(seconds=59), "minute", notes
        return start, start, "second", notes
    if precision == "year":
        return datetime(y, 1, 1, tzinfo=tz), datetime(y, 12, 31, 23, 59, 59, tzinfo=tz), "year", notes
    if precision == "month":
        last = calendar.monthrange(y, mo)[1]
        return (datetime(y, mo, 1, tzinfo=tz), datetime(y, mo, last, 23, 59, 59, tzinfo=tz),
                "month", notes)
    start = datetime(y, mo, d, tzinfo=tz)
    return start, datetime(y, mo, d, 23, 59, 59, tzinfo=tz), "day", notes


def _parse_range(text: str, tz: tzinfo) -> _Point | None:
    m = _RANGE.match(text)
    if not m:
        return None
    explicit = text.lower().startswith("between") or " to " in text.lower() or " until " in text.lower()
    if not explicit and " - " not in text:
        return None
    default: tuple[int, int, int] | None = None
    notes: list[str] = []
    if m.group("on"):
        found = _date_part(m.group("on"), notes)
        if found is None:
            return None
        default = found[0]
    a = _parse_single(m.group("a"), tz, default)
    if a is None:
        return None
    if default is None:
        default = (a[0].year, a[0].month, a[0].day)
    b = _parse_single(m.group("b"), tz, default)
    if b is None:
        return None
    notes.extend(a[3] + b[3])
    return a[0], b[1], "range", notes
