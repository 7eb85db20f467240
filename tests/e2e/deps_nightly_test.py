"""Issue 9's scenario through the nightly run: a real pypiserver, the GitHub sandbox.

alpha has a cooled-down patch release, beta's patch breaks the tests, gamma's patch
is younger than the cooldown, delta only has a minor release.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from github import Auth, Github

from kairos_ci.cli import main
from kairos_ci.sandbox.github.server import GitHubSandbox
from tests.sandbox.github.world import (
    MAINTAINER_TOKEN,
    World,
    make_world,
    strict_sandbox,
)
from tests.tasks.deps.pypi_server import build_wheel, pypiserver
from tests.tasks.deps.task_test import CHECK, REQUIREMENTS

pytestmark = pytest.mark.slow
CONFIG = "version: 1\ntests:\n  run: python check.py\nautonomy:\n  update_deps: approve\n"


@pytest.fixture
def setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: Path
) -> Iterator[tuple[World, GitHubSandbox, Path]]:
    packages = tmp_path / "packages"
    packages.mkdir()
    for name in ("alpha", "beta", "gamma", "delta"):
        build_wheel(packages, name, "1.0.0", "VALUE = 1\n", age_days=100)
    build_wheel(packages, "alpha", "1.0.1", "VALUE = 1\n", age_days=10)
    build_wheel(packages, "beta", "1.0.1", "VALUE = 2\n", age_days=10)
    build_wheel(packages, "gamma", "1.0.1", "VALUE = 1\n", age_days=1)
    build_wheel(packages, "delta", "1.1.0", "VALUE = 1\n", age_days=10)
    world = make_world(tmp_path / "world")
    world.git("rm", "-q", "app.py")
    world.commit(
        {"requirements.txt": REQUIREMENTS, "check.py": CHECK, ".github/kairos.yml": CONFIG},
        "pin dependencies",
    )
    with pypiserver(packages, tmp_path / "pypi.log") as index, strict_sandbox(world) as github:
        monkeypatch.setenv("GITHUB_API_URL", github.base_url)
        monkeypatch.setenv("PIP_INDEX_URL", index.url)
        yield world, github, packages


def night(world: World, n: int) -> int:
    args = ["run", "--event", "schedule", "--repo", str(world.work), "--run-id", f"deps-{n}"]
    return main(args)


def pulls(github: GitHubSandbox) -> list[dict[str, Any]]:
    return list(github.state("octo/app")["repos"]["octo/app"]["pulls"])


def writes_since(github: GitHubSandbox, count: int) -> list[dict[str, Any]]:
    return [r for r in github.state()["requests"][count:] if r["method"] != "GET"]


def test_grouped_verified_rejected_and_renewed(setting: tuple[World, GitHubSandbox, Path]) -> None:
    world, github, packages = setting
    assert night(world, 1) == 0
    (pr,) = pulls(github)
    assert pr["head"]["ref"] == "kairos/deps/pypi"
    body = pr["body"]
    assert "| alpha | 1.0.0 | 1.0.1 | patch |" in body  # the one allowed, verified bump
    assert "- **beta** 1.0.0 -> 1.0.1: the test command exited 1" in body  # dropped, explained
    assert "gamma" not in body  # younger than the cooldown
    assert "delta" not in body  # a minor update

    before = len(github.state()["requests"])
    assert night(world, 2) == 0  # a rerun changes nothing
    assert writes_since(github, before) == []

    maintainer = Github(auth=Auth.Token(MAINTAINER_TOKEN), base_url=github.base_url, retry=None)
    maintainer.get_repo("octo/app").get_pull(pr["number"]).edit(state="closed")
    assert night(world, 3) == 0  # the same versions are not proposed again
    assert [p["state"] for p in pulls(github)] == ["closed"]

    build_wheel(packages, "alpha", "1.0.2", "VALUE = 1\n", age_days=10)
    assert night(world, 4) == 0  # a newer patch release is
    states = sorted((p["state"], p["number"]) for p in pulls(github))
    assert [s for s, _ in states] == ["closed", "open"]
    (renewed,) = [p for p in pulls(github) if p["state"] == "open"]
    assert "1.0.2" in renewed["body"]
