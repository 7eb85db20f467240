"""What the GitHub sandbox holds: frozen values, replaced (never mutated) on update."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

JsonObject = dict[str, Any]


class RepoRole(enum.IntEnum):
    """Repository roles, ordered so that a comparison answers "may this user ...?"."""

    NONE = 0
    READ = 1
    TRIAGE = 2
    WRITE = 3
    MAINTAIN = 4
    ADMIN = 5

    @classmethod
    def parse(cls, name: str) -> RepoRole:
        return cls[name.strip().upper()]

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class StoredUser:
    login: str
    id: int
    type: str = "User"  # or "Bot"


@dataclass(frozen=True)
class ArtifactSeed:
    name: str
    files: Mapping[str, str]  # file name -> text, zipped by the sandbox
    expired: bool = False


@dataclass(frozen=True)
class RunSeed:
    repo: str
    name: str
    head_branch: str
    event: str
    status: str
    conclusion: str | None
    head_sha: str | None = None  # None: the branch's tip when the sandbox reads it
    artifacts: tuple[ArtifactSeed, ...] = ()


@dataclass(frozen=True)
class Seed:
    """Who is who: tokens name users, users have a permission (per repo if given)."""

    tokens: Mapping[str, str]
    users: Mapping[str, StoredUser]
    permissions: Mapping[str, RepoRole]
    repo_permissions: Mapping[str, Mapping[str, RepoRole]] = field(default_factory=dict)
    runs: tuple[RunSeed, ...] = ()
    rate_limit: int = 5000
    any_token_login: str | None = None  # the user every unknown token names (demo only)

    def permission(self, repo: str, login: str) -> RepoRole:
        per_repo = self.repo_permissions.get(repo.lower(), {})
        if login in per_repo:
            return per_repo[login]
        return self.permissions.get(login, RepoRole.READ)


@dataclass(frozen=True)
class StoredLabel:
    id: int
    name: str
    color: str
    description: str | None
    default: bool = False


@dataclass(frozen=True)
class StoredIssue:
    """An issue, or the issue half of a pull request (they share numbers, as on GitHub)."""

    number: int
    id: int
    title: str
    body: str | None
    user: StoredUser
    created_at: str
    updated_at: str
    state: str = "open"
    state_reason: str | None = None
    closed_at: str | None = None
    labels: tuple[str, ...] = ()
    is_pull: bool = False


@dataclass(frozen=True)
class AutoMerge:
    enabled_by: StoredUser
    merge_method: str


@dataclass(frozen=True)
class Pull:
    number: int
    id: int
    head_ref: str
    base_ref: str
    head_sha: str  # the last head GitHub saw; refreshed from git while the branch exists
    draft: bool = False
    maintainer_can_modify: bool = False
    merged: bool = False
    auto_merge: AutoMerge | None = None


@dataclass(frozen=True)
class IssueComment:
    id: int
    issue_number: int
    body: str
    user: StoredUser
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class Reaction:
    """A reaction on an issue comment; GitHub keeps one per user and content."""

    id: int
    comment_id: int
    content: str
    user: StoredUser
    created_at: str


@dataclass(frozen=True)
class Review:
    id: int
    pull_number: int
    user: StoredUser
    body: str
    state: str
    commit_id: str
    submitted_at: str


@dataclass(frozen=True)
class StoredReviewComment:
    id: int
    review_id: int
    pull_number: int
    path: str
    line: int
    side: str
    start_line: int | None
    start_side: str | None
    position: int
    diff_hunk: str
    body: str
    user: StoredUser
    commit_id: str
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class StoredArtifact:
    id: int
    run_id: int
    name: str
    content: bytes
    expired: bool
    created_at: str


@dataclass(frozen=True)
class StoredWorkflowRun:
    id: int
    run_number: int
    name: str
    head_branch: str
    head_sha: str
    event: str
    status: str
    conclusion: str | None
    actor: StoredUser
    created_at: str


@dataclass(frozen=True)
class FaultRule:
    """Inject a failure into matching requests, by probability or for the next ``count``.

    kinds: ``5xx`` (fail before acting), ``ambiguous`` (act, then answer 502: the
    write landed but the client cannot know), ``secondary`` (403 secondary rate limit
    with ``Retry-After``), ``secondary_429``, ``primary`` (403, remaining 0, reset
    soon), ``slow`` (answer normally after ``delay_s``), ``mixed`` (one of ``kinds``,
    drawn per fault).
    """

    kind: str
    probability: float = 1.0
    count: int | None = None
    methods: tuple[str, ...] = ()
    path: str = ""  # regular expression searched in the request path
    status: int = 502
    retry_after: int = 1
    delay_s: float = 0.0
    kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str
    query: str
    status: int
    login: str | None
    operation: str | None
    fault: str | None
    authorization: bool
    route: str | None = None  # the path template the sandbox served it with


@dataclass(frozen=True)
class ContractViolation:
    """A request or response that does not match the published REST description."""

    direction: str  # "request" or "response"
    method: str
    path: str
    operation: str | None
    status: int | None
    messages: tuple[str, ...]
