"""Large pull requests: over a budget, the coverage footer lists what was not reviewed,
and never claims the review was complete."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kairos_ci.sandbox.anthropic.script import parse_script
from kairos_ci.sandbox.anthropic.server import running
from kairos_ci.sandbox.github.server import GitHubSandbox
from tests.sandbox.github.world import World, strict_sandbox
from tests.tasks.review.scenario import (
    branch,
    open_pull,
    payload,
    project,
    repo_state,
    review,
)

pytestmark = pytest.mark.slow
FILES = 320


def many_files(lines: int) -> dict[str, str]:
    return {
        f"pkg/module_{i:03d}.py": "".join(f"value_{i}_{j} = {j}\n" for j in range(lines))
        for i in range(FILES)
    }


@pytest.fixture
def github(
    tmp_path: Path,
    env: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[World, GitHubSandbox]]:
    world = project(tmp_path)
    with strict_sandbox(world) as sandbox:
        monkeypatch.setenv("GITHUB_API_URL", sandbox.base_url)
        yield world, sandbox


def kairos_text(sandbox: GitHubSandbox) -> str:
    state = repo_state(sandbox)
    bodies = [x["body"] for key in ("reviews", "comments") for x in state[key]]
    assert len(bodies) == 1, bodies  # one review (here a comment: nothing is inline)
    return str(bodies[0])


def not_reviewed(text: str) -> list[str]:
    return re.findall(r"^- `(pkg/module_\d+\.py)`: ", text, re.MULTILINE)


def test_over_the_line_budget_the_rest_is_listed(
    github: tuple[World, GitHubSandbox],
    tmp_path: Path,
    env: Path,
) -> None:
    world, sandbox = github
    branch(world, "big", many_files(160))  # 51,200 added lines: over the 50,000 budget
    number = open_pull(sandbox, world, "big")
    event = payload(tmp_path, world, number, "opened", "big")
    assert review(world, event) == 0
    text = kairos_text(sandbox)
    # 312 files of 160 lines fit in 50,000 added lines; the last 8 are listed.
    assert not_reviewed(text) == [f"pkg/module_{i}.py" for i in range(312, FILES)]
    assert "over the review's budget (1,000 files, 50,000 added lines)" in text
    assert "this is not a complete review" in text
    assert "complete review." not in text.replace("not a complete review", "")
    assert "pkg/module_319.py" in env.read_text()  # the summary has every file
    assert review(world, event, "--full", run_id="r2") == 0  # the same omission: said once
    assert kairos_text(sandbox) == text


def test_what_does_not_fit_the_model_is_listed(
    github: tuple[World, GitHubSandbox],
    tmp_path: Path,
    env: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world, sandbox = github
    branch(world, "big", many_files(20))
    number = open_pull(sandbox, world, "big")
    done: dict[str, Any] = {"type": "tool_use", "name": "done", "input": {"summary": "ok"}}
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-api03-large-test-0123456789")
    with running(parse_script({"replies": [{"content": [done]}]})) as handle:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", handle.base_url)
        assert review(world, payload(tmp_path, world, number, "opened", "big")) == 0
        (request,) = handle.requests()
    text = kairos_text(sandbox)
    assert "did not fit the model's budget (80,000 characters of diff)" in text
    shown = re.search(r"Model review: read (\d+) file\(s\)", text)
    assert shown is not None and 0 < int(shown.group(1)) < FILES
    assert len(not_reviewed(text)) == 30
    assert re.search(r"and \d+ more: see the run's job summary", text)
    sent = str(request["body"])
    for path in not_reviewed(text):
        assert f"--- {path}" not in sent  # listed as not reviewed: it was not sent
    assert "this is not a complete review" in text
