from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kairos_ci.errors import InputError, UsageError
from kairos_ci.events.parse import load_event, parse_event
from kairos_ci.events.records import (
    IssueCommentCreated,
    IssueLabeled,
    ManualDispatch,
    PullRequestChanged,
    ScheduledTick,
    User,
    WorkflowRunCompleted,
)

REPO = {"full_name": "octo/app", "default_branch": "main"}
USER = {"login": "dev", "type": "User"}


def pull_request(head_repo: str = "octo/app", body: str | None = "Fixes it") -> dict[str, object]:
    return {
        "action": "synchronize",
        "sender": USER,
        "repository": REPO,
        "pull_request": {
            "number": 7,
            "title": "Add x",
            "body": body,
            "draft": False,
            "user": USER,
            "labels": [{"name": "deps"}],
            "head": {"sha": "a" * 40, "ref": "feature", "repo": {"full_name": head_repo}},
            "base": {"sha": "b" * 40, "ref": "main", "repo": {"full_name": "octo/app"}},
        },
    }


def test_pull_request_fields_and_fork_detection() -> None:
    event = parse_event("pull_request", pull_request())
    assert isinstance(event, PullRequestChanged)
    assert (event.number, event.head_ref, event.labels, event.from_fork) == (
        7,
        "feature",
        ("deps",),
        False,
    )
    fork = parse_event("pull_request", pull_request(head_repo="stranger/app", body=None))
    assert isinstance(fork, PullRequestChanged) and fork.from_fork and fork.body == ""


def test_schedule_needs_only_the_cron() -> None:
    assert parse_event("schedule", {"schedule": "17 3 * * *"}) == ScheduledTick("17 3 * * *")


def test_dispatch_inputs_are_strings() -> None:
    event = parse_event(
        "workflow_dispatch",
        {
            "ref": "refs/heads/main",
            "sender": USER,
            "inputs": {"dry-run": True, "tasks": "fix_lint"},
        },
    )
    assert isinstance(event, ManualDispatch)
    assert dict(event.inputs) == {"dry-run": "True", "tasks": "fix_lint"}
    empty = parse_event("workflow_dispatch", {"ref": "main", "sender": USER, "inputs": None})
    assert isinstance(empty, ManualDispatch) and dict(empty.inputs) == {}


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        ({}, "workflow_dispatch.ref is missing"),
        ({"ref": 3, "sender": USER}, "workflow_dispatch.ref is not a str"),
        ({"ref": "main", "sender": "dev"}, "workflow_dispatch.sender is not an object"),
    ],
)
def test_malformed_payloads_name_the_field(payload: dict[str, object], fragment: str) -> None:
    with pytest.raises(InputError, match=fragment):
        parse_event("workflow_dispatch", payload)


def test_unknown_event_and_bad_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not handle the gollum event"):
        parse_event("gollum", {})
    with pytest.raises(UsageError, match="GITHUB_EVENT_PATH is not set"):
        load_event("schedule", None)
    broken = tmp_path / "event.json"
    broken.write_text("{not json")
    with pytest.raises(InputError, match="not JSON"):
        load_event("schedule", broken)


# --- the real deliveries in ../shared/contracts/events -------------------------


def real_payloads(shared: Path, event: str) -> list[Path]:
    return sorted((shared / "contracts" / "events" / event).glob("*.json"))


@pytest.mark.parametrize(
    "event", ["pull_request", "workflow_run", "issue_comment", "workflow_dispatch", "push"]
)
def test_every_real_payload_parses(shared_dir: Path, event: str) -> None:
    files = real_payloads(shared_dir, event)
    assert files
    for path in files:
        parsed = load_event(event, path)
        assert parsed.repository is not None and parsed.repository.full_name


def test_real_workflow_run_and_comment_details(shared_dir: Path) -> None:
    events = shared_dir / "contracts" / "events"
    failed = load_event("workflow_run", events / "workflow_run" / "completed.failure.DERIVED.json")
    assert isinstance(failed, WorkflowRunCompleted) and failed.conclusion == "failure"
    with_prs = load_event(
        "workflow_run", events / "workflow_run" / "completed.success.with-pull-requests.json"
    )
    assert isinstance(with_prs, WorkflowRunCompleted) and with_prs.pull_numbers
    on_pr = load_event(
        "issue_comment", events / "issue_comment" / "created.on-pull-request.DERIVED.json"
    )
    plain = load_event("issue_comment", events / "issue_comment" / "created.json")
    edited = load_event("issue_comment", events / "issue_comment" / "edited.json")
    assert isinstance(on_pr, IssueCommentCreated) and on_pr.on_pull_request
    assert isinstance(plain, IssueCommentCreated) and not plain.on_pull_request
    assert isinstance(edited, IssueCommentCreated) and edited.action == "edited"
    null_body = load_event("pull_request", events / "pull_request" / "opened.with-null-body.json")
    assert isinstance(null_body, PullRequestChanged) and null_body.body == ""


def test_schedule_examples(shared_dir: Path) -> None:
    files = real_payloads(shared_dir, "schedule")
    assert len(files) == 2
    for path in files:
        assert isinstance(load_event("schedule", path), ScheduledTick)


def test_real_issues_events_and_a_comment_edit_carry_what_planning_reads(
    shared_dir: Path,
) -> None:
    events = shared_dir / "contracts" / "events"
    for path in real_payloads(shared_dir, "issues"):
        parsed = load_event("issues", path)
        assert isinstance(parsed, IssueLabeled) and parsed.title and parsed.sender.login
    labeled = load_event("issues", events / "issues" / "labeled.json")
    assert isinstance(labeled, IssueLabeled) and labeled.label == "bug"
    opened = load_event("issues", events / "issues" / "opened.with-empty-body.json")
    assert isinstance(opened, IssueLabeled) and (opened.label, opened.body) == (None, "")
    edited = load_event("issue_comment", events / "issue_comment" / "edited.json")
    assert isinstance(edited, IssueCommentCreated) and edited.sender is not None
    assert edited.previous_body == "You are totally right! I'll get this fixed right away."


def test_an_edit_without_a_body_change_and_a_mistyped_previous_body() -> None:
    base: dict[str, Any] = {
        "action": "edited",
        "issue": {"number": 3},
        "comment": {"id": 9, "body": "b", "user": {"login": "maria"}},
        "repository": {"full_name": "octo/app"},
        "sender": {"login": "tom", "type": "User"},
    }
    event = parse_event("issue_comment", {**base, "changes": {"title": {"from": "t"}}})
    assert isinstance(event, IssueCommentCreated) and event.previous_body is None
    assert event.sender == User("tom", is_bot=False)
    with pytest.raises(InputError, match=r"issue_comment\.changes\.body\.from is not a str"):
        parse_event("issue_comment", {**base, "changes": {"body": {"from": 7}}})
    with pytest.raises(InputError, match=r"issues\.issue\.title is missing"):
        parse_event("issues", {**base, "action": "labeled", "issue": {"number": 3}})
