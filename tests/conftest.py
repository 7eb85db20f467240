"""Shared test fixtures. ``../shared`` (corpus, contracts) is read in place, never copied."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def shared_path() -> Path:
    return Path(os.environ.get("KAIROS_SHARED_DIR", REPO_ROOT.parent / "shared"))


@pytest.fixture
def shared_dir() -> Path:
    """The shared reference data; the test is skipped with a reason when it is absent."""
    path = shared_path()
    if not path.is_dir():
        pytest.skip(f"shared reference data not found at {path} (set KAIROS_SHARED_DIR)")
    return path


# What a workflow's environment may carry that would leak into a run under test.
RUN_VARIABLES = ("GITHUB_", "KAIROS_", "ANTHROPIC_", "RUNNER_", "PIP_")


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A clean workflow environment for `kairos-ci` runs against the GitHub sandbox:
    kairos's sandbox token, this venv's tools (pytest, ruff) on PATH, and a step-summary
    file, which is returned."""
    from tests.sandbox.github.world import KAIROS_TOKEN  # imported here: world imports us

    for name in list(os.environ):
        if name.startswith(RUN_VARIABLES):
            monkeypatch.delenv(name)
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"])
    monkeypatch.setenv("GITHUB_REPOSITORY", "octo/app")
    monkeypatch.setenv("GITHUB_TOKEN", KAIROS_TOKEN)
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    return summary
