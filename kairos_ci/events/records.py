"""What kairos needs from each triggering event, and nothing else."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True)
class User:
    login: str
    is_bot: bool


@dataclass(frozen=True)
class Repository:
    full_name: str
    default_branch: str | None


@dataclass(frozen=True)
class ScheduledTick:
    schedule: str
    repository: Repository | None = None


@dataclass(frozen=True)
class ManualDispatch:
    ref: str
    sender: User
    inputs: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    repository: Repository | None = None


@dataclass(frozen=True)
class PullRequestChanged:
    action: str
    number: int
    title: str
    body: str  # untrusted text: data for the model, never instructions
    draft: bool
    author: User
    sender: User
    head_sha: str
    head_ref: str
    head_repo: str | None  # None when the fork was deleted
    base_sha: str
    base_ref: str
    labels: tuple[str, ...]
    repository: Repository

    @property
    def from_fork(self) -> bool:
        return self.head_repo != self.repository.full_name


@dataclass(frozen=True)
class WorkflowRunCompleted:
    action: str
    run_id: int
    name: str
    conclusion: str | None
    head_sha: str
    head_branch: str | None
    head_repo: str | None
    triggering_event: str
    pull_numbers: tuple[int, ...]  # empty for fork PRs: look them up by head_sha
    actor: User
    repository: Repository

    @property
    def from_fork(self) -> bool:
        return self.head_repo != self.repository.full_name


@dataclass(frozen=True)
class IssueCommentCreated:
    action: str  # only "created" may run commands; "edited" is ignored
    issue_number: int
    on_pull_request: bool
    comment_id: int
    body: str  # untrusted text
    author: User
    author_association: str  # informational only: permission comes from the API
    repository: Repository
    sender: User | None = None  # who acted: for "edited", the editor, not the author
    previous_body: str | None = None  # "edited": the body before the edit (changes.body.from)


@dataclass(frozen=True)
class IssueLabeled:
    """An ``issues`` event; only ``labeled`` carries a label."""

    action: str
    issue_number: int
    title: str  # untrusted text
    body: str  # untrusted text
    label: str | None  # the label added (``labeled``), else None
    sender: User  # who labelled: the one authorised
    repository: Repository


@dataclass(frozen=True)
class PushedCommits:
    ref: str
    before: str
    after: str
    sender: User
    repository: Repository


Event = (
    ScheduledTick
    | ManualDispatch
    | PullRequestChanged
    | WorkflowRunCompleted
    | IssueCommentCreated
    | IssueLabeled
    | PushedCommits
)
