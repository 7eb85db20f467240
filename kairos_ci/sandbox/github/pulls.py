"""Pull request routes: list, create, get, update, files."""

from __future__ import annotations

from dataclasses import replace

from kairos_ci.sandbox.github.calls import Call, HttpError, Reply, validation_failed
from kairos_ci.sandbox.github.records import Pull, RepoRole, StoredIssue


def list_pulls(call: Call) -> Reply:
    repo = call.the_repo()
    call.require(RepoRole.READ)
    state = call.arg("state", "open")
    head = call.arg("head")
    base = call.arg("base")
    shapes = call.pull_shapes()
    found = []
    for number in sorted(repo.pulls, reverse=call.arg("direction", "desc") == "desc"):
        pull, issue = call.pull(number)
        if state != "all" and issue.state != state:
            continue
        if head and head not in (f"{repo.owner.login}:{pull.head_ref}", pull.head_ref):
            continue
        if base and base != pull.base_ref:
            continue
        found.append(shapes.pull(pull, issue, full=False))
    return Reply(200, found, paginate=True)


def create_pull(call: Call) -> Reply:
    repo = call.the_repo()
    call.require(RepoRole.WRITE)
    body = call.json_object()
    head_ref = _own_branch(call, str(body.get("head", "")))
    base_ref = str(body.get("base", ""))
    title = body.get("title")
    if not isinstance(title, str) or not title.strip():
        raise validation_failed("PullRequest", "title", "missing_field")
    head_sha = _check_new_pull(call, head_ref, base_ref)
    now = call.store.now()
    number = repo.next_number()
    issue = StoredIssue(
        number=number,
        id=call.store.next_id(),
        title=title,
        body=_text(body.get("body")),
        user=call.user,
        created_at=now,
        updated_at=now,
        is_pull=True,
    )
    pull = Pull(
        number=number,
        id=call.store.next_id(),
        head_ref=head_ref,
        base_ref=base_ref,
        head_sha=head_sha,
        draft=bool(body.get("draft", False)),
        maintainer_can_modify=bool(body.get("maintainer_can_modify", False)),
    )
    repo.issues[number] = issue
    repo.pulls[number] = pull
    shape = call.pull_shapes().pull(pull, issue, full=True)
    return Reply(201, shape, headers={"Location": shape["url"]})


def get_pull(call: Call) -> Reply:
    call.require(RepoRole.READ)
    pull, issue = call.pull(call.int_param("pull_number"))
    return Reply(200, call.pull_shapes().pull(pull, issue, full=True))


def update_pull(call: Call) -> Reply:
    repo = call.the_repo()
    pull, issue = call.pull(call.int_param("pull_number"))
    call.require(RepoRole.WRITE, owner=issue.user)
    body = call.json_object()
    changes: dict[str, object] = {}
    if "title" in body:
        changes["title"] = str(body["title"])
    if "body" in body:
        changes["body"] = _text(body["body"])
    state = body.get("state")
    if state in ("open", "closed") and state != issue.state:
        if state == "open" and pull.merged:
            raise validation_failed("PullRequest", "state", "invalid")
        changes["state"] = state
        changes["closed_at"] = call.store.now() if state == "closed" else None
    if "base" in body:
        if repo.git.branch_sha(str(body["base"])) is None:
            raise validation_failed("PullRequest", "base", "invalid")
        pull = replace(pull, base_ref=str(body["base"]))
    if "maintainer_can_modify" in body:
        pull = replace(pull, maintainer_can_modify=bool(body["maintainer_can_modify"]))
    if changes:
        issue = replace(issue, updated_at=call.store.now(), **changes)  # type: ignore[arg-type]
    repo.issues[issue.number] = issue
    repo.pulls[pull.number] = pull
    return Reply(200, call.pull_shapes().pull(pull, issue, full=True))


def list_files(call: Call) -> Reply:
    call.require(RepoRole.READ)
    pull, _ = call.pull(call.int_param("pull_number"))
    repo = call.the_repo()
    base_sha = repo.git.branch_sha(pull.base_ref) or pull.head_sha
    shapes = call.pull_shapes()
    files = repo.git.pull_diff(base_sha, pull.head_sha)
    if len(files) > 3000:  # GitHub's cap on a PR's file list
        files = files[:3000]
    return Reply(200, [shapes.file(f, pull.head_sha) for f in files], paginate=True)


def _check_new_pull(call: Call, head_ref: str, base_ref: str) -> str:
    """The head sha, or the 422 GitHub gives for this head and base."""
    repo = call.the_repo()
    head_sha = repo.git.branch_sha(head_ref)
    if head_sha is None:
        raise validation_failed("PullRequest", "head", "invalid")
    base_sha = repo.git.branch_sha(base_ref)
    if base_sha is None:
        raise validation_failed("PullRequest", "base", "invalid")
    for number, pull in repo.pulls.items():
        same = (pull.head_ref, pull.base_ref) == (head_ref, base_ref)
        if same and repo.issues[number].state == "open":
            raise _custom(f"A pull request already exists for {repo.owner.login}:{head_ref}.")
    if not repo.git.commits_between(base_sha, head_sha):
        raise _custom(f"No commits between {base_ref} and {head_ref}")
    return head_sha


def _custom(message: str) -> HttpError:
    error = {"resource": "PullRequest", "code": "custom", "message": message}
    return HttpError(422, "Validation Failed", errors=[error])


def _own_branch(call: Call, head: str) -> str:
    repo = call.the_repo()
    owner, sep, branch = head.partition(":")
    if not sep:
        return head
    if owner.lower() != repo.owner.login.lower():
        # Forks are not emulated: a head in another account does not exist here.
        raise validation_failed("PullRequest", "head", "invalid")
    return branch


def _text(value: object) -> str | None:
    return None if value is None else str(value)
