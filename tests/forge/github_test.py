"""The PyGithub adapter: errors become kairos errors, limits are waited out, artifacts
are fetched without the token."""

from __future__ import annotations

import io
import zipfile

import pytest

from kairos_ci.errors import Forbidden, InputTooLarge, NotFound, RateLimited
from kairos_ci.forge.failures import Rejected, Unavailable
from kairos_ci.forge.records import CommentSpec, PullRequestSpec
from kairos_ci.policy.records import Permission
from kairos_ci.sandbox.github.server import GitHubSandbox
from tests.sandbox.github.world import (
    NOBODY_TOKEN,
    OUTSIDER_TOKEN,
    World,
    add_branch,
    client,
    forge_for,
    requests_made,
)


def _faults(sandbox: GitHubSandbox, *rules: dict[str, object]) -> None:
    sandbox.control_call("POST", "/_sandbox/faults", {"seed": 3, "rules": list(rules)})


def test_errors_are_translated(world: World, sandbox: GitHubSandbox) -> None:
    with pytest.raises(Forbidden, match="rejected the token"):
        forge_for(sandbox, world, token="ghp_unknown").get_permission("maria")
    with pytest.raises(Forbidden, match="push access"):
        forge_for(sandbox, world, token=OUTSIDER_TOKEN).get_permission("maria")
    forge = forge_for(sandbox, world)
    with pytest.raises(NotFound):
        forge.list_pull_files(99)
    spec = PullRequestSpec("no-such-branch", "main", "t", "b", "fp-1")
    with pytest.raises(Rejected, match="head invalid"):
        forge.ensure_pull_request(spec)


def test_secondary_limit_waits_retry_after_then_succeeds(
    world: World, sandbox: GitHubSandbox
) -> None:
    _faults(sandbox, {"kind": "secondary", "count": 2, "retry_after": 7})
    waits: list[float] = []
    forge = forge_for(sandbox, world, sleeps=waits)
    assert forge.get_permission("maria") is Permission.ADMIN
    assert waits == [7.0, 7.0]


def test_primary_limit_waits_for_the_reset(world: World, sandbox: GitHubSandbox) -> None:
    _faults(sandbox, {"kind": "primary", "count": 1, "retry_after": 30})
    waits: list[float] = []
    assert forge_for(sandbox, world, sleeps=waits).get_permission("eve") is Permission.READ
    [wait] = waits
    assert 29 <= wait <= 32  # reset - now + 1


def test_a_wait_longer_than_allowed_is_reported_not_slept(
    world: World, sandbox: GitHubSandbox
) -> None:
    _faults(sandbox, {"kind": "secondary", "count": 1, "retry_after": 3600})
    waits: list[float] = []
    with pytest.raises(RateLimited) as caught:
        forge_for(sandbox, world, sleeps=waits).get_permission("maria")
    assert caught.value.retry_after_s == 3600 and waits == []


def test_reads_ride_out_5xx_but_give_up_eventually(world: World, sandbox: GitHubSandbox) -> None:
    _faults(sandbox, {"kind": "5xx", "count": 2})
    waits: list[float] = []
    assert forge_for(sandbox, world, sleeps=waits).get_permission("maria") is Permission.ADMIN
    assert waits == [2.0, 4.0]  # exponential backoff
    _faults(sandbox, {"kind": "5xx", "probability": 1.0})
    with pytest.raises(Unavailable, match="502"):
        forge_for(sandbox, world).get_permission("maria")


def test_no_new_write_starts_when_the_rate_limit_runs_low(
    world: World, sandbox: GitHubSandbox
) -> None:
    issue = client(sandbox).get_repo(world.full_name).create_issue(title="t")
    sandbox.control_call("POST", "/_sandbox/rate_limit", {"remaining": 40})
    forge = forge_for(sandbox, world, low_water=50)
    with pytest.raises(RateLimited, match=r"x-ratelimit-remaining is 39 \(below 50\)"):
        forge.ensure_comment(CommentSpec(issue.number, "c-1", "hello"))
    assert [m for m, _ in requests_made(sandbox)][-1] == "GET"


def test_permissions_for_every_role(world: World, sandbox: GitHubSandbox) -> None:
    forge = forge_for(sandbox, world)
    assert forge.get_permission("kairos-ci[bot]") is Permission.WRITE
    assert forge.get_permission("nobody") is Permission.NONE
    with pytest.raises(NotFound):
        forge.get_permission("stranger")
    with pytest.raises(Forbidden):
        forge_for(sandbox, world, token=NOBODY_TOKEN).get_permission("maria")


def test_workflow_runs_are_listed_by_head_commit_newest_first(
    world: World, sandbox: GitHubSandbox
) -> None:
    def seeded(sha: str, conclusion: str) -> int:
        seed = {
            "repo": "octo/app",
            "head_branch": "main",
            "head_sha": sha,
            "conclusion": conclusion,
        }
        return int(sandbox.control_call("POST", "/_sandbox/workflow_runs", seed)["id"])

    first, other, second = (
        seeded("a" * 40, "failure"),
        seeded("b" * 40, "failure"),
        seeded("a" * 40, "success"),
    )
    forge = forge_for(sandbox, world)
    runs = forge.list_workflow_runs(head_sha="a" * 40)
    assert [(r.id, r.head_sha, r.conclusion) for r in runs] == [
        (second, "a" * 40, "success"), (first, "a" * 40, "failure")
    ]  # fmt: skip
    assert [r.id for r in forge.list_workflow_runs(head_sha="b" * 40, limit=5)] == [other]
    assert forge.list_workflow_runs(head_sha="c" * 40) == ()


def test_artifacts_are_downloaded_without_sending_the_token(
    world: World, sandbox: GitHubSandbox
) -> None:
    report = "<testsuites><testsuite name='s'/></testsuites>"
    created = sandbox.control_call(
        "POST",
        "/_sandbox/workflow_runs",
        {
            "repo": "octo/app",
            "conclusion": "failure",
            "head_branch": "main",
            "artifacts": [
                {"name": "junit", "files": {"junit.xml": report}},
                {"name": "old", "files": {"x": "y"}, "expired": True},
            ],
        },
    )
    forge = forge_for(sandbox, world)
    [run] = forge.list_workflow_runs(branch="main")
    assert (run.id, run.conclusion) == (created["id"], "failure")
    junit, old = forge.list_artifacts(run.id)
    archive = zipfile.ZipFile(io.BytesIO(forge.download_artifact(junit.id, 1 << 20)))
    assert archive.read("junit.xml").decode() == report
    storage = [r for r in sandbox.store.requests if r.operation == "artifact-storage"]
    assert [r.authorization for r in storage] == [False]
    with pytest.raises(NotFound, match="expired"):
        forge.download_artifact(old.id, 1 << 20)
    with pytest.raises(InputTooLarge):
        forge.download_artifact(junit.id, 10)


def test_pull_files_come_from_the_real_diff(world: World, sandbox: GitHubSandbox) -> None:
    add_branch(world, "topic", {"app.py": "one line\n", "added.md": "hi\n"})
    number = (
        client(sandbox)
        .get_repo(world.full_name)
        .create_pull(base="main", head="topic", title="t", body="")
        .number
    )
    files = {f.filename: f for f in forge_for(sandbox, world).list_pull_files(number)}
    assert files["added.md"].status == "added"
    assert files["app.py"].deletions == 40 and files["app.py"].additions == 1
