"""A fork's pull request reviewed through the two-workflow pattern, end to end: the
read-only half (``review --dry-run``, no model key, a read-only token) writes the
bundle; the publishing half, the action run by act with ``command: publish`` on a
``workflow_run`` event for the fork's run, posts it to the GitHub sandbox, and only it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kairos_ci.commands.publish import ACTION_BUNDLE
from tests.e2e.act_harness import run_action
from tests.sandbox.github.world import KAIROS_TOKEN, OUTSIDER_TOKEN, World, strict_sandbox
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

pytestmark = pytest.mark.slow


def _completed_review_run(world: World, head_sha: str) -> dict[str, Any]:
    """What the publishing workflow sees: the fork review workflow's run, completed.
    GitHub leaves a fork's pull requests out of ``pull_requests``."""
    run = {
        "id": 901,
        "name": "kairos review fork",
        "conclusion": "success",
        "head_sha": head_sha,
        "head_branch": "feature",
        "event": "pull_request",
        "pull_requests": [],
        "head_repository": {"full_name": "mallory/app"},
        "actor": {"login": "mallory", "type": "User"},
    }
    repository = {"full_name": world.full_name, "default_branch": "main"}
    return {"action": "completed", "workflow_run": run, "repository": repository}


def test_the_publishing_job_posts_a_forks_review_and_nothing_else(
    tmp_path: Path, env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = project(tmp_path / "world")
    head = branch(
        world, "feature", {"calc/core.py": FEATURE_CORE, "tests/test_core.py": FEATURE_TESTS}
    )
    bundle = world.work / ACTION_BUNDLE
    with strict_sandbox(world) as sandbox:
        monkeypatch.setenv("GITHUB_API_URL", sandbox.base_url)
        number = open_pull(sandbox, world, "feature")
        # The pull_request half: a fork's run has a read-only token and no secrets.
        monkeypatch.setenv("GITHUB_TOKEN", OUTSIDER_TOKEN)
        event = payload(tmp_path, world, number, "opened", "feature", head_repo="mallory/app")
        assert review(world, event, "--dry-run", "--bundle-out", str(bundle)) == 0
        made = json.loads(bundle.read_text())
        assert [w["kind"] for w in made["writes"]] == ["review"]
        # What a fork could add to the artifact: publish must not apply it.
        made["writes"].append(
            {
                "kind": "comment",
                "fingerprint": "fork-extra",
                "autonomy": "suggest",
                "why": "added by the fork",
                "target": {"number": number},
                "payload": {"body": "not from kairos"},
            }
        )
        bundle.write_text(json.dumps(made))
        reviews_before = len(repo_state(sandbox)["reviews"])
        run = run_action(
            tmp_path / "act",
            {"command": "publish", "working-directory": str(world.work)},
            event="workflow_run",
            payload=_completed_review_run(world, head),
            env={"GITHUB_API_URL": sandbox.base_url, "GITHUB_REPOSITORY": world.full_name},
            secrets={"GITHUB_TOKEN": KAIROS_TOKEN},
        )
        assert run.returncode == 0, run.log
        state = repo_state(sandbox)
    assert reviews_before == 0
    [posted] = state["reviews"]
    assert "the pull request comes from a fork" in posted["body"]
    assert run.outputs["summary"] == "writes: 1 applied, 1 skipped"
    assert "a fork's run may publish only a review on its pull request" in run.summary
    assert all("not from kairos" not in c["body"] for c in state["comments"])
