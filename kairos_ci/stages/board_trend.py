"""What the dashboard reads from test history: a test's failure rate and first failure,
and the trend of the last runs (pass rate, flaky failures). Pure; each test's history is
read as a sequence of ``HistoryEntry``, oldest first, whatever memory stores it as."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kairos_ci.dashboard.records import TrendPoint
from kairos_ci.memory.records import RunRecord
from kairos_ci.verdicts.history import FAILING
from kairos_ci.verdicts.records import HistoryEntry, Outcome

TREND_RUNS = 30
FAILED_ONCE = FAILING | {Outcome.FLAKY}  # a retry that passed still failed first
PASSED = frozenset({Outcome.PASSED, Outcome.FLAKY})  # passed, retries included


def failure_rate(history: Sequence[HistoryEntry]) -> tuple[int, int]:
    """(runs it failed in, runs it ran in) over its remembered history."""
    ran = [e for e in history if e.outcome is not Outcome.SKIPPED]
    return sum(1 for e in ran if e.outcome in FAILED_ONCE), len(ran)


def first_failure(history: Sequence[HistoryEntry]) -> HistoryEntry | None:
    """Its oldest remembered failure: since when it has been failing (now and then)."""
    return next((e for e in history if e.outcome in FAILED_ONCE), None)


def trend(
    runs: Sequence[RunRecord],
    histories: Mapping[str, Sequence[HistoryEntry]],
    flaky: frozenset[str],
) -> tuple[TrendPoint, ...]:
    """One point per run that ran tests, for the last ``TREND_RUNS`` of ``runs`` (oldest
    first). A flaky failure is a failure, or a passing retry, of a test in ``flaky``."""
    counts: dict[str, list[int]] = {}  # run id -> [ran, passed, flaky failures]
    for test_id, history in histories.items():
        # A run adds at most one entry per test: its last entries cover the last runs.
        for entry in history[-TREND_RUNS:]:
            if entry.outcome is Outcome.SKIPPED:
                continue
            count = counts.setdefault(entry.run_id, [0, 0, 0])
            count[0] += 1
            count[1] += entry.outcome in PASSED
            count[2] += test_id in flaky and entry.outcome in FAILED_ONCE
    at = {r.run_id: r.at for r in runs}  # in run order, each run once
    shown = [run for run in at if run in counts][-TREND_RUNS:]
    labels = _labels([at[run] for run in shown])
    return tuple(
        TrendPoint(label, counts[run][1] / counts[run][0], counts[run][2])
        for label, run in zip(labels, shown, strict=True)
    )


def _labels(times: list[str]) -> list[str]:
    """ "2026-12-05T03:00:00Z" -> "12-05 03:00"; with seconds when two runs share a minute."""
    short = [f"{t[5:10]} {t[11:16]}".strip() for t in times]
    if len(set(short)) == len(short):
        return short
    return [f"{t[5:10]} {t[11:19]}".strip() for t in times]
