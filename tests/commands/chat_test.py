"""`kairos-ci chat` end to end: a maintainer asks for a review, ignores a rule, asks for
the status; an outsider's command leaves no trace but a line in the job summary."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kairos_ci.cli import main
from kairos_ci.clock import utc_now
from kairos_ci.memory.store import MemoryStore
from kairos_ci.sandbox.github.server import GitHubSandbox
from tests.sandbox.github.world import World
from tests.tasks.chat.people import TOKENS, Said, event_payload, sandbox_for, say
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


@pytest.fixture
def github(
    tmp_path: Path,
    env: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[World, GitHubSandbox, int]]:
    world = project(tmp_path)
    branch(world, "feature", {"calc/core.py": FEATURE_CORE, "tests/test_core.py": FEATURE_TESTS})
    with sandbox_for(world) as sandbox:
        monkeypatch.setenv("GITHUB_API_URL", sandbox.base_url)
        yield world, sandbox, open_pull(sandbox, world, "feature", TOKENS["maria"])


def chat(tmp_path: Path, world: World, said: Said) -> int:
    path = tmp_path / f"comment-{said.comment_id}.json"
    data = event_payload(
        world,
        said.event.author.login,
        said.number,
        said.comment_id,
        said.event.body,
        on_pull=said.event.on_pull_request,
    )
    path.write_text(json.dumps(data))
    return main(
        [
            "chat",
            "--payload",
            str(path),
            "--repo",
            str(world.work),
            "--run-id",
            f"c{said.comment_id}",
        ]
    )


def replies(sandbox: GitHubSandbox) -> list[str]:
    comments = repo_state(sandbox)["comments"]
    return [c["body"] for c in comments if c["user"]["login"] == "kairos-ci[bot]"]


def test_review_on_request_then_ignore_a_rule_then_status(
    github: tuple[World, GitHubSandbox, int],
    tmp_path: Path,
    env: Path,
) -> None:
    world, sandbox, number = github
    assert chat(tmp_path, world, say(sandbox, world, "maria", number, "/kairos review")) == 0
    assert len(repo_state(sandbox)["reviews"]) == 1
    (reply,) = replies(sandbox)
    assert "new finding(s), in the review above" in reply

    assert (
        chat(
            tmp_path,
            world,
            say(sandbox, world, "maria", number, "/kairos ignore kairos/debug-leftover"),
        )
        == 0
    )
    rejections = MemoryStore(world.work, "kairos/memory", clock=utc_now).load().memory.rejections
    assert rejections["kairos/debug-leftover"].by == "maria"

    branch(world, "feature", {"calc/more.py": "def more():\n    breakpoint()\n    return 2\n"})
    before = len(repo_state(sandbox)["review_comments"])
    assert (
        review(world, payload(tmp_path, world, number, "synchronize", "feature"), run_id="r9") == 0
    )
    posted = repo_state(sandbox)["review_comments"][before:]
    assert all("debug-leftover" not in c["body"] for c in posted)  # ignored: never said again

    assert chat(tmp_path, world, say(sandbox, world, "maria", number, "/kairos status")) == 0
    status = replies(sandbox)[-1]
    head = world.git("rev-parse", "origin/feature")
    assert f"last reviewed head: `{head[:12]}`" in status
    assert "ignored in this repository: 1" in status


def test_an_outsiders_command_leaves_no_trace(
    github: tuple[World, GitHubSandbox, int],
    tmp_path: Path,
    env: Path,
) -> None:
    world, sandbox, number = github
    said = say(sandbox, world, "eve", number, "/kairos review", association="COLLABORATOR")
    writes_before = [r for r in sandbox.state()["requests"] if r["method"] != "GET"]
    assert chat(tmp_path, world, said) == 0
    writes_after = [r for r in sandbox.state()["requests"] if r["method"] != "GET"]
    assert writes_after == writes_before and replies(sandbox) == []
    assert "refused: eve has read permission" in env.read_text()
    assert world.git("ls-remote", "origin", "refs/heads/kairos/memory") == ""
