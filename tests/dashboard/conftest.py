from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kairos_ci.sandbox.github.server import GitHubSandbox
from tests.sandbox.github.world import World, make_world, strict_sandbox


@pytest.fixture
def world(tmp_path: Path) -> World:
    return make_world(tmp_path)


@pytest.fixture
def sandbox(world: World) -> Iterator[GitHubSandbox]:
    with strict_sandbox(world) as running:
        yield running
