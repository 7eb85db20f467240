"""This run's test outcomes as history entries for memory's journal, and the thresholds
the config sets for judging them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from kairos_ci.config.records import Config
from kairos_ci.signals.records import Outcome, TestResult
from kairos_ci.verdicts.records import HistoryEntry, Thresholds

# When one test id appears in several reports (a matrix, a rerun job), the worst
# outcome is the one that counts: a failure must never be hidden by a pass elsewhere.
_SEVERITY = {
    Outcome.SKIPPED: 0,
    Outcome.PASSED: 1,
    Outcome.FLAKY: 2,
    Outcome.FAILED: 3,
    Outcome.ERRORED: 4,
}


def entries(
    tests: Iterable[TestResult], *, sha: str, tree: str, run_id: str, at: str
) -> Mapping[str, HistoryEntry]:
    """One entry per test id: the worst outcome this run saw for it."""
    worst: dict[str, TestResult] = {}
    for test in tests:
        seen = worst.get(test.id)
        if seen is None or _SEVERITY[Outcome(test.outcome)] > _SEVERITY[Outcome(seen.outcome)]:
            worst[test.id] = test
    return {
        test_id: HistoryEntry(sha, tree, run_id, Outcome(t.outcome), t.duration_s, at)
        for test_id, t in sorted(worst.items())
    }


def thresholds(config: Config) -> Thresholds:
    """The verdict thresholds the config sets; every other one keeps its default."""
    return Thresholds(broken_commits=config.tests.broken_commits)
