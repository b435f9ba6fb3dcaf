"""Uncertain time: keep what the source said, what we read it as, and how sure.

Sources state times badly (a dispatcher memo says ``04-Oc5-2025/12:34:44``).
Every time in a case is kept as three things: the raw text exactly as given,
the normalised ISO 8601 interval in the zone it was interpreted in, and its
precision. Reading never fails: text that cannot be read is kept raw with
precision ``unknown`` and a note saying so. Only a bad time-zone name is an
error, because that is the investigator's input, not the source's.

What the reader understands (each reading's ``how`` and ``note`` say which
rule was used, so nobody has to guess):

* ISO 8601 dates and times, with an offset or ``Z`` given by the source
  (``2025-03-09T02:30:00-06:00``), also the basic form ``20251004T123444Z``.
* Written dates: ``4 October 2025``, ``Oct. 4th, 2025``, ``Saturday 4 Oct 2025``
  (a weekday that does not match the date is flagged), ``04-Oc5-2025`` (damaged
  month names are read when only one month fits).
* Numeric dates ``04/10/2025``, ``4.10.25``, ``11/2/25``: a first number above
  12 means day/month, a second above 12 means month/day; otherwise the date is
  **ambiguous**. It is read in the default order (``dayfirst``: the case's
  locale, or when not given, the locale of the zone, see
  :func:`dayfirst_for_zone`), flagged, and both readings are offered in
  ``alternatives`` so that the examiner can choose (``choose="day-first"`` or
  ``"month-first"``). Two-digit years are 2000-2068 and 1969-1999 (POSIX).
* Clock times ``23:04``, ``11:04 PM``, ``3 pm``, ``3.15pm``, ``1423 hrs``,
  ``0900Z``, ``noon``, ``midnight`` (00:00, the start of the day), with a
  zone abbreviation (``CDT``, ``UTC``) when the source gave one. A damaged
  clock (``03:1O``) is read with O→0 and l/I→1 and a note.
* A time alone (``03:10``) is taken on ``context_day``, the day of the event or
  record it belongs to; without one it stays unknown. ``today``,
  ``yesterday``, ``tomorrow``, ``this morning``, ``last night`` and a date
  without its year use ``context_day`` too.
* Approximations: ``about/around/approx./c./circa/roughly/~ 3 pm`` and
  ``3 pm approx.`` widen the time to ±30 minutes (a day to ±1 day), precision
  ``range``. ``shortly/just/soon after 13:00`` is the 30 minutes after,
  ``shortly before`` the 30 minutes before; ``after 13:00`` / ``before
  13:00`` / ``by 13:00`` run to the end / from the start of that day.
* Ranges: ``between 1 and 2 pm``, ``from 12:30 to 12:40``, ``12:30-12:40``,
  ``... on 4 October 2025``; a range from the evening to the early morning
  passes midnight.
* Parts of a day (precision ``range``), see :data:`PERIODS`: morning
  06:00-11:59:59, afternoon 12:00-17:59:59, evening 18:00-21:59:59, night
  22:00 to 05:59:59 the next day ("the night of 4 October" begins on the
  4th), early hours / small hours 00:00-05:59:59.

Daylight-saving time is never resolved silently. A wall time that does not
exist (``2025-03-09 02:30`` in America/Chicago: clocks went from 02:00 to
03:00) is flagged ``dst-gap``; one that happens twice (``2025-11-02 01:30``)
``dst-overlap``. Both are read like Python's ``fold=0`` (the offset before the
change) unless the source names the zone abbreviation, and ``question`` and
``alternatives`` carry the two candidate readings (``choose="dst-first"`` or
``"dst-second"``, i.e. ``fold`` 0 or 1) for the examiner to pick.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import BadTime

PRECISIONS = ("second", "minute", "hour", "day", "month", "year", "range", "unknown")

#: Parts of the day as (start hour, end hour, days the end is after the start); the end is exclusive.
PERIODS: dict[str, tuple[int, int, int]] = {
    "morning": (6, 12, 0), "afternoon": (12, 18, 0), "evening": (18, 22, 0), "night": (22, 6, 1),
    "early hours": (0, 6, 0), "small hours": (0, 6, 0), "overnight": (22, 6, 1),
}
#: How far an "about", "shortly after" and so on widens a time.
APPROX = timedelta(minutes=30)
#: The choices the examiner can give back to :func:`parse` to answer its question.
CHOICES = ("day-first", "month-first", "dst-first", "dst-second")
#: Countries (ISO 3166) whose people write numeric dates month first.
MONTH_FIRST_COUNTRIES = frozenset({"US", "PH", "FM", "MH", "PW", "GU", "MP", "AS", "PR", "VI", "UM", "CA"})

_MONTHS = [m.lower() for m in calendar.month_name[1:]]
_WEEKDAYS = [d.lower() for d in calendar.day_name]
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",
                         "\u2014": "-", "\u2212": "-", "\u00a0": " ", "\u202f": " ", "\u2009": " "})
_UNKNOWN_WORDS = ("unknown", "?", "n/a", "none", "unk", "-")
# Abbreviations a source may write after a clock time, with the offset they stand for.
_ABBREVIATIONS = {
    "utc": 0, "gmt": 0, "z": 0, "zulu": 0, "bst": 60, "cet": 60, "cest": 120, "eet": 120, "eest": 180,
    "est": -300, "edt": -240, "cst": -360, "cdt": -300, "mst": -420, "mdt": -360, "pst": -480,
    "pdt": -420, "akst": -540, "akdt": -480, "hst": -600, "ist": 330,
}


@dataclass(frozen=True)
class Alternative:
    """One candidate reading the examiner can choose (pass ``choice`` to :func:`parse`)."""

    choice: str
    label: str
    start: str | None
    end: str | None
    sort_utc: str | None


@dataclass(frozen=True)
class UncertainTime:
    """A time as a source gave it, and as we read it.

    The first seven fields are what a case stores. ``flags``, ``question``,
    ``alternatives`` and ``how`` come from reading the text again and are not
    part of equality: a stored time equals the fresh reading of its raw text.
    """

    raw: str
    start: str | None  # ISO 8601 with offset, in ``tz``
    end: str | None  # inclusive end of the interval the raw text allows
    tz: str
    precision: str
    sort_utc: str | None  # start in UTC, fixed width, for ordering/indexing
    note: str = ""
    #: what the reading noticed: ambiguous-date, dst-gap, dst-overlap, approximate, damaged,
    #: context-day, offset, chosen, weekday-mismatch, past-midnight
    flags: tuple[str, ...] = field(default=(), compare=False)
    #: what the examiner should be asked ("" when nothing is open): date-order, dst-gap, dst-overlap
    question: str = field(default="", compare=False)
    #: the candidate readings for ``question``, the current one first
    alternatives: tuple[Alternative, ...] = field(default=(), compare=False)
    #: which rule read the text, in words
    how: str = field(default="", compare=False)

    @property
    def known(self) -> bool:
        return self.start is not None

    @property
    def ambiguous(self) -> bool:
        """True while a question is open (numeric date order, DST gap or overlap)."""
        return bool(self.question)

    @property
    def start_utc(self) -> str | None:
        return _utc_text(self.start)

    @property
    def end_utc(self) -> str | None:
        return _utc_text(self.end)

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


def _utc_text(iso: str | None) -> str | None:
    if iso is None:
        return None
    return datetime.fromisoformat(iso).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def zone(name: str) -> tzinfo:
    """Return the zone called ``name`` or raise :class:`BadTime`."""
    if name.upper() in ("UTC", "Z"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise BadTime(f"unknown time zone {name!r} (use an IANA name such as America/Chicago)") from None


@cache
def _zone_countries() -> dict[str, str]:
    """IANA zone name → ISO country code, from the tz database's zone.tab."""
    candidates = []
    try:
        import tzdata  # type: ignore[import-untyped]

        candidates.append(Path(tzdata.__file__).parent / "zoneinfo" / "zone.tab")
    except ImportError:  # pragma: no cover - the system database is used instead
        pass
    candidates.append(Path("/usr/share/zoneinfo/zone.tab"))
    for path in candidates:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError:
            continue
        return {cols[2]: cols[0] for cols in (line.split("\t") for line in lines if line and line[0] != "#")
                if len(cols) >= 3}
    return {}


def dayfirst_for_zone(tz: str) -> bool:
    """The usual numeric date order where ``tz`` is: False (month first) for the US and its neighbours
    in writing habit (see :data:`MONTH_FIRST_COUNTRIES`), for UTC and for zones without a country;
    True (day first) elsewhere. It is only a default: ambiguous dates are still flagged."""
    country = _zone_countries().get(tz)
    if country is None and tz.startswith("US/"):
        country = "US"
    return country is not None and country not in MONTH_FIRST_COUNTRIES


def unknown(raw: str = "", tz: str = "UTC", note: str = "") -> UncertainTime:
    return UncertainTime(raw=raw, start=None, end=None, tz=tz, precision="unknown",
                         sort_utc=None, note=note, how="not read")


def from_stored(raw: str, start: str | None, end: str | None, tz: str, precision: str,
                sort_utc: str | None, note: str) -> UncertainTime:
    return UncertainTime(raw or "", start, end, tz or "UTC", precision or "unknown", sort_utc, note or "")


def parse(raw: str | None, tz: str = "UTC", *, dayfirst: bool | None = None,
          context_day: date | datetime | str | UncertainTime | None = None,
          choose: str | Iterable[str] | None = None) -> UncertainTime:
    """Read ``raw`` as a time interpreted in zone ``tz``.

    ``dayfirst`` is the default order of an ambiguous numeric date (the case's
    locale; None: the zone's, :func:`dayfirst_for_zone`). ``context_day`` is the
    day a time given alone belongs to (the event's or record's day).
    ``choose`` holds the examiner's answers (:data:`CHOICES`, one string,
    comma-separated, or an iterable) to the questions a previous reading asked.
    """
    zone_info = zone(tz)
    raw = raw or ""
    text = " ".join(raw.translate(_DASHES).split())
    if not text or text.lower() in _UNKNOWN_WORDS:
        return unknown(raw, tz)
    choices = _choices(choose)
    order = dayfirst_for_zone(tz) if dayfirst is None else dayfirst
    reader = _Reader(zone_info, order, _context_date(context_day), choices)
    try:
        result = reader.read(text)
    except ValueError as exc:  # e.g. 31 February
        return unknown(raw, tz, f"not a valid date ({exc}); kept as raw text")
    if result is None:
        return unknown(raw, tz, "could not be read; kept as raw text")
    start, end, precision = result
    if _utc(end) < _utc(start):
        return unknown(raw, tz, "the range ends before it starts; kept as raw text")
    question, notes, flags = "", list(reader.notes), list(reader.flags)
    dst = reader.dst_problems()
    for kind, wall, _ in dst:
        flags.append(f"dst-{kind}")
        notes.append(_dst_note(kind, wall, reader.fold, "dst-first" in choices or "dst-second" in choices))
    if reader.order_ambiguous:
        if choices & {"day-first", "month-first"}:
            flags.append("chosen")
        else:
            question = "date-order"
    if not question and dst:
        if choices & {"dst-first", "dst-second"}:
            flags.append("chosen")
        else:
            question = f"dst-{dst[0][0]}"
    result_time = UncertainTime(
        raw=raw,
        start=start.isoformat(),
        end=end.isoformat(),
        tz=tz,
        precision=precision,
        sort_utc=start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        note="; ".join(dict.fromkeys(notes)),
        flags=tuple(dict.fromkeys(flags)),
        question=question,
        how=", ".join(dict.fromkeys(reader.how)) + f"; in {tz}",
    )
    if not question:
        return result_time
    keys = (("day-first", "month-first") if question == "date-order" else ("dst-first", "dst-second"))
    current = keys[0] if (question != "date-order" and reader.fold == 0) or (
        question == "date-order" and reader.dayfirst_used) else keys[1]
    ordered = [current] + [k for k in keys if k != current]
    alternatives = []
    for key in ordered:
        other = parse(raw, tz, dayfirst=dayfirst, context_day=context_day, choose=choices | {key})
        alternatives.append(Alternative(key, _choice_label(key, other, reader, dst), other.start, other.end,
                                        other.sort_utc))
    return replace(result_time, alternatives=tuple(alternatives))


def choices_for(stored: UncertainTime, *, dayfirst: bool | None = None,
                context_day: date | datetime | str | UncertainTime | None = None) -> str:
    """The answers (comma-separated :data:`CHOICES`) under which ``stored``'s raw text reads as stored.

    "" when the plain reading gives it (or nothing does): what an edit dialog preselects, and what an
    undo gives back so that the examiner's earlier answer is restored with the old text.
    """
    if stored.start is None:
        return ""
    orders: tuple[tuple[str, ...], ...] = ((), ("day-first",), ("month-first",))
    folds: tuple[tuple[str, ...], ...] = ((), ("dst-first",), ("dst-second",))
    for order in orders:
        for fold in folds:
            try:
                got = parse(stored.raw, stored.tz, dayfirst=dayfirst, context_day=context_day,
                            choose=order + fold)
            except BadTime:
                return ""
            if (got.start, got.end) == (stored.start, stored.end):
                return ",".join(order + fold)
    return ""


def _choices(choose: str | Iterable[str] | None) -> frozenset[str]:
    if not choose:
        return frozenset()
    items = choose.split(",") if isinstance(choose, str) else list(choose)
    return frozenset(c.strip() for c in items if c.strip() in CHOICES)


def _context_date(context: date | datetime | str | UncertainTime | None) -> date | None:
    if context is None:
        return None
    if isinstance(context, UncertainTime):
        if context.start is None or context.precision in ("month", "year"):
            return None
        return datetime.fromisoformat(context.start).date()
    if isinstance(context, datetime):
        return context.date()
    if isinstance(context, date):
        return context
    try:
        return datetime.fromisoformat(str(context)).date()
    except ValueError:
        return None


def _dst_note(kind: str, wall: datetime, fold: int, chosen: bool) -> str:
    zone_name = str(wall.tzinfo)
    first, second = wall.replace(fold=0), wall.replace(fold=1)
    when = f"{wall:%H:%M} on {wall:%Y-%m-%d}"
    read = first if fold == 0 else second
    by = "as the examiner chose" if chosen else "ask which is meant"
    if kind == "overlap":
        which = "first" if fold == 0 else "second"
        return (f"{when} happens twice in {zone_name} (the clocks went back); read as the {which} time "
                f"({read.tzname()}, UTC{_offset_text(read)}); {by}")
    real = read.astimezone(UTC).astimezone(wall.tzinfo)
    side = "before" if fold == 0 else "after"
    return (f"{when} does not exist in {zone_name} (the clocks went forward); read with the offset from "
            f"{side} the change (UTC{_offset_text(read)}, = {real:%H:%M} {real.tzname()}); {by}")


def _offset_text(dt: datetime) -> str:
    off = dt.utcoffset() or timedelta(0)
    minutes = int(off.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _choice_label(key: str, reading: UncertainTime, reader: _Reader,
                  dst: list[tuple[str, datetime, datetime]]) -> str:
    shown = reading.display()
    if key in ("day-first", "month-first"):
        order = "day/month/year" if key == "day-first" else "month/day/year (US)"
        return f"{order}: {shown}"
    fold = 0 if key == "dst-first" else 1
    kind, wall, _ = dst[0]
    moment = wall.replace(fold=fold)
    utc = moment.astimezone(UTC)
    if kind == "overlap":
        which = "the first time (before the clocks went back)" if fold == 0 else \
            "the second time (after the clocks went back)"
        return f"{which}: {moment:%H:%M} {moment.tzname()}, {utc:%H:%M} UTC"
    real = utc.astimezone(wall.tzinfo)
    which = "clocks not yet changed" if fold == 0 else "clocks already changed"
    return f"{which}: UTC{_offset_text(moment)}, = {real:%H:%M} {real.tzname()}, {utc:%H:%M} UTC"


# --- reading --------------------------------------------------------------

_Span = tuple[datetime, datetime, str]
_YMD = tuple[int, int, int]
_HMS = tuple[int, int, int | None]

_ISO = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[T ](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(?P<off>Z|[+-]\d{2}(?::?\d{2})?)?$", re.I)
_ISO_BASIC = re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})T(?P<H>\d{2})(?P<M>\d{2})(?P<S>\d{2})?"
                        r"(?:[.,]\d+)?(?P<off>Z|[+-]\d{2}:?\d{2})?$", re.I)
_ISO_DATE = re.compile(r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)")
_YMD_SLASH = re.compile(r"(?<!\d)(?P<y>\d{4})[/.](?P<m>\d{1,2})[/.](?P<d>\d{1,2})(?!\d)")
_DAY_MON_YEAR = re.compile(r"(?<![\w])(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?[-/ .]+"
                           r"(?P<mon>[A-Za-z0][A-Za-z0-9]{1,8})\.?[-/ .,']+(?P<y>\d{4})(?!\d)")
_MON_DAY_YEAR = re.compile(r"(?<![\w])(?P<mon>[A-Za-z]{3,9})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+"
                           r"(?P<y>\d{4})(?!\d)")
_DAY_MON = re.compile(r"(?<![\w])(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?\s+(?P<mon>[A-Za-z]{3,9})\.?(?![\w])")
_MON_DAY = re.compile(r"(?<![\w])(?P<mon>[A-Za-z]{3,9})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?(?![\w:])")
_NUMERIC = re.compile(r"(?<![\d:])(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})(?![\d:])")
_MON_YEAR = re.compile(r"^(?:in\s+)?(?P<mon>[A-Za-z]{3,9})\.?,?\s+(?P<y>\d{4})$")
_YEAR = re.compile(r"^(?:in\s+)?(?P<y>1[89]\d\d|2[01]\d\d)$")
_BARE_HHMM = re.compile(r"^(?:at\s+)?(?P<H>[01]\d|2[0-3])(?P<M>[0-5]\d)$")
_DTG = re.compile(r"(?<![\w])(?P<d>\d{2})(?P<mon>[A-Za-z]{3})(?P<y>\d{4})(?!\d)")
_ABBR = (r"(?:\s*\(?(?P<abbr>utc|gmt|zulu|z|bst|cest|cet|eest|eet|est|edt|cst|cdt|mst|mdt|pst|pdt|akst|akdt|hst"
         r"|ist|et|ct|mt|pt|[+-]\d{2}:?\d{2})\)?)?")
_CLOCKS = [
    re.compile(r"(?<![\d:.])(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?(?:[.,]\d+)?\s*"
               r"(?P<ap>[ap]\.?\s?m\b\.?)?" + _ABBR + r"(?![\w:])", re.I),
    re.compile(r"(?<![\d:.])(?P<H>\d{1,2})\.(?P<M>\d{2})\s*(?P<ap>[ap]\.?\s?m\b\.?)" + _ABBR + r"(?![\w])", re.I),
    re.compile(r"(?<![\d:./-])(?P<H>\d{1,2})\s*(?P<ap>[ap]\.?\s?m\b\.?)" + _ABBR + r"(?![\w])", re.I),
    re.compile(r"(?<![\d:./-])(?P<H>[01]\d|2[0-3])(?P<M>[0-5]\d)(?P<S>[0-5]\d)?\s*"
               r"(?:hrs|hours|hr|h\b|(?P<abbr>z)\b|(?=\s*(?:utc|gmt)\b))" + _ABBR.replace("abbr", "abbr2"), re.I),
]
_NAMED_CLOCK = re.compile(r"(?<![\w])(?P<word>noon|midday|midnight)(?![\w])", re.I)
_DAMAGED_CLOCK = re.compile(r"(?<![\w:])(?P<t>[0-9OoIl|]{1,2}:[0-9OoIl|]{2}(?::[0-9OoIl|]{2})?)"
                            r"(?=$|[^0-9A-Za-z]|\s*[ap]\.?m)")
_WEEKDAY = re.compile(r"(?<![\w])(?P<w>mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday|"
                      r"rsday)?\.?,?(?![\w])", re.I)
_APPROX = re.compile(r"^(?:at\s+|on\s+)?(?:about|around|approx(?:\.|imately)?|app\.|ca\.?|c\.|circa|"
                     r"roughly|~|some\s*time\s+around|near|nearly|close\s+to|within\s+(?:a\s+few\s+)?minutes\s+of)\s*(?P<rest>.+)$", re.I)
_APPROX_AFTER = re.compile(r"^(?P<rest>.+?)\s*(?:,?\s*\(?approx(?:\.|imately)?\)?|or so|-?ish)$", re.I)
_APPROX_INSIDE = re.compile(r"(?<![\w])(?:at\s+)?(?:about|around|approx(?:\.|imately)?|circa|roughly)(?![\w])",
                            re.I)
_SHORTLY = re.compile(r"^(?:at\s+)?(?P<how>shortly|just|soon|right|moments?|minutes)\s+(?P<dir>after|before)\s+"
                      r"(?P<rest>.+)$", re.I)
_OPEN = re.compile(r"^(?P<dir>after|before|not before|not after|no later than|no earlier than|by|"
                   r"sometime after|some time after|sometime before|some time before)\s+(?P<rest>.+)$", re.I)
_SPLIT = r"\s+(?:and|to|until|till|through|thru|-)\s+"
_RANGE = re.compile(r"^(?:(?:between|from|betw\.?)\s+)?(?P<a>.+?)" + _SPLIT +
                    r"(?P<b>.+?)(?:,?\s+(?:on|of)\s+(?P<on>.+))?$", re.I)
_LEAD_DATE_RANGE = re.compile(r"^(?:on\s+)?(?P<on>.+?),?\s+(?P<rng>(?:between|from)\s+.+)$", re.I)
_PERIOD_WORDS = r"(?P<p>early hours|small hours|wee hours|morning|afternoon|evening|night|overnight)"
_PERIOD_OF = re.compile(r"^(?:(?:in|on|during|over)\s+)?(?:the\s+)?(?:late\s+)?" + _PERIOD_WORDS +
                        r"\s+(?:(?:of|on)\s+)?(?P<d>.+)$", re.I)
_PERIOD_AFTER = re.compile(r"^(?P<d>.+?),?\s+(?:in\s+the\s+|at\s+)?" + _PERIOD_WORDS + r"$", re.I)
_PERIOD_ALONE = re.compile(r"^(?:(?P<rel>this|last|yesterday|tomorrow)\s*)?(?:(?:in|during)\s+the\s+)?"
                           + _PERIOD_WORDS.replace("(?P<p>", "(?P<p>tonight|") + r"?$", re.I)
_RELATIVE = {"today": 0, "yesterday": -1, "tomorrow": 1, "the previous day": -1,
             "the next day": 1, "the following day": 1}


def _month(token: str, notes: list[str], flags: list[str]) -> int | None:
    """Month number from a word, tolerating OCR/typing damage (``Oc5`` → October)."""
    word = token.lower().rstrip(".")
    if re.fullmatch(r"[0-9a-z]+", word) and word[0] in "01" and word[1:].isalpha():
        fixed = {"0": "o", "1": "l"}[word[0]] + word[1:]
        if fixed[:3] in [m[:3] for m in _MONTHS]:
            notes.append(f"month {token!r} read as {fixed[:3].title()} (damaged text)")
            flags.append("damaged")
            word = fixed
    if word in _MONTHS:
        return _MONTHS.index(word) + 1
    if word == "sept":
        return 9
    for i, name in enumerate(_MONTHS):
        if word == name[:3] or (len(word) >= 3 and name.startswith(word)):
            return i + 1
    letters = re.match(r"[a-z]+", word)
    prefix = letters.group(0) if letters else ""
    if len(prefix) >= 2 and prefix != word:
        hits = [i for i, name in enumerate(_MONTHS) if name.startswith(prefix)]
        if len(hits) == 1:
            notes.append(f"month {token!r} read as {_MONTHS[hits[0]][:3].title()} (damaged text)")
            flags.append("damaged")
            return hits[0] + 1
    return None


def _offset_zone(off: str) -> tzinfo:
    if off.upper() == "Z":
        return UTC
    sign = -1 if off[0] == "-" else 1
    digits = off[1:].replace(":", "").ljust(4, "0")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def _shift(dt: datetime, delta: timedelta) -> datetime:
    """``dt`` moved by elapsed time (not wall time), shown in its own zone."""
    return (dt.astimezone(UTC) + delta).astimezone(dt.tzinfo)


def _year(text: str, notes: list[str]) -> int:
    if len(text) == 4:
        return int(text)
    yy = int(text)
    year = 2000 + yy if yy <= 68 else 1900 + yy
    notes.append(f"two-digit year {text!r} read as {year}")
    return year


class _Reader:
    """One reading: the rules applied in order, collecting notes, flags and the DST anchors."""

    def __init__(self, tz: tzinfo, dayfirst: bool, context: date | None, choices: frozenset[str]) -> None:
        self.tz = tz
        self.dayfirst = dayfirst
        self.context = context
        self.choices = choices
        self.fold = 1 if "dst-second" in choices else 0
        self.notes: list[str] = []
        self.flags: list[str] = []
        self.how: list[str] = []
        self.anchors: list[datetime] = []  # wall times stated by the source, in a zone with DST
        self.order_ambiguous = False
        self.dayfirst_used = False

    # -- the whole text --

    def read(self, text: str) -> _Span | None:
        text = self._repair_day(self._repair_clocks(text))
        whole = self._iso(text)
        if whole:
            return whole
        m = _APPROX.match(text) or _APPROX_AFTER.match(text)
        if m:
            return self._approx(m.group("rest"))
        inside = _APPROX_INSIDE.search(text)
        if inside:
            return self._approx((text[: inside.start()] + " " + text[inside.end():]).strip(" ,"))
        m = _SHORTLY.match(text)
        if m:
            return self._shortly(m.group("rest"), m.group("dir").lower(), m.group("how").lower())
        m = _OPEN.match(text)
        if m:
            return self._open(m.group("rest"), m.group("dir").lower())
        return self._range(text) or self._single(text)

    def _repair_day(self, text: str) -> str:
        def fix(m: re.Match[str]) -> str:
            fixed = m.group(0).translate(str.maketrans("OoIl", "0011"))
            self.notes.append(f"day {m.group(0)!r} read as {fixed} (damaged text)")
            self.flags.append("damaged")
            return fixed
        return re.sub(r"(?<![\w])(?:[OoIl]\d|\d[OoIl])(?=[-/ .][A-Za-z0-9]{3})", fix, text)

    def _repair_clocks(self, text: str) -> str:
        def fix(m: re.Match[str]) -> str:
            token = m.group("t")
            if not re.search(r"[OoIl|]", token) or sum(c.isdigit() for c in token) < 2:
                return token
            fixed = token.translate(str.maketrans("OoIl|", "00111"))
            self.notes.append(f"time {token!r} read as {fixed} (damaged text)")
            self.flags.append("damaged")
            return fixed
        return _DAMAGED_CLOCK.sub(fix, text)

    def _iso(self, text: str) -> _Span | None:
        m = _ISO.match(text) or _ISO_BASIC.match(text)
        if not m:
            return None
        off = m.group("off")
        zone_info = _offset_zone(off) if off else self.tz
        self.how.append("ISO 8601")
        if off:
            self.notes.append(f"offset {off} given by the source")
            self.flags.append("offset")
        ymd = (int(m.group("y")), int(m.group("m")), int(m.group("d")))
        if m.group("H") is None:
            return self._day_span(ymd, "day", zone_info)
        hms = (int(m.group("H")), int(m.group("M")), int(m.group("S")) if m.group("S") else None)
        return self._clock_span(ymd, hms, zone_info)

    def _approx(self, rest: str) -> _Span | None:
        got = self._range(rest) or self._single(rest)
        if got is None:
            return None
        start, end, precision = got
        self.flags.append("approximate")
        self.how.append("approximate")
        if precision in ("second", "minute", "hour"):
            self.notes.append(f"approximate: read as ±{APPROX.seconds // 60} min around {start:%H:%M}")
            return _shift(start, -APPROX), _shift(start, APPROX), "range"
        if precision == "day":
            self.notes.append("approximate: read as ±1 day")
            day = start.date()
            return (datetime.combine(day - timedelta(days=1), datetime.min.time(), start.tzinfo),
                    datetime.combine(day + timedelta(days=1), datetime.max.time(), start.tzinfo)
                    .replace(microsecond=0), "range")
        if precision == "range":
            self.notes.append(f"approximate: the range widened by {APPROX.seconds // 60} min at each end")
            return _shift(start, -APPROX), _shift(end, APPROX), "range"
        self.notes.append(f"approximate: kept as the {precision}")
        return start, end, precision

    def _shortly(self, rest: str, direction: str, word: str) -> _Span | None:
        got = self._single(rest)
        if got is None or got[2] not in ("second", "minute"):
            return None
        start = got[0]
        self.flags.append("approximate")
        self.how.append(f"{word} {direction}")
        self.notes.append(f"'{word} {direction}' read as the {APPROX.seconds // 60} min {direction} "
                          f"{start:%H:%M}")
        if direction == "after":
            return start, _shift(start, APPROX), "range"
        return _shift(start, -APPROX), start, "range"

    def _open(self, rest: str, direction: str) -> _Span | None:
        got = self._single(rest)
        if got is None or got[2] not in ("second", "minute"):
            return None
        start = got[0]
        day_start = datetime.combine(start.date(), datetime.min.time(), start.tzinfo)
        day_end = datetime.combine(start.date(), datetime.max.time(), start.tzinfo).replace(microsecond=0)
        self.flags.append("approximate")
        self.how.append(f"open-ended ({direction})")
        after = direction in ("after", "not before", "no earlier than", "sometime after", "some time after")
        if after:
            self.notes.append(f"'{direction} {start:%H:%M}' read as from then to the end of that day")
            return start, day_end, "range"
        self.notes.append(f"'{direction} {start:%H:%M}' read as from the start of that day until then")
        return day_start, start, "range"

    # -- ranges --

    def _range(self, text: str) -> _Span | None:
        text = re.sub(r"(?<![\dT:])(\d{1,2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?)\s*-\s*(\d{1,2}:\d{2}|\d{1,2}\s*[ap]\.?m)",
                      r"\1 - \2", text, flags=re.I) if not _ISO_DATE.search(text) else text
        default: _YMD | None = None
        lead = _LEAD_DATE_RANGE.match(text)
        if lead and not re.match(r"^(?:between|from)\b", text, re.I):
            found = self._date_part(lead.group("on"))
            if found is None or found[1] != "day":
                return None
            default, text = found[0], lead.group("rng")
        m = _RANGE.match(text)
        if not m:
            return None
        lowered = text.lower()
        explicit = re.match(r"^(?:between|from|betw)\b", lowered) or re.search(r"\s(?:to|until|till|through|thru)\s",
                                                                               lowered)
        if not explicit and " - " not in text:
            return None
        if m.group("on"):
            found = self._date_part(m.group("on"))
            if found is None or found[1] != "day":
                return None
            default = found[0]
        a_text, b_text = m.group("a"), m.group("b")
        meridiem = re.search(r"([ap])\.?\s?m\.?" + r"\s*$", b_text, re.I)
        if meridiem and re.fullmatch(r"\d{1,2}(?::\d{2})?", a_text.strip()):
            suffix = meridiem.group(1).lower() + "m"
            hour = int(a_text.split(":")[0])
            b_digits = re.match(r"\d{1,2}", b_text.strip())
            if suffix == "pm" and b_digits and hour % 12 > int(b_digits.group(0)) % 12:
                suffix = "am"  # "between 11 and 1 pm": the first is in the morning
            a_text = f"{a_text} {suffix}"
        a_default = default
        if default is None and self._has_date(b_text) and not self._has_date(a_text):
            saved = self._state()
            probe = self._single(b_text)
            self._undo(saved)
            if probe is not None:
                a_default = (probe[0].year, probe[0].month, probe[0].day)
        a = self._single(a_text, a_default)
        if a is None:
            return None
        b_default = default or (a[0].year, a[0].month, a[0].day)
        if a[2] in ("day", "month", "year") and not self._has_date(b_text):
            return None  # "October 4, 2025 - 12:30 PM": a date, then its time
        b = self._single(b_text, b_default)
        if b is None:
            return None
        start, end = a[0], b[1]
        if _utc(end) < _utc(start) and a[0].hour >= 18 and b[0].hour < 6 and not self._has_date(b_text):
            end = end + timedelta(days=1)
            self.notes.append("the range passes midnight: its end is on the next day")
            self.flags.append("past-midnight")
            self._shift_anchor_day(b[0])
        self.how.append("range")
        return start, end, "range"

    def _shift_anchor_day(self, old: datetime) -> None:
        for i, anchor in enumerate(self.anchors):
            if anchor.replace(tzinfo=None) == old.replace(tzinfo=None, fold=0):
                self.anchors[i] = anchor + timedelta(days=1)

    def _has_date(self, text: str) -> bool:
        probe = _Reader(self.tz, self.dayfirst, None, self.choices)
        return probe._date_part(text) is not None

    # -- one time --

    def _state(self) -> tuple[int, int, int, int, bool]:
        return len(self.notes), len(self.flags), len(self.how), len(self.anchors), self.order_ambiguous

    def _single(self, text: str, default: _YMD | None = None) -> _Span | None:
        text = text.strip().strip(",")
        whole = self._iso(text)
        if whole:
            return whole
        period = self._period(text, default)
        if period:
            return period
        saved = self._state()
        found = self._date_part(text)
        if found is None:
            ymd, precision, rest = default, "day", text
            if ymd is None and self.context is not None:
                ymd = (self.context.year, self.context.month, self.context.day)
                rest = text
        else:
            ymd, precision, rest = found
        clock = self._clock(rest) if precision == "day" else None
        if ymd is None or (clock is None and found is None):
            self._undo(saved)
            return None
        if found is None and default is None:
            self.flags.append("context-day")
            self.notes.append(f"time alone: taken on {ymd[0]:04d}-{ymd[1]:02d}-{ymd[2]:02d}, the day of the "
                              "record it belongs to")
        if clock is None:
            leftover = re.search(r"\d{1,2}:\S+", rest)
            if leftover:
                self.notes.append(f"{leftover.group(0)!r} could not be read as a time; kept to the {precision}")
                self.flags.append("damaged")
            self.how.append("date")
            return self._day_span(ymd, precision, self.tz)
        hms, abbr = clock
        self.how.append("date and time" if found is not None else "time")
        return self._clock_span(ymd, hms, self.tz, abbr)

    def _undo(self, saved: tuple[int, int, int, int, bool]) -> None:
        del self.notes[saved[0]:], self.flags[saved[1]:], self.how[saved[2]:], self.anchors[saved[3]:]
        self.order_ambiguous = saved[4]

    def _period(self, text: str, default: _YMD | None) -> _Span | None:
        m = _PERIOD_OF.match(text) or _PERIOD_AFTER.match(text)
        found = self._date_part(m.group("d")) if m else None
        if m and found is not None:
            if found[1] != "day" or self._clock(found[2]) is not None:
                return None
            ymd, name = found[0], m.group("p").lower()
        else:
            m = _PERIOD_ALONE.match(text)
            if not m or not m.group("p"):
                return None
            name, rel = m.group("p").lower(), (m.group("rel") or "").lower()
            if name == "tonight":
                name, rel = "night", "this"
            base = default or ((self.context.year, self.context.month, self.context.day) if self.context else None)
            if base is None:
                return None
            day = date(*base) + timedelta(days={"last": -1, "yesterday": -1, "tomorrow": 1}.get(rel, 0))
            if rel == "last" and name != "night":
                return None
            ymd = (day.year, day.month, day.day)
            if default is None:
                self.flags.append("context-day")
                self.notes.append(f"taken relative to {base[0]:04d}-{base[1]:02d}-{base[2]:02d}, the day of the "
                                  "record it belongs to")
        name = {"wee hours": "early hours"}.get(name, name)
        first, last, days = PERIODS[name]
        start = datetime(*ymd, first, tzinfo=self.tz)
        end_day = date(*ymd) + timedelta(days=days)
        end = datetime(end_day.year, end_day.month, end_day.day, last - 1, 59, 59, tzinfo=self.tz)
        self.how.append(f"part of the day ({name})")
        self.notes.append(f"'{name}' read as {start:%H:%M}–{end:%H:%M:%S}"
                          + (" the next day" if days else ""))
        return start, end, "range"

    def _date_part(self, text: str) -> tuple[_YMD, str, str] | None:
        """Find a calendar date in ``text``; return (y, m, d), the precision, and the rest."""
        self.weekday = None
        text = self._weekday(text)
        for pattern in (_ISO_DATE, _YMD_SLASH):
            m = pattern.search(text)
            if m:
                rest = text[: m.start()] + " " + text[m.end():]
                return self._checked((int(m.group("y")), int(m.group("m")), int(m.group("d")))), "day", rest
        for pattern in (_DAY_MON_YEAR, _MON_DAY_YEAR, _DTG):
            m = pattern.search(text)
            if m:
                month = _month(m.group("mon"), self.notes, self.flags)
                if month is None:
                    continue
                rest = text[: m.start()] + " " + text[m.end():]
                return self._checked((int(m.group("y")), month, int(m.group("d")))), "day", rest
        m = _NUMERIC.search(text)
        if m:
            rest = text[: m.start()] + " " + text[m.end():]
            return self._checked(self._numeric(m)), "day", rest
        m = _MON_YEAR.match(text)
        if m:
            month = _month(m.group("mon"), self.notes, self.flags)
            if month:
                return (int(m.group("y")), month, 1), "month", ""
        m = _YEAR.match(text)
        if m:
            return (int(m.group("y")), 1, 1), "year", ""
        for phrase, days in _RELATIVE.items():
            m = re.search(r"(?<![\w])" + phrase + r"(?![\w])", text, re.I)
            if m and self.context is not None:
                day = self.context + timedelta(days=days)
                self.flags.append("context-day")
                self.notes.append(f"{phrase!r} taken relative to {self.context.isoformat()}, the day of the "
                                  "record it belongs to")
                return (day.year, day.month, day.day), "day", text[: m.start()] + " " + text[m.end():]
        if self.context is not None:
            for pattern in (_DAY_MON, _MON_DAY):
                m = pattern.search(text)
                if m:
                    month = _month(m.group("mon"), self.notes, self.flags)
                    if month is None:
                        continue
                    self.flags.append("context-day")
                    self.notes.append(f"no year given: {self.context.year} taken from the record it belongs to")
                    rest = text[: m.start()] + " " + text[m.end():]
                    return self._checked((self.context.year, month, int(m.group("d")))), "day", rest
        return None

    def _checked(self, ymd: _YMD) -> _YMD:
        date(*ymd)  # raises ValueError for 31 February
        if self.weekday is not None and date(*ymd).weekday() != self.weekday:
            self.flags.append("weekday-mismatch")
            self.notes.append(f"the source says {_WEEKDAYS[self.weekday].title()} but "
                              f"{ymd[0]:04d}-{ymd[1]:02d}-{ymd[2]:02d} is a {date(*ymd):%A}")
        self.weekday = None
        return ymd

    weekday: int | None = None

    def _weekday(self, text: str) -> str:
        m = _WEEKDAY.search(text)
        if not m:
            return text
        stem = m.group("w").lower()[:3]
        index = [d[:3] for d in _WEEKDAYS].index(stem)
        rest = (text[: m.start()] + " " + text[m.end():]).strip()
        if not re.search(r"\d", rest):
            return text
        self.weekday = index
        return rest

    def _numeric(self, m: re.Match[str]) -> _YMD:
        a, b = int(m.group("a")), int(m.group("b"))
        year = _year(m.group("y"), self.notes)
        shown = m.group(0)
        chosen = {"day-first": True, "month-first": False}
        picked = next((chosen[c] for c in ("day-first", "month-first") if c in self.choices), None)
        if a > 12 and b <= 12:
            self.notes.append(f"numeric date {shown} read day/month/year (the first number is above 12)")
            return year, b, a
        if b > 12 or a == b:
            if b > 12 and a <= 12:
                self.notes.append(f"numeric date {shown} read month/day/year (the second number is above 12)")
            return year, a, b
        self.order_ambiguous = True
        dayfirst = self.dayfirst if picked is None else picked
        self.dayfirst_used = dayfirst
        order = "day/month/year" if dayfirst else "month/day/year (US order)"
        if picked is None:
            self.flags.append("ambiguous-date")
            self.notes.append(f"numeric date {shown} is ambiguous; read {order} by default: ask which is meant")
        else:
            self.notes.append(f"numeric date {shown} is ambiguous; read {order} as the examiner chose")
        return (year, b, a) if dayfirst else (year, a, b)

    def _clock(self, text: str) -> tuple[_HMS, str] | None:
        """The first clock time in ``text`` and the zone abbreviation written after it ("" if none)."""
        bare = _BARE_HHMM.match(text.strip())
        if bare:
            self.notes.append(f"four digits {bare.group(0)!r} read as the 24-hour time "
                              f"{bare.group('H')}:{bare.group('M')}")
            return (int(bare.group("H")), int(bare.group("M")), None), ""
        for pattern in _CLOCKS:
            m = pattern.search(text)
            if m:
                break
        else:
            m = _NAMED_CLOCK.search(text)
            if not m:
                return None
            if m.group("word").lower() == "midnight":
                self.notes.append("midnight read as 00:00, the start of the day")
                return (0, 0, None), ""
            return (12, 0, None), ""
        groups = m.groupdict()
        hour = int(groups["H"])
        minute = int(groups.get("M") or 0)
        ap = re.sub(r"[^apm]", "", (groups.get("ap") or "").lower())
        if ap:
            if not 1 <= hour <= 12:
                raise ValueError(f"{m.group(0).strip()} is not a time of day")
            hour = hour % 12 + (12 if ap == "pm" else 0)
        second = int(groups["S"]) if groups.get("S") else None
        if hour > 23 or minute > 59 or (second is not None and second > 59):
            raise ValueError(f"{m.group(0).strip()} is not a time of day")
        return (hour, minute, second), (groups.get("abbr") or groups.get("abbr2") or "").lower()

    # -- spans --

    def _clock_span(self, ymd: _YMD, hms: _HMS, zone_info: tzinfo, abbr: str = "") -> _Span:
        hour, minute, second = hms
        start = datetime(*ymd, hour, minute, second or 0, tzinfo=zone_info, fold=self.fold)
        if abbr:
            start = self._abbreviated(start, abbr)
        elif isinstance(zone_info, ZoneInfo):
            self.anchors.append(start)
        if second is None:
            return start, _shift(start, timedelta(seconds=59)), "minute"
        return start, start, "second"

    def _abbreviated(self, start: datetime, abbr: str) -> datetime:
        """A zone abbreviation written by the source picks the side of a DST change, or a fixed offset."""
        self.flags.append("offset")
        if abbr in ("et", "ct", "mt", "pt"):
            self.notes.append(f"{abbr.upper()} given by the source: read as local time in {start.tzinfo}")
            self.anchors.append(start) if isinstance(start.tzinfo, ZoneInfo) else None
            return start
        if abbr[0] in "+-":
            fixed = start.replace(tzinfo=_offset_zone(abbr), fold=0)
            self.notes.append(f"offset {abbr} given by the source")
            return fixed
        if abbr in ("z", "zulu", "utc"):
            self.notes.append(f"{abbr.upper()} given by the source: read in UTC")
            return start.replace(tzinfo=UTC, fold=0)
        if isinstance(start.tzinfo, ZoneInfo) and _dst_kind(start) != "gap":
            names = {start.replace(fold=f).tzname().lower(): f for f in (1, 0)}  # type: ignore[union-attr]
            if abbr in names:
                start = start.replace(fold=names[abbr])
                self.notes.append(f"{abbr.upper()} given by the source: read as {start.isoformat()}")
                return start
        fixed = start.replace(tzinfo=timezone(timedelta(minutes=_ABBREVIATIONS[abbr])), fold=0)
        self.notes.append(f"{abbr.upper()} given by the source: read as UTC{_offset_text(fixed)}")
        return fixed

    def _day_span(self, ymd: _YMD, precision: str, tz: tzinfo) -> _Span:
        y, mo, d = ymd
        if precision == "year":
            return datetime(y, 1, 1, tzinfo=tz), datetime(y, 12, 31, 23, 59, 59, tzinfo=tz), "year"
        if precision == "month":
            last = calendar.monthrange(y, mo)[1]
            return datetime(y, mo, 1, tzinfo=tz), datetime(y, mo, last, 23, 59, 59, tzinfo=tz), "month"
        return datetime(y, mo, d, tzinfo=tz), datetime(y, mo, d, 23, 59, 59, tzinfo=tz), "day"

    def dst_problems(self) -> list[tuple[str, datetime, datetime]]:
        found = []
        for anchor in self.anchors:
            kind = _dst_kind(anchor)
            if kind:
                found.append((kind, anchor, anchor))
        return found


def _utc(dt: datetime) -> datetime:
    """The instant ``dt`` names (aware datetimes sharing a zone compare by wall time, not instant)."""
    return dt.astimezone(UTC)


def _dst_kind(dt: datetime) -> str:
    """"gap" when the wall time ``dt`` does not exist in its zone, "overlap" when it happens twice."""
    first, second = dt.replace(fold=0), dt.replace(fold=1)
    if first.utcoffset() == second.utcoffset():
        return ""
    back = first.astimezone(UTC).astimezone(dt.tzinfo)
    return "overlap" if back.replace(tzinfo=None) == first.replace(tzinfo=None) else "gap"
