"""``kairos-ci fix-tests`` for a failed CI run: artifacts through the API, the fix on main.

Real parts: the strict GitHub sandbox (workflow runs, artifacts behind a storage URL
that refuses the token, pulls, comments), the Anthropic sandbox through the real SDK,
real git and real pytest runs of the demo's sample project.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from github import Auth, Github

from kairos_ci.cli import main
from kairos_ci.git import Git
from kairos_ci.sandbox.github.server import GitHubSandbox
from kairos_ci.tasks.fix_tests.workflow_run import PR_ONLY
from tests.e2e.fix_tests_test import (
    FIX,
    NEW,
    REAL,
    TARGET,
    github,
    memory,
    model,
    models_asked,
    pulls,
    sample_world,
)
from tests.sandbox.github.world import MAINTAINER_TOKEN, World, add_branch

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:The model .* is deprecated:DeprecationWarning"),
]

CASE = '<testcase classname="tests.test_stats" name="{name}" time="0.01"{rest}'
FAILED = '><failure message="{message}">Traceback: {message}</failure></testcase>'


def junit(passed: list[str], failed: dict[str, str]) -> str:
    cases = [CASE.format(name=n, rest="/>") for n in passed]
    cases += [CASE.format(name=n, rest=FAILED.format(message=m)) for n, m in failed.items()]
    total = len(cases)
    return (
        '<?xml version="1.0" encoding="utf-8"?><testsuites>'
        f'<testsuite name="pytest" tests="{total}" failures="{len(failed)}">'
        + "".join(cases)
        + "</testsuite></testsuites>"
    )


MAIN_REPORT = junit(
    ["test_mean", "test_median_odd_and_even", "test_mode_of_generated_sample"],
    {"test_mean_of_empty_is_zero": "ZeroDivisionError: division by zero"},
)


def ci_run(sandbox: GitHubSandbox, sha: str, branch: str, report: str, event: str) -> int:
    """A failed CI run with a JUnit artifact, as GitHub would hold it."""
    artifact = {"name": "test-results", "files": {"reports/junit.xml": report, "log.txt": "x"}}
    seed = {
        "repo": "octo/app",
        "head_branch": branch,
        "head_sha": sha,
        "event": event,
        "conclusion": "failure",
        "artifacts": [artifact],
    }
    return int(sandbox.control_call("POST", "/_sandbox/workflow_runs", seed)["id"])


def payload(
    tmp_path: Path,
    run_id: int,
    sha: str,
    *,
    branch: str = "main",
    event: str = "push",
    pull_numbers: tuple[int, ...] = (),
    head_repo: str = "octo/app",
    actor: str = "maria",
    conclusion: str = "failure",
) -> Path:
    run: dict[str, Any] = {
        "id": run_id,
        "name": "CI",
        "conclusion": conclusion,
        "head_sha": sha,
        "head_branch": branch,
        "event": event,
        "pull_requests": [{"number": n} for n in pull_numbers],
        "head_repository": {"full_name": head_repo},
        "actor": {"login": actor, "type": "User"},
    }
    data = {
        "action": "completed",
        "workflow_run": run,
        "repository": {"full_name": "octo/app", "default_branch": "main"},
        "sender": {"login": actor, "type": "User"},
    }
    path = tmp_path / f"event-{run_id}.json"
    path.write_text(json.dumps(data))
    return path


def fix_tests(world: World, event: Path, *extra: str) -> int:
    world.git("checkout", "-q", "main")
    world.git("pull", "-q", "--ff-only", "origin", "main")
    argv = ["fix-tests", "--payload", str(event), "--repo", str(world.work)]
    return main([*argv, "--run-id", "night-1", *extra])


def comments(sandbox: GitHubSandbox) -> list[dict[str, Any]]:
    state = sandbox.state("octo/app")["repos"]["octo/app"]
    return list(state["comments"])


def test_a_failure_on_main_gets_a_verified_fix_pr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: Path
) -> None:
    world = sample_world(tmp_path)
    sha = world.git("rev-parse", "HEAD")
    replies = {"claude-haiku-4-5": [REAL], "claude-sonnet-4-5": FIX}
    with github(world, monkeypatch) as sandbox, model(monkeypatch, replies) as handle:
        run_id = ci_run(sandbox, sha, "main", MAIN_REPORT, "push")
        assert fix_tests(world, payload(tmp_path, run_id, sha)) == 0
        (ref,) = pulls(sandbox)
        assert ref.startswith("kairos/fix-tests/test_mean_of_empty_is_zero-")
        body = pulls(sandbox)[ref]["body"]
        assert f"| `{TARGET}` | failed | passed |" in body
        assert models_asked(handle) == ["claude-haiku-4-5"] + ["claude-sonnet-4-5"] * 4
        storage = [r for r in sandbox.state()["requests"] if "/_storage/" in r["path"]]
        assert storage  # the zip came from the storage host, without the token
        remembered = memory(world)
        assert set(remembered.spend.runs["night-1"]) == {"claude-haiku-4-5", "claude-sonnet-4-5"}
        assert remembered.work[ref].pr == pulls(sandbox)[ref]["number"]
        assert "| model spend | $0.0" in env.read_text()


def test_a_fork_pull_request_gets_a_suggestion_comment_never_a_push(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: Path
) -> None:
    world = sample_world(tmp_path)
    feature = (world.work / "tests" / "test_stats.py").read_text() + (
        "\n\ndef test_new_feature():\n    assert mean([2]) == 3\n"
    )
    head = add_branch(world, "feature", {"tests/test_stats.py": feature}, human=True)
    report = junit(
        ["test_mean", "test_median_odd_and_even", "test_mode_of_generated_sample"],
        {
            "test_mean_of_empty_is_zero": "ZeroDivisionError: division by zero",
            "test_new_feature": "assert 2.0 == 3",
        },
    )
    replies = {"claude-haiku-4-5": [REAL], "claude-sonnet-4-5": FIX}
    with github(world, monkeypatch) as sandbox, model(monkeypatch, replies):
        maria = Github(auth=Auth.Token(MAINTAINER_TOKEN), base_url=sandbox.base_url, retry=None)
        pr = maria.get_repo("octo/app").create_pull(base="main", head="feature", title="Feature")
        run_id = ci_run(sandbox, head, "feature", report, "pull_request")
        event = payload(
            tmp_path,
            run_id,
            head,
            branch="main",
            event="pull_request",
            head_repo="mallory/app",
            actor="mallory",
        )  # a fork by a stranger: its branch may be called main too, the event names no PR
        assert fix_tests(world, event, "--run-id", "ci-7") == 0
        assert list(pulls(sandbox)) == ["feature"]  # no fix PR, nothing pushed to the PR
        (comment,) = comments(sandbox)
        body = comment["body"]
        assert comment["issue_url"].endswith(f"/issues/{pr.number}")
        assert "also fail on `main`" in body
        assert f"| `{TARGET}` | failed | passed |" in body
        assert "```diff" in body and "+    if not values:" in body
        assert "the pull request comes from a fork" in body
        asked = [r for r in sandbox.state()["requests"] if "/mallory/permission" in r["path"]]
        assert [r["status"] for r in asked] == [404]  # a stranger: no write access assumed
        summary = env.read_text()
        assert f"fix_tests (tests.test_stats::test_new_feature): {PR_ONLY}" in summary
        branches = world.git("ls-remote", "--heads", "origin")
        assert "kairos/fix-tests" not in branches
        assert "kairos/memory" not in branches  # a fork's run writes no memory
        assert "memory: a fork's pull request is handled read-only" in summary


@pytest.mark.parametrize(
    ("options", "why"),
    [
        ({"conclusion": "success"}, "the run concluded success"),
        ({"branch": "topic"}, "the failed run is on topic with no open pull request"),
    ],
)
def test_runs_with_nothing_kairos_may_fix_ask_no_model(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    env: Path,
    options: dict[str, Any],
    why: str,
) -> None:
    world = sample_world(tmp_path)
    sha = world.git("rev-parse", "HEAD")
    with github(world, monkeypatch) as sandbox, model(monkeypatch, {"*": []}) as handle:
        run_id = ci_run(sandbox, sha, "main", MAIN_REPORT, "push")
        assert fix_tests(world, payload(tmp_path, run_id, sha, **options)) == 0
        assert handle.requests() == []
        assert why in env.read_text()
        assert not [r for r in sandbox.state()["requests"] if "artifacts" in r["path"]]


def test_without_a_key_nothing_is_downloaded_and_the_summary_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: Path
) -> None:
    world = sample_world(tmp_path)
    sha = world.git("rev-parse", "HEAD")
    with github(world, monkeypatch) as sandbox:
        run_id = ci_run(sandbox, sha, "main", MAIN_REPORT, "push")
        assert fix_tests(world, payload(tmp_path, run_id, sha)) == 0
        assert "no ANTHROPIC_API_KEY is set: model tasks are skipped" in env.read_text()
        assert not [r for r in sandbox.state()["requests"] if "artifacts" in r["path"]]


def test_a_failure_that_passes_on_main_now_is_not_fixed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: Path
) -> None:
    world = sample_world(tmp_path)
    old = world.git("rev-parse", "HEAD")
    stats = (world.work / "calc" / "stats.py").read_text()
    world.commit({"calc/stats.py": stats.replace(FIX[1]["content"][0]["input"]["old"], NEW)}, "fix")
    with github(world, monkeypatch) as sandbox, model(monkeypatch, {"*": []}) as handle:
        run_id = ci_run(sandbox, old, "main", MAIN_REPORT, "push")
        assert fix_tests(world, payload(tmp_path, run_id, old)) == 0
        assert handle.requests() == []
        assert f"fix_tests ({TARGET}): passes on main at" in env.read_text()


def test_a_payload_of_another_event_is_a_usage_error(
    tmp_path: Path, env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Git(tmp_path).run("init", "-q", "-b", "main")  # a real checkout: the payload is what is wrong
    path = tmp_path / "push.json"
    path.write_text(json.dumps({"ref": "refs/heads/main"}))
    assert main(["fix-tests", "--payload", str(path), "--repo", str(tmp_path)]) != 0
    assert "kairos-ci: error:" in capsys.readouterr().err
