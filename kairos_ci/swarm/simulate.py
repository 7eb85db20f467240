"""An event-driven simulator of the swarm: m identical workers pull tasks with the real
policy (``policy.pick``, the coordinator's conflict check inside), on a plan's steps or a
random DAG, with no network and no clock but the simulated one.

The result is judged against LB = max(⌈Σp/m⌉, critical path, max p), a bound no schedule
can beat, and idle worker time is split by cause: waiting on dependencies, waiting on
locks, and the tail after the last task has started.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from kairos_ci.coordinator.paths import normalised
from kairos_ci.plan.records import Plan
from kairos_ci.swarm.policy import SwarmTask, Waiting, critical_path, pick, upward_ranks


@dataclass(frozen=True)
class Slot:
    task_id: str
    worker: int  # 1..m
    start: float
    end: float


@dataclass(frozen=True)
class LowerBound:
    load: float  # Σp/m, rounded up when every duration is whole
    critical_path: float
    longest: float  # max p

    @property
    def value(self) -> float:
        return max(self.load, self.critical_path, self.longest)


@dataclass(frozen=True)
class Idle:
    """Worker-minutes no task ran, by cause."""

    dependencies: float = 0.0  # nothing was ready
    locks: float = 0.0  # ready tasks waited for a write set
    tail: float = 0.0  # every task had started


@dataclass(frozen=True)
class Simulation:
    workers: int
    schedule: tuple[Slot, ...]  # in start order
    makespan: float
    bound: LowerBound
    idle: Idle
    work: float  # Σp

    @property
    def ratio(self) -> float:
        return self.makespan / self.bound.value if self.bound.value > 0 else 1.0

    @property
    def utilisation(self) -> float:
        capacity = self.workers * self.makespan
        return self.work / capacity if capacity > 0 else 1.0


def lower_bound(tasks: Sequence[SwarmTask], workers: int) -> LowerBound:
    work = sum(task.minutes for task in tasks)
    # ⌈Σp/m⌉ bounds the optimum only when durations are whole: the optimum then is too.
    whole = all(float(task.minutes).is_integer() for task in tasks)
    load = math.ceil(work / workers) if whole else work / workers
    longest = max((task.minutes for task in tasks), default=0.0)
    return LowerBound(float(load), critical_path(tasks), longest)


def simulate(tasks: Sequence[SwarmTask], workers: int) -> Simulation:
    """Greedy pull scheduling: whenever a worker is free, it takes the policy's pick."""
    if workers < 1:
        raise ValueError(f"a simulation needs at least one worker, not {workers}")
    run = _Run(tasks, upward_ranks(tasks), workers)
    while run.left():
        run.start_what_can_start()
        run.advance()
    schedule = tuple(sorted(run.slots, key=lambda s: (s.start, s.worker)))
    makespan = max((slot.end for slot in schedule), default=0.0)
    idle = Idle(run.idle["dependencies"], run.idle["locks"], run.idle["tail"])
    work = sum(task.minutes for task in tasks)
    return Simulation(workers, schedule, makespan, lower_bound(tasks, workers), idle, work)


_CAUSES = ("dependencies", "locks", "tail")


class _Run:
    """One simulation's moving parts (private: only ``simulate`` drives it)."""

    def __init__(self, tasks: Sequence[SwarmTask], ranks: dict[str, float], workers: int):
        self.tasks = tasks
        self.ranks = ranks
        self.by_id = {task.id: task for task in tasks}
        self.now = 0.0
        self.free = list(range(1, workers + 1))
        self.running: list[tuple[float, int, str]] = []  # end, worker, task id: a heap
        self.finished = 0
        self.slots: list[Slot] = []
        self.idle = dict.fromkeys(_CAUSES, 0.0)
        self.missing = {task.id: len(set(task.depends_on)) for task in tasks}  # not done yet
        self.children: dict[str, list[str]] = {task.id: [] for task in tasks}
        for task in tasks:
            for dep in set(task.depends_on):
                self.children[dep].append(task.id)
        # Ready and not started yet, with the moment it became ready (for starvation).
        self.ready_since = {task.id: 0.0 for task in tasks if not task.depends_on}

    def left(self) -> bool:
        return self.finished < len(self.tasks)

    def start_what_can_start(self) -> None:
        held = [path for _, _, task_id in self.running for path in self.by_id[task_id].write_set]
        while self.free:
            chosen = pick(self._waiting(), held)
            if chosen is None:
                return
            worker = self.free.pop(0)
            del self.ready_since[chosen.id]
            end = self.now + chosen.minutes
            heapq.heappush(self.running, (end, worker, chosen.id))
            self.slots.append(Slot(chosen.id, worker, self.now, end))
            held.extend(chosen.write_set)

    def advance(self) -> None:
        """To the next finish: idle workers until then are charged to their cause."""
        end = self.running[0][0]  # the first pick of a DAG always starts: never empty
        self.idle[self._cause()] += len(self.free) * (end - self.now)
        self.now = end
        while self.running and self.running[0][0] == end:
            _, worker, task_id = heapq.heappop(self.running)
            self.finished += 1
            self.free.append(worker)
            self._release(task_id)
        self.free.sort()

    def _release(self, task_id: str) -> None:
        for child in self.children[task_id]:
            self.missing[child] -= 1
            if self.missing[child] == 0:
                self.ready_since[child] = self.now

    def _waiting(self) -> list[Waiting]:
        return [
            Waiting(self.by_id[task_id], self.ranks[task_id], self.now - since)
            for task_id, since in self.ready_since.items()
        ]

    def _cause(self) -> str:
        if len(self.slots) == len(self.tasks):
            return "tail"
        return "locks" if self.ready_since else "dependencies"


@dataclass(frozen=True)
class Sweep:
    """The same tasks on m and on m + 1 workers: list scheduling is not monotone
    (Graham's anomalies), so a worker more can finish later."""

    fewer: Simulation
    more: Simulation

    @property
    def slowdown(self) -> float:
        """Minutes the extra worker cost; 0 when it did not make things worse."""
        return max(0.0, self.more.makespan - self.fewer.makespan)


def sweep(tasks: Sequence[SwarmTask], workers: int) -> Sweep:
    return Sweep(simulate(tasks, workers), simulate(tasks, workers + 1))


@dataclass(frozen=True)
class RandomSpec:
    tasks: int
    max_deps: int = 3  # each task depends on 0..max_deps earlier tasks, drawn at random
    max_minutes: int = 60  # durations are whole minutes, 1..max_minutes
    lock_chance: float = 0.0  # a task also writes a shared path with this chance
    shared_paths: int = 4  # shared/f1.py .. and the folder shared/, which holds them all


def random_tasks(spec: RandomSpec, rng: random.Random) -> tuple[SwarmTask, ...]:
    """A random DAG: every task writes its own file, and some also a shared one."""
    shared = (*(f"shared/f{i}.py" for i in range(1, spec.shared_paths + 1)), "shared/")
    tasks = []
    for index in range(spec.tasks):
        count = rng.randint(0, min(index, spec.max_deps))
        deps = tuple(f"t{d}" for d in sorted(rng.sample(range(index), count)))
        writes = [f"src/t{index}.py"]
        if rng.random() < spec.lock_chance:
            writes.append(rng.choice(shared))
        minutes = float(rng.randint(1, spec.max_minutes))
        tasks.append(SwarmTask(f"t{index}", minutes, deps, tuple(writes)))
    return tuple(tasks)


def plan_tasks(plan: Plan) -> tuple[SwarmTask, ...]:
    """A plan's steps: p50 minutes, dependencies, and the files each touches as its locks."""
    return tuple(
        SwarmTask(
            step.id,
            step.estimate.p50_minutes,
            step.depends_on,
            tuple(normalised(path) for path in sorted(step.files.touched)),
        )
        for step in plan.steps
    )
