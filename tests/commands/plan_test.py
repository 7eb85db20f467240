"""`kairos-ci plan` end to end, against the GitHub sandbox and a scripted model: a writer's
`/kairos plan` and the kairos:plan label post a plan; a reader's command leaves no trace;
ticks on the plan comment are kept, or reverted."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from kairos_ci.cli import main
from kairos_ci.git import Git
from kairos_ci.memory.store import MemoryStore
from kairos_ci.plan.checkpoints import DirectoryCheckpoints
from kairos_ci.plan.current import current_plan
from kairos_ci.plan.records import Plan
from kairos_ci.sandbox.anthropic.script import parse_script
from kairos_ci.sandbox.anthropic.server import Handle, running
from kairos_ci.sandbox.github.server import GitHubSandbox
from tests.plan.express_app import FILES, GOAL
from tests.plan.migration_script import DESIGN, DRAFT
from tests.plan.review_test import tick
from tests.sandbox.github.world import KAIROS_TOKEN, World, client, make_world
from tests.tasks.chat.people import TOKENS, event_payload, sandbox_for, say

pytestmark = pytest.mark.slow

NOW = datetime(2026, 11, 27, 5, 0, tzinfo=UTC)
API_KEY = "sk-ant-api03-plan-e2e-fake-key-0123456789abcdef"
KAIROS = "kairos-ci[bot]"
# node's own runner: the fixture's mocha suites fail at load, so the baseline has failures.
CONFIG = """\
version: 1
tests:
  run: node --test --test-reporter=junit --test-reporter-destination=junit.xml test/
  junit: ["junit.xml"]
"""


def use(name: str, **arguments: Any) -> dict[str, Any]:
    return {"content": [{"type": "tool_use", "name": name, "input": arguments}]}


SCRIPT = [
    use("read_file", path="src/app.js"),
    use("search_code", pattern="require\\('express'\\)"),
    use("submit_design", **DESIGN),
    use("submit_plan", **DRAFT),
]


@dataclass
class Shop:
    world: World
    sandbox: GitHubSandbox
    issue: int
    tmp: Path

    @property
    def state(self) -> Path:
        return self.tmp / "plans"

    def run(self, event: str, data: dict[str, Any]) -> int:
        path = self.tmp / f"{event}-{len(list(self.tmp.glob('*.json')))}.json"
        path.write_text(json.dumps(data))
        argv = ["plan", "--event", event, "--payload", str(path), "--repo", str(self.world.work)]
        return main([*argv, "--state", str(self.state)])

    def comment(self, login: str, body: str) -> int:
        said = say(self.sandbox, self.world, login, self.issue, body)
        data = event_payload(self.world, login, self.issue, said.comment_id, body)
        return self.run("issue_comment", data)

    def kairos_comments(self) -> dict[int, str]:
        issue = client(self.sandbox).get_repo(self.world.full_name).get_issue(self.issue)
        return {c.id: c.body for c in issue.get_comments() if c.user.login == KAIROS}

    def writes(self) -> list[dict[str, Any]]:
        return [r for r in self.sandbox.state()["requests"] if r["method"] != "GET"]

    def kept(self) -> Plan | None:
        return current_plan(DirectoryCheckpoints(self.state), f"issue-{self.issue}")


@pytest.fixture
def shop(tmp_path: Path, env: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Shop]:
    world = make_world(tmp_path)
    world.commit({**FILES, ".github/kairos.yml": CONFIG}, "the shop, on Express")
    with sandbox_for(world) as sandbox:
        monkeypatch.setenv("GITHUB_API_URL", sandbox.base_url)
        repo = client(sandbox, TOKENS["maria"]).get_repo(world.full_name)
        number = int(repo.create_issue(title="Move to Fastify", body=GOAL).number)
        yield Shop(world, sandbox, number, tmp_path)


@pytest.fixture
def model(monkeypatch: pytest.MonkeyPatch) -> Iterator[Handle]:
    yield from _model(monkeypatch, SCRIPT)


@pytest.fixture
def model_twice(monkeypatch: pytest.MonkeyPatch) -> Iterator[Handle]:
    """For a plan and then its revision."""
    yield from _model(monkeypatch, SCRIPT * 2)


def _model(monkeypatch: pytest.MonkeyPatch, replies: list[dict[str, Any]]) -> Iterator[Handle]:
    with running(parse_script({"replies": replies})) as handle:
        monkeypatch.setenv("ANTHROPIC_API_KEY", API_KEY)
        monkeypatch.setenv("ANTHROPIC_BASE_URL", handle.base_url)
        yield handle


def edited(shop: Shop, comment_id: int, body: str, previous: str, editor: str) -> dict[str, Any]:
    data = event_payload(shop.world, KAIROS, shop.issue, comment_id, body, action="edited")
    data["sender"] = {"login": editor, "type": "User"}
    data["changes"] = {"body": {"from": previous}}
    return data


def set_body(shop: Shop, comment_id: int, body: str) -> None:
    """What GitHub's editor does when someone saves the comment."""
    repo = client(shop.sandbox, KAIROS_TOKEN).get_repo(shop.world.full_name)
    repo.get_issue(shop.issue).get_comment(comment_id).edit(body)


def test_a_writer_s_plan_then_ticks_kept_and_reverted(shop: Shop, model: Handle, env: Path) -> None:
    assert shop.comment("maria", f"Please plan this.\n\n/kairos plan {GOAL}") == 0
    assert len(model.requests()) == len(SCRIPT)
    assert shop.world.git("status", "--porcelain", "--untracked-files=all") == ""
    tracking, (plan_id, posted) = shop.kairos_comments().items()
    assert "### kairos plan: needs input" in tracking[1]
    kept = shop.kept()
    assert kept is not None and f"Approve plan `{kept.hash8}`" in posted
    summary = env.read_text()
    assert f"plan {kept.hash8}: awaiting_approval" in summary
    assert "### Progress" in summary and "- Latest: impact set: " in summary
    baseline = kept.context.baseline  # run on a copy: the checkout stayed clean
    assert baseline is not None and (baseline.passed, baseline.failed) == (0, 2)

    ticked = tick(posted, "dp=D1:opt=b")  # eve, who may only read, ticks a box
    set_body(shop, plan_id, ticked)
    assert shop.run("issue_comment", edited(shop, plan_id, ticked, posted, "eve")) == 0
    assert shop.kairos_comments()[plan_id] == posted  # her tick is gone again
    assert "eve has read permission; ticking needs write" in env.read_text()

    reworded = tick(posted, "dp=D1:opt=a", "approve").replace("Fastify", "Koa", 1)
    set_body(shop, plan_id, reworded)
    assert shop.run("issue_comment", edited(shop, plan_id, reworded, posted, "maria")) == 0
    after = shop.kairos_comments()
    assert after[plan_id] == posted and len(after) == 3  # restored, and a note
    kept = shop.kept()
    assert kept is not None and kept.approvals == ()

    approved = tick(posted, "dp=D1:opt=b", "approve")
    set_body(shop, plan_id, approved)
    assert shop.run("issue_comment", edited(shop, plan_id, approved, posted, "maria")) == 0
    kept = shop.kept()
    assert kept is not None
    (approval,) = kept.approvals
    assert (approval.approver, approval.plan_hash, dict(approval.choices)) == (
        "maria", kept.plan_hash, {"D1": "b"}
    )  # fmt: skip
    assert shop.kairos_comments()[plan_id] == approved  # a good tick is left as it is


def test_a_reader_s_command_leaves_no_trace(shop: Shop, env: Path) -> None:
    before = shop.writes()
    assert shop.comment("eve", f"/kairos plan {GOAL}") == 0
    assert shop.writes()[len(before) + 1 :] == []  # only her own comment was written
    assert shop.kairos_comments() == {}
    assert "eve has read permission; a plan needs write" in env.read_text()
    assert not shop.state.exists()


def test_the_label_starts_a_plan_and_a_bare_keyword_does_not(shop: Shop, env: Path) -> None:
    assert shop.comment("maria", "plan: ultraplan this please") == 0
    assert "no /kairos plan command" in env.read_text()

    def labeled(name: str) -> dict[str, Any]:
        return {
            "action": "labeled",
            "issue": {"number": shop.issue, "title": "Move to Fastify", "body": GOAL},
            "label": {"name": name},
            "sender": {"login": "maria", "type": "User"},
            "repository": {"full_name": shop.world.full_name, "default_branch": "main"},
        }

    assert shop.run("issues", labeled("bug")) == 0
    assert shop.kairos_comments() == {}
    assert shop.run("issues", labeled("kairos:plan")) == 0  # no API key: no model
    tracking, posted = shop.kairos_comments().values()
    assert "### kairos plan: incomplete" in tracking and "**Incomplete.** Missing:" in posted
    kept = shop.kept()
    assert kept is not None and kept.goal.summary


@pytest.mark.parametrize(
    ("body", "on_pull", "why"),
    [
        ("/kairos plan migrate to Fastify", True, "plans are made in issues, not pull requests"),
        ("/kairos plan revise", False, "`/kairos plan` names the change to make"),
        ("/kairos plan", False, "`/kairos plan` names no goal"),
        ("/kairos review", False, "no /kairos plan command on a line of its own"),
    ],
)
def test_comments_that_start_no_plan(
    tmp_path: Path, env: Path, body: str, on_pull: bool, why: str
) -> None:
    world = make_world(tmp_path)
    data = event_payload(world, "maria", 1, 11, body, on_pull=on_pull)
    path = tmp_path / "comment.json"
    path.write_text(json.dumps(data))
    argv = ["plan", "--event", "issue_comment", "--payload", str(path), "--repo", str(world.work)]
    assert main(argv) == 0  # no GitHub sandbox: nothing may be asked of it
    assert why in env.read_text()


def test_plans_are_never_kept_inside_the_checkout(tmp_path: Path, env: Path) -> None:
    world = make_world(tmp_path)
    labeled = {
        "action": "labeled",
        "issue": {"number": 1, "title": "Move to Fastify", "body": GOAL},
        "label": {"name": "kairos:plan"},
        "sender": {"login": "maria", "type": "User"},
        "repository": {"full_name": world.full_name, "default_branch": "main"},
    }
    path = tmp_path / "issues.json"
    path.write_text(json.dumps(labeled))
    argv = ["plan", "--event", "issues", "--payload", str(path), "--repo", str(world.work)]
    assert main([*argv, "--state", str(world.work / ".plans")]) == 2
    assert not (world.work / ".plans").exists()


def test_plans_travel_between_jobs_on_the_memory_branch(
    shop: Shop, model: Handle, env: Path
) -> None:
    """Each job starts with an empty folder: the planning job's plan reaches the next
    job's tick only through `remember-plans` and the memory branch."""
    assert shop.comment("maria", f"/kairos plan {GOAL}") == 0
    work = str(shop.world.work)
    assert main(["remember-plans", "--repo", work, "--state", str(shop.state)]) == 0
    assert "saved at " in env.read_text()
    ledger = MemoryStore(shop.world.work, clock=lambda: NOW).load().memory.spend
    (spent,) = ledger.runs.values()  # the planning run's model calls, once
    assert spent["claude-opus-5-5"].usd > 0
    memory = Git(shop.world.origin)
    listed = memory.text("ls-tree", "-r", "--name-only", "refs/heads/kairos/memory")
    assert f"plans/issue-{shop.issue}/plan.json" in listed.splitlines()
    plan_md = memory.text("show", f"refs/heads/kairos/memory:plans/issue-{shop.issue}/plan.md")
    assert "Approve plan" in plan_md

    shutil.rmtree(shop.state)  # the tick's job
    _, (plan_id, posted) = shop.kairos_comments().items()
    approved = tick(posted, "dp=D1:opt=b", "approve")
    set_body(shop, plan_id, approved)
    assert shop.run("issue_comment", edited(shop, plan_id, approved, posted, "maria")) == 0
    kept = shop.kept()
    assert kept is not None and [a.approver for a in kept.approvals] == ["maria"]


def test_a_revision_asked_in_a_comment_posts_version_two(
    shop: Shop, model_twice: Handle, env: Path
) -> None:
    assert shop.comment("maria", f"/kairos plan {GOAL}") == 0
    first = shop.kept()
    assert first is not None
    assert shop.comment("maria", "/kairos plan revise keep the Express error pages") == 0
    kept = shop.kept()
    assert kept is not None and kept.version == 2 and kept.plan_hash != first.plan_hash
    bodies = list(shop.kairos_comments().values())
    assert bodies[1].startswith("> **Superseded** by version 2")
    assert f"Approve plan `{kept.hash8}`" in bodies[2]
