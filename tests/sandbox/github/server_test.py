"""The sandbox through real PyGithub over loopback HTTP, against real git repositories."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from github import GithubException

from kairos_ci.sandbox.github.server import GitHubSandbox
from tests.sandbox.github.world import (
    MAINTAINER_TOKEN,
    NOBODY_TOKEN,
    OUTSIDER_TOKEN,
    World,
    add_branch,
    client,
)


def _pull(world: World, sandbox: GitHubSandbox, branch: str = "kairos/fix") -> int:
    add_branch(world, branch, {"app.py": _edited(10)})
    repo = client(sandbox).get_repo(world.full_name)
    return repo.create_pull(base="main", head=branch, title="Fix", body="b").number


def _edited(line: int, text: str = "changed") -> str:
    return "".join(f"{text if i == line else f'line {i}'}\n" for i in range(1, 41))


def test_pull_request_reads_heads_and_files_from_git(world: World, sandbox: GitHubSandbox) -> None:
    head = add_branch(world, "kairos/fix", {"app.py": _edited(10), "new.txt": "x\n"})
    repo = client(sandbox).get_repo(world.full_name)
    pr = repo.create_pull(base="main", head="kairos/fix", title="Fix", body="body")
    assert (pr.number, pr.head.sha, pr.base.ref, pr.changed_files) == (1, head, "main", 2)
    files = {f.filename: f for f in pr.get_files()}
    assert files["new.txt"].status == "added"
    assert files["app.py"].patch.startswith("@@ -7,7 +7,7 @@")
    assert [p.number for p in repo.get_pulls(state="all", head="octo:kairos/fix")] == [1]
    assert list(repo.get_pulls(state="all", head="octo:other")) == []
    pushed = world.commit({"more.txt": "y\n"}, "more", branch="kairos/fix", human=False)
    assert repo.get_pull(1).head.sha == pushed


def test_second_pull_for_the_same_head_is_rejected(world: World, sandbox: GitHubSandbox) -> None:
    _pull(world, sandbox)
    repo = client(sandbox).get_repo(world.full_name)
    with pytest.raises(GithubException) as caught:
        repo.create_pull(base="main", head="kairos/fix", title="again", body="")
    assert caught.value.status == 422
    assert "already exists" in json.dumps(caught.value.data)


def test_review_comment_outside_the_diff_is_a_422_and_posts_nothing(
    world: World, sandbox: GitHubSandbox
) -> None:
    number = _pull(world, sandbox)
    pr = client(sandbox).get_repo(world.full_name).get_pull(number)
    inside = {"path": "app.py", "line": 10, "side": "RIGHT", "body": "ok"}
    outside = {"path": "app.py", "line": 30, "side": "RIGHT", "body": "not in a hunk"}
    with pytest.raises(GithubException) as caught:
        pr.create_review(body="r", event="COMMENT", comments=[inside, outside])
    assert caught.value.status == 422
    assert sandbox.state()["repos"]["octo/app"]["reviews"] == []
    context = {"path": "app.py", "line": 8, "start_line": 7, "side": "RIGHT", "body": "range"}
    review = pr.create_review(body="r", event="COMMENT", comments=[inside, context])
    assert review.state == "COMMENTED"
    comments = {c.line: c for c in pr.get_review_comments()}
    assert comments[8].start_line == 7
    assert comments[10].diff_hunk.startswith("@@ -7,7 +7,7 @@")


def test_kairos_cannot_approve_its_own_pull_request(world: World, sandbox: GitHubSandbox) -> None:
    number = _pull(world, sandbox)
    pr = client(sandbox).get_repo(world.full_name).get_pull(number)
    with pytest.raises(GithubException) as caught:
        pr.create_review(body="lgtm", event="APPROVE")
    assert caught.value.status == 422


def test_pagination_follows_link_headers_that_point_at_the_sandbox(
    world: World, sandbox: GitHubSandbox
) -> None:
    issue = client(sandbox).get_repo(world.full_name).create_issue(title="many comments")
    for index in range(35):
        issue.create_comment(f"comment {index}")
    bodies = [c.body for c in client(sandbox).get_repo(world.full_name).get_issue(1).get_comments()]
    assert bodies == [f"comment {i}" for i in range(35)]
    listed = [r for r in sandbox.state()["requests"] if r["path"].endswith("/issues/1/comments")]
    assert [r["query"] for r in listed if r["method"] == "GET"] == ["", "page=2"]


def test_permissions_come_from_the_seed(world: World, sandbox: GitHubSandbox) -> None:
    number = _pull(world, sandbox)
    outsider = client(sandbox, OUTSIDER_TOKEN).get_repo(world.full_name)
    outsider.get_issue(number).create_comment("drive-by comment")  # read may comment
    with pytest.raises(GithubException) as caught:
        outsider.create_label("mine", "ff0000")
    assert caught.value.status == 403
    with pytest.raises(GithubException) as caught:
        outsider.get_collaborator_permission("maria")
    assert caught.value.status == 403
    maintainer = client(sandbox, MAINTAINER_TOKEN).get_repo(world.full_name)
    assert maintainer.get_collaborator_permission("eve") == "read"
    maintainer.get_pull(number).edit(state="closed")
    assert sandbox.state()["repos"]["octo/app"]["pulls"][0]["state"] == "closed"
    with pytest.raises(GithubException) as caught:
        client(sandbox, NOBODY_TOKEN).get_repo(world.full_name).get_issue(number).create_comment(
            "x"
        )
    assert caught.value.status == 403


def test_unknown_token_is_bad_credentials(world: World, sandbox: GitHubSandbox) -> None:
    with pytest.raises(GithubException) as caught:
        client(sandbox, "ghp_wrong").get_repo(world.full_name).get_pulls().get_page(0)
    assert caught.value.status == 401


def test_rate_limit_headers_count_down_and_run_out(world: World, sandbox: GitHubSandbox) -> None:
    gh = client(sandbox)
    repo = gh.get_repo(world.full_name)
    list(repo.get_pulls())
    first = gh.requester.rate_limiting
    list(repo.get_pulls())
    assert gh.requester.rate_limiting == (first[0] - 1, 5000)
    sandbox.control_call("POST", "/_sandbox/rate_limit", {"remaining": 0, "reset_in": 60})
    with pytest.raises(GithubException) as caught:
        list(repo.get_pulls())
    assert caught.value.status == 403
    assert caught.value.data["message"].startswith("API rate limit exceeded")


def test_auto_merge_is_a_graphql_mutation(world: World, sandbox: GitHubSandbox) -> None:
    number = _pull(world, sandbox)
    pr = client(sandbox).get_repo(world.full_name).get_pull(number)
    pr.enable_automerge(merge_method="SQUASH")
    state = sandbox.state()["repos"]["octo/app"]["pulls"][0]
    assert state["auto_merge"]["merge_method"] == "squash"
    pr.edit(state="closed")
    with pytest.raises(GithubException) as caught:  # GraphQL errors arrive with HTTP 200
        pr.enable_automerge()
    assert "status" in str(caught.value.data)


def test_artifacts_redirect_to_storage_that_refuses_the_token(
    world: World, sandbox: GitHubSandbox
) -> None:
    run = sandbox.control_call(
        "POST",
        "/_sandbox/workflow_runs",
        {
            "repo": "octo/app",
            "conclusion": "failure",
            "artifacts": [{"name": "junit", "files": {"junit.xml": "<testsuites/>"}}],
        },
    )
    repo = client(sandbox).get_repo(world.full_name)
    [artifact] = repo.get_workflow_run(run["id"]).get_artifacts()
    status, headers, _ = repo._requester.requestJson("GET", artifact.archive_download_url)
    assert status == 302
    with urllib.request.urlopen(headers["location"]) as answer:  # no token: fine
        assert answer.read().startswith(b"PK")
    leaking = urllib.request.Request(headers["location"], headers={"Authorization": "token x"})
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(leaking)
    assert "storage host" in sandbox.violations()[0]["messages"][0]
    sandbox.store.violations.clear()  # the leak above was this test's own doing


def test_strict_mode_rejects_a_request_the_description_does_not_allow(
    world: World, sandbox: GitHubSandbox
) -> None:
    if sandbox.api.contract is None:
        pytest.skip("the REST description (../shared) is absent: nothing to be strict about")
    request = urllib.request.Request(
        f"{sandbox.base_url}/repos/octo/app/pulls?state=weird",
        headers={"Authorization": f"token {MAINTAINER_TOKEN}"},
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request)
    assert caught.value.code == 422
    [violation] = sandbox.violations()
    assert "state" in violation["messages"][0]
    sandbox.store.violations.clear()
