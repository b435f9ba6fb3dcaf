"""One byte formatter for the whole program: binary units, exact below 1 KiB, no float drift."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evidence_desk.core.sizes import UNITS, format_bytes, format_bytes_exact


@pytest.mark.parametrize(("n", "text"), [
    (0, "0 bytes"), (1, "1 byte"), (2, "2 bytes"), (1023, "1,023 bytes"),
    (1024, "1.0 KiB"), (1536, "1.5 KiB"), (398_412, "389.1 KiB"),
    (1024 ** 2 - 1, "1.0 MiB"),  # 1023.999 KiB rounds up into the next unit, not to "1024.0 KiB"
    (1024 ** 2 - 52, "1023.9 KiB"),
    (5 * 1024 ** 3, "5.0 GiB"), (2 * 1024 ** 4, "2.0 TiB"),
    (2 ** 63 - 1, "8.0 EiB"), (2 ** 64 - 1, "16.0 EiB"),
])
def test_sizes_read_in_binary_units(n: int, text: str) -> None:
    assert format_bytes(n) == text


def test_exact_form_adds_the_byte_count_only_when_it_was_rounded() -> None:
    assert format_bytes_exact(398_412) == "389.1 KiB (398,412 bytes)"
    assert format_bytes_exact(1023) == "1,023 bytes"


@pytest.mark.parametrize("bad", [-1, 1.5, "12", True])
def test_what_is_not_a_byte_count_is_refused(bad: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        format_bytes(bad)  # type: ignore[arg-type]


@given(st.integers(min_value=1024, max_value=2 ** 64 - 1))
def test_the_shown_value_is_within_half_a_tenth_of_the_truth(n: int) -> None:
    number, unit = format_bytes(n).split(" ")
    value = float(number.replace(",", ""))
    assert 1.0 <= value < 1024.0 or unit == UNITS[-1]
    exact = n / 1024 ** (UNITS.index(unit) + 1)
    assert abs(value - exact) <= 0.05 + 1e-9
