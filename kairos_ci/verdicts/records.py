"""Records shared by memory (which stores test history) and verdicts (which judge it)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

# One enum for parsed results and for history: defined in signals (the lower layer).
from kairos_ci.signals.records import Outcome

__all__ = [
    "CoFailure",
    "HistoryEntry",
    "Outcome",
    "RunChanges",
    "TestVerdict",
    "Thresholds",
    "Verdict",
]


class Verdict(enum.StrEnum):
    NEW = "new"
    HEALTHY = "healthy"
    FLAKY = "flaky"
    BROKEN = "broken"


@dataclass(frozen=True)
class HistoryEntry:
    """One test's outcome in one run, as memory keeps it (bounded per test)."""

    sha: str  # commit the tests ran on
    tree: str  # tree of that commit: the same tree on two commits is the same code
    run_id: str
    outcome: Outcome
    duration_s: float | None
    at: str  # ISO 8601 UTC, e.g. "2026-11-27T03:00:00Z"


@dataclass(frozen=True)
class Thresholds:
    """Every number the verdict rules use; the defaults follow the research (Trunk,
    BuildPulse, Buildkite, Mergify): see docs/evidence.md."""

    window_days: int = 30  # flaky from history: only runs this recent count
    rate: float = 0.10  # flaky when at least this share of scored runs failed...
    rate_min_runs: int = 20  # ...over at least this many runs
    flips: int = 3  # flaky at this many pass/fail flips...
    flip_runs: int = 20  # ...within this many most recent runs
    broken_commits: int = 3  # broken: failed on this many latest distinct commits
    healthy_runs: int = 20  # healthy again after this many clean runs since the last evidence
    healthy_days: int = 7  # ...or this many days without new evidence
    infra_ratio: float = 0.80  # a run where this share of tests failed is left out...
    infra_min_tests: int = 5  # ...when it ran at least this many tests
    cofailure_support: int = 2  # co-failure: failed in at least this many runs touching the path
    cofailure_confidence: float = 0.5  # ...and in at least this share of them

    def __post_init__(self) -> None:
        whole = (
            "window_days", "rate_min_runs", "flips", "flip_runs", "broken_commits",
            "healthy_runs", "healthy_days", "infra_min_tests", "cofailure_support",
        )  # fmt: skip
        for name in whole:
            if getattr(self, name) < 1:
                raise ValueError(f"verdict threshold {name} must be at least 1")
        for name in ("rate", "infra_ratio", "cofailure_confidence"):
            if not 0 < getattr(self, name) <= 1:
                raise ValueError(f"verdict threshold {name} must be in (0, 1]")


@dataclass(frozen=True)
class TestVerdict:
    """A test's verdict, why, and the runs that show it."""

    __test__ = False  # not a pytest test class, despite the name

    test_id: str
    verdict: Verdict
    reasons: tuple[str, ...]
    evidence: tuple[str, ...]  # run ids


@dataclass(frozen=True)
class RunChanges:
    """One run: the paths its change touched and the tests that failed in it."""

    run_id: str
    changed: frozenset[str]
    failing: frozenset[str]


@dataclass(frozen=True)
class CoFailure:
    """Changing ``path`` has gone with ``test_id`` failing: warn early on a PR touching it."""

    path: str
    test_id: str
    support: int  # runs that changed the path and saw the test fail
    confidence: float  # support / runs that changed the path
    evidence: tuple[str, ...] = ()  # run ids, when known
