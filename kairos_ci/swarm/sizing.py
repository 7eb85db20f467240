"""How many legs a swarm run starts: k = ``policy.worker_count`` of limits read from the
plan's board (as the workers will see it) and the run's allowances, and whether there is
work for any leg at all (an empty matrix is an error in GitHub Actions, so none is asked).

- The ready width is over the tasks that can still run, with their p50 estimates as
  the track record corrects them (``coordinator.track``): not ended, and not waiting
  (themselves or through a dependency) for a decision or the budget, which no leg can
  unblock. Tasks running together that are shorter than a leg's start-up overhead count
  as the legs ``policy.pack_short`` packs them into, not one leg each.
- The plan's maximum parallelism is the same width with no horizon: the most of those
  tasks that could ever run at once, however many legs there were.
- The per-task figures for the API and the USD budget are conservative constants,
  documented where they are defined; the command reports every limit's value.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime

from kairos_ci.coordinator.moves import refreshed
from kairos_ci.coordinator.records import ENDED, LIVE, BlockReason, Board, TaskStatus
from kairos_ci.coordinator.track import Track
from kairos_ci.swarm.policy import SwarmTask, WorkerLimits, ready_width, worker_count

DEFAULT_HORIZON_MINUTES = 60.0  # a leg's default 50 minutes of claiming, and its start-up
# A leg's start-up before its first claim: a hosted runner's start, the checkout and the
# action's install take a minute or two. An estimate: a job cannot see its own queueing.
LEG_OVERHEAD_MINUTES = 2.0
# GITHUB_TOKEN may make 1,000 REST requests an hour in a repository (GitHub's REST rate
# limits); board moves are git pushes and do not count.
API_REQUESTS_PER_HOUR = 1_000
# A task's own REST calls are a handful: the plan comment's progress (a listing and an
# update), its share of integration (a pull request looked up, opened or updated) and of
# the dashboard. 25 is several times that, so a run never starts more legs than it can
# serve.
REQUESTS_PER_TASK = 25


@dataclass(frozen=True)
class Allowance:
    """What the run may use, beside the board's own shape."""

    concurrency: int  # legs the account (--max-workers) allows at once
    usd_headroom: float  # the budget left today, this month, and of the plan's cap
    usd_per_leg_hour: float  # the most a leg spends in an hour: its run cap
    horizon_minutes: float = DEFAULT_HORIZON_MINUTES
    overhead_minutes: float = LEG_OVERHEAD_MINUTES
    api_requests: int = API_REQUESTS_PER_HOUR
    requests_per_task: float = REQUESTS_PER_TASK


@dataclass(frozen=True)
class Sizing:
    k: int  # legs to start; 0 with ``why``
    limits: WorkerLimits
    ready: int  # tasks a leg could claim now (a held write set aside)
    running: int  # tasks with a live lease
    left: int  # tasks not ended
    why: str = ""  # why no leg starts
    paced: int = 0  # the board's task classes whose estimates the track record corrected
    overhead_minutes: float = LEG_OVERHEAD_MINUTES  # tasks shorter than this share legs

    @property
    def has_work(self) -> bool:
        return self.k > 0


def size(board: Board, allowance: Allowance, now: datetime, track: Track) -> Sizing:
    """k for ``board`` at ``now`` (expired leases given back, waiting tasks worked out
    anew, as the first claim will)."""
    board = refreshed(board, now)
    runnable = _runnable(board, track)
    overhead = allowance.overhead_minutes
    limits = WorkerLimits(
        ready_width=ready_width(runnable, (), allowance.horizon_minutes, overhead),
        max_parallel=ready_width(runnable, (), math.inf, overhead),
        concurrency=allowance.concurrency,
        api_requests=allowance.api_requests,
        requests_per_task=allowance.requests_per_task,
        usd_budget=allowance.usd_headroom,
        usd_per_task_hour=allowance.usd_per_leg_hour,
    )
    ready = sum(1 for task in board.tasks if task.state is TaskStatus.READY)
    running = sum(1 for task in board.tasks if task.state in LIVE)
    left = sum(1 for task in board.tasks if task.state not in ENDED)
    paced = len({task.task_class for task in board.tasks} & set(track.pace))
    sized = Sizing(0, limits, ready, running, left, "", paced, overhead)
    if not ready and not running:
        why = "every task has ended" if not left else "no task is ready or running"
        return replace(sized, why=f"{why}: {_waiting(board)}" if left else why)
    k = worker_count(limits)
    return replace(sized, k=k, why="" if k else f"{_binding(limits)} allows no leg")


def _runnable(board: Board, track: Track) -> tuple[SwarmTask, ...]:
    """Tasks not ended and not stuck behind a decision or the budget, with their
    corrected p50."""
    stuck = {
        task.id
        for task in board.tasks
        if task.block in (BlockReason.DECISION, BlockReason.BUDGET) and task.state not in ENDED
    }
    left = [task for task in board.tasks if task.state not in ENDED]
    grew = True
    while grew:  # a task behind a stuck one is stuck too
        behind = {t.id for t in left if t.id not in stuck and stuck.intersection(t.depends_on)}
        stuck |= behind
        grew = bool(behind)
    ids = {task.id for task in left} - stuck
    return tuple(
        SwarmTask(
            task.id,
            track.minutes(task),
            _within(task.depends_on, ids),
            task.write_set,
            task.user_class,
        )
        for task in left
        if task.id in ids
    )


def _within(depends_on: tuple[str, ...], ids: Collection[str]) -> tuple[str, ...]:
    return tuple(dep for dep in depends_on if dep in ids)


def _waiting(board: Board) -> str:
    reasons = sorted({str(t.block) for t in board.tasks if t.state not in ENDED and t.block})
    return f"the rest waits on {', '.join(reasons)}" if reasons else "the rest waits"


def _binding(limits: WorkerLimits) -> str:
    """The limit that is 0, in words."""
    if limits.usd_per_task_hour > 0 and limits.usd_budget < limits.usd_per_task_hour:
        return "the USD budget left"
    if limits.requests_per_task > 0 and limits.api_requests < limits.requests_per_task:
        return "the API budget"
    return "the concurrency allowance"
