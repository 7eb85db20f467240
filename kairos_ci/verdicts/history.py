"""Verdicts from test history: broken, flaky, healthy (again), or new. Pure functions.

Rules, in order (thresholds in ``Thresholds``):
1. Runs where most tests failed (an infrastructure failure) are left out of scoring.
2. Broken: failed on each of the latest N distinct commits. Outranks flaky.
3. Flaky now: the latest run passed on a retry.
4. Flaky from history, within the window: pass and fail on the same tree; a failure
   rate over a minimum number of runs; or enough pass/fail flips in the latest runs.
   Failures inside a broken streak (a real regression, since fixed) are not evidence.
5. Healthy again: enough clean runs since the last evidence, or enough days without it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from itertools import pairwise

from kairos_ci.verdicts.records import HistoryEntry, Outcome, TestVerdict, Thresholds, Verdict

FAILING = frozenset({Outcome.FAILED, Outcome.ERRORED})
_OLDEST = datetime.min.replace(tzinfo=UTC)


def judge(
    history: Mapping[str, Sequence[HistoryEntry]],
    now: datetime,
    thresholds: Thresholds | None = None,
) -> dict[str, TestVerdict]:
    """A verdict per test id. ``history`` is each test's entries, oldest first, with this
    run's entries already appended; ``now`` is timezone-aware."""
    limits = thresholds or Thresholds()
    left_out = infrastructure_failures(history, limits)
    return {
        test_id: judge_test(test_id, entries, now, limits, left_out)
        for test_id, entries in history.items()
    }


def judged_flaky(verdicts: Mapping[str, TestVerdict]) -> frozenset[str]:
    """The test ids judged flaky: a failure of one is no evidence against a change."""
    return frozenset(test_id for test_id, v in verdicts.items() if v.verdict is Verdict.FLAKY)


def infrastructure_failures(
    history: Mapping[str, Sequence[HistoryEntry]], limits: Thresholds
) -> frozenset[str]:
    """Runs where at least ``infra_ratio`` of the tests that ran failed."""
    ran: defaultdict[str, int] = defaultdict(int)
    failed: defaultdict[str, int] = defaultdict(int)
    for entries in history.values():
        for entry in entries:
            if entry.outcome is not Outcome.SKIPPED:
                ran[entry.run_id] += 1
                failed[entry.run_id] += entry.outcome in FAILING
    return frozenset(
        run
        for run, count in ran.items()
        if count >= limits.infra_min_tests and failed[run] / count >= limits.infra_ratio
    )


def judge_test(
    test_id: str,
    entries: Sequence[HistoryEntry],
    now: datetime,
    limits: Thresholds,
    left_out: frozenset[str] = frozenset(),
) -> TestVerdict:
    ordered = sorted(entries, key=when)  # stable: entries of one instant keep their order
    scored = [e for e in ordered if e.outcome is not Outcome.SKIPPED and e.run_id not in left_out]
    if not scored:
        reason = "no scored runs yet" if ordered else "never seen"
        return TestVerdict(test_id, Verdict.NEW, (reason,), _runs(ordered))
    streaks = broken_streaks(scored, limits.broken_commits)
    if streaks and streaks[-1][-1] is scored[-1]:
        commits = len({e.sha for e in streaks[-1]})
        reason = f"failed on each of the last {commits} commits"
        return TestVerdict(test_id, Verdict.BROKEN, (reason,), _runs(streaks[-1]))
    latest = scored[-1]
    if latest.outcome is Outcome.FLAKY:
        reason = f"passed on a retry in run {latest.run_id}"
        return TestVerdict(test_id, Verdict.FLAKY, (reason,), (latest.run_id,))
    in_streak = {id(e) for streak in streaks for e in streak}
    evidence, reasons = _flaky_evidence(scored, now, limits, in_streak)
    if not evidence and latest.outcome in FAILING:
        return _failing_not_yet_broken(test_id, scored, limits)
    if not evidence:
        recent = scored[-limits.flip_runs :]
        return TestVerdict(
            test_id, Verdict.HEALTHY, (f"no flakiness in {len(scored)} scored runs",), _runs(recent)
        )
    return _flaky_or_healthy_again(test_id, scored, evidence, reasons, now, limits)


def _failing_not_yet_broken(
    test_id: str, scored: Sequence[HistoryEntry], limits: Thresholds
) -> TestVerdict:
    """Failing now, but on too few commits to call broken: never healthy."""
    failing: list[HistoryEntry] = []
    for entry in reversed(scored):
        if entry.outcome not in FAILING:
            break
        failing.append(entry)
    commits = len({e.sha for e in failing})
    reason = (
        f"failed in its last {len(failing)} runs on {commits} commit(s); "
        f"broken once it fails on {limits.broken_commits}"
    )
    return TestVerdict(test_id, Verdict.NEW, (reason,), _runs(reversed(failing)))


def broken_streaks(scored: Sequence[HistoryEntry], commits: int) -> list[list[HistoryEntry]]:
    """Stretches of runs failing on ``commits`` or more distinct commits in a row, with no
    pass in between (a pass or retry-pass on a commit ends the stretch)."""
    streaks: list[list[HistoryEntry]] = []
    current: list[HistoryEntry] = []
    for entry in scored:
        if entry.outcome in FAILING:
            current.append(entry)
            continue
        if len({e.sha for e in current}) >= commits:
            streaks.append(current)
        current = []
    if len({e.sha for e in current}) >= commits:
        streaks.append(current)
    return streaks


def _flaky_evidence(
    scored: Sequence[HistoryEntry], now: datetime, limits: Thresholds, in_streak: set[int]
) -> tuple[list[HistoryEntry], list[str]]:
    since = now - timedelta(days=limits.window_days)
    recent = [e for e in scored if when(e) >= since and id(e) not in in_streak]
    evidence: dict[int, HistoryEntry] = {}
    reasons: list[str] = []
    for found, reason in (
        same_tree(recent),
        failure_rate(recent, limits),
        flips([e for e in scored if id(e) not in in_streak][-limits.flip_runs :], limits),
    ):
        if found:
            reasons.append(reason)
            evidence.update((id(e), e) for e in found)
    return sorted(evidence.values(), key=when), reasons


def same_tree(entries: Iterable[HistoryEntry]) -> tuple[list[HistoryEntry], str]:
    """Runs on a tree where the test both passed and failed (a retry-pass counts as both)."""
    by_tree: defaultdict[str, list[HistoryEntry]] = defaultdict(list)
    for entry in entries:
        by_tree[entry.tree].append(entry)
    found: list[HistoryEntry] = []
    for runs in by_tree.values():
        outcomes = {e.outcome for e in runs}
        mixed = Outcome.PASSED in outcomes and bool(outcomes & FAILING)
        if mixed or Outcome.FLAKY in outcomes:
            found.extend(e for e in runs if e.outcome is not Outcome.PASSED or mixed)
    trees = len({e.tree for e in found})
    return found, f"passed and failed on the same code ({trees} tree{'s' * (trees > 1)})"


def failure_rate(
    entries: Sequence[HistoryEntry], limits: Thresholds
) -> tuple[list[HistoryEntry], str]:
    failing = [e for e in entries if e.outcome in FAILING or e.outcome is Outcome.FLAKY]
    if len(entries) < limits.rate_min_runs or len(failing) < limits.rate * len(entries):
        return [], ""
    return failing, f"failed in {len(failing)} of {len(entries)} recent runs"


def flips(entries: Sequence[HistoryEntry], limits: Thresholds) -> tuple[list[HistoryEntry], str]:
    """Changes between passing and failing in consecutive runs (a retry-pass is failing)."""
    changed = [
        after
        for before, after in pairwise(entries)
        if (before.outcome is Outcome.PASSED) != (after.outcome is Outcome.PASSED)
    ]
    if len(changed) < limits.flips:
        return [], ""
    return changed, f"flipped between pass and fail {len(changed)} times in {len(entries)} runs"


def _flaky_or_healthy_again(
    test_id: str,
    scored: Sequence[HistoryEntry],
    evidence: Sequence[HistoryEntry],
    reasons: Sequence[str],
    now: datetime,
    limits: Thresholds,
) -> TestVerdict:
    # Clean runs are counted after the last *failing* evidence: the pass that ends a flip
    # is itself a clean run.
    last = next((e for e in reversed(evidence) if e.outcome is not Outcome.PASSED), evidence[-1])
    after = scored[next(i for i, e in enumerate(scored) if e is last) + 1 :]
    clean = [e for e in after if e.outcome is Outcome.PASSED]
    quiet = now - when(last)
    if len(clean) == len(after) and len(clean) >= limits.healthy_runs:
        reason = f"healthy again: {len(clean)} clean runs since run {last.run_id}"
        return TestVerdict(test_id, Verdict.HEALTHY, (reason,), _runs(clean))
    if quiet >= timedelta(days=limits.healthy_days):
        reason = f"healthy again: no flaky evidence for {quiet.days} days (last: run {last.run_id})"
        return TestVerdict(test_id, Verdict.HEALTHY, (reason,), _runs([last, *clean]))
    return TestVerdict(test_id, Verdict.FLAKY, tuple(reasons), _runs(evidence))


def when(entry: HistoryEntry) -> datetime:
    """The entry's time; an unreadable timestamp sorts first and falls out of every window."""
    try:
        moment = datetime.fromisoformat(entry.at)
    except ValueError:
        return _OLDEST
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _runs(entries: Iterable[HistoryEntry]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(e.run_id for e in entries))
