"""Shared test fixtures. ``../shared`` (corpus, contracts) is read in place, never copied."""

from __future__ import annotations

import os
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
