"""The action, run by act with `command: plan`, planning from the kairos:plan label against
the GitHub sandbox (end to end; no API key, so the plan says what it lacks)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.act_harness import run_action
from tests.plan.express_app import FILES, GOAL
from tests.sandbox.github.world import KAIROS_TOKEN, client, make_world
from tests.tasks.chat.people import TOKENS, sandbox_for

pytestmark = pytest.mark.slow


def test_the_label_makes_the_action_post_a_plan(tmp_path: Path) -> None:
    world = make_world(tmp_path / "world")
    world.commit(FILES, "the shop, on Express")
    with sandbox_for(world) as sandbox:
        repo = client(sandbox, TOKENS["maria"]).get_repo(world.full_name)
        number = int(repo.create_issue(title="Move to Fastify", body=GOAL).number)
        labeled = {
            "action": "labeled",
            "issue": {"number": number, "title": "Move to Fastify", "body": GOAL},
            "label": {"name": "kairos:plan"},
            "sender": {"login": "maria", "type": "User"},
            "repository": {"full_name": world.full_name, "default_branch": "main"},
        }
        run = run_action(
            tmp_path,
            {"command": "plan", "working-directory": str(world.work)},
            event="issues",
            payload=labeled,
            env={"GITHUB_API_URL": sandbox.base_url, "GITHUB_REPOSITORY": world.full_name},
            secrets={"GITHUB_TOKEN": KAIROS_TOKEN},
        )
        assert run.returncode == 0, run.log
        comments = [c.body for c in repo.get_issue(number).get_comments()]
    assert len(comments) == 2
    assert "### kairos plan: incomplete" in comments[0]
    assert "**Incomplete.** Missing:" in comments[1] and "Approve plan" in comments[1]
    assert run.outputs["summary"] == "kairos-ci plan: 2 done, 0 skipped"
    assert "| step | posted |" in run.summary
    assert world.git("status", "--porcelain", "--untracked-files=all") == ""
    assert KAIROS_TOKEN not in run.log.replace(f"::add-mask::{KAIROS_TOKEN}", "")
