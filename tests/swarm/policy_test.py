from __future__ import annotations

import pytest

from kairos_ci.errors import InputError
from kairos_ci.plan.records import UserClass
from kairos_ci.swarm.policy import (
    SwarmTask,
    Waiting,
    WorkerLimits,
    critical_path,
    lpt,
    pack_short,
    pick,
    ready_width,
    upward_ranks,
    worker_count,
)


def task(task_id: str, minutes: float, *deps: str, writes: tuple[str, ...] = ()) -> SwarmTask:
    return SwarmTask(task_id, minutes, deps, writes or (f"src/{task_id}.py",))


DIAMOND = (task("a", 10), task("b", 30, "a"), task("c", 5, "a"), task("d", 20, "b", "c"))


def test_upward_rank_is_the_longest_remaining_path_with_the_task_itself() -> None:
    assert upward_ranks(DIAMOND) == {"a": 60, "b": 50, "c": 25, "d": 20}
    assert critical_path(DIAMOND) == 60


@pytest.mark.parametrize(
    ("tasks", "message"),
    [
        ((task("a", 1, "b"), task("b", 1, "a")), "cycle: a -> b -> a"),
        ((task("a", 1, "ghost"),), "'a' depends on unknown ghost"),
        ((task("a", 1), task("a", 2)), "'a' appears twice"),
        ((task("a", -1),), "'a' has a negative estimate"),
    ],
)
def test_a_graph_that_is_not_a_dag_is_refused_by_name(
    tasks: tuple[SwarmTask, ...], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        upward_ranks(tasks)


def test_rank_comes_first_then_the_user_class_then_the_lower_cost() -> None:
    urgent = SwarmTask("urgent", 5, user_class=UserClass.P0, cost_usd=9)
    cheap = SwarmTask("cheap", 5, cost_usd=1)
    dear = SwarmTask("dear", 5, cost_usd=3)
    long = SwarmTask("long", 6, user_class=UserClass.P3, cost_usd=50)
    ready = [Waiting(t, t.minutes) for t in (dear, cheap, urgent, long)]
    order = []
    while ready:
        chosen = pick(ready, held=())
        assert chosen is not None
        order.append(chosen.id)
        ready = [w for w in ready if w.task is not chosen]
    assert order == ["long", "urgent", "cheap", "dear"]


def test_waiting_an_hour_is_worth_one_rank_unit() -> None:
    fresh = Waiting(SwarmTask("fresh", 10.5), 10.5)
    starved = Waiting(SwarmTask("starved", 10), 10, waited_minutes=60)
    assert pick([fresh, starved], held=()) == starved.task
    assert pick([fresh, Waiting(starved.task, 10, waited_minutes=20)], held=()) == fresh.task


def test_a_task_whose_write_set_overlaps_a_held_path_is_passed_over() -> None:
    first = Waiting(task("first", 9, writes=("src/app/models.py",)), 9)
    second = Waiting(task("second", 1, writes=("docs/",)), 1)
    assert pick([first, second], held=("src/app/",)) == second.task
    assert pick([first, second], held=("src/app/", "docs/guide.md")) is None


def test_lpt_gives_the_longest_task_to_the_least_loaded_leg() -> None:
    legs = lpt([task(f"t{m}", m) for m in (7, 6, 5, 4, 3)], legs=2)
    assert [[t.id for t in leg] for leg in legs] == [["t7", "t4", "t3"], ["t6", "t5"]]


def test_short_tasks_are_packed_with_at_least_one_overhead_of_work_per_leg() -> None:
    short = [task(f"s{i}", 2) for i in range(7)]  # 14 minutes, each under the 5-minute overhead
    packing = pack_short([task("long", 30), *short], overhead_minutes=5, max_legs=8)
    assert [t.id for t in packing.alone] == ["long"]
    assert len(packing.bundles) == 2  # ⌊14 / 5⌋
    assert sorted(t.id for b in packing.bundles for t in b) == sorted(t.id for t in short)
    assert len(pack_short(short, overhead_minutes=5, max_legs=1).bundles) == 1
    assert pack_short([task("long", 30)], overhead_minutes=5, max_legs=8).bundles == ()


def test_ready_width_counts_what_could_run_at_once_within_the_horizon() -> None:
    fan = (task("root", 10), *(task(f"leaf{i}", 10, "root") for i in range(5)))
    assert ready_width(fan, done=(), horizon_minutes=5) == 1  # the leaves start at 10
    assert ready_width(fan, done=(), horizon_minutes=15) == 5
    assert ready_width(fan, done=("root",), horizon_minutes=5) == 5
    assert ready_width(fan, done=[t.id for t in fan], horizon_minutes=60) == 0


def test_ready_width_counts_short_tasks_running_together_as_the_legs_they_pack_into() -> None:
    fan = (task("root", 10), *(task(f"leaf{i}", 1.5, "root") for i in range(6)))
    assert ready_width(fan, done=("root",), horizon_minutes=60) == 6  # no overhead: 6 legs
    # 9 minutes of leaves under a 2-minute overhead: ⌊9 / 2⌋ legs, not 6
    assert ready_width(fan, done=("root",), horizon_minutes=60, overhead_minutes=2) == 4
    # a long task is a leg of its own whatever the overhead
    assert ready_width((task("long", 30),), done=(), horizon_minutes=60, overhead_minutes=2) == 1


LIMITS = WorkerLimits(
    ready_width=12,
    max_parallel=10,
    concurrency=20,
    api_requests=1000,
    requests_per_task=50,
    usd_budget=40,
    usd_per_task_hour=3,
)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, 10),  # the plan's max parallelism
        ({"ready_width": 3}, 3),
        ({"concurrency": 4}, 4),
        ({"requests_per_task": 200}, 5),  # 1000 / 200
        ({"usd_per_task_hour": 7}, 5),  # ⌊40 / 7⌋
        ({"usd_budget": 2}, 0),  # not even one task-hour
        ({"ready_width": 0}, 0),
        ({"requests_per_task": 0, "usd_per_task_hour": 0}, 10),  # no price: no bound
    ],
)
def test_the_worker_count_is_the_tightest_limit(change: dict[str, float], expected: int) -> None:
    values = {**LIMITS.__dict__, **change}
    assert worker_count(WorkerLimits(**values)) == expected
