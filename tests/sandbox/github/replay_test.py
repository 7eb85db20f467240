"""Faithful sandbox: its answers to PyGithub's common calls have the shapes GitHub gave
in the recorded exchanges (../shared/contracts/pygithub-replay): every recorded key is
there, with the same JSON type, and the same kinds of headers come back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kairos_ci.sandbox.github.server import GitHubSandbox
from tests.sandbox.github.world import World, add_branch, client

# Keys GitHub sent in 2012-era recordings and no longer sends on the same call.
LEGACY_KEYS = {"Repository.testCreateIssue.txt": {".pull_request"}}


@pytest.fixture
def recorded(shared_dir: Path) -> dict[str, Any]:
    data = json.loads((shared_dir / "contracts/pygithub-replay/exchanges.json").read_text())
    files: dict[str, Any] = data["files"]
    return files


def differences(recorded: Any, ours: Any, path: str = "") -> list[str]:
    """Keys missing from ``ours`` and JSON type mismatches (``null`` matches anything)."""
    if isinstance(recorded, dict):
        if not isinstance(ours, dict):
            return [f"{path}: object expected"]
        found = []
        for key, value in recorded.items():
            if key not in ours:
                found.append(f"{path}.{key} missing")
            else:
                found += differences(value, ours[key], f"{path}.{key}")
        return found
    if isinstance(recorded, list):
        if not isinstance(ours, list):
            return [f"{path}: array expected"]
        return differences(recorded[0], ours[0], f"{path}[0]") if recorded and ours else []
    if recorded is None or ours is None:
        return []
    numbers = (int, float)
    if isinstance(recorded, bool) != isinstance(ours, bool) or (
        type(recorded) is not type(ours)
        and not (isinstance(recorded, numbers) and isinstance(ours, numbers))
    ):
        return [f"{path}: {type(recorded).__name__} recorded, {type(ours).__name__} served"]
    return []


def _body(recorded: dict[str, Any], name: str, index: int = 0) -> Any:
    return recorded[name]["exchanges"][index]["response_body"]


def _headers(recorded: dict[str, Any], name: str, index: int = 0) -> set[str]:
    return {n.lower() for n, _ in recorded[name]["exchanges"][index]["response_headers"]}


def _check(recorded: dict[str, Any], name: str, ours: Any) -> None:
    problems = [
        p
        for p in differences(_body(recorded, name), ours)
        if p.rsplit(" ", 1)[0] not in LEGACY_KEYS.get(name, set())
    ]
    assert problems == [], f"{name}: {problems}"


def test_pull_review_comment_and_ref_shapes_match_the_recordings(
    recorded: dict[str, Any], world: World, sandbox: GitHubSandbox
) -> None:
    add_branch(world, "kairos/fix", {"app.py": "rewritten\n"})
    repo = client(sandbox).get_repo(world.full_name)
    pull = repo.create_pull(base="main", head="kairos/fix", title="t", body="b")
    _check(recorded, "Repository.testCreatePull.txt", pull._rawData)
    review = pull.create_review(
        body="r", event="COMMENT", comments=[{"path": "app.py", "line": 1, "body": "c"}]
    )
    _check(recorded, "PullRequestReview.setUp.txt", review._rawData)
    review_comments = [c._rawData for c in pull.get_review_comments()]
    _check(recorded, "PullRequest.testGetReviewComments.txt", review_comments)
    issue = repo.get_issue(pull.number)
    _check(recorded, "PullRequest.testCreateIssueComment.txt", issue.create_comment("x")._rawData)
    _check(
        recorded, "PullRequest.testGetIssueComments.txt", [c._rawData for c in issue.get_comments()]
    )
    _check(recorded, "Repository.testCreateIssue.txt", repo.create_issue(title="i")._rawData)
    _check(recorded, "Repository.testCreateLabel.txt", repo.create_label("bug", "ff0000")._rawData)
    _check(recorded, "PullRequest.testGetFiles.txt", [f._rawData for f in pull.get_files()])
    main = repo.get_git_ref("heads/main")
    _check(recorded, "Repository.testGetGitRef.txt", main.raw_data)
    created = repo.create_git_ref("refs/heads/copy", main.object.sha)
    _check(recorded, "Repository.testCreateGitRef.txt", created._rawData)


def test_headers_match_the_recordings(
    recorded: dict[str, Any], world: World, sandbox: GitHubSandbox
) -> None:
    repo = client(sandbox).get_repo(world.full_name)
    for index in range(3):
        repo.get_issue(repo.create_issue(title=f"i{index}").number)
    requester = repo._requester
    headers, _ = requester.requestJsonAndCheck("GET", f"{repo.url}/issues", {"per_page": 1})
    expected = _headers(recorded, "PullRequest.testGetReviewComments.txt")
    rate = {h for h in expected if h.startswith("x-ratelimit-")}
    assert rate <= set(headers) and "x-github-request-id" in headers
    api = f"{sandbox.base_url}/repos/{world.full_name}"
    assert headers["link"].startswith(f"<{api}/issues?per_page=1&page=2>")
    assert 'rel="last"' in headers["link"]
    created, _ = requester.requestJsonAndCheck(
        "POST",
        f"{repo.url}/git/refs",
        input={"ref": "refs/heads/x", "sha": repo.get_git_ref("heads/main").object.sha},
    )
    assert "location" in _headers(recorded, "Repository.testCreateGitRef.txt")
    assert created["location"].endswith("/git/refs/heads/x")


def test_automerge_answers_match_the_recordings(
    recorded: dict[str, Any], world: World, sandbox: GitHubSandbox
) -> None:
    add_branch(world, "kairos/fix", {"app.py": "rewritten\n"})
    repo = client(sandbox).get_repo(world.full_name)
    pull = repo.create_pull(base="main", head="kairos/fix", title="t", body="b")
    requester = repo._requester
    query = _json_request(recorded, "PullRequest.testEnableAutomerge.txt")
    query["variables"]["input"] = {"pullRequestId": pull.node_id, "mergeMethod": "SQUASH"}
    _, ok = requester.requestJsonAndCheck("POST", requester.graphql_url, input=query)
    assert differences(_body(recorded, "PullRequest.testEnableAutomerge.txt"), ok) == []
    pull.edit(state="closed")
    _, failed = requester.requestJsonAndCheck("POST", requester.graphql_url, input=query)
    assert differences(_body(recorded, "PullRequest.testEnableAutomergeError.txt"), failed) == []


def _json_request(recorded: dict[str, Any], name: str) -> dict[str, Any]:
    body: dict[str, Any] = recorded[name]["exchanges"][0]["request_body"]
    return json.loads(json.dumps(body))
