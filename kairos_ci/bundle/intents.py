"""What each kind of write publishes, as a typed record, and its form in a bundle file.

A bundle file keeps each write's ``target`` and ``payload`` objects as
``schemas/bundle.schema.json`` describes them: the schema is the contract with the job that
publishes. Code reads these records' fields, never those objects' keys, and this module is
the one place that knows both shapes.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from kairos_ci.forge.records import InlineComment

Json = dict[str, Any]


class Kind(enum.StrEnum):
    PULL_REQUEST = "pull_request"
    REVIEW = "review"
    COMMENT = "comment"
    DASHBOARD = "dashboard"
    LABEL = "label"
    LABELS = "labels"
    AUTO_MERGE = "auto_merge"


@dataclass(frozen=True)
class ChangeToPush:
    """A patch (``git diff --binary``) on top of ``base_sha``, committed as kairos."""

    base_sha: str
    patch: str
    message: str


@dataclass(frozen=True)
class OpenPullRequest:
    KIND: ClassVar[Kind] = Kind.PULL_REQUEST
    branch: str
    base: str
    title: str
    body: str
    change: ChangeToPush
    labels: tuple[str, ...] = ()
    draft: bool = False
    approval: str | None = None  # the dashboard key a maintainer ticked for this patch

    def describe(self) -> str:
        return f"pull request {self.branch} -> {self.base}"


@dataclass(frozen=True)
class PostReview:
    KIND: ClassVar[Kind] = Kind.REVIEW
    pull_number: int
    body: str
    comments: tuple[InlineComment, ...]
    commit_id: str | None = None

    def describe(self) -> str:
        return f"review on #{self.pull_number}"


@dataclass(frozen=True)
class PostComment:
    KIND: ClassVar[Kind] = Kind.COMMENT
    number: int
    body: str

    def describe(self) -> str:
        return f"comment on #{self.number}"


@dataclass(frozen=True)
class EditDashboard:
    KIND: ClassVar[Kind] = Kind.DASHBOARD
    label: str
    title: str
    body: str

    def describe(self) -> str:
        return f"dashboard issue (label {self.label})"


@dataclass(frozen=True)
class EnsureLabel:
    KIND: ClassVar[Kind] = Kind.LABEL
    name: str
    color: str
    description: str | None = None

    def describe(self) -> str:
        return f"label {self.name}"


@dataclass(frozen=True)
class AddLabels:
    KIND: ClassVar[Kind] = Kind.LABELS
    number: int
    labels: tuple[str, ...]

    def describe(self) -> str:
        return f"labels on #{self.number}"


@dataclass(frozen=True)
class EnableAutoMerge:
    """Of the pull request from ``branch``, or of number ``pull_number``: exactly one is set."""

    KIND: ClassVar[Kind] = Kind.AUTO_MERGE
    method: str
    branch: str | None = None
    pull_number: int | None = None

    def describe(self) -> str:
        return f"auto-merge of {self.branch or f'#{self.pull_number}'}"


Intent = (
    OpenPullRequest
    | PostReview
    | PostComment
    | EditDashboard
    | EnsureLabel
    | AddLabels
    | EnableAutoMerge
)


def intent_json(intent: Intent) -> Json:
    """``{"target": ..., "payload": ...}`` as a bundle file holds them."""
    match intent:
        case OpenPullRequest():
            return _pull_request_json(intent)
        case PostReview():
            return _review_json(intent)
        case PostComment(number=number, body=body):
            return {"target": {"number": number}, "payload": {"body": body}}
        case EditDashboard(label=label, title=title, body=body):
            return {"target": {"label": label}, "payload": {"title": title, "body": body}}
        case EnsureLabel(name=name, color=color, description=description):
            payload = {"color": color} | _present("description", description)
            return {"target": {"name": name}, "payload": payload}
        case AddLabels(number=number, labels=labels):
            return {"target": {"number": number}, "payload": {"labels": list(labels)}}
        case EnableAutoMerge(method=method, branch=branch, pull_number=number):
            target = _present("branch", branch) | _present("pull_number", number)
            return {"target": target, "payload": {"method": method}}


def parse_intent(kind: Kind, target: Mapping[str, Any], payload: Mapping[str, Any]) -> Intent:
    """The record for a write the schema has already accepted."""
    if kind is Kind.PULL_REQUEST:
        return _pull_request(target, payload)
    if kind is Kind.REVIEW:
        return _review(target, payload)
    if kind is Kind.COMMENT:
        return PostComment(target["number"], payload["body"])
    if kind is Kind.DASHBOARD:
        return EditDashboard(target["label"], payload["title"], payload["body"])
    if kind is Kind.LABEL:
        return EnsureLabel(target["name"], payload["color"], payload.get("description"))
    if kind is Kind.LABELS:
        return AddLabels(target["number"], tuple(payload["labels"]))
    return EnableAutoMerge(payload["method"], target.get("branch"), target.get("pull_number"))


def _pull_request_json(intent: OpenPullRequest) -> Json:
    change = intent.change
    payload: Json = {
        "title": intent.title,
        "body": intent.body,
        "labels": list(intent.labels),
        "change": {"base_sha": change.base_sha, "patch": change.patch, "message": change.message},
    }
    if intent.draft:
        payload["draft"] = True
    payload |= _present("approval", intent.approval)
    return {"target": {"branch": intent.branch, "base": intent.base}, "payload": payload}


def _pull_request(target: Mapping[str, Any], payload: Mapping[str, Any]) -> OpenPullRequest:
    change = payload["change"]
    return OpenPullRequest(
        branch=target["branch"],
        base=target["base"],
        title=payload["title"],
        body=payload["body"],
        change=ChangeToPush(change["base_sha"], change["patch"], change["message"]),
        labels=tuple(payload.get("labels", ())),
        draft=bool(payload.get("draft", False)),
        approval=payload.get("approval"),
    )


def _review_json(intent: PostReview) -> Json:
    payload: Json = {"body": intent.body, "comments": [_comment_json(c) for c in intent.comments]}
    payload |= _present("commit_id", intent.commit_id)
    return {"target": {"pull_number": intent.pull_number}, "payload": payload}


def _review(target: Mapping[str, Any], payload: Mapping[str, Any]) -> PostReview:
    comments = tuple(
        InlineComment(
            path=c["path"],
            line=c["line"],
            body=c["body"],
            fingerprint=c["fingerprint"],
            side=c.get("side", "RIGHT"),
            start_line=c.get("start_line"),
        )
        for c in payload["comments"]
    )
    return PostReview(target["pull_number"], payload["body"], comments, payload.get("commit_id"))


def _comment_json(comment: InlineComment) -> Json:
    item: Json = {
        "path": comment.path,
        "line": comment.line,
        "body": comment.body,
        "fingerprint": comment.fingerprint,
        "side": comment.side,
    }
    return item | _present("start_line", comment.start_line)


def _present(key: str, value: object) -> Json:
    """``{key: value}``, or nothing when ``value`` is None: the schema has no nulls."""
    return {} if value is None else {key: value}
