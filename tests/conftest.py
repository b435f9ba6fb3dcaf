"""Shared test set-up: Qt offscreen, an examiner, and no unexpected warnings."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _examiner(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVIDENCE_DESK_EXAMINER", "Test Examiner")
    monkeypatch.setenv("EVIDENCE_DESK_LOCATION", "test bench")


#: the passphrase of every test's examiner key (tests/core/test_examiner_keys.py checks the real costs)
TEST_PASSPHRASE = "correct horse battery staple"


@pytest.fixture(scope="session")
def _examiner_key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One examiner key per test session, made with the cheapest Argon2id costs so unlocking it
    takes no time; every test gets its own copy."""
    from evidence_desk.core import examiner_keys

    path = tmp_path_factory.mktemp("examiner-key") / examiner_keys.KEY_FILE
    examiner_keys.create(TEST_PASSPHRASE, examiner="Test Examiner", path=path,
                         kdf=examiner_keys.KdfParams(time_cost=1, memory_kib=8, parallelism=1))
    return path


@pytest.fixture(autouse=True)
def _examiner_home(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory,
                   _examiner_key_file: Path) -> Path:
    """The examiner key and the witness log of each test live in a folder of its own, never in
    the real user's folders; the passphrase comes from the environment, as in CI."""
    home = tmp_path_factory.mktemp("home")
    shutil.copy2(_examiner_key_file, home / _examiner_key_file.name)
    monkeypatch.setenv("EVIDENCE_DESK_HOME", str(home))
    monkeypatch.setenv("EVIDENCE_DESK_KEY_PASSPHRASE", TEST_PASSPHRASE)
    return home


@pytest.fixture(autouse=True)
def _private_temp_dir(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Temporary files the code makes (exported copies, unpacked packets) land in
    the test's own folder, not the machine's /tmp."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path_factory.mktemp("systmp")))


@pytest.fixture(autouse=True)
def _fail_on_warning_logs(caplog: pytest.LogCaptureFixture, request: pytest.FixtureRequest):
    """A WARNING from our own loggers is a failure unless the test expects it
    (mark it with @pytest.mark.allow_warning_logs)."""
    caplog.set_level(logging.INFO, logger="evidence_desk")
    yield
    if request.node.get_closest_marker("allow_warning_logs"):
        return
    bad = [r for r in caplog.get_records("call")
           if r.levelno >= logging.WARNING and r.name.startswith("evidence_desk")]
    if bad:
        pytest.fail("unexpected warning log(s): " + "; ".join(f"{r.name}: {r.getMessage()}" for r in bad))
