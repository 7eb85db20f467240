"""Verdict rules on synthetic histories: each rule, its threshold edge, and its evidence."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from kairos_ci.verdicts.history import infrastructure_failures, judge, judge_test
from kairos_ci.verdicts.records import HistoryEntry, Outcome, Thresholds, Verdict

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
P, F, E, S, FL = Outcome.PASSED, Outcome.FAILED, Outcome.ERRORED, Outcome.SKIPPED, Outcome.FLAKY


def runs(
    outcomes: Sequence[Outcome],
    *,
    start_days_ago: float = 10,
    same_tree: bool = False,
    prefix: str = "r",
) -> list[HistoryEntry]:
    """One entry per run, evenly spread from ``start_days_ago`` to now, a commit each."""
    step = start_days_ago / max(1, len(outcomes))
    entries = []
    for index, outcome in enumerate(outcomes):
        at = NOW - timedelta(days=start_days_ago) + timedelta(days=step * index)
        sha = "same" if same_tree else f"{prefix}sha{index}"
        entries.append(
            HistoryEntry(sha, f"tree-{sha}", f"{prefix}{index}", outcome, 0.1, at.isoformat())
        )
    return entries


def verdict(
    entries: list[HistoryEntry], **limits: float
) -> tuple[Verdict, tuple[str, ...], tuple[str, ...]]:
    result = judge_test("t", entries, NOW, Thresholds(**limits))  # type: ignore[arg-type]
    return result.verdict, result.reasons, result.evidence


def test_new_until_a_scored_run() -> None:
    assert verdict([])[0] is Verdict.NEW
    assert verdict(runs([S, S]))[0] is Verdict.NEW
    assert verdict(runs([P]))[0] is Verdict.HEALTHY


def test_flaky_now_is_a_retry_pass_in_the_latest_run() -> None:
    kind, reasons, evidence = verdict(runs([P, P, FL]))
    assert kind is Verdict.FLAKY and evidence == ("r2",)
    assert "passed on a retry in run r2" in reasons


def test_same_tree_pass_and_fail() -> None:
    kind, reasons, evidence = verdict(runs([P, F, P], same_tree=True))
    assert kind is Verdict.FLAKY and set(evidence) == {"r0", "r1", "r2"}
    assert reasons[0].startswith("passed and failed on the same code")
    # The same outcomes on three different trees are not this rule (and too few flips).
    assert verdict(runs([P, F, P]))[0] is Verdict.HEALTHY


def test_same_tree_only_inside_the_window() -> None:
    old = runs([P, F], same_tree=True, start_days_ago=60, prefix="old")[:2]
    recent = runs([P] * 3, start_days_ago=5)
    assert verdict([*old, *recent])[0] is Verdict.HEALTHY
    # Inside a longer window the old pass-and-fail counts, unless it is old enough to
    # have healed (7 quiet days by default).
    assert verdict([*old, *recent], window_days=90)[0] is Verdict.HEALTHY
    assert verdict([*old, *recent], window_days=90, healthy_days=99)[0] is Verdict.FLAKY


def test_failure_rate_needs_enough_runs() -> None:
    nineteen = [F, F, *[P] * 17]  # 2 of 19 fail: enough rate, too few runs
    assert verdict(runs(nineteen), flips=99)[0] is Verdict.HEALTHY
    twenty = [F, F, *[P] * 18]  # 2 of 20 = 10 %
    kind, reasons, evidence = verdict(runs(twenty), flips=99, healthy_days=99)
    assert kind is Verdict.FLAKY and "failed in 2 of 20 recent runs" in reasons
    assert evidence == ("r0", "r1")
    below = [F, *[P] * 19]  # 5 %
    assert verdict(runs(below), flips=99)[0] is Verdict.HEALTHY


def test_flips_in_the_last_runs() -> None:
    three = [P, F, P, F]  # 3 flips
    kind, reasons, evidence = verdict(runs(three))
    assert kind is Verdict.FLAKY and evidence == ("r1", "r2", "r3")
    assert "flipped between pass and fail 3 times in 4 runs" in reasons
    assert verdict(runs([P, F, P]))[0] is Verdict.HEALTHY  # 2 flips
    spread = [P, F, P, F, *[P] * 20]  # the flips fell out of the last 20 runs
    assert verdict(runs(spread, start_days_ago=2), healthy_runs=99)[0] is Verdict.HEALTHY


def test_broken_on_the_last_three_commits_outranks_flaky() -> None:
    history = [*runs([P, F, P], same_tree=True, prefix="a"), *runs([F, E, F], prefix="b")]
    for index, entry in enumerate(history):  # keep them in this order in time
        history[index] = HistoryEntry(
            entry.sha, entry.tree, entry.run_id, entry.outcome, None,
            (NOW - timedelta(hours=10 - index)).isoformat(),
        )  # fmt: skip
    kind, reasons, evidence = verdict(history)
    assert kind is Verdict.BROKEN and evidence == ("b0", "b1", "b2")
    assert reasons == ("failed on each of the last 3 commits",)
    assert verdict(history[:-1])[0] is Verdict.FLAKY  # two failing commits: not broken yet


def test_reruns_on_one_commit_are_one_commit() -> None:
    history = runs([F, F, F], same_tree=True)
    assert verdict(history)[0] is not Verdict.BROKEN
    assert verdict(history, broken_commits=1)[0] is Verdict.BROKEN


def test_a_fixed_regression_is_not_flaky() -> None:
    history = runs([*[P] * 20, F, F, F, F, P], start_days_ago=3)
    kind, reasons, _ = verdict(history)
    assert kind is Verdict.HEALTHY, reasons  # 4/25 failed, but as a broken streak


def test_healthy_again_after_clean_runs_or_quiet_days() -> None:
    flaky_then_clean = runs([P, F, P, F, *[P] * 20], start_days_ago=3)
    kind, reasons, evidence = verdict(flaky_then_clean, flip_runs=40)
    assert kind is Verdict.HEALTHY and reasons[0].startswith("healthy again: 20 clean runs")
    assert len(evidence) == 20
    assert verdict(flaky_then_clean, flip_runs=40, healthy_runs=21)[0] is Verdict.FLAKY
    quiet = runs([P, F, P, F, P], start_days_ago=20)[:4] + runs([P], start_days_ago=1, prefix="q")
    kind, reasons, _ = verdict(quiet)
    assert kind is Verdict.HEALTHY and "no flaky evidence for" in reasons[0]
    assert verdict(quiet, healthy_days=30)[0] is Verdict.FLAKY


def test_infrastructure_failure_runs_are_left_out() -> None:
    history: dict[str, list[HistoryEntry]] = {}
    for test in range(10):
        good = runs([P, P], prefix="ok")
        bad = HistoryEntry("x", "tx", "infra", F if test < 9 else P, None, NOW.isoformat())
        history[f"t{test}"] = [*good, bad]
    assert infrastructure_failures(history, Thresholds()) == {"infra"}
    verdicts = judge(history, NOW)
    assert {v.verdict for v in verdicts.values()} == {Verdict.HEALTHY}
    assert all("infra" not in v.evidence for v in verdicts.values())
    assert infrastructure_failures(history, Thresholds(infra_ratio=0.95)) == frozenset()
    small = {"only": [HistoryEntry("x", "t", "r", F, None, NOW.isoformat())]}
    assert infrastructure_failures(small, Thresholds()) == frozenset()  # 1 test: not infra


def test_every_verdict_names_its_evidence_runs() -> None:
    history = {
        "new": runs([S]),
        "healthy": runs([P, P]),
        "flaky": runs([P, FL]),
        "broken": runs([F, F, F]),
    }
    for test_id, result in judge(history, NOW).items():
        assert result.verdict.value == test_id
        if result.verdict is not Verdict.NEW:
            assert result.evidence and all(run.startswith("r") for run in result.evidence)


def test_unreadable_timestamps_fall_out_of_windows() -> None:
    entry = HistoryEntry("s", "t", "r0", F, None, "not a time")
    fresh = runs([P], start_days_ago=1, prefix="n")
    assert verdict([entry, *fresh])[0] is Verdict.HEALTHY


@pytest.mark.parametrize(
    "bad",
    [{"rate": 0.0}, {"rate": 1.5}, {"flips": 0}, {"healthy_days": 0}, {"infra_ratio": 0}],
)
def test_thresholds_are_validated(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="verdict threshold"):
        Thresholds(**bad)  # type: ignore[arg-type]


def test_a_test_failing_on_one_commit_is_never_healthy() -> None:
    from kairos_ci.verdicts.history import judge_test
    from kairos_ci.verdicts.records import HistoryEntry, Outcome, Thresholds, Verdict

    runs = [
        HistoryEntry("c1", "t1", f"r{i}", Outcome.FAILED, 0.1, f"2026-11-2{i}T03:00:00Z")
        for i in range(1, 4)
    ]
    verdict = judge_test("t", runs, datetime(2026, 11, 27, tzinfo=UTC), Thresholds())
    assert verdict.verdict is Verdict.NEW
    assert verdict.reasons == (
        "failed in its last 3 runs on 1 commit(s); broken once it fails on 3",
    )
    assert verdict.evidence == ("r1", "r2", "r3")


FLIPPING = [P, F, P, P, F, P, F, P, P, F, P, P]
FLAKY_NIGHTS = list(zip(FLIPPING, [f"c{i}" for i in range(12)], strict=True))  # a commit a night


def nights(plan: Sequence[tuple[Outcome, str]]) -> list[HistoryEntry]:
    """One nightly run a day, the last one now, each on the commit the branch was at."""
    last = len(plan) - 1
    return [
        HistoryEntry(
            sha, f"tree-{sha}", f"n{i}", outcome, 0.1, (NOW - timedelta(days=last - i)).isoformat()
        )
        for i, (outcome, sha) in enumerate(plan)
    ]


def test_a_flaky_test_that_starts_failing_every_night_becomes_broken() -> None:
    # The issue: "a test once marked flaky stays flaky after it starts failing every
    # night, so a real regression is never sent for fixing". Twelve flaky nights (a
    # commit a night), then a regression: it fails every night from then on, while the
    # branch gets a new commit every other night.
    regression = [(F, sha) for sha in ("r1", "r1", "r2", "r2", "r3", "r3")]
    assert verdict(nights(FLAKY_NIGHTS))[0] is Verdict.FLAKY
    night_by_night = [verdict(nights(FLAKY_NIGHTS + regression[:n]))[0] for n in range(1, 7)]
    assert night_by_night == [Verdict.FLAKY] * 4 + [Verdict.BROKEN] * 2
    _, reasons, evidence = verdict(nights(FLAKY_NIGHTS + regression))
    assert reasons == ("failed on each of the last 3 commits",)
    assert evidence == ("n12", "n13", "n14", "n15", "n16", "n17")
    # How many commits make it broken is configurable (tests.broken_commits).
    sooner = [
        verdict(nights(FLAKY_NIGHTS + regression[:n]), broken_commits=2)[0] for n in range(1, 7)
    ]
    assert sooner == [Verdict.FLAKY] * 2 + [Verdict.BROKEN] * 4


def test_a_flaky_test_failing_every_night_on_one_commit_is_not_broken() -> None:
    # Failing again and again on one commit is what flakiness looks like too: without a
    # new commit it does not become broken; the next commits it fails on make it so.
    quiet = [(F, "r1")] * 6
    assert verdict(nights(FLAKY_NIGHTS + quiet))[0] is Verdict.FLAKY
    landed = [(F, "r2"), (F, "r3")]
    assert verdict(nights(FLAKY_NIGHTS + quiet + landed[:1]))[0] is Verdict.FLAKY
    assert verdict(nights(FLAKY_NIGHTS + quiet + landed))[0] is Verdict.BROKEN
