"""`kairos-ci action` (what action.yml runs) routes each event to its real pipeline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kairos_ci.cli import main
from tests.sandbox.github.world import MAINTAINER_TOKEN, strict_sandbox
from tests.tasks.review.scenario import (
    FEATURE_CORE,
    FEATURE_TESTS,
    branch,
    client,
    open_pull,
    payload,
    project,
    repo_state,
)

pytestmark = pytest.mark.slow


def act(monkeypatch: pytest.MonkeyPatch, event: str, event_file: Path, repo: Path) -> int:
    monkeypatch.setenv("GITHUB_EVENT_NAME", event)
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event_file))
    monkeypatch.setenv("KAIROS_COMMAND", "auto")
    return main(["action", "--repo", str(repo)])


@pytest.mark.usefixtures("env")
def test_pull_request_is_reviewed_and_a_command_answered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = project(tmp_path)
    branch(world, "feature", {"calc/core.py": FEATURE_CORE, "tests/test_core.py": FEATURE_TESTS})
    with strict_sandbox(world) as sandbox:
        monkeypatch.setenv("GITHUB_API_URL", sandbox.base_url)
        number = open_pull(sandbox, world, "feature")
        event = payload(tmp_path, world, number, "opened", "feature")
        assert act(monkeypatch, "pull_request", event, world.work) == 0
        assert len(repo_state(sandbox)["reviews"]) == 1

        issue = client(sandbox, MAINTAINER_TOKEN).get_repo(world.full_name).get_issue(number)
        comment = issue.create_comment("/kairos help")
        chat: dict[str, Any] = {
            "action": "created",
            "issue": {"number": number, "pull_request": {"url": "x"}},
            "comment": {
                "id": comment.id,
                "body": "/kairos help",
                "user": {"login": "maria", "type": "User"},
                "author_association": "OWNER",
            },
            "repository": {"full_name": world.full_name, "default_branch": "main"},
            "sender": {"login": "maria", "type": "User"},
        }
        chat_file = tmp_path / "comment.json"
        chat_file.write_text(json.dumps(chat))
        assert act(monkeypatch, "issue_comment", chat_file, world.work) == 0
        replies = [c for c in repo_state(sandbox)["comments"] if "kairos-ci commands" in c["body"]]
        assert len(replies) == 1


def test_auto_sends_an_issues_event_to_the_planner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: Path
) -> None:
    labeled = {
        "action": "labeled",
        "issue": {"number": 4, "title": "Typo", "body": None},
        "label": {"name": "bug"},
        "sender": {"login": "maria", "type": "User"},
        "repository": {"full_name": "octo/app", "default_branch": "main"},
    }
    event_file = tmp_path / "issues.json"
    event_file.write_text(json.dumps(labeled))
    assert act(monkeypatch, "issues", event_file, tmp_path) == 0
    summary = env.read_text()
    assert "kairos-ci plan" in summary and "not labelled kairos:plan" in summary
