"""Exact minimum makespans by exhaustive search, for the simulator's tests (small n only).

Every schedule can be rebuilt by taking its tasks in order of start and giving each to the
worker that is free first, at the earliest moment its dependencies allow: no start gets
later, so searching those orders finds the optimum. Branches that cannot beat the best
so far (by the load and critical-path bounds) are cut, and states met twice are skipped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from kairos_ci.swarm.policy import SwarmTask, upward_ranks
from kairos_ci.swarm.simulate import simulate

MAX_TASKS = 10


def optimum(tasks: Sequence[SwarmTask], workers: int) -> float:
    """The least makespan of any schedule of ``tasks`` on ``workers``, locks not counted."""
    if len(tasks) > MAX_TASKS:
        raise ValueError(f"exhaustive search is for at most {MAX_TASKS} tasks, not {len(tasks)}")
    best = simulate(tasks, workers).makespan
    if not any(task.depends_on for task in tasks):
        return _partition(sorted((t.minutes for t in tasks), reverse=True), workers, best)
    search = _Search(tasks, workers, best)
    search.explore(frozenset(), {}, (0.0,) * workers)
    return search.best


def _partition(minutes: list[float], workers: int, best: float) -> float:
    """Independent tasks: each, longest first, onto every worker whose load differs."""
    loads = [0.0] * workers

    def place(index: int) -> None:
        nonlocal best
        if index == len(minutes):
            best = min(best, max(loads))
            return
        for worker in sorted(range(workers), key=lambda w: loads[w]):
            if loads[worker] in loads[:worker] or loads[worker] + minutes[index] >= best:
                continue  # a twin worker already tried, or no better than the best
            loads[worker] += minutes[index]
            place(index + 1)
            loads[worker] -= minutes[index]

    place(0)
    return best


@dataclass
class _Search:
    tasks: Sequence[SwarmTask]
    workers: int
    best: float
    seen: set[tuple[object, ...]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.ranks = upward_ranks(self.tasks)
        self.whole = all(float(t.minutes).is_integer() for t in self.tasks)
        # Tasks with the same duration, dependencies and dependents are interchangeable.
        self.alike = {
            t.id: (t.minutes, frozenset(t.depends_on), self._dependents(t.id)) for t in self.tasks
        }

    def _dependents(self, task_id: str) -> frozenset[str]:
        return frozenset(t.id for t in self.tasks if task_id in t.depends_on)

    def explore(
        self, placed: frozenset[str], ends: dict[str, float], free: tuple[float, ...]
    ) -> None:
        if len(placed) == len(self.tasks):
            self.best = min(self.best, max(ends.values(), default=0.0))
            return
        key = (placed, free, tuple(sorted((i, ends[i]) for i in placed if self._needed(i, placed))))
        if key in self.seen or self._bound(placed, ends, free) >= self.best:
            return
        self.seen.add(key)
        tried = set()
        for task in self.tasks:
            if task.id in placed or not all(d in placed for d in task.depends_on):
                continue
            if self.alike[task.id] in tried:
                continue  # a twin of one already tried: the same schedules follow
            tried.add(self.alike[task.id])
            start = max([free[0], *(ends[d] for d in task.depends_on)])
            end = start + task.minutes
            self.explore(
                placed | {task.id}, {**ends, task.id: end}, tuple(sorted((*free[1:], end)))
            )

    def _needed(self, task_id: str, placed: frozenset[str]) -> bool:
        return any(task_id in t.depends_on and t.id not in placed for t in self.tasks)

    def _bound(
        self, placed: frozenset[str], ends: dict[str, float], free: tuple[float, ...]
    ) -> float:
        left = [t for t in self.tasks if t.id not in placed]
        load = (sum(free) + sum(t.minutes for t in left)) / self.workers
        earliest: dict[str, float] = {}
        for task in left:  # tasks come in dependency order (their ids are drawn so)
            deps = [
                ends[d] if d in placed else earliest[d] + self._minutes(d) for d in task.depends_on
            ]
            earliest[task.id] = max([free[0], *deps])
        path = max((earliest[t.id] + self.ranks[t.id] for t in left), default=0.0)
        done = max(ends.values(), default=0.0)
        return max(math.ceil(load) if self.whole else load, path, done)

    def _minutes(self, task_id: str) -> float:
        return next(t.minutes for t in self.tasks if t.id == task_id)
