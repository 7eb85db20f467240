"""Issue, issue comment and label routes."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from kairos_ci.sandbox.github.calls import Call, HttpError, Reply, validation_failed
from kairos_ci.sandbox.github.records import IssueComment, RepoRole, StoredIssue, StoredLabel
from kairos_ci.sandbox.github.store import RepoState

BODY_LIMIT = 65536
_COLOR = re.compile(r"^[0-9a-fA-F]{6}$")


def list_issues(call: Call) -> Reply:
    repo = call.the_repo()
    call.require(RepoRole.READ)
    state = call.arg("state", "open")
    wanted = [n.strip().lower() for n in (call.arg("labels") or "").split(",") if n.strip()]
    creator = call.arg("creator")
    since = call.arg("since")
    found = []
    for issue in repo.issues.values():
        have = {n.lower() for n in issue.labels}
        if state != "all" and issue.state != state:
            continue
        if any(n not in have for n in wanted):
            continue
        if creator and issue.user.login != creator:
            continue
        if since and issue.updated_at < since:
            continue
        found.append(issue)
    key = "updated_at" if call.arg("sort") == "updated" else "created_at"
    found.sort(key=lambda i: (getattr(i, key), i.number), reverse=call.arg("direction") != "asc")
    shapes = call.pull_shapes()
    return Reply(200, [shapes.issue(i) for i in found], paginate=True)


def create_issue(call: Call) -> Reply:
    repo = call.the_repo()
    call.require(RepoRole.READ)
    body = call.json_object()
    title = body.get("title")
    if title is None or not str(title).strip():
        raise validation_failed("Issue", "title", "missing_field")
    text = _body(body.get("body"))
    labels: tuple[str, ...] = ()
    if call.permission() >= RepoRole.TRIAGE:  # GitHub drops them silently otherwise
        labels = _ensure_labels(call, body.get("labels") or [])
    now = call.store.now()
    issue = StoredIssue(
        number=repo.next_number(),
        id=call.store.next_id(),
        title=str(title),
        body=text,
        user=call.user,
        created_at=now,
        updated_at=now,
        labels=labels,
    )
    repo.issues[issue.number] = issue
    shape = call.pull_shapes().issue(issue)
    return Reply(201, shape, headers={"Location": shape["url"]})


def get_issue(call: Call) -> Reply:
    call.require(RepoRole.READ)
    issue = call.issue(call.int_param("issue_number"))
    return Reply(200, call.pull_shapes().issue(issue))


def update_issue(call: Call) -> Reply:
    repo = call.the_repo()
    issue = call.issue(call.int_param("issue_number"))
    call.require(RepoRole.TRIAGE, owner=issue.user)
    body = call.json_object()
    changes: dict[str, Any] = {}
    if body.get("title") is not None:
        changes["title"] = str(body["title"])
    if "body" in body:
        changes["body"] = _body(body["body"])
    state = body.get("state")
    if state in ("open", "closed") and state != issue.state:
        if issue.is_pull and repo.pulls[issue.number].merged:
            raise validation_failed("Issue", "state", "invalid")
        changes["state"] = state
        changes["closed_at"] = call.store.now() if state == "closed" else None
        changes["state_reason"] = body.get("state_reason") or (
            "completed" if state == "closed" else "reopened"
        )
    if "labels" in body and call.permission() >= RepoRole.TRIAGE:
        changes["labels"] = _ensure_labels(call, body["labels"] or [])
    if changes:
        issue = replace(issue, updated_at=call.store.now(), **changes)
        repo.issues[issue.number] = issue
    return Reply(200, call.pull_shapes().issue(issue))


def list_comments(call: Call) -> Reply:
    repo = call.the_repo()
    call.require(RepoRole.READ)
    number = call.issue(call.int_param("issue_number")).number
    since = call.arg("since")
    found = [
        c
        for c in sorted(repo.comments.values(), key=lambda c: c.id)
        if c.issue_number == number and (not since or c.updated_at >= since)
    ]
    full = repo.full_name
    api = f"{call.shapes.base}/repos/{full}"
    return Reply(200, [call.shapes.issue_comment(api, full, c) for c in found], paginate=True)


def create_comment(call: Call) -> Reply:
    repo = call.the_repo()
    call.require(RepoRole.READ)
    number = call.issue(call.int_param("issue_number")).number
    text = _body(call.json_object().get("body"))
    if not text:
        raise validation_failed("IssueComment", "body", "missing_field")
    now = call.store.now()
    comment = IssueComment(call.store.next_id(), number, text, call.user, now, now)
    repo.comments[comment.id] = comment
    shape = call.shapes.issue_comment(
        f"{call.shapes.base}/repos/{repo.full_name}", repo.full_name, comment
    )
    return Reply(201, shape, headers={"Location": shape["url"]})


def get_comment(call: Call) -> Reply:
    call.require(RepoRole.READ)
    comment = _comment(call)
    repo = call.the_repo()
    api = f"{call.shapes.base}/repos/{repo.full_name}"
    return Reply(200, call.shapes.issue_comment(api, repo.full_name, comment))


def update_comment(call: Call) -> Reply:
    repo = call.the_repo()
    comment = _comment(call)
    call.require(RepoRole.WRITE, owner=comment.user)
    text = _body(call.json_object().get("body"))
    if not text:
        raise validation_failed("IssueComment", "body", "missing_field")
    comment = replace(comment, body=text, updated_at=call.store.now())
    repo.comments[comment.id] = comment
    api = f"{call.shapes.base}/repos/{repo.full_name}"
    return Reply(200, call.shapes.issue_comment(api, repo.full_name, comment))


def add_labels(call: Call) -> Reply:
    repo = call.the_repo()
    call.require(RepoRole.TRIAGE)
    issue = call.issue(call.int_param("issue_number"))
    body = call.body
    names = body.get("labels") if isinstance(body, dict) else body
    if not isinstance(names, list) or not names:
        raise validation_failed("Label", "labels", "missing_field")
    added = _ensure_labels(call, names)
    merged = tuple(dict.fromkeys([*issue.labels, *added]))
    repo.issues[issue.number] = replace(issue, labels=merged, updated_at=call.store.now())
    api = f"{call.shapes.base}/repos/{repo.full_name}"
    return Reply(200, [call.shapes.label(api, lbl) for n in merged if (lbl := repo.label(n))])


def create_label(call: Call) -> Reply:
    repo = call.the_repo()
    call.require(RepoRole.WRITE)
    body = call.json_object()
    name = str(body.get("name") or "").strip()
    if not name:
        raise validation_failed("Label", "name", "missing_field")
    if repo.label(name) is not None:
        raise validation_failed("Label", "name", "already_exists")
    label = _new_label(call, repo, name, body.get("color"), body.get("description"))
    shape = call.shapes.label(f"{call.shapes.base}/repos/{repo.full_name}", label)
    return Reply(201, shape, headers={"Location": shape["url"]})


def get_label(call: Call) -> Reply:
    repo = call.the_repo()
    call.require(RepoRole.READ)
    label = repo.label(call.params["name"])
    if label is None:
        raise HttpError(404, "Not Found")
    return Reply(200, call.shapes.label(f"{call.shapes.base}/repos/{repo.full_name}", label))


def update_label(call: Call) -> Reply:
    repo = call.the_repo()
    call.require(RepoRole.WRITE)
    old = repo.label(call.params["name"])
    if old is None:
        raise HttpError(404, "Not Found")
    body = call.json_object()
    color = str(body.get("color", old.color)).lstrip("#")
    if not _COLOR.match(color):
        raise validation_failed("Label", "color", "invalid")
    label = replace(
        old,
        name=str(body.get("new_name") or old.name),
        color=color.lower(),
        description=body.get("description", old.description),
    )
    del repo.labels[old.name.lower()]
    repo.labels[label.name.lower()] = label
    if label.name != old.name:
        for issue in list(repo.issues.values()):
            renamed = tuple(label.name if n == old.name else n for n in issue.labels)
            repo.issues[issue.number] = replace(issue, labels=renamed)
    return Reply(200, call.shapes.label(f"{call.shapes.base}/repos/{repo.full_name}", label))


def _comment(call: Call) -> IssueComment:
    found = call.the_repo().comments.get(call.int_param("comment_id"))
    if found is None:
        raise HttpError(404, "Not Found")
    return found


def _ensure_labels(call: Call, names: list[Any]) -> tuple[str, ...]:
    repo = call.the_repo()
    result = []
    for item in names:
        name = str(item.get("name") if isinstance(item, dict) else item).strip()
        if not name:
            continue
        label = repo.label(name) or _new_label(call, repo, name, None, None)
        result.append(label.name)
    return tuple(dict.fromkeys(result))


def _new_label(call: Call, repo: RepoState, name: str, color: Any, description: Any) -> StoredLabel:
    hex_color = str(color or "ededed").lstrip("#")
    if not _COLOR.match(hex_color):
        raise validation_failed("Label", "color", "invalid")
    label = StoredLabel(call.store.next_id(), name, hex_color.lower(), description)
    repo.labels[name.lower()] = label
    return label


def _body(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value)
    if len(text) > BODY_LIMIT:
        raise validation_failed(
            "Issue", "body", "custom", "body is too long (maximum is 65536 characters)"
        )
    return text
