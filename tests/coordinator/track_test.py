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
    track_of,
)
from tests.coordinator.boards import task
from tests.swarm.histories import at

W1 = "111.1/work/1"


def attempt(start: float, minutes: float, ended: str, tier: str, fence: int) -> list[TaskEvent]:
    return [
        TaskEvent(at(start), "claimed", W1, fence),
        TaskEvent(at(start + minutes), ended, fence=fence, tier=tier),
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
    assert "fix/low: work 3/4; pace x2.00 over 3" in track.why(made.task("A"))


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
    assert track_of([one, two]).tiers["fix/low"]["triage"] == TierRecord(6, 6)
