"""The simulator, and the scheduling bounds the policy must meet in it (issue 20)."""

from __future__ import annotations

import random
import statistics

import pytest

from kairos_ci.swarm.policy import SwarmTask, lpt
from kairos_ci.swarm.simulate import (
    Idle,
    LowerBound,
    RandomSpec,
    Slot,
    plan_tasks,
    random_tasks,
    simulate,
    sweep,
)
from tests.plan.sample import sample_plan, step
from tests.swarm.optimum import optimum

RANDOM_DAGS = 1000


def task(task_id: str, minutes: float, *deps: str, writes: tuple[str, ...] = ()) -> SwarmTask:
    return SwarmTask(task_id, minutes, deps, writes or (f"src/{task_id}.py",))


def instance(seed: int, spec: RandomSpec) -> tuple[SwarmTask, ...]:
    return random_tasks(spec, random.Random(seed))


def test_a_schedule_respects_dependencies_and_reports_the_lower_bound() -> None:
    tasks = (task("a", 10), task("b", 30, "a"), task("c", 5, "a"), task("d", 20, "b", "c"))
    result = simulate(tasks, workers=2)
    assert result.schedule == (
        Slot("a", 1, 0, 10),
        Slot("b", 1, 10, 40),
        Slot("c", 2, 10, 15),
        Slot("d", 1, 40, 60),
    )
    assert result.makespan == 60
    assert result.bound == LowerBound(load=33, critical_path=60, longest=30)
    assert result.ratio == 1.0
    assert result.utilisation == pytest.approx(65 / 120)
    # worker 2: idle 0-10 (a not done), 15-40 (d waits for b), 40-60 (nothing left)
    assert result.idle == Idle(dependencies=35, locks=0, tail=20)


def test_overlapping_write_sets_never_run_together_and_the_wait_is_charged_to_locks() -> None:
    tasks = (
        task("models", 20, writes=("src/app/models.py",)),
        task("package", 10, writes=("src/app/",)),
        task("docs", 5),
    )
    result = simulate(tasks, workers=3)
    slots = {slot.task_id: slot for slot in result.schedule}
    assert slots["package"].start == slots["models"].end == 20
    assert result.makespan == 30
    assert result.idle == Idle(dependencies=0, locks=35, tail=20)
    # The bound ignores locks: the ratio says how much they cost.
    assert result.bound.value == 20 and result.ratio == 1.5


def test_durations_that_are_not_whole_keep_the_load_bound_unrounded() -> None:
    result = simulate((task("a", 2.5), task("b", 2.5), task("c", 2.5)), workers=2)
    assert result.bound.load == 3.75 and result.makespan == 5.0


def test_idle_time_and_work_add_up_to_the_workers_capacity() -> None:
    for seed in range(50):
        tasks = instance(seed, RandomSpec(25, lock_chance=0.4))
        result = simulate(tasks, workers=4)
        idle = result.idle.dependencies + result.idle.locks + result.idle.tail
        assert idle + result.work == pytest.approx(4 * result.makespan)
        for one in result.schedule:
            for other in result.schedule:
                if one is not other and one.start < other.end and other.start < one.end:
                    assert one.worker != other.worker


@pytest.mark.parametrize("workers", [2, 4, 8])
def test_without_locks_every_random_dag_is_within_graham_s_bound(workers: int) -> None:
    worst = 0.0
    for seed in range(RANDOM_DAGS):
        rng = random.Random(seed)
        tasks = random_tasks(RandomSpec(rng.randint(1, 30), max_deps=rng.randint(0, 3)), rng)
        ratio = simulate(tasks, workers).ratio
        assert ratio <= 2 - 1 / workers, f"seed {seed}: makespan/LB {ratio:.3f}"
        worst = max(worst, ratio)
    assert worst > 1.0  # the instances are not all trivially optimal


@pytest.mark.parametrize("workers", [2, 3])
def test_on_independent_tasks_rank_order_is_lpt_and_within_its_bound(workers: int) -> None:
    bound = 4 / 3 - 1 / (3 * workers)
    worst = 0.0
    for seed in range(60):
        rng = random.Random(seed)
        tasks = random_tasks(RandomSpec(rng.randint(workers + 1, 10), max_deps=0), rng)
        best = optimum(tasks, workers)
        simulated = simulate(tasks, workers).makespan
        packed = max(sum(t.minutes for t in leg) for leg in lpt(tasks, workers))
        assert simulated == packed  # the simulator's pick order is LPT on these
        assert simulated / best <= bound, f"seed {seed}"
        worst = max(worst, simulated / best)
    assert worst > 1.0


def test_lpt_s_worst_case_instance_meets_its_bound_exactly() -> None:
    # Graham's tight example for m = 2: 3, 3, 2, 2, 2 gives 7 against an optimum of 6.
    tasks = tuple(task(f"t{i}", minutes) for i, minutes in enumerate((3, 3, 2, 2, 2)))
    assert optimum(tasks, 2) == 6
    assert simulate(tasks, 2).makespan / 6 == pytest.approx(4 / 3 - 1 / 6)


@pytest.mark.parametrize("workers", [2, 3])
def test_on_small_dags_the_mean_ratio_to_the_optimum_is_at_most_1_10(workers: int) -> None:
    ratios = []
    for seed in range(100):
        rng = random.Random(seed)
        tasks = random_tasks(RandomSpec(rng.randint(2, 10), max_minutes=20), rng)
        best = optimum(tasks, workers)
        result = simulate(tasks, workers)
        assert result.bound.value <= best <= result.makespan
        ratios.append(result.makespan / best)
    assert statistics.mean(ratios) <= 1.10
    assert max(ratios) > 1.0  # the optimum is sometimes strictly better: the search matters


# Found by searching random DAGs with locks: a third worker starts t3 at once, and its
# lock on shared/f3.py holds the critical chain's t1 back by four minutes.
ANOMALY = (
    task("t0", 2),
    task("t1", 7, "t0", writes=("src/t1.py", "shared/f3.py")),
    task("t2", 7),
    task("t3", 6, writes=("src/t3.py", "shared/f3.py")),
    task("t4", 4, "t0", "t1"),
    task("t5", 3, "t0", "t1", writes=("src/t5.py", "shared/")),
    task("t6", 9, "t2", "t5", writes=("src/t6.py", "shared/f1.py")),
    task("t7", 9, "t2", writes=("src/t7.py", "shared/")),
)


def test_a_worker_more_that_finishes_later_is_reported() -> None:
    result = sweep(ANOMALY, workers=2)
    assert (result.fewer.makespan, result.more.makespan) == (30, 34)
    assert result.slowdown == 4
    assert result.more.idle.locks > result.fewer.idle.locks


@pytest.mark.parametrize("workers", [2, 4, 8])
def test_m_and_m_plus_one_are_both_simulated_and_any_slowdown_is_reported(workers: int) -> None:
    for seed in range(200):
        tasks = instance(seed, RandomSpec(20, lock_chance=0.3))
        result = sweep(tasks, workers)
        assert (result.fewer.workers, result.more.workers) == (workers, workers + 1)
        change = result.more.makespan - result.fewer.makespan
        assert result.slowdown == max(0.0, change)


def test_a_plan_s_steps_become_tasks_with_their_estimates_and_files() -> None:
    plan = sample_plan(
        steps=(
            step("s1", ("./src/app.js",), p50=12),
            step("s2", ("src/routes/users.js",), "s1", p50=8),
        )
    )
    tasks = plan_tasks(plan)
    assert tasks == (
        SwarmTask("s1", 12, (), ("src/app.js",)),
        SwarmTask("s2", 8, ("s1",), ("src/routes/users.js",)),
    )
    assert simulate(tasks, workers=2).makespan == 20
