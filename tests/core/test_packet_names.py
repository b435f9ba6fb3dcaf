"""Names of evidence files inside a packet: safe on every file system, unique
even where case and Unicode normalisation are ignored."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from evidence_desk.core.packet.archive import PacketLimits, check_member_name
from evidence_desk.core.packet.names import MAX_NAME_BYTES, evidence_names, fold, sanitise


@given(st.text(max_size=400))
def test_any_original_name_becomes_one_safe_component(name: str) -> None:
    safe = sanitise(name)
    assert safe and safe == unicodedata.normalize("NFC", safe)
    assert "/" not in safe and "\\" not in safe and not safe.startswith(".")
    assert all(unicodedata.category(ch) != "Cc" for ch in safe)
    assert len(safe.encode("utf-8")) <= MAX_NAME_BYTES
    assert check_member_name(f"data/evidence/{safe}", PacketLimits()) is None


@given(st.lists(st.text(min_size=0, max_size=60), max_size=30))
def test_names_are_unique_once_folded(originals: list[str]) -> None:
    names = evidence_names(list(enumerate(originals, 1)))
    assert len({fold(n) for n in names.values()}) == len(originals)


def test_examples() -> None:
    assert sanitise("../../etc/passwd") == "_.._etc_passwd"
    assert sanitise(".bashrc") == "bashrc"
    assert sanitise("CON.txt") == "_CON.txt"
    assert sanitise("a\nb\x00c.wav") == "a_b_c.wav"
    long = sanitise("x" * 300 + ".flac")
    assert long.endswith(".flac") and len(long.encode()) <= MAX_NAME_BYTES
    assert evidence_names([(1, "Memo.TXT"), (2, "memo.txt")]) == {1: "1-Memo.TXT", 2: "2-memo.txt"}
