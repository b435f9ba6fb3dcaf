"""The fuzzer in the normal test suite: the reduced set (about 60 malformed files) through intake
and every viewer that accepts each, with nothing crashing or hanging; and the runner's own
counting checked on files made to crash, segfault and hang it. ``make fuzz`` runs the full set."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import generate  # tests/fuzz is on sys.path: pytest puts a test's folder there
import pytest
import run


def test_the_reduced_set_breaks_nothing(tmp_path: Path) -> None:
    cases = generate.generate(tmp_path / "files", reduced=True)
    assert 50 <= len(cases) <= 90
    summary = run.fuzz(cases, workers=2, scratch=tmp_path / "work")
    assert (summary.crashes, summary.hangs) == (0, 0), summary.report()
    assert summary.peak_rss_mb < run.RSS_LIMIT_MB, summary.report()
    assert summary.files == len(cases)
    assert summary.imported >= len(cases) - 5  # what intake refuses is not a file (a FIFO, a dangling link)
    assert summary.viewer_runs >= summary.imported  # every item met at least one viewer


def test_the_full_set_is_over_a_thousand_files_made_the_same_way_each_time() -> None:
    def digest(plan):
        sha = hashlib.sha256()
        for name, _seed, label, data in plan:
            sha.update(os.fsencode(name) + label.encode() + (data or b"special"))
        return sha.hexdigest()

    plan = list(generate._plan(generate.SEED, full=False))
    assert len(plan) >= 1000
    assert digest(plan) == digest(generate._plan(generate.SEED, full=False))
    assert digest(plan) != digest(generate._plan(generate.SEED + 1, full=False))
    seeds = {seed for _name, seed, _label, _data in plan}
    for wanted in ("call.wav", "speech.flac", "tone.ogg", "silence.mp3", "bodycam.avi", "clip.mp4", "photo.png",
                   "photo.jpg", "report.pdf", "statement.txt", "packet.json", "bomb.zip", "bomb.gz",
                   "bomb-60000.png", "names", "special"):
        assert wanted in seeds
    labels = {label for _name, _seed, label, _data in plan}
    assert {"trunc50pct", "flip1-0", "block-random256", "png-60000x60000", "hostile-name", "fifo"} <= labels


@pytest.mark.allow_warning_logs
def test_the_runner_counts_a_crash_a_segfault_and_a_hang(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(run.SELF_TEST_ENV, "1")
    folder = tmp_path / "files"
    folder.mkdir()
    names = ["ok.txt", "selftest-slot-raises.txt", "selftest-raises.txt", "selftest-segfault.txt",
             "selftest-hang.txt", "after.txt"]
    for name in names:
        (folder / name).write_text("evidence\n", "utf-8")
    summary = run.fuzz([generate.Case(folder / name, "self-test", name) for name in names], workers=1,
                       scratch=tmp_path / "work")
    found = sorted((p.what, Path(p.path).name) for p in summary.problems)
    assert found == [("crash", "selftest-raises.txt"), ("crash", "selftest-segfault.txt"),
                     ("crash", "selftest-slot-raises.txt"), ("hang", "selftest-hang.txt")], summary.report()
    assert summary.files == 6 and not summary.ok
    assert "crashes: 3\nhangs>5s: 1\n" in summary.report()
