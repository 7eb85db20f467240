"""Applying bundles against the strict sandbox and a real bare origin."""

from __future__ import annotations

from typing import Any

from kairos_ci.bundle.apply import ApplySettings, apply
from kairos_ci.bundle.records import Status
from kairos_ci.bundle.render import dashboard_decisions
from kairos_ci.config.load import parse_config
from kairos_ci.dashboard.records import Action
from kairos_ci.forge.branches import Branches
from kairos_ci.forge.markers import fingerprints
from kairos_ci.sandbox.github.server import GitHubSandbox
from tests.bundle.builders import (
    bundle,
    comment_write,
    dashboard_write,
    label_write,
    make_patch,
    pr_write,
    review_write,
)
from tests.sandbox.github.world import (
    MAINTAINER_TOKEN,
    World,
    add_branch,
    client,
    forge_for,
    writes_made,
)


def _state(sandbox: GitHubSandbox) -> dict[str, Any]:
    return sandbox.state()["repos"]["octo/app"]  # type: ignore[no-any-return]


def _remote_branches(world: World) -> list[str]:
    out = world.git("ls-remote", "--heads", "origin")
    return sorted(line.split("refs/heads/")[1] for line in out.splitlines())


def _human_pr(world: World, sandbox: GitHubSandbox) -> int:
    text = "".join(f"{'human' if i == 5 else f'line {i}'}\n" for i in range(1, 41))
    add_branch(world, "feature", {"app.py": text}, human=True)
    repo = client(sandbox, MAINTAINER_TOKEN).get_repo(world.full_name)
    return repo.create_pull(base="main", head="feature", title="Feature", body="").number


def _full_bundle(world: World, sandbox: GitHubSandbox) -> Any:
    human = _human_pr(world, sandbox)
    issue = client(sandbox, MAINTAINER_TOKEN).get_repo(world.full_name).create_issue(title="x")
    base, patch = make_patch(world, {"app.py": "fixed\n" + "line 2\n"})
    comments = [
        {"path": "app.py", "line": 5, "body": "nit", "fingerprint": "f-5"},
        {"path": "app.py", "line": 30, "body": "outside", "fingerprint": "f-30"},
    ]
    auto = {
        "kind": "auto_merge",
        "fingerprint": "am-1",
        "autonomy": "auto",
        "why": "green",
        "target": {"branch": "kairos/fix-lint/ruff"},
        "payload": {"method": "squash"},
    }
    return bundle(
        dashboard_write("## Needs your decision\n- nothing"),
        auto,
        pr_write(base, patch, autonomy="auto"),
        review_write(human, comments),
        comment_write(issue.number, "flaky: test_a", "flaky-a"),
        label_write(),
    )


def test_applying_the_same_bundle_twice_changes_nothing_the_second_time(
    world: World, sandbox: GitHubSandbox
) -> None:
    planned = _full_bundle(world, sandbox)
    forge = forge_for(sandbox, world)
    branches = Branches(world.work)
    first = apply(planned, forge, branches)
    assert [o.status for o in first.outcomes] == [Status.APPLIED] * 6, first.outcomes
    writes = len(writes_made(sandbox))
    refs = _remote_branches(world)
    second = apply(planned, forge, branches)
    assert [o.status for o in second.outcomes] == [Status.UNCHANGED] * 6, second.outcomes
    assert len(writes_made(sandbox)) == writes
    assert _remote_branches(world) == refs == ["feature", "kairos/fix-lint/ruff", "main"]
    state = _state(sandbox)
    kairos_pr = next(p for p in state["pulls"] if p["head"]["ref"] == "kairos/fix-lint/ruff")
    assert kairos_pr["auto_merge"]["merge_method"] == "squash"
    assert [lbl["name"] for lbl in kairos_pr["labels"]] == ["kairos"]
    assert "`app.py` line 30: outside" in state["reviews"][0]["body"]
    assert first.pr_urls() == (kairos_pr["html_url"],)


def test_a_pushed_commit_is_kairos_own_on_the_analysed_base(
    world: World, sandbox: GitHubSandbox
) -> None:
    base, patch = make_patch(world, {"app.py": "fixed\n", "new/file.txt": "x\n"})
    world.commit({"README.md": "# moved on\n"}, "main moves on")
    apply(bundle(pr_write(base, patch)), forge_for(sandbox, world), Branches(world.work))
    world.git("fetch", "-q", "origin")
    log = world.git("log", "-1", "--format=%an <%ae>|%P", "origin/kairos/fix-lint/ruff")
    assert log == f"kairos-ci <kairos-ci@users.noreply.github.com>|{base}"
    # The base moved, the change did not: nothing is rebased or pushed again.
    again = apply(bundle(pr_write(base, patch)), forge_for(sandbox, world), Branches(world.work))
    assert again.outcomes[0].status is Status.UNCHANGED


def test_a_new_patch_updates_the_branch_and_the_same_pr(
    world: World, sandbox: GitHubSandbox
) -> None:
    forge, branches = forge_for(sandbox, world), Branches(world.work)
    base, patch = make_patch(world, {"app.py": "first fix\n"})
    apply(bundle(pr_write(base, patch)), forge, branches)
    base, patch = make_patch(world, {"app.py": "better fix\n"})
    result = apply(bundle(pr_write(base, patch, title="Better")), forge, branches)
    assert result.outcomes[0].status is Status.APPLIED
    [pull] = _state(sandbox)["pulls"]
    assert pull["title"] == "Better"
    world.git("fetch", "-q", "origin")
    assert world.git("show", "origin/kairos/fix-lint/ruff:app.py") == "better fix"


def test_protected_paths_are_refused_before_any_push(world: World, sandbox: GitHubSandbox) -> None:
    base, patch = make_patch(world, {".github/workflows/ci.yml": "on: push\n"})
    result = apply(bundle(pr_write(base, patch)), forge_for(sandbox, world), Branches(world.work))
    [outcome] = result.outcomes
    assert outcome.status is Status.SKIPPED
    assert "protected path .github/workflows/ci.yml" in outcome.reason
    assert _remote_branches(world) == ["main"] and writes_made(sandbox) == []


def test_symlinks_and_oversized_changes_are_refused(world: World, sandbox: GitHubSandbox) -> None:
    (world.work / "link").symlink_to("app.py")
    world.git("add", "link")
    base = world.git("rev-parse", "HEAD")
    patch = world.git("diff", "--cached", "--binary", base) + "\n"
    world.git("reset", "-q", "--hard", base)
    result = apply(bundle(pr_write(base, patch)), forge_for(sandbox, world), Branches(world.work))
    assert "creates symlinks" in result.outcomes[0].reason
    base, patch = make_patch(world, {f"f{i}.txt": "x\n" for i in range(101)})
    result = apply(bundle(pr_write(base, patch)), forge_for(sandbox, world), Branches(world.work))
    assert "101 files, over the limit of 100" in result.outcomes[0].reason


def test_autonomy_is_capped_by_the_repository_config(world: World, sandbox: GitHubSandbox) -> None:
    base, patch = make_patch(world, {"app.py": "fixed\n"})
    config = parse_config(b"version: 1\nautonomy:\n  fix_lint: suggest\n", "cfg")
    planned = bundle(pr_write(base, patch), dashboard_write("body", autonomy="observe"))
    settings = ApplySettings(config=config)
    result = apply(planned, forge_for(sandbox, world), Branches(world.work), settings)
    assert [o.status for o in result.outcomes] == [Status.SKIPPED, Status.SKIPPED]
    assert "pull_request needs autonomy approve; allowed for fix_lint is suggest" in (
        result.outcomes[0].reason
    )
    assert result.outcomes[1].reason == "autonomy is observe: nothing is written"
    assert writes_made(sandbox) == [] and _remote_branches(world) == ["main"]


def test_a_branch_a_human_committed_to_is_left_alone_and_the_pr_says_so(
    world: World, sandbox: GitHubSandbox
) -> None:
    forge, branches = forge_for(sandbox, world), Branches(world.work)
    base, patch = make_patch(world, {"app.py": "fixed\n"})
    apply(bundle(pr_write(base, patch)), forge, branches)
    world.git("fetch", "-q", "origin")
    world.git("checkout", "-q", "-B", "kairos/fix-lint/ruff", "origin/kairos/fix-lint/ruff")
    world.commit({"app.py": "a human's touch\n"}, "my own fix", human=True)
    world.git("checkout", "-q", "main")
    human_tip = world.git("rev-parse", "origin/kairos/fix-lint/ruff")
    base, patch = make_patch(world, {"app.py": "kairos again\n"})
    for _ in range(2):
        result = apply(bundle(pr_write(base, patch)), forge, branches)
        assert result.outcomes[0].status is Status.SKIPPED
        assert "commits by Maria <maria@example.com>" in result.outcomes[0].reason
    world.git("fetch", "-q", "origin")
    assert world.git("rev-parse", "origin/kairos/fix-lint/ruff") == human_tip
    comments = _state(sandbox)["comments"]
    assert len(comments) == 1 and "stopped updating" in comments[0]["body"]
    [decision] = dashboard_decisions(result)
    assert (decision.action, decision.key) == (Action.RECREATE, "lint-ruff-1")
    assert "a human committed" in decision.text


def test_dry_run_checks_everything_and_writes_nothing(world: World, sandbox: GitHubSandbox) -> None:
    base, patch = make_patch(world, {"app.py": "fixed\n"})
    _, bad = make_patch(world, {"CODEOWNERS": "* @eve\n"})
    planned = bundle(
        pr_write(base, patch),
        pr_write(base, bad, branch="kairos/owners", fingerprint="owners"),
        comment_write(1, "x", "c"),
    )
    result = apply(planned, None, Branches(world.work), ApplySettings(dry_run=True))
    assert [o.status for o in result.outcomes] == [Status.PLANNED, Status.SKIPPED, Status.PLANNED]
    assert "CODEOWNERS" in result.outcomes[1].reason
    assert writes_made(sandbox) == [] and _remote_branches(world) == ["main"]


def test_one_failure_does_not_stop_the_others(world: World, sandbox: GitHubSandbox) -> None:
    planned = bundle(comment_write(99, "nowhere", "c-99"), label_write())
    result = apply(planned, forge_for(sandbox, world), Branches(world.work))
    assert [o.status for o in result.outcomes] == [Status.FAILED, Status.APPLIED]
    assert "Not Found" in result.outcomes[0].reason
    assert fingerprints(None) == ()


# Everything the adapter may ever call (SECURITY.md WRT-04): no merge, approve, dismiss,
# branch protection, release, ref deletion, collaborator, dispatch or secret endpoint.
_R = "/repos/{owner}/{repo}"
ALLOWED = {
    ("GET", f"{_R}/pulls"),
    ("POST", f"{_R}/pulls"),
    ("GET", f"{_R}/pulls/{{pull_number}}"),
    ("PATCH", f"{_R}/pulls/{{pull_number}}"),
    ("GET", f"{_R}/pulls/{{pull_number}}/files"),
    ("POST", f"{_R}/pulls/{{pull_number}}/reviews"),
    ("GET", f"{_R}/pulls/{{pull_number}}/comments"),
    ("GET", f"{_R}/issues"),
    ("POST", f"{_R}/issues"),
    ("GET", f"{_R}/issues/{{issue_number}}"),
    ("PATCH", f"{_R}/issues/{{issue_number}}"),
    ("GET", f"{_R}/issues/{{issue_number}}/comments"),
    ("POST", f"{_R}/issues/{{issue_number}}/comments"),
    ("PATCH", f"{_R}/issues/comments/{{comment_id}}"),
    ("POST", f"{_R}/issues/{{issue_number}}/labels"),
    ("GET", f"{_R}/labels/{{name}}"),
    ("POST", f"{_R}/labels"),
    ("PATCH", f"{_R}/labels/{{name}}"),
    ("POST", "/graphql"),  # only the enablePullRequestAutoMerge mutation
}


def test_only_allowlisted_operations_reach_github(world: World, sandbox: GitHubSandbox) -> None:
    planned = _full_bundle(world, sandbox)
    sandbox.control_call("DELETE", "/_sandbox/requests")
    apply(planned, forge_for(sandbox, world), Branches(world.work))
    used = {(r.method, r.route) for r in sandbox.store.requests}
    assert used <= ALLOWED, used - ALLOWED
    assert ("POST", "/graphql") in used
    assert all(r["state"] == "COMMENTED" for r in _state(sandbox)["reviews"])
