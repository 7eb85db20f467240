"""What the dashboard shows, and what a human ticked on it."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Action(enum.StrEnum):
    """What ticking a box asks kairos to do on its next run."""

    APPROVE = "approve"  # promote a suggestion to a pull request
    RETRY = "retry"  # try a failed or skipped task again
    IGNORE = "ignore"  # never propose this again
    RECREATE = "recreate"  # discard a branch a human took over and start afresh
    RUN = "run"  # do it now, past a limit or a schedule


@dataclass(frozen=True)
class BoxDecision:
    """A line under "Needs your decision": a box with a hidden key."""

    action: Action
    key: str  # the fingerprint the action applies to
    text: str
    detail: str = ""
    checked: bool = False


@dataclass(frozen=True)
class PullLine:
    """A kairos pull request, named by its branch: the branch is known before the PR
    exists, so a dry run's bundle renders the same dashboard as a direct run."""

    branch: str
    title: str
    state: str  # e.g. "awaiting review", "a human committed: kairos stopped updating"


@dataclass(frozen=True)
class TestLine:
    test_id: str
    verdict: str  # "flaky", "broken", ...
    evidence: str  # e.g. "failed 3 of the last 10 runs"


@dataclass(frozen=True)
class RunLine:
    when: str
    event: str
    outcome: str
    url: str | None = None


@dataclass(frozen=True)
class BudgetLine:
    period: str  # "this run", "today", "this month"
    spent_usd: float
    cap_usd: float


@dataclass(frozen=True)
class MemoryHealth:
    ok: bool
    note: str


@dataclass(frozen=True)
class Dashboard:
    """Everything one render needs. Rendering is pure: the same value, the same text."""

    decisions: tuple[BoxDecision, ...] = ()
    pulls: tuple[PullLine, ...] = ()
    tests: tuple[TestLine, ...] = ()
    runs: tuple[RunLine, ...] = ()
    budget: tuple[BudgetLine, ...] = ()
    memory: MemoryHealth | None = None
    attention: tuple[str, ...] = ()  # problems a human must fix (bad config, permissions)


@dataclass(frozen=True)
class Checkbox:
    """A box read back from the issue body: its action, its key, and whether it is ticked."""

    action: Action
    key: str
    checked: bool
