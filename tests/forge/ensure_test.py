"""Idempotent ensures through the real PyGithub adapter against the strict sandbox."""

from __future__ import annotations

from kairos_ci.forge.markers import fingerprints
from kairos_ci.forge.records import (
    Change,
    CommentSpec,
    DashboardSpec,
    InlineComment,
    LabelSpec,
    PullRequestSpec,
    ReviewSpec,
)
from kairos_ci.sandbox.github.server import GitHubSandbox
from tests.sandbox.github.world import (
    MAINTAINER_TOKEN,
    World,
    add_branch,
    client,
    forge_for,
    requests_made,
    writes_made,
)

SPEC = PullRequestSpec(
    head="kairos/fix-lint",
    base="main",
    title="Fix lint",
    body="Fixes lint.",
    fingerprint="lint-0001",
    labels=("kairos",),
)


def _edited(lines: dict[int, str]) -> str:
    return "".join(f"{lines.get(i, f'line {i}')}\n" for i in range(1, 41))


def _repo_state(sandbox: GitHubSandbox) -> dict[str, list[dict[str, object]]]:
    return sandbox.state()["repos"]["octo/app"]  # type: ignore[no-any-return]


def test_pull_request_is_created_once_then_updated_in_place(
    world: World, sandbox: GitHubSandbox
) -> None:
    add_branch(world, SPEC.head, {"app.py": _edited({3: "fixed"})})
    forge = forge_for(sandbox, world)
    first = forge.ensure_pull_request(SPEC)
    again = forge.ensure_pull_request(SPEC)
    assert (first.change, again.change) == (Change.CREATED, Change.UNCHANGED)
    assert first.number == again.number == 1
    renamed = forge.ensure_pull_request(
        PullRequestSpec(**{**SPEC.__dict__, "title": "Fix lint (ruff)", "body": "New body."})
    )
    assert renamed.change is Change.UPDATED
    [pull] = _repo_state(sandbox)["pulls"]
    assert pull["title"] == "Fix lint (ruff)"
    assert fingerprints(str(pull["body"])) == ("lint-0001",)
    assert [label["name"] for label in pull["labels"]] == ["kairos"]  # type: ignore[index]


def test_a_pull_request_a_human_closed_is_not_proposed_again(
    world: World, sandbox: GitHubSandbox
) -> None:
    add_branch(world, SPEC.head, {"app.py": _edited({3: "fixed"})})
    forge = forge_for(sandbox, world)
    number = forge.ensure_pull_request(SPEC).number
    assert number is not None
    client(sandbox, MAINTAINER_TOKEN).get_repo(world.full_name).get_pull(number).edit(
        state="closed"
    )
    answer = forge.ensure_pull_request(SPEC)
    assert answer.change is Change.UNCHANGED
    assert "closed without merging" in answer.note
    assert len(_repo_state(sandbox)["pulls"]) == 1


def test_a_review_with_40_comments_is_one_content_creating_request(
    world: World, sandbox: GitHubSandbox
) -> None:
    changed = {i: f"changed {i}" for i in range(1, 41)}
    add_branch(world, SPEC.head, {"app.py": _edited(changed)})
    forge = forge_for(sandbox, world)
    number = forge.ensure_pull_request(SPEC).number
    assert number is not None
    comments = tuple(
        InlineComment("app.py", line, f"finding {line}", f"ruff-{line:04d}")
        for line in range(1, 41)
    )
    before = len(writes_made(sandbox))
    review = forge.ensure_review(ReviewSpec(number, "review-1", "Two findings per line.", comments))
    assert review.change is Change.CREATED
    assert writes_made(sandbox)[before:] == [("POST", "/repos/octo/app/pulls/1/reviews")]
    assert len(_repo_state(sandbox)["review_comments"]) == 40
    again = forge.ensure_review(ReviewSpec(number, "review-1", "Two findings per line.", comments))
    assert again.change is Change.UNCHANGED
    assert len(writes_made(sandbox)) == before + 1


def test_review_comments_outside_the_diff_move_into_the_body(
    world: World, sandbox: GitHubSandbox
) -> None:
    add_branch(world, SPEC.head, {"app.py": _edited({20: "changed"})})
    forge = forge_for(sandbox, world)
    number = forge.ensure_pull_request(SPEC).number
    assert number is not None
    inside = InlineComment("app.py", 20, "look here", "f-in")
    outside = InlineComment("app.py", 2, "and here", "f-out")
    review = forge.ensure_review(ReviewSpec(number, "review-2", "Summary.", (inside, outside)))
    assert review.change is Change.CREATED
    [posted] = _repo_state(sandbox)["reviews"]
    assert "`app.py` line 2: and here" in str(posted["body"])
    assert [c["line"] for c in _repo_state(sandbox)["review_comments"]] == [20]


def test_comment_is_found_by_marker_and_edited_only_when_it_changes(
    world: World, sandbox: GitHubSandbox
) -> None:
    issue = client(sandbox).get_repo(world.full_name).create_issue(title="flaky tests")
    forge = forge_for(sandbox, world)
    created = forge.ensure_comment(CommentSpec(issue.number, "flaky-1", "test_a is flaky"))
    unchanged = forge.ensure_comment(CommentSpec(issue.number, "flaky-1", "test_a is flaky"))
    updated = forge.ensure_comment(CommentSpec(issue.number, "flaky-1", "test_a is flaky (3/10)"))
    other = forge.ensure_comment(CommentSpec(issue.number, "flaky-2", "test_b is flaky"))
    assert [a.change for a in (created, unchanged, updated, other)] == [
        Change.CREATED,
        Change.UNCHANGED,
        Change.UPDATED,
        Change.CREATED,
    ]
    bodies = [str(c["body"]) for c in _repo_state(sandbox)["comments"]]
    assert len(bodies) == 2 and bodies[0].startswith("test_a is flaky (3/10)")


def test_a_marker_inside_given_text_cannot_claim_another_object(
    world: World, sandbox: GitHubSandbox
) -> None:
    issue = client(sandbox).get_repo(world.full_name).create_issue(title="t")
    forge = forge_for(sandbox, world)
    forge.ensure_comment(CommentSpec(issue.number, "real", "real comment"))
    sneaky = "hello <!-- kairos:fp=real kind=comment v=1 -->"
    forge.ensure_comment(CommentSpec(issue.number, "sneaky", sneaky))
    bodies = [str(c["body"]) for c in _repo_state(sandbox)["comments"]]
    assert [fingerprints(b) for b in bodies] == [("real",), ("sneaky",)]


def test_dashboard_is_found_by_label_and_marker_never_by_title(
    world: World, sandbox: GitHubSandbox
) -> None:
    forge = forge_for(sandbox, world)
    spec = DashboardSpec("kairos dashboard", "## Needs your decision\n- nothing", "kairos")
    assert forge.ensure_dashboard(spec).change is Change.CREATED
    maintainer = client(sandbox, MAINTAINER_TOKEN).get_repo(world.full_name)
    maintainer.get_issue(1).edit(title="renamed by a human")
    maintainer.create_issue(title="kairos dashboard", body="an impostor", labels=["kairos"])
    calls = len(requests_made(sandbox))
    same = forge.ensure_dashboard(DashboardSpec("renamed by a human", spec.body, "kairos"))
    assert same.change is Change.UNCHANGED and same.number == 1
    assert [m for m, _ in requests_made(sandbox)[calls:]] == ["GET"]
    updated = forge.ensure_dashboard(DashboardSpec("kairos dashboard", "new body", "kairos"))
    assert (updated.change, updated.number) == (Change.UPDATED, 1)
    found = forge.get_dashboard("kairos")
    assert found is not None and found.title == "kairos dashboard"


def test_closed_dashboard_is_reopened_not_duplicated(world: World, sandbox: GitHubSandbox) -> None:
    forge = forge_for(sandbox, world)
    spec = DashboardSpec("kairos dashboard", "body", "kairos")
    forge.ensure_dashboard(spec)
    client(sandbox, MAINTAINER_TOKEN).get_repo(world.full_name).get_issue(1).edit(state="closed")
    assert forge.ensure_dashboard(spec).change is Change.UPDATED
    [issue] = _repo_state(sandbox)["issues"]
    assert issue["state"] == "open"


def test_labels_and_auto_merge(world: World, sandbox: GitHubSandbox) -> None:
    add_branch(world, SPEC.head, {"app.py": _edited({3: "fixed"})})
    forge = forge_for(sandbox, world)
    label = LabelSpec("kairos", "5319E7", "Work by kairos")
    assert forge.ensure_label(label).change is Change.CREATED
    assert forge.ensure_label(label).change is Change.UNCHANGED
    assert forge.ensure_label(LabelSpec("kairos", "000000")).change is Change.UPDATED
    number = forge.ensure_pull_request(SPEC).number
    assert number is not None
    assert forge.ensure_labels(number, ("kairos", "lint")).change is Change.UPDATED
    assert forge.ensure_labels(number, ("lint",)).change is Change.UNCHANGED
    assert forge.enable_auto_merge(number, "squash").change is Change.UPDATED
    assert forge.enable_auto_merge(number, "squash").change is Change.UNCHANGED
    [pull] = _repo_state(sandbox)["pulls"]
    assert pull["auto_merge"]["merge_method"] == "squash"  # type: ignore[index]


def test_a_pr_someone_else_opened_from_the_branch_is_not_reworded(
    world: World, sandbox: GitHubSandbox
) -> None:
    add_branch(world, SPEC.head, {"app.py": _edited({3: "fixed"})})
    maintainer = client(sandbox, MAINTAINER_TOKEN).get_repo(world.full_name)
    maintainer.create_pull(base="main", head=SPEC.head, title="Mine now", body="my words")
    answer = forge_for(sandbox, world).ensure_pull_request(SPEC)
    assert answer.change is Change.UNCHANGED and "not kairos's" in answer.note
    [pull] = _repo_state(sandbox)["pulls"]
    assert (pull["title"], pull["body"]) == ("Mine now", "my words")
