"""Inputs and outputs of policy decisions."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from kairos_ci.config.records import Level, TaskKind


class Trigger(enum.StrEnum):
    SCHEDULE = "schedule"
    WORKFLOW_DISPATCH = "workflow_dispatch"
    PUSH = "push"
    PULL_REQUEST = "pull_request"
    PULL_REQUEST_TARGET = "pull_request_target"
    WORKFLOW_RUN = "workflow_run"
    ISSUE_COMMENT = "issue_comment"


class Permission(enum.StrEnum):
    """A user's repository permission, as the collaborator-permission API reports it."""

    ADMIN = "admin"
    MAINTAIN = "maintain"
    WRITE = "write"
    TRIAGE = "triage"
    READ = "read"
    NONE = "none"

    @property
    def can_write(self) -> bool:
        return self in (Permission.ADMIN, Permission.MAINTAIN, Permission.WRITE)


class BudgetState(enum.StrEnum):
    OK = "ok"
    NEAR = "near"  # close enough to a cap that new model work should narrow
    EXHAUSTED = "exhausted"


@dataclass(frozen=True)
class Actor:
    login: str
    permission: Permission  # from the API, never from author_association
    is_bot: bool = False


@dataclass(frozen=True)
class ChangeFacts:
    """What a task found out about its own change. Tasks report facts; only
    ``policy.autonomy`` turns them into a level."""

    unpublishable: str = ""  # why there is nothing to publish (no attempt, an empty patch)
    guard_flag: str = ""  # the first thing the test-integrity guard flagged
    # Flags the guard leaves to a human (an expected value changed along with the code):
    # they cap like a flag, and a maintainer's approval accepts them.
    guard_to_accept: str = ""
    protected: str = ""  # the first protected path the change touches, and why
    injection_signals: tuple[str, ...] = ()  # hidden content met on the way
    budget_near: str = ""  # spend after this change is near a cap: which one
    pull_request: int | None = None  # a fix for a pull request's failing run


@dataclass(frozen=True)
class Situation:
    """What policy needs to know about this run; built by the run from trusted sources."""

    trigger: Trigger
    actor: Actor | None  # None for scheduled runs: no human asked for them
    from_fork: bool = False
    budget: BudgetState = BudgetState.OK
    injection_signals: tuple[str, ...] = ()


@dataclass(frozen=True)
class Subject:
    """What a piece of work touches, for matching config rules."""

    kind: TaskKind
    paths: tuple[str, ...] = ()
    tests: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()


@dataclass(frozen=True)
class RuleOutcome:
    matched: tuple[int, ...] = ()
    cap: Level | None = None
    notify: tuple[str, ...] = ()  # logins and ``org/team`` handles, without the ``@``
    skip: bool = False
    escalate: tuple[int, ...] = ()  # the matched rules that hand the work to a human


def mentions(handles: tuple[str, ...]) -> str:
    """``@alice @acme/security``: how the people to notify are named on GitHub."""
    return " ".join(f"@{handle}" for handle in handles)


def rule_numbers(indexes: tuple[int, ...]) -> str:
    """``#1, #3``: config rules as a human counts them."""
    return ", ".join(f"#{index + 1}" for index in indexes)


@dataclass(frozen=True)
class Cap:
    level: Level
    reason: str


@dataclass(frozen=True)
class Decision:
    """The effective autonomy for one task, with every limit that applied."""

    kind: TaskKind
    level: Level
    caps: tuple[Cap, ...]
    skip: bool = False
    notify: tuple[str, ...] = ()
    escalated_by: tuple[int, ...] = ()  # config rules that keep kairos from acting

    def why(self) -> str:
        binding = [c.reason for c in self.caps if c.level == self.level]
        if self.skip:
            return "skipped by a config rule"
        if self.escalated_by:
            return f"escalated to a human by config rule {rule_numbers(self.escalated_by)}"
        return f"{self.level}: " + "; ".join(binding)


@dataclass(frozen=True)
class Escalation:
    """Work a config rule hands to a human: kairos does not act on it, it alerts them."""

    target: str  # what the work is (a branch, a test id)
    rules: tuple[int, ...]
    notify: tuple[str, ...]

    def alert(self) -> str:
        people = mentions(self.notify) or "a maintainer (the rule names nobody to notify)"
        return (
            f"{self.target}: escalated by config rule {rule_numbers(self.rules)}; "
            f"kairos did not act. For {people}."
        )


@dataclass(frozen=True)
class PathChange:
    """One path a patch changes. ``old_path`` is set for renames and copies."""

    path: str
    old_path: str | None = None
    symlink_target: str | None = None  # set when the new file is a symlink


@dataclass(frozen=True)
class Violation:
    path: str
    reason: str
