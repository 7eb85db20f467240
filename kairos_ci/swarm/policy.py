"""The swarm's scheduling policy, as pure functions (research: anchors-planning §5, §8.3).

- Priority: upward rank (the longest remaining path of p50 minutes, the task's own
  included) first, then the user's class p0-p3, then the lower cost; a task that waits
  gains a little rank, so a steady stream of long chains cannot starve it. The order is
  ``coordinator.urgency``'s, the one the workers claim by.
- Dependencies are hard and two tasks with overlapping write sets never run together:
  the conflict check is the coordinator's (``coordinator/paths.py``), so the simulator
  and the workers cannot disagree on what a lock covers.
- Any such greedy pull order is Graham list scheduling, within 2 - 1/m of the optimum
  without locks; on independent tasks rank order is LPT, within 4/3 - 1/(3m).
- Tasks shorter than a leg's start-up overhead are packed together with LPT, as
  pytest-split packs tests.
- The worker count is a small function of recorded numbers; the model tier is the
  track record's (``coordinator.track``), which the workers use.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from kairos_ci.coordinator.paths import conflicts
from kairos_ci.coordinator.urgency import urgency
from kairos_ci.errors import InputError
from kairos_ci.plan.dag import find_cycle, longest_chains, topological
from kairos_ci.plan.records import UserClass


@dataclass(frozen=True)
class SwarmTask:
    id: str
    minutes: float  # the p50 estimate (in a simulation: the actual duration)
    depends_on: tuple[str, ...] = ()
    write_set: tuple[str, ...] = ()  # normalised paths; a trailing "/" holds a folder
    user_class: UserClass = UserClass.P2
    cost_usd: float = 0.0


@dataclass(frozen=True)
class Waiting:
    """A ready task as the policy sees it: its rank and how long it has waited."""

    task: SwarmTask
    rank: float
    waited_minutes: float = 0.0


def upward_ranks(tasks: Sequence[SwarmTask]) -> dict[str, float]:
    """Each task's minutes plus the longest chain of minutes that depends on it."""
    return longest_chains(_graph(tasks), {task.id: task.minutes for task in tasks})


def critical_path(tasks: Sequence[SwarmTask]) -> float:
    return max(upward_ranks(tasks).values(), default=0.0)


def priority_key(waiting: Waiting) -> tuple[float, int, float, str]:
    """Sorts the most urgent first, as the workers claim (``coordinator.urgency``)."""
    task = waiting.task
    return urgency(waiting.rank, waiting.waited_minutes, task.user_class, task.cost_usd, task.id)


def pick(ready: Sequence[Waiting], held: Collection[str]) -> SwarmTask | None:
    """The most urgent ready task none of whose write set overlaps a held path."""
    for waiting in sorted(ready, key=priority_key):
        if not conflicts(waiting.task.write_set, held):
            return waiting.task
    return None


def lpt(tasks: Sequence[SwarmTask], legs: int) -> tuple[tuple[SwarmTask, ...], ...]:
    """Longest first, each to the leg with the least work so far (ties: the lower leg)."""
    if legs < 1:
        raise ValueError(f"LPT needs at least one leg, not {legs}")
    loads = [(0.0, leg) for leg in range(legs)]
    packed: list[list[SwarmTask]] = [[] for _ in range(legs)]
    for task in sorted(tasks, key=lambda t: (-t.minutes, t.id)):
        load, leg = heapq.heappop(loads)
        packed[leg].append(task)
        heapq.heappush(loads, (load + task.minutes, leg))
    return tuple(tuple(leg) for leg in packed)


@dataclass(frozen=True)
class Packing:
    alone: tuple[SwarmTask, ...]  # long enough to be worth a leg of their own
    bundles: tuple[tuple[SwarmTask, ...], ...]  # short ones, each bundle run by one leg


def pack_short(ready: Sequence[SwarmTask], overhead_minutes: float, max_legs: int) -> Packing:
    """Tasks shorter than a leg's start-up overhead, packed with LPT into ⌊their total /
    overhead⌋ legs (at least one, at most ``max_legs``): each leg then carries about an
    overhead of work or more, so start-up does not dominate it."""
    short = [task for task in ready if task.minutes < overhead_minutes]
    alone = tuple(task for task in ready if task.minutes >= overhead_minutes)
    if not short:
        return Packing(alone, ())
    work = sum(task.minutes for task in short)
    legs = max(1, min(max_legs, math.floor(work / overhead_minutes)))  # short: overhead > 0
    return Packing(alone, tuple(bundle for bundle in lpt(short, legs) if bundle))


def ready_width(
    tasks: Sequence[SwarmTask],
    done: Collection[str],
    horizon_minutes: float,
    overhead_minutes: float = 0.0,
) -> int:
    """The most legs that could be busy at once within the horizon, with every task
    started as soon as its dependencies are done (locks not counted), and the tasks
    running together that are shorter than a leg's overhead packed (``pack_short``)."""
    left = [task for task in tasks if task.id not in done]
    by_id = {task.id: task for task in left}
    earliest: dict[str, float] = {}
    for task_id in topological({t.id: tuple(d for d in t.depends_on if d in by_id) for t in left}):
        deps = [d for d in by_id[task_id].depends_on if d in by_id]
        earliest[task_id] = max((earliest[d] + by_id[d].minutes for d in deps), default=0.0)
    starts = sorted({start for start in earliest.values() if start < horizon_minutes})
    return max(
        (_legs(_running_at(moment, left, earliest), overhead_minutes) for moment in starts),
        default=0,
    )


def _running_at(
    moment: float, tasks: Sequence[SwarmTask], earliest: Mapping[str, float]
) -> list[SwarmTask]:
    return [
        task
        for task in tasks
        if earliest[task.id] <= moment < earliest[task.id] + task.minutes
        or earliest[task.id] == moment
    ]


def _legs(running: Sequence[SwarmTask], overhead_minutes: float) -> int:
    packing = pack_short(running, overhead_minutes, max(1, len(running)))
    return len(packing.alone) + len(packing.bundles)


@dataclass(frozen=True)
class WorkerLimits:
    """What bounds the number of worker legs; 0 for a per-unit price means no bound."""

    ready_width: int  # over the next horizon (``ready_width``)
    max_parallel: int  # the plan's setting
    concurrency: int  # concurrent jobs the account allows
    api_requests: int  # the API budget left for this run
    requests_per_task: float
    usd_budget: float
    usd_per_task_hour: float


def worker_count(limits: WorkerLimits) -> int:
    """k = the smallest of the ready width, the plan's and the account's parallelism, the
    API budget's and the USD budget's worth of tasks; 0: nothing to do or no budget."""
    bounds = [limits.ready_width, limits.max_parallel, limits.concurrency]
    if limits.requests_per_task > 0:
        bounds.append(math.floor(limits.api_requests / limits.requests_per_task))
    if limits.usd_per_task_hour > 0:
        bounds.append(math.floor(limits.usd_budget / limits.usd_per_task_hour))
    return max(0, min(bounds))


def _graph(tasks: Sequence[SwarmTask]) -> dict[str, tuple[str, ...]]:
    """The dependency graph, refused with the task and id at fault when it is not a DAG."""
    graph: dict[str, tuple[str, ...]] = {}
    for task in tasks:
        if task.id in graph:
            raise InputError(f"task {task.id!r} appears twice")
        if task.minutes < 0:
            raise InputError(f"task {task.id!r} has a negative estimate: {task.minutes} minutes")
        graph[task.id] = task.depends_on
    for task in tasks:
        unknown = [dep for dep in task.depends_on if dep not in graph]
        if unknown:
            raise InputError(f"task {task.id!r} depends on unknown {', '.join(unknown)}")
    cycle = find_cycle(graph)
    if cycle:
        raise InputError(f"the tasks have a dependency cycle: {' -> '.join(cycle)}")
    return graph
