"""`kairos-ci review` at its edges: which events and actions it takes, and the hardened
two-job split (`--dry-run` writes the bundle, `kairos-ci publish` posts it)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kairos_ci.cli import main
from kairos_ci.sandbox.github.server import GitHubSandbox
from tests.sandbox.github.world import World, strict_sandbox
from tests.tasks.review.scenario import (
    FEATURE_CORE,
    FEATURE_TESTS,
    branch,
    open_pull,
    payload,
    project,
    repo_state,
    review,
)


@pytest.fixture
def github(
    tmp_path: Path,
    env: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[World, GitHubSandbox, int]]:
    world = project(tmp_path)
    branch(world, "feature", {"calc/core.py": FEATURE_CORE, "tests/test_core.py": FEATURE_TESTS})
    with strict_sandbox(world) as sandbox:
        monkeypatch.setenv("GITHUB_API_URL", sandbox.base_url)
        yield world, sandbox, open_pull(sandbox, world, "feature")


def test_only_pull_request_events_are_taken(
    github: tuple[World, GitHubSandbox, int],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    world, _, number = github
    event = payload(tmp_path, world, number, "opened", "feature")
    argv = ["review", "--event", "push", "--payload", str(event), "--repo", str(world.work)]
    assert main(argv) == 2
    assert "handles pull_request, pull_request_target, not push" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("action", "draft", "why"),
    [
        ("closed", False, "the 'closed' action is not reviewed"),
        ("labeled", False, "the 'labeled' action is not reviewed"),
        ("opened", True, "the pull request is a draft"),
    ],
)
def test_actions_and_drafts_that_get_no_review(
    github: tuple[World, GitHubSandbox, int],
    tmp_path: Path,
    env: Path,
    action: str,
    draft: bool,
    why: str,
) -> None:
    world, sandbox, number = github
    assert review(world, payload(tmp_path, world, number, action, "feature", draft=draft)) == 0
    assert repo_state(sandbox)["reviews"] == [] and why in env.read_text()


def test_the_two_job_split_posts_the_same_review(
    github: tuple[World, GitHubSandbox, int],
    tmp_path: Path,
) -> None:
    world, sandbox, number = github
    bundle = tmp_path / "bundle.json"
    event = payload(tmp_path, world, number, "opened", "feature")
    assert review(world, event, "--dry-run", "--bundle-out", str(bundle)) == 0
    assert repo_state(sandbox)["reviews"] == []  # the job that read the PR posted nothing
    (write,) = json.loads(bundle.read_text())["writes"]
    assert (write["kind"], write["task"], write["autonomy"]) == ("review", "review", "suggest")
    assert main(["publish", str(bundle), "--repo", str(world.work)]) == 0
    state = repo_state(sandbox)
    assert len(state["reviews"]) == 1 and len(state["review_comments"]) == 4
    assert main(["publish", str(bundle), "--repo", str(world.work)]) == 0  # again: no duplicate
    assert len(repo_state(sandbox)["reviews"]) == 1


def test_observe_autonomy_posts_nothing(
    github: tuple[World, GitHubSandbox, int],
    tmp_path: Path,
    env: Path,
) -> None:
    world, sandbox, number = github
    world.commit({".github/kairos.yml": "version: 1\nautonomy:\n  review: observe\n"}, "observe")
    event = payload(tmp_path, world, number, "opened", "feature")
    data = json.loads(event.read_text())
    data["pull_request"]["base"]["sha"] = world.git("rev-parse", "main")
    event.write_text(json.dumps(data))
    assert review(world, event) == 0
    assert repo_state(sandbox)["reviews"] == []
    assert "autonomy is observe: nothing is posted" in env.read_text()
