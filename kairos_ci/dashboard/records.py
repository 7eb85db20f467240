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


class TestState(enum.StrEnum):
    """The one vocabulary for a test's state: the dashboard's, the summary's and the demo's."""

    BROKEN = "broken"
    FLAKY = "flaky"
    FAILING = "failing"
    NEW = "new"
    HEALTHY = "healthy"


MEANING = {
    TestState.BROKEN: "failed on each of the latest commits: a real regression",
    TestState.FLAKY: "passed and failed on the same code: its failures say nothing about a change",
    TestState.FAILING: "failing now, on too few commits yet to call it broken",
    TestState.NEW: "too few runs yet to judge",
    TestState.HEALTHY: "passing steadily",
}


@dataclass(frozen=True)
class PullLine:
    """A kairos pull request, named by its branch: the branch is known before the PR
    exists, so a dry run's bundle renders the same dashboard as a direct run."""

    branch: str
    title: str
    state: str  # e.g. "awaiting review", "a human committed: kairos stopped updating"
    number: int | None = None  # None until the PR is opened
    run: str = ""  # the run that last wrote the branch
    run_url: str | None = None


@dataclass(frozen=True)
class TestLine:
    test_id: str
    verdict: str  # a ``TestState``
    evidence: str  # e.g. "failed 3 of the last 10 runs"
    since: str = ""  # the day of its first remembered failure
    failed: str = ""  # its failure rate, e.g. "4 of 12 runs"
    message: str = ""  # its failure message in this run, from the test report (untrusted)


@dataclass(frozen=True)
class TrendPoint:
    """One run in the trend chart: the share of tests that passed, and flaky failures."""

    label: str  # e.g. "12-05 03:00"
    pass_rate: float  # 0..1, retries that passed count as passed
    flaky: int  # tests judged flaky that failed (or passed only on a retry) in this run


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
class PlanSection:
    """One approved plan's progress as the coordinator's tracker renders it: Markdown in
    which every text from the board is already inert data (``coordinator.progress``)."""

    markdown: str
    # 16 hex digits of what the board holds apart from the time: the section's text
    # (elapsed times, the ETA) moves with the clock, this changes only with the board.
    state: str


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
    trend: tuple[TrendPoint, ...] = ()  # oldest first
    plans: tuple[PlanSection, ...] = ()  # approved plans with work left, latest moved first
    more_plans: int = 0  # plans with work left beyond those shown


@dataclass(frozen=True)
class Checkbox:
    """A box read back from the issue body: its action, its key, and whether it is ticked."""

    action: Action
    key: str
    checked: bool
