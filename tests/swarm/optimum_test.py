"""The exhaustive search the simulator's tests trust, checked against plain enumeration."""

from __future__ import annotations

import itertools
import random

from kairos_ci.swarm.policy import SwarmTask
from kairos_ci.swarm.simulate import RandomSpec, random_tasks
from tests.swarm.optimum import optimum


def every_assignment(tasks: tuple[SwarmTask, ...], workers: int) -> float:
    best = float("inf")
    for assignment in itertools.product(range(workers), repeat=len(tasks)):
        loads = [0.0] * workers
        for task, worker in zip(tasks, assignment, strict=True):
            loads[worker] += task.minutes
        best = min(best, max(loads))
    return best


def every_order(tasks: tuple[SwarmTask, ...], workers: int) -> float:
    """Each order that keeps dependencies first, each task to the first free worker."""
    best = float("inf")
    for order in itertools.permutations(tasks):
        ends: dict[str, float] = {}
        free = [0.0] * workers
        for task in order:
            if any(dep not in ends for dep in task.depends_on):
                break
            start = max([min(free), *(ends[d] for d in task.depends_on)])
            free[free.index(min(free))] = ends[task.id] = start + task.minutes
        else:
            best = min(best, max(ends.values()))
    return best


def test_independent_tasks_match_every_assignment() -> None:
    for seed in range(40):
        rng = random.Random(seed)
        tasks = random_tasks(RandomSpec(rng.randint(1, 7), max_deps=0, max_minutes=12), rng)
        workers = rng.randint(2, 3)
        assert optimum(tasks, workers) == every_assignment(tasks, workers), f"seed {seed}"


def test_dags_match_every_order() -> None:
    for seed in range(40):
        rng = random.Random(seed)
        tasks = random_tasks(RandomSpec(rng.randint(2, 6), max_minutes=12), rng)
        workers = rng.randint(2, 3)
        assert optimum(tasks, workers) == every_order(tasks, workers), f"seed {seed}"
