from __future__ import annotations

from pathlib import Path

import pytest

from kairos_ci.memory.store import MemoryStore
from tests.memory.helpers import init_clone, init_origin, make_store


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    return init_origin(tmp_path / "origin.git")


@pytest.fixture
def clone(tmp_path: Path, origin: Path) -> Path:
    return init_clone(tmp_path / "clone", origin)


@pytest.fixture
def store(clone: Path, tmp_path: Path) -> MemoryStore:
    return make_store(clone, tmp_path / "scratch")
