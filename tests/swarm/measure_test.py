from __future__ import annotations

from dataclasses import replace

import pytest

from kairos_ci.config.records import Price
from kairos_ci.coordinator.attempts import attempts_of
from kairos_ci.coordinator.records import Board, TaskStatus
from kairos_ci.swarm.measure import (
    IdleSplit,
    Measured,
    lock_waits,
    measure,
    spend_bound,
    tier_factors,
)
from tests.coordinator.boards import task
from tests.swarm.histories import T0, W1, W2, alone, event, joined, locked, ran


def measured(board: Board, run: str = "") -> Measured:
    found = measure(board, run)
    assert found is not None
    return found


def test_a_join_is_bound_by_its_critical_path_and_idle_time_is_split_by_cause() -> None:
    result = measured(joined())
    assert (result.legs, result.work, result.makespan) == (2, 21.0, 16.0)
    assert (result.bound.load, result.bound.critical_path, result.bound.longest) == (11, 15, 10)
    assert result.bound.value == 15.0
    assert result.ratio == pytest.approx(16 / 15)
    assert result.utilisation == pytest.approx(21 / 32)
    # W1: 6 min of tail after A; W2: 2 min of start-up, 3 waiting for C's dependencies.
    assert result.idle == IdleSplit(startup=2.0, dependencies=3.0, locks=0.0, tail=6.0)
    assert result.idle.total + result.work == result.legs * result.makespan
    assert (len(result.attempts.ended), result.failed, result.attempts.unfinished) == (3, 0, 0)


def test_a_failed_attempt_counts_in_its_task_s_duration_and_lock_waits_are_measured() -> None:
    result = measured(locked())
    assert [(a.task_id, a.owner, a.minutes, a.ok) for a in result.attempts.ended] == [
        ("A", W1, 4.0, False),
        ("D", W2, 2.0, True),
        ("B", W2, 6.0, True),
        ("A", W1, 3.0, True),
    ]
    assert (result.legs, result.work, result.makespan, result.failed) == (2, 15.0, 13.0, 1)
    # p(A) = 4 + 3 = 7: the longest task and the critical path; ⌈15 / 2⌉ = 8 binds.
    assert (result.bound.load, result.bound.critical_path, result.bound.longest) == (8, 7, 7)
    assert result.ratio == pytest.approx(13 / 8)
    assert result.utilisation == pytest.approx(15 / 26)
    assert result.idle == IdleSplit(startup=0.0, dependencies=0.0, locks=8.0, tail=3.0)


def test_lock_waits_are_ready_spans_while_another_attempt_held_the_write_set() -> None:
    board = locked()
    waits = lock_waits(board, attempts_of(board).ended)
    # B waited for A's first attempt (0-4), then A for B's (4-10).
    assert [(start.isoformat(), end.isoformat()) for start, end in waits] == [
        (T0.isoformat(), T0.replace(minute=10).isoformat())
    ]


def test_one_leg_is_m_1_and_an_attempt_that_has_not_ended_is_left_out() -> None:
    result = measured(alone())
    assert (result.legs, result.work, result.makespan) == (1, 8.0, 10.0)
    assert (result.bound.load, result.bound.critical_path, result.bound.longest) == (8, 8, 5)
    assert result.ratio == pytest.approx(10 / 8)
    assert result.utilisation == pytest.approx(0.8)
    assert result.idle == IdleSplit(dependencies=2.0)
    assert result.attempts.unfinished == 1


def test_only_the_named_run_s_legs_are_measured() -> None:
    assert measured(alone(), run="111").legs == 1
    other = attempts_of(alone(), run="222")
    assert (other.ended, other.unfinished) == ((), 1)
    assert measure(alone(), run="222") is None
    assert measure(alone(), run="11") is None  # a prefix of a run id is another run


def test_a_board_no_attempt_of_which_has_ended_is_not_measured() -> None:
    fresh = Board("issue-7", "f" * 64, (task("A", "a.py"),))
    assert measure(fresh) is None


def test_an_expired_lease_ends_its_attempt_and_the_task_is_ready_again() -> None:
    a = ran(
        task("A", "a.py"),
        TaskStatus.DONE,
        event(0, "ready"),
        event(0, "claimed", W1, 1),
        event(12, "lease expired", W1, 1, note=f"{W1} stopped reporting"),
        event(15, "claimed", W2, 2),
        event(20, "done", fence=2),
    )
    result = measured(Board("issue-7", "f" * 64, (a,)))
    assert [(x.owner, x.minutes, x.ok) for x in result.attempts.ended] == [
        (W1, 12.0, False),
        (W2, 5.0, True),
    ]
    # W1: tail 20 - 12; W2: start-up 15 (its first claim after W1's at 0).
    assert result.idle == IdleSplit(startup=15.0, tail=8.0)


PRICES = {
    "triage": Price(input=1.0, output=5.0),
    "work": Price(input=2.0, output=10.0),
    "plan": Price(input=4.0, output=20.0),
}


def test_each_tier_s_factor_is_the_cheapest_price_over_its_own() -> None:
    assert tier_factors(PRICES) == {"triage": 1.0, "work": 0.5, "plan": 0.25}
    # A cheap output but dear cache reads: the smallest ratio keeps the bound a bound.
    cached = {"a": Price(1.0, 5.0, cache_read=0.5), "b": Price(2.0, 10.0, cache_read=0.2)}
    assert tier_factors(cached)["b"] == 0.5
    assert tier_factors({}) == {}


def test_spend_is_compared_with_the_cheapest_tier_bound() -> None:
    board = locked()  # A spent 0.4 at work, B 0.8 at plan
    found = spend_bound(board, tier_factors(PRICES))
    assert (found.spent_usd, found.cheapest_usd) == (1.2, 0.4)
    unknown = spend_bound(board, {"work": 0.5})
    assert (unknown.cheapest_usd, unknown.why) == (None, "no price for tier plan")


def test_a_task_ready_at_the_end_of_the_history_waits_while_it_is_still_ready() -> None:
    board = locked()
    held = ran(
        task("E", "shared.py"),
        TaskStatus.READY,
        event(3, "ready", note="lock"),
    )
    waits = lock_waits(replace(board, tasks=(*board.tasks, held)), attempts_of(board).ended)
    assert waits[0][0] == T0 and waits[-1][1] == T0.replace(minute=13)


def test_an_attempt_with_a_time_that_does_not_parse_is_not_measured() -> None:
    a = ran(
        task("A", "a.py"),
        TaskStatus.DONE,
        event(0, "claimed", W1, 1),
        replace(event(5, "done", fence=1), at="yesterday"),
        event(6, "claimed", W1, 2),
        event(9, "done", fence=2),
    )
    found = attempts_of(Board("issue-7", "f" * 64, (a,)))
    assert ([x.minutes for x in found.ended], found.unfinished) == ([3.0], 1)
