"""Records shared by memory (which stores test history) and verdicts (which judge it)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

# One enum for parsed results and for history: defined in signals (the lower layer).
from kairos_ci.signals.records import Outcome

__all__ = ["HistoryEntry", "Outcome", "Verdict"]


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
