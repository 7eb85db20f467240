"""What kairos reads from and asks of GitHub, as plain frozen values.

``*Spec`` values say what should exist; the forge makes it so, idempotently, and
answers with an ``Ensured``. The other records are what it reads back.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Change(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Ensured:
    """The outcome of one ensure: what changed, on which object, and a note for humans."""

    change: Change
    number: int | None = None  # issue/PR number, or comment/review id
    url: str | None = None
    note: str = ""


@dataclass(frozen=True)
class PullRequestSpec:
    head: str  # branch name in the same repository
    base: str
    title: str
    body: str
    fingerprint: str
    labels: tuple[str, ...] = ()
    draft: bool = False


@dataclass(frozen=True)
class InlineComment:
    path: str
    line: int
    body: str
    fingerprint: str
    side: str = "RIGHT"
    start_line: int | None = None


@dataclass(frozen=True)
class ReviewSpec:
    """One review per PR run: every inline comment travels in a single request."""

    pull_number: int
    fingerprint: str
    body: str
    comments: tuple[InlineComment, ...] = ()
    commit_id: str | None = None


@dataclass(frozen=True)
class CommentSpec:
    issue_number: int
    fingerprint: str
    body: str


@dataclass(frozen=True)
class DashboardSpec:
    title: str
    body: str
    label: str
    fingerprint: str = "dashboard"


@dataclass(frozen=True)
class LabelSpec:
    name: str
    color: str = "ededed"
    description: str | None = None


@dataclass(frozen=True)
class PullRequest:
    number: int
    url: str
    node_id: str
    title: str
    body: str
    author: str
    head: str
    head_sha: str
    base: str
    state: str  # "open" or "closed"
    merged: bool
    labels: tuple[str, ...] = ()
    draft: bool = False
    auto_merge: str | None = None  # the merge method, when auto-merge is on
    base_sha: str = ""  # the base branch's tip as GitHub reported it
    head_repo: str | None = None  # OWNER/NAME of the head; another name: a fork (None: deleted)


@dataclass(frozen=True)
class Issue:
    number: int
    url: str
    title: str
    body: str
    author: str
    state: str
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Comment:
    id: int
    url: str
    body: str
    author: str


@dataclass(frozen=True)
class ReviewComment:
    id: int
    path: str
    line: int | None
    body: str
    author: str


@dataclass(frozen=True)
class Label:
    name: str
    color: str
    description: str | None


@dataclass(frozen=True)
class PullFile:
    filename: str
    status: str
    additions: int
    deletions: int
    patch: str | None
    previous_filename: str | None = None


@dataclass(frozen=True)
class WorkflowRun:
    id: int
    name: str
    head_branch: str | None
    head_sha: str
    event: str
    status: str | None
    conclusion: str | None
    url: str


@dataclass(frozen=True)
class Artifact:
    id: int
    name: str
    size_in_bytes: int
    expired: bool
    run_id: int
