"""`kairos-ci chat` end to end: a maintainer asks for a review, ignores a rule, asks for
the status; an outsider's command leaves no trace but a line in the job summary."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kairos_ci.agent.claude import NO_KEY
from kairos_ci.cli import main
from kairos_ci.clock import utc_now
from kairos_ci.memory.records import TaskState
from kairos_ci.memory.store import MemoryStore
from kairos_ci.sandbox.github.server import GitHubSandbox
from tests.commands.fix_tests_test import ci_run, junit
from tests.e2e.fix_tests_test import (
    FIX,
    REAL,
    TARGET,
    memory,
    model,
    models_asked,
    pulls,
    sample_world,
)
from tests.sandbox.github.world import World, add_branch, client
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


def chat(tmp_path: Path, world: World, said: Said, run_id: str = "") -> int:
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
            run_id or f"c{said.comment_id}",
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


FEATURE_TEST = "\n\ndef test_new_feature():\n    assert mean([2]) == 3\n"
CI_REPORT = junit(
    ["test_mean", "test_median_odd_and_even", "test_mode_of_generated_sample"],
    {
        "test_mean_of_empty_is_zero": "ZeroDivisionError: division by zero",
        "test_new_feature": "assert 2.0 == 3",
    },
)


@pytest.fixture
def sample(
    tmp_path: Path, env: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[World, GitHubSandbox, int, str]]:
    """The demo's sample project, whose ``mean([])`` fails on main too, and a maintainer's
    pull request adding a test of its own that fails only there."""
    world = sample_world(tmp_path)
    feature = (world.work / "tests" / "test_stats.py").read_text() + FEATURE_TEST
    head = add_branch(world, "feature", {"tests/test_stats.py": feature}, human=True)
    with sandbox_for(world) as sandbox:
        monkeypatch.setenv("GITHUB_API_URL", sandbox.base_url)
        repo = client(sandbox, TOKENS["maria"]).get_repo(world.full_name)
        number = repo.create_pull(base="main", head="feature", title="Feature", body="").number
        yield world, sandbox, int(number), head


@pytest.mark.filterwarnings("ignore:The model .* is deprecated:DeprecationWarning")
def test_fix_on_a_pull_request_with_a_failed_run_replies_with_the_suggestion(
    sample: tuple[World, GitHubSandbox, int, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    env: Path,
) -> None:
    world, sandbox, number, head = sample
    replies_by_model = {"claude-haiku-4-5": [REAL], "claude-sonnet-4-5": FIX}
    with model(monkeypatch, replies_by_model) as handle:
        run_id = ci_run(sandbox, head, "feature", CI_REPORT, "pull_request")
        said = say(sandbox, world, "maria", number, "/kairos fix")
        assert chat(tmp_path, world, said) == 0
        assert models_asked(handle)  # the fix ran now, in this job
    suggestion, reply = replies(sandbox)
    assert "```diff" in suggestion and "+    if not values:" in suggestion
    assert f"| `{TARGET}` | failed | passed |" in suggestion
    posted = repo_state(sandbox)["comments"][-2]["html_url"]
    assert (
        f"[run {run_id}](" in reply
        and f"- suggested fix (kairos never pushes to a pull request): {posted}" in reply
    )
    assert "queued" not in reply.lower()
    assert (
        "Left alone:\n- fix\\_tests \\(tests.test\\_stats::test\\_new\\_feature\\): fails only"
        in reply
    )
    assert set(pulls(sandbox)) == {"feature"}  # nothing pushed: the fix is a suggestion
    remembered = memory(world)
    assert all(t.state is TaskState.DONE for t in remembered.tasks.values())  # none queued
    assert f"c{said.comment_id}" in remembered.spend.runs  # the fix's own run was kept


def test_fix_without_a_failed_run_is_refused_at_once(
    sample: tuple[World, GitHubSandbox, int, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    env: Path,
) -> None:
    world, sandbox, number, head = sample
    ci_run_passed = {"repo": "octo/app", "head_branch": "feature", "head_sha": head}
    sandbox.control_call(
        "POST", "/_sandbox/workflow_runs", {**ci_run_passed, "conclusion": "success"}
    )
    with model(monkeypatch, {}) as handle:
        said = say(sandbox, world, "maria", number, "/kairos fix")
        assert chat(tmp_path, world, said) == 0
        assert handle.requests() == []  # no model asked
    (reply,) = replies(sandbox)
    assert f"No failed CI run for this pull request's head `{head[:12]}`" in reply
    assert "Nothing was queued" in reply
    assert world.git("ls-remote", "origin", "refs/heads/kairos/memory") == ""  # no task kept

    monkeypatch.delenv("ANTHROPIC_API_KEY")
    ci_run(sandbox, head, "feature", CI_REPORT, "pull_request")
    again = say(sandbox, world, "maria", number, "/kairos fix")
    assert chat(tmp_path, world, again) == 0
    assert f"No fix: {NO_KEY}. Nothing was queued." == replies(sandbox)[-1].split("\n")[0]
    downloads = [r for r in sandbox.state()["requests"] if "/artifacts" in r["path"]]
    assert downloads == []  # refused before reading the run


def test_status_lists_what_memory_knows_with_links(
    sample: tuple[World, GitHubSandbox, int, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    env: Path,
) -> None:
    world, sandbox, number, _ = sample
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.example")
    ignore = say(sandbox, world, "maria", number, "/kairos ignore F401")
    assert chat(tmp_path, world, ignore, run_id="4242.1") == 0
    said = say(sandbox, world, "maria", number, "/kairos status")
    assert chat(tmp_path, world, said) == 0
    status = replies(sandbox)[-1]
    assert (
        "- waiting for the next maintenance run: none" in status
        and "- open kairos pull requests: none" in status
    )
    assert "ignored in this repository: 1" in status
    link = "([run 4242](https://github.example/octo/app/actions/runs/4242))"
    assert "- last runs:\n  - issue_comment at " in status and f": success {link}" in status
