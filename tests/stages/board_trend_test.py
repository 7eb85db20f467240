"""Reading test history for the dashboard: failure rate, first failure, the trend."""

from __future__ import annotations

from kairos_ci.memory.records import RunRecord, RunResult
from kairos_ci.signals.records import Outcome
from kairos_ci.stages.board_trend import TREND_RUNS, failure_rate, first_failure, trend
from kairos_ci.verdicts.records import HistoryEntry


def entry(run: int, outcome: Outcome) -> HistoryEntry:
    return HistoryEntry("s", "t", f"r{run}", outcome, None, at(run))


def at(run: int) -> str:
    return f"2026-{1 + run // 28:02d}-{1 + run % 28:02d}T03:{run % 60:02d}:00Z"


def record(run: int) -> RunRecord:
    return RunRecord(f"r{run}", "schedule", "s", at(run), RunResult.SUCCESS)


def test_the_failure_rate_counts_retries_as_failures_and_leaves_skips_out() -> None:
    history = [
        entry(1, Outcome.PASSED),
        entry(2, Outcome.SKIPPED),
        entry(3, Outcome.FLAKY),
        entry(4, Outcome.ERRORED),
    ]
    assert failure_rate(history) == (2, 3)
    assert failure_rate([]) == (0, 0)


def test_the_first_failure_is_the_oldest_remembered_one() -> None:
    history = [entry(1, Outcome.PASSED), entry(2, Outcome.FLAKY), entry(3, Outcome.FAILED)]
    assert first_failure(history) == history[1]
    assert first_failure([entry(1, Outcome.PASSED)]) is None


def test_the_trend_keeps_the_last_runs_with_tests_in_run_order() -> None:
    runs = [record(n) for n in range(1, 41)]
    histories = {
        "a": [entry(n, Outcome.PASSED if n % 2 else Outcome.FAILED) for n in range(1, 41)],
        "b": [entry(n, Outcome.PASSED) for n in range(1, 40)],  # not run in run 40
    }
    points = trend(runs, histories, frozenset({"a"}))
    assert len(points) == TREND_RUNS
    assert points[0].label == at(11)[5:10] + " " + at(11)[11:16]
    assert (points[-2].pass_rate, points[-2].flaky) == (1.0, 0)  # run 39: both passed
    assert (points[-1].pass_rate, points[-1].flaky) == (0.0, 1)  # run 40: "a" failed alone


def test_runs_that_ran_no_tests_are_not_points() -> None:
    runs = [record(1), record(2)]
    assert [p.label for p in trend(runs, {"a": [entry(2, Outcome.PASSED)]}, frozenset())] == [
        at(2)[5:10] + " " + at(2)[11:16]
    ]
    assert trend(runs, {}, frozenset()) == ()


def test_runs_in_the_same_minute_are_told_apart_by_their_seconds() -> None:
    runs = [
        RunRecord(f"r{n}", "schedule", "s", f"2026-12-07T13:33:0{n}Z", RunResult.SUCCESS)
        for n in (1, 2)
    ]
    histories = {"a": [HistoryEntry("s", "t", f"r{n}", Outcome.PASSED, None, "") for n in (1, 2)]}
    assert [p.label for p in trend(runs, histories, frozenset())] == [
        "12-07 13:33:01",
        "12-07 13:33:02",
    ]
