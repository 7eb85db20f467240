"""Issue 8's review scenario, end to end: `kairos-ci review` against the strict GitHub
sandbox (real PyGithub, real git, real ruff), with memory on a real branch."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from kairos_ci.sandbox.github.server import GitHubSandbox
from tests.sandbox.github.world import World, strict_sandbox
from tests.tasks.review.scenario import (
    COFAILING_TEST,
    FAKE_TOKEN,
    FEATURE_CORE,
    FEATURE_TESTS,
    branch,
    open_pull,
    payload,
    project,
    remember_cofailures,
    repo_state,
    review,
)

pytestmark = pytest.mark.slow

REVIEWS = "/repos/{owner}/{repo}/pulls/{pull_number}/reviews"
_SUGGESTION = re.compile(r"(`{3,})suggestion\n(.*?)\1", re.DOTALL)


@pytest.fixture
def world(tmp_path: Path, env: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    world = project(tmp_path)
    remember_cofailures(world)
    branch(world, "feature", {"calc/core.py": FEATURE_CORE, "tests/test_core.py": FEATURE_TESTS})
    with strict_sandbox(world) as sandbox:
        monkeypatch.setenv("GITHUB_API_URL", sandbox.base_url)
        yield world, sandbox


def comments_of(sandbox: GitHubSandbox) -> list[dict[str, Any]]:
    return list(repo_state(sandbox)["review_comments"])


def writes_since(sandbox: GitHubSandbox, start: int) -> list[tuple[str, str]]:
    requests = sandbox.state()["requests"][start:]
    return [(r["method"], r["route"]) for r in requests if r["method"] != "GET"]


def test_one_review_per_push_never_repeated(
    world: tuple[World, GitHubSandbox],
    tmp_path: Path,
    env: Path,
) -> None:
    project_, sandbox = world
    number = open_pull(sandbox, project_, "feature")
    assert review(project_, payload(tmp_path, project_, number, "opened", "feature")) == 0

    state = repo_state(sandbox)
    assert len(state["reviews"]) == 1  # one review carries every comment
    placed = sorted((c["path"], c["line"], _rule(c["body"])) for c in comments_of(sandbox))
    assert placed == [  # one comment per line: two findings on line 1 share it
        ("calc/core.py", 1, "ruff/F401, kairos/co-failure"),
        ("calc/core.py", 3, "kairos/likely-secret"),
        ("calc/core.py", 7, "kairos/debug-leftover"),
        ("tests/test_core.py", 4, "guard/assertion-removed"),
    ]
    # Strict mode answers 422 for a comment outside the diff and fails on any violation.
    assert all(r["status"] < 400 for r in sandbox.state()["requests"])
    cofailure = next(c for c in comments_of(sandbox) if "co-failure" in c["body"])
    assert COFAILING_TEST in cofailure["body"]
    assert "not a complete review" in state["reviews"][0]["body"]
    assert "Model review: not run: no ANTHROPIC_API_KEY" in state["reviews"][0]["body"]
    _secret_stays_out(project_, sandbox, env)
    _suggestions_apply_to_the_head(project_, comments_of(sandbox))

    before = len(sandbox.state()["requests"])
    branch(project_, "feature", {"README.md": "# app\n\nMore words, nothing risky.\n"})
    unrelated = payload(tmp_path, project_, number, "synchronize", "feature")
    assert review(project_, unrelated, run_id="r2") == 0
    assert writes_since(sandbox, before) == []  # nothing new: nothing posted

    branch(project_, "feature", {"calc/util.py": "def helper():\n    breakpoint()\n    return 1\n"})
    new_finding = payload(tmp_path, project_, number, "synchronize", "feature")
    before = len(sandbox.state()["requests"])
    assert review(project_, new_finding, run_id="r3") == 0
    assert review(project_, new_finding, run_id="r3-rerun") == 0
    assert writes_since(sandbox, before) == [("POST", REVIEWS)]
    latest = [c for c in comments_of(sandbox) if c["path"] == "calc/util.py"]
    assert [(c["line"], _rule(c["body"])) for c in latest] == [(2, "kairos/debug-leftover")]
    assert len(repo_state(sandbox)["reviews"]) == 2


def _rule(body: str) -> str:
    """The rules of a comment's findings, most serious first."""
    found = re.findall(r"_kairos · `([^`]+)`", body)
    assert found, body
    return ", ".join(found)


def _secret_stays_out(world: World, sandbox: GitHubSandbox, summary: Path) -> None:
    """Nothing kairos wrote holds the secret (GitHub's own diff hunks show the code)."""
    state = repo_state(sandbox)
    written = [x["body"] for key in ("reviews", "review_comments", "comments") for x in state[key]]
    assert written and FAKE_TOKEN not in json.dumps(written)
    assert FAKE_TOKEN not in summary.read_text()
    world.git("fetch", "-q", "origin")
    memory = world.git("log", "-p", "origin/kairos/memory", "--format=%B")
    assert "review.head.pr#1" in memory and FAKE_TOKEN not in memory


def _suggestions_apply_to_the_head(world: World, comments: list[dict[str, Any]]) -> None:
    """Commit every suggestion as GitHub's "Commit suggestion" would, through git apply."""
    world.git("checkout", "-q", "feature")
    rows = (world.work / "calc/core.py").read_text().split("\n")
    edits = []
    for comment in comments:
        found = _SUGGESTION.search(comment["body"])
        if found:
            start = comment.get("start_line") or comment["line"]
            edits.append((start, comment["line"], found.group(2).split("\n")[:-1]))
    assert len(edits) == 2  # the unused import (ruff's fix) and the debug print
    for start, end, replacement in sorted(edits, reverse=True):
        rows[start - 1 : end] = replacement
    (world.work / "calc/core.py").write_text("\n".join(rows))
    patch = _git_out(world, "diff")
    world.git("checkout", "-q", "--", ".")
    checked = subprocess.run(
        ["git", "apply", "--check", "-"],
        cwd=world.work,
        input=patch,
        text=True,
        capture_output=True,
    )
    assert checked.returncode == 0, (checked.stderr, patch)
    subprocess.run(["git", "apply", "-"], cwd=world.work, input=patch, text=True, check=True)
    fixed = (world.work / "calc/core.py").read_text()
    assert "import os" not in fixed and "print(" not in fixed and "def add" in fixed
    lint = subprocess.run(
        ["ruff", "check", "--no-cache", "calc"], cwd=world.work, capture_output=True, text=True
    )
    assert lint.returncode == 0, lint.stdout
    world.git("checkout", "-q", "--", ".")
    world.git("checkout", "-q", "main")


def _git_out(world: World, *args: str) -> str:
    """Untrimmed output: a patch's last context line may be a lone space."""
    return subprocess.run(
        ["git", *args], cwd=world.work, capture_output=True, text=True, check=True
    ).stdout


def test_a_fork_is_reviewed_read_only(
    world: tuple[World, GitHubSandbox],
    tmp_path: Path,
    env: Path,
) -> None:
    project_, sandbox = world
    number = open_pull(sandbox, project_, "feature")
    memory_before = project_.git("ls-remote", "origin", "refs/heads/kairos/memory")
    event = payload(tmp_path, project_, number, "opened", "feature", head_repo="mallory/app")
    assert review(project_, event) == 0
    rules = sorted(_rule(c["body"]) for c in comments_of(sandbox))
    assert "ruff/F401" not in rules  # no fork code runs here, linters included
    assert "kairos/likely-secret" in rules and "guard/assertion-removed" in rules
    body = repo_state(sandbox)["reviews"][0]["body"]
    assert "the pull request comes from a fork" in body
    assert project_.git("ls-remote", "origin", "refs/heads/kairos/memory") == memory_before
    assert "handled read-only" in env.read_text()
