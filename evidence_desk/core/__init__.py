"""Qt-free core: case store, vault, custody chain, grading, time, verification.

Nothing under this package may import PySide6 (a test enforces it), so the
command line, the benchmarks and the tests run without a display.
"""
