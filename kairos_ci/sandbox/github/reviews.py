"""Review routes. Inline comments are checked against the real diff, as GitHub does:
one comment outside the diff rejects the whole review with a 422."""

from __future__ import annotations

from typing import Any

from kairos_ci.sandbox.github.calls import Call, HttpError, Reply, validation_failed
from kairos_ci.sandbox.github.gitview import ViewedFileDiff
from kairos_ci.sandbox.github.records import Pull, RepoRole, Review, StoredReviewComment

_STATES = {"APPROVE": "APPROVED", "REQUEST_CHANGES": "CHANGES_REQUESTED", "COMMENT": "COMMENTED"}


def create_review(call: Call) -> Reply:
    repo = call.the_repo()
    call.require(RepoRole.READ)
    pull, issue = call.pull(call.int_param("pull_number"))
    body = call.json_object()
    event = body.get("event")
    text = str(body.get("body") or "")
    comments = body.get("comments") or []
    if event in ("APPROVE", "REQUEST_CHANGES") and issue.user.login == call.user.login:
        verb = "approve" if event == "APPROVE" else "request changes on"
        raise _unprocessable(f"Can not {verb} your own pull request")
    if event in ("REQUEST_CHANGES", "COMMENT") and not text and not comments:
        raise _unprocessable("Review body is required for this event")
    commit_id = str(body.get("commit_id") or pull.head_sha)
    if repo.git.resolve(commit_id) is None:
        raise _unprocessable("Commit not found")
    files = _files(call, pull)
    placed = [_place(files, c) for c in comments]
    now = call.store.now()
    review = Review(
        id=call.store.next_id(),
        pull_number=pull.number,
        user=call.user,
        body=text,
        state=_STATES.get(str(event), "PENDING"),
        commit_id=commit_id,
        submitted_at=now,
    )
    repo.reviews[review.id] = review
    for spot, comment in zip(placed, comments, strict=True):
        _store_comment(call, pull, review.id, spot, str(comment.get("body", "")), commit_id)
    return Reply(200, call.pull_shapes().review(review))


def list_review_comments(call: Call) -> Reply:
    call.require(RepoRole.READ)
    pull, _ = call.pull(call.int_param("pull_number"))
    repo = call.the_repo()
    shapes = call.pull_shapes()
    found = [c for c in repo.review_comments.values() if c.pull_number == pull.number]
    key = "updated_at" if call.arg("sort") == "updated" else "created_at"
    found.sort(key=lambda c: (getattr(c, key), c.id), reverse=call.arg("direction") == "desc")
    since = call.arg("since")
    if since:
        found = [c for c in found if c.updated_at >= since]
    return Reply(200, [shapes.review_comment(c) for c in found], paginate=True)


def create_review_comment(call: Call) -> Reply:
    repo = call.the_repo()
    call.require(RepoRole.READ)
    pull, _ = call.pull(call.int_param("pull_number"))
    body = call.json_object()
    reply_to = body.get("in_reply_to")
    if reply_to is not None:
        parent = repo.review_comments.get(int(reply_to))
        if parent is None or parent.pull_number != pull.number:
            raise HttpError(404, "Not Found")
        spot: Spot = (
            parent.path,
            parent.line,
            parent.side,
            None,
            None,
            parent.position,
            parent.diff_hunk,
        )
    else:
        try:
            spot = _place(_files(call, pull), body)
        except HttpError:
            raise validation_failed(
                "PullRequestReviewComment",
                "pull_request_review_thread.line",
                "custom",
                "could not be resolved",
            ) from None
    review = Review(
        id=call.store.next_id(),
        pull_number=pull.number,
        user=call.user,
        body="",
        state="COMMENTED",
        commit_id=str(body.get("commit_id") or pull.head_sha),
        submitted_at=call.store.now(),
    )
    repo.reviews[review.id] = review
    stored = _store_comment(
        call, pull, review.id, spot, str(body.get("body", "")), review.commit_id
    )
    shape = call.pull_shapes().review_comment(stored)
    return Reply(201, shape, headers={"Location": shape["url"]})


Spot = tuple[str, int, str, int | None, str | None, int, str]


def _files(call: Call, pull: Pull) -> dict[str, ViewedFileDiff]:
    repo = call.the_repo()
    base_sha = repo.git.branch_sha(pull.base_ref) or pull.head_sha
    return {f.filename: f for f in repo.git.pull_diff(base_sha, pull.head_sha)}


def _place(files: dict[str, ViewedFileDiff], comment: Any) -> Spot:
    """Where a comment lands: (path, line, side, start_line, start_side, position, hunk)."""
    if not isinstance(comment, dict):
        raise _unprocessable("Comment must be an object")
    diff = files.get(str(comment.get("path", "")))
    if diff is None:
        raise _unprocessable("Path could not be resolved")
    if "line" in comment:
        side = str(comment.get("side") or "RIGHT")
        line = int(comment["line"])
        position = diff.positions.get((side, line))
        if position is None:
            raise _unprocessable("Line could not be resolved")
        start_line, start_side = _start(diff, comment, side, line, position)
        return (
            diff.filename,
            line,
            side,
            start_line,
            start_side,
            position,
            diff.hunk_until(position),
        )
    if "position" in comment:
        position = int(comment["position"])
        for (side, line), where in diff.positions.items():
            if where == position:
                return (diff.filename, line, side, None, None, position, diff.hunk_until(position))
        raise _unprocessable("Position could not be resolved")
    raise _unprocessable("Line could not be resolved")


def _start(
    diff: ViewedFileDiff, comment: dict[str, Any], side: str, line: int, position: int
) -> tuple[int | None, str | None]:
    if "start_line" not in comment:
        return None, None
    start_side = str(comment.get("start_side") or side)
    start_line = int(comment["start_line"])
    start_position = diff.positions.get((start_side, start_line))
    if start_position is None or start_position >= position:
        raise _unprocessable("Start line must precede line and be part of the same hunk")
    between = diff.patch.split("\n")[start_position:position]
    if any(text.startswith("@@") for text in between):
        raise _unprocessable("Start line must precede line and be part of the same hunk")
    return start_line, start_side


def _store_comment(
    call: Call, pull: Pull, review_id: int, spot: Spot, body: str, commit_id: str
) -> StoredReviewComment:
    path, line, side, start_line, start_side, position, hunk = spot
    now = call.store.now()
    comment = StoredReviewComment(
        id=call.store.next_id(),
        review_id=review_id,
        pull_number=pull.number,
        path=path,
        line=line,
        side=side,
        start_line=start_line,
        start_side=start_side,
        position=position,
        diff_hunk=hunk,
        body=body,
        user=call.user,
        commit_id=commit_id,
        created_at=now,
        updated_at=now,
    )
    call.the_repo().review_comments[comment.id] = comment
    return comment


def _unprocessable(reason: str) -> HttpError:
    return HttpError(422, "Unprocessable Entity", errors=[reason])
