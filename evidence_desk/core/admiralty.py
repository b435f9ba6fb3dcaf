"""The Admiralty (NATO) grading vocabulary, defined once.

Two independent axes: the reliability of a *source* (A–F) and the
credibility of a piece of *information* (1–6). The store checks codes
against these tuples, the GUI offers them with their meanings, and the
report spells grades out with the same words.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

RELIABILITY_MEANINGS: Mapping[str, str] = MappingProxyType({
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
})
CREDIBILITY_MEANINGS: Mapping[str, str] = MappingProxyType({
    "1": "confirmed by other sources",
    "2": "probably true",
    "3": "possibly true",
    "4": "doubtful",
    "5": "improbable",
    "6": "truth cannot be judged",
})
RELIABILITY_CODES: tuple[str, ...] = tuple(RELIABILITY_MEANINGS)
CREDIBILITY_CODES: tuple[str, ...] = tuple(CREDIBILITY_MEANINGS)
#: in Admiralty notation, the mark of an axis not graded (``B-``, ``-2``)
UNGRADED = "-"


def reliability_meaning(code: str) -> str:
    """``B`` -> ``usually reliable``; a code outside A–F is named as such, never guessed."""
    return RELIABILITY_MEANINGS.get(code, f"{code!r} is not a reliability grade")


def credibility_meaning(code: str) -> str:
    """``2`` -> ``probably true``; a code outside 1–6 is named as such, never guessed."""
    return CREDIBILITY_MEANINGS.get(code, f"{code!r} is not a credibility grade")


def notation(reliability: str | None, credibility: str | None) -> str:
    """``B2``; a missing axis shows as ``-`` (``B-``, ``-2``); ``""`` when neither is graded."""
    if not reliability and not credibility:
        return ""
    return f"{reliability or UNGRADED}{credibility or UNGRADED}"


def describe(reliability: str | None, credibility: str | None) -> str:
    """What a grade means: ``("B", "2")`` -> ``B: usually reliable; 2: probably true``.

    An axis not graded is left out; ``not graded`` when neither is.
    """
    parts = []
    if reliability:
        parts.append(f"{reliability}: {reliability_meaning(reliability)}")
    if credibility:
        parts.append(f"{credibility}: {credibility_meaning(credibility)}")
    return "; ".join(parts) or "not graded"


def describe_notation(text: str) -> str:
    """:func:`describe` for a grade written in notation: ``B2``, ``B-``, ``-2`` or ``""``."""
    reliability, credibility = text[:1], text[1:2]
    return describe("" if reliability == UNGRADED else reliability, "" if credibility == UNGRADED else credibility)
