"""How many bytes, said one way everywhere: the GUI, the report and the CLI.

Binary units (KiB = 1024 bytes, as forensic tools and file systems count),
exact below 1 KiB, one decimal above. Rounding is done on integers, so a
size just under a unit boundary reads ``1.0 MiB``, never ``1024.0 KiB``,
and any 64-bit size (up to 16 EiB) is said without float error.
"""

from __future__ import annotations

UNITS = ("KiB", "MiB", "GiB", "TiB", "PiB", "EiB")


def format_bytes(n: int) -> str:
    """``0 bytes``, ``1 byte``, ``1,023 bytes``, ``1.0 KiB``, ``389.1 KiB``, ``16.0 EiB``."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"a byte count is an int, not {type(n).__name__}")
    if n < 0:
        raise ValueError(f"a byte count cannot be negative: {n}")
    if n < 1024:
        return "1 byte" if n == 1 else f"{n:,} bytes"
    for power, unit in enumerate(UNITS, start=1):
        divisor = 1024 ** power
        tenths = (n * 20 + divisor) // (divisor * 2)  # n / divisor in tenths, rounded half up
        if tenths < 10240 or unit == UNITS[-1]:
            whole, tenth = divmod(tenths, 10)
            return f"{whole}.{tenth} {unit}"
    raise AssertionError("unreachable")  # pragma: no cover


def format_bytes_exact(n: int) -> str:
    """``389.1 KiB (398,412 bytes)``: readable and exact at once; ``512 bytes`` needs no second form."""
    short = format_bytes(n)
    return short if n < 1024 else f"{short} ({n:,} bytes)"
