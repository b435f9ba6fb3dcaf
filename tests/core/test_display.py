"""Hidden characters are shown, never obeyed: the marks of the GUI and reports, the escapes of the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evidence_desk import cli
from evidence_desk.core.display import FSI, PDI, escaped, has_hidden, isolated, mark, visible

RLO = "\u202e"
SPOOFED = f"rtl{RLO}gnp.exe"


@pytest.mark.parametrize(("text", "shown"), [
    (SPOOFED, "rtl⟨RLO⟩gnp.exe"),
    ("a\u2066b\u2069c\u200bd\ufeffe", "a⟨LRI⟩b⟨PDI⟩c⟨ZWSP⟩d⟨BOM⟩e"),
    ("\x1b[31mred\x07", "⟨ESC⟩[31mred⟨U+0007⟩"),
    ("line\none\ttab", "line⟨LF⟩one⟨TAB⟩tab"),
    ("next\x85line\u2028sep", "next⟨NEL⟩line⟨LSEP⟩sep"),
    ("\U000e0041\U000e0042hidden tags", "⟨U+E0041⟩⟨U+E0042⟩hidden tags"),
    ("caf\udce9", "caf⟨U+DCE9⟩"),  # a lone surrogate of a non-UTF-8 name: shown, not a crash
    ("pay\u200dpal", "pay⟨ZWJ⟩pal"),  # a joiner hiding inside an ASCII word is marked
    ("\u061cA\u200e\u200f", "⟨ALM⟩A⟨LRM⟩⟨RLM⟩"),
])
def test_every_hidden_character_gets_a_mark(text: str, shown: str) -> None:
    assert visible(text) == shown
    assert has_hidden(text)


@pytest.mark.parametrize("text", [
    "plain words", "Ukrainian: Київ", "Arabic: قال الشاهد", "Hebrew: עדות", "中文 证词", "한국어",
    "family 👨\u200d👩\u200d👧", "Persian نمی\u200cخواهم", "no-break\xa0space", "<b>markup is not hidden</b>",
])
def test_visible_text_and_joining_scripts_pass_unchanged(text: str) -> None:
    assert visible(text) == text and not has_hidden(text)


def test_multiline_keeps_lines_and_tabs_but_marks_the_rest() -> None:
    assert visible(f"one\r\ntwo\tthree{RLO}", multiline=True) == "one\ntwo\tthree⟨RLO⟩"
    assert visible("lone\rcr", multiline=True) == "lone⟨CR⟩cr"


def test_isolated_wraps_the_marked_text_in_first_strong_isolate() -> None:
    assert isolated(SPOOFED) == f"{FSI}rtl⟨RLO⟩gnp.exe{PDI}"
    assert mark("\u2068") == "⟨FSI⟩"
    assert visible(None) == "" and visible("") == ""


def test_escaped_is_one_line() -> None:
    assert escaped(f"a\nb\tc{RLO}d\\e\x1b\U000e0041") == "a\\nb\\tc\\u202ed\\e\\x1b\\U000e0041"
    assert escaped("Київ 👨\u200d👩\u200d👧") == "Київ 👨\u200d👩\u200d👧"
    assert escaped(None) == ""


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


HOSTILE_NAMES = ["two\nlines.txt", "tab\there.txt", SPOOFED, "esc\x1b[2Jclear.txt", "back\\slash.txt"]


def test_the_cli_prints_one_line_per_record_with_controls_escaped(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    case_dir = tmp_path / "case"
    assert run(capsys, "init", case_dir, "--title", "T", "--examiner", "Ann")[0] == 0
    paths = []
    for i, name in enumerate(HOSTILE_NAMES):
        (tmp_path / name).write_bytes(f"file {i}\n".encode())
        paths.append(tmp_path / name)
    code, out, _ = run(capsys, "add", case_dir, *paths)
    assert code == 0
    assert len(out.splitlines()) == len(HOSTILE_NAMES)  # one line per file added
    assert RLO not in out and "\x1b" not in out
    assert run(capsys, "event", "add", case_dir, "--title", f"Order\n{RLO}given\tlate", "--tz", "UTC")[0] == 0
    assert run(capsys, "note", "add", case_dir, "--text", f"note\nwith {RLO} lines")[0] == 0

    code, out, _ = run(capsys, "list", case_dir, "items")
    lines = out.splitlines()
    assert code == 0 and len(lines) == len(HOSTILE_NAMES)
    names = [line.split("\t")[4] for line in lines]  # the tab separator still separates five fields
    assert all(len(line.split("\t")) == 5 for line in lines)
    assert sorted(names) == sorted(["two\\nlines.txt", "tab\\there.txt", "rtl\\u202egnp.exe",
                                    "esc\\x1b[2Jclear.txt", "back\\slash.txt"])
    code, out, _ = run(capsys, "list", case_dir, "events")
    assert out == "1\tunknown\tOrder\\n\\u202egiven\\tlate\n"
    code, out, _ = run(capsys, "list", case_dir, "journal")
    assert len(out.splitlines()) == 1 and "note\\nwith \\u202e lines" in out

    code, out, _ = run(capsys, "list", case_dir, "items", "--json")  # exact: the stored names, round-tripped
    assert code == 0 and sorted(r["name"] for r in json.loads(out)) == sorted(HOSTILE_NAMES)
    code, out, _ = run(capsys, "list", case_dir, "events", "--json")
    assert json.loads(out)[0]["title"] == f"Order\n{RLO}given\tlate"
