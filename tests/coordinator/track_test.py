from __future__ import annotations

from dataclasses import replace

import pytest

from kairos_ci.agent.records import Tier
from kairos_ci.coordinator.records import Board, BoardTask, TaskEvent
from kairos_ci.coordinator.track import (
    MIN_ATTEMPTS,
    PACE_BOUNDS,
    Pace,
    TierRecord,
    Track,
    hurry_for,
    track_of,
)
from tests.coordinator.boards import task
from tests.swarm.histories import at

W1 = "111.1/work/1"


def attempt(
    start: float, minutes: float, ended: str, tier: str, fence: int, usd: float = 0.0
) -> list[TaskEvent]:
    return [
        TaskEvent(at(start), "claimed", W1, fence),
        TaskEvent(at(start + minutes), ended, fence=fence, tier=tier, usd=usd),
    ]


def history(task_id: str, task_class: str, *attempts: list[TaskEvent]) -> BoardTask:
    events = tuple(event for one in attempts for event in one)
    return replace(task(task_id, f"{task_id}.py"), history=events, task_class=task_class)


def board_of(*tasks: BoardTask) -> Board:
    return Board("issue-7", "f" * 64, tasks)


def test_each_judged_attempt_counts_for_its_class_and_tier() -> None:
    made = board_of(
        history("A", "fix/low", attempt(0, 5, "attempt failed", "triage", 1)),
        history("B", "fix/low", attempt(0, 5, "done", "triage", 2)),
        history("C", "fix/low", attempt(0, 5, "done", "work", 3)),
        # neither an expired lease nor a question judged the tier's work
        history("D", "fix/low", attempt(0, 5, "lease expired", "triage", 4)),
        history("E", "fix/low", attempt(0, 5, "asked", "triage", 5)),
        # a board from before classes were kept teaches nothing
        history("F", "", attempt(0, 5, "done", "triage", 6)),
    )
    record = track_of([made]).tiers
    assert record == {"fix/low": {"triage": TierRecord(1, 2), "work": TierRecord(1, 1)}}


def test_with_no_trusted_record_the_step_runs_the_tier_its_plan_asked_for() -> None:
    step = replace(task("S1", "a.py"), tier="plan", task_class="fix/low")
    assert Track().tier(step) is Tier.PLAN
    barely = Track({"fix/low": {"triage": TierRecord(MIN_ATTEMPTS - 1, MIN_ATTEMPTS - 1)}})
    assert barely.tier(step) is Tier.PLAN  # too few attempts to trust
    poor = Track({"fix/low": {"triage": TierRecord(7, 10)}})
    assert poor.tier(step) is Tier.PLAN  # 70% is under 80%


@pytest.mark.parametrize(
    ("failures", "expected"),
    [(0, Tier.TRIAGE), (1, Tier.WORK), (2, Tier.PLAN), (5, Tier.PLAN)],
)
def test_the_cheapest_tier_that_succeeds_often_enough_then_one_up_per_failure(
    failures: int, expected: Tier
) -> None:
    track = Track({"fix/low": {"triage": TierRecord(8, 10), "work": TierRecord(10, 10)}})
    failed = tuple(TaskEvent(at(i), "attempt failed", fence=i + 1) for i in range(failures))
    step = replace(task("S1", "a.py"), tier="plan", task_class="fix/low", history=failed)
    assert track.tier(step) is expected


def test_a_trusted_cheaper_tier_is_chosen_below_the_plans_and_a_stronger_one_above() -> None:
    cheap = Track({"refactor/low": {"triage": TierRecord(9, 10)}})
    strong = Track({"refactor/low": {"work": TierRecord(1, 10), "plan": TierRecord(9, 10)}})
    step = replace(task("S1", "a.py"), tier="work", task_class="refactor/low")
    assert (cheap.tier(step), strong.tier(step)) == (Tier.TRIAGE, Tier.PLAN)


def test_the_pace_is_the_median_of_done_tasks_actual_over_p50() -> None:
    # p50 is 10 minutes (``boards.task``): the successful attempts took 5, 20 and 30
    made = board_of(
        history("A", "fix/low", attempt(0, 5, "done", "work", 1)),
        history("B", "fix/low", attempt(0, 20, "done", "work", 2)),
        history("C", "fix/low", attempt(0, 1, "attempt failed", "work", 3)),
        history("D", "fix/low", attempt(0, 30, "done", "work", 4)),
        history("E", "feature/high", attempt(0, 30, "done", "work", 5)),  # one: not enough
    )
    track = track_of([made])
    assert track.pace == {"fix/low": Pace(2.0, 3)}
    assert track.minutes(replace(task("S9", "z.py"), task_class="fix/low")) == 20.0
    assert track.minutes(replace(task("S9", "z.py"), task_class="feature/high")) == 10.0
    assert track.tiers["fix/low"]["work"] == TierRecord(3, 4, pace=2.0, usd=0.0)


def test_one_odd_class_cannot_make_a_plan_look_free_or_endless() -> None:
    slow = board_of(
        *(history(f"T{i}", "fix/low", attempt(0, 900, "done", "work", i)) for i in range(3))
    )
    assert track_of([slow]).pace["fix/low"].factor == PACE_BOUNDS[1]


def test_attempts_are_gathered_across_every_board() -> None:
    one = board_of(
        *(history(f"A{i}", "fix/low", attempt(0, 5, "done", "triage", i)) for i in range(3))
    )
    two = replace(one, plan_id="issue-8")
    assert track_of([one, two]).tiers["fix/low"]["triage"] == TierRecord(6, 6, 0.5, 0.0)


# refactor/low: work takes twice its p50 for $0.50; plan takes its p50 for $1.50.
RACED = Track(
    {
        "refactor/low": {
            "work": TierRecord(9, 10, pace=2.0, usd=0.5),
            "plan": TierRecord(10, 10, pace=1.0, usd=1.5),
        }
    }
)


def test_a_critical_step_goes_up_a_tier_when_the_time_saved_is_worth_its_price() -> None:
    step = replace(task("S1", "a.py"), tier="work", task_class="refactor/low", priority=30)
    other = replace(task("S2", "b.py"), priority=10)
    board = board_of(step, other)
    # 10 minutes of p50: plan saves 10 minutes, a sixth of an hour, for $1 more.
    assert RACED.tier(step, hurry_for(board, step, 12.0)) is Tier.PLAN  # $2 > $1
    assert RACED.tier(step, hurry_for(board, step, 3.0)) is Tier.WORK  # $0.50 < $1
    assert hurry_for(board, step, 0.0) is None  # no value of time: never pay for speed
    assert hurry_for(board, other, 12.0) is None  # not on the critical path
    assert RACED.tier(step) is Tier.WORK


def test_without_a_record_of_both_tiers_the_cheaper_one_stands() -> None:
    step = replace(task("S1", "a.py"), tier="work", task_class="refactor/low", priority=30)
    hurry = hurry_for(board_of(step), step, 1000.0)
    unknown = Track({"refactor/low": {"work": TierRecord(9, 10, pace=2.0, usd=0.5)}})
    unpaced = Track({"refactor/low": {"work": TierRecord(9, 10), "plan": TierRecord(10, 10)}})
    assert unknown.tier(step, hurry) is Tier.WORK
    assert unpaced.tier(step, hurry) is Tier.WORK


def test_each_tier_keeps_its_pace_and_spend() -> None:
    made = board_of(
        *(history(f"W{i}", "fix/low", attempt(0, 20, "done", "work", i, 0.4)) for i in range(3)),
        *(
            history(f"P{i}", "fix/low", attempt(0, 10, "done", "plan", 9 + i, 1.2))
            for i in range(3)
        ),
    )
    tiers = track_of([made]).tiers["fix/low"]
    assert (tiers["work"].pace, tiers["work"].usd) == (2.0, 0.4)
    assert (tiers["plan"].pace, tiers["plan"].usd) == (1.0, 1.2)
