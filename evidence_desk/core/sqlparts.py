"""Pieces every per-area module of a case shares: WHERE builders, choice checks,
and the columns an uncertain time is stored in."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from . import custody
from . import uncertain_time as utime
from .errors import BadInput

Condition = tuple[str, Sequence[Any]] | None


def now_text() -> str:
    """Now, in UTC, as custody writes times."""
    return custody.utc_text(datetime.now(UTC))


def where(*conditions: Condition) -> tuple[str, list[Any]]:
    """A WHERE clause joining the given ``(sql, params)`` conditions; None ones are skipped."""
    parts = [c for c in conditions if c is not None]
    return (("WHERE " + " AND ".join(sql for sql, _ in parts)) if parts else "",
            [value for _, values in parts for value in values])


def equals(column: str, value: Any) -> Condition:
    return None if value is None else (f"{column} = ?", [value])


def among(column: str, ids: Sequence[int] | None) -> Condition:
    return None if ids is None else (f"{column} IN ({', '.join('?' * len(ids)) or 'NULL'})", list(ids))


def check_choice(what: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise BadInput(f"{what} must be one of: {', '.join(allowed)} (got {value!r})")


def time_row(prefix: str, t: utime.UncertainTime) -> dict[str, Any]:
    """The stored columns of an uncertain time, named ``<prefix>_raw`` and so on."""
    return {f"{prefix}_raw": t.raw, f"{prefix}_start": t.start, f"{prefix}_end": t.end,
            f"{prefix}_tz": t.tz, f"{prefix}_precision": t.precision, f"{prefix}_sort": t.sort_utc,
            f"{prefix}_note": t.note}


def reread_time(old: utime.UncertainTime, when: str | None, tz: str | None, choose: Any,
                dayfirst: Any) -> tuple[utime.UncertainTime | None, tuple[str, str] | None]:
    """An edited record's time read again: ``(new time, (was, now))`` for its custody entry, the
    change None when the reading is the same, and ``(None, None)`` when nothing about the time was
    given. A time given alone is taken on the day the record already had."""
    if when is None and tz is None and choose is None:
        return None, None
    new = utime.parse(when if when is not None else old.raw, tz or old.tz, choose=choose, dayfirst=dayfirst,
                      context_day=old)
    if new == old:
        return new, None
    was, now = old.raw + " @ " + old.tz, new.raw + " @ " + new.tz
    if was == now:  # the same text read another way (the examiner answered a question)
        was, now = f"{was} read as {old.start}", f"{now} read as {new.start}"
    return new, (was, now)


def time_of(row: dict[str, Any], prefix: str) -> utime.UncertainTime:
    return utime.from_stored(row[f"{prefix}_raw"], row[f"{prefix}_start"], row[f"{prefix}_end"],
                             row[f"{prefix}_tz"], row[f"{prefix}_precision"], row[f"{prefix}_sort"],
                             row[f"{prefix}_note"])


def require_reason(reason: str, what: str) -> str:
    """Every change says why; an empty reason is refused before anything is written."""
    if not reason or not reason.strip():
        raise BadInput(f"{what} needs a reason (it goes into the custody record)")
    return reason.strip()
