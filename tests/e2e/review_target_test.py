"""Under pull_request_target (a job with secrets) the PR's code never runs: no linters."""

from __future__ import annotations

from pathlib import Path

import pytest

from kairos_ci.cli import main
from tests.sandbox.github.world import strict_sandbox
from tests.tasks.review.scenario import (
    FEATURE_CORE,
    FEATURE_TESTS,
    branch,
    open_pull,
    payload,
    project,
    repo_state,
)

pytestmark = pytest.mark.slow


@pytest.mark.usefixtures("env")
def test_pull_request_target_reviews_without_running_the_pr_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = project(tmp_path)
    branch(world, "feature", {"calc/core.py": FEATURE_CORE, "tests/test_core.py": FEATURE_TESTS})
    with strict_sandbox(world) as sandbox:
        monkeypatch.setenv("GITHUB_API_URL", sandbox.base_url)
        number = open_pull(sandbox, world, "feature")
        event = payload(tmp_path, world, number, "opened", "feature")
        argv = ["review", "--event", "pull_request_target", "--payload", str(event)]
        assert main([*argv, "--repo", str(world.work), "--run-id", "t1"]) == 0
        state = repo_state(sandbox)
    bodies = [c["body"] for c in state["review_comments"]]
    assert bodies and not any("ruff/F401" in body for body in bodies)
    assert any("kairos/likely-secret" in body for body in bodies)  # deterministic checks still run
    assert "pull_request_target holds secrets" in state["reviews"][0]["body"]
