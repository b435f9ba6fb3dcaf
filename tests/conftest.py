"""Shared test set-up: Qt offscreen, an examiner, and no unexpected warnings."""

from __future__ import annotations

import logging
import os
import tempfile

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _examiner(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVIDENCE_DESK_EXAMINER", "Test Examiner")
    monkeypatch.setenv("EVIDENCE_DESK_LOCATION", "test bench")


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
