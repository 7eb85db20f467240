"""Every change to a board, as a pure function: board in, board out.

Each move is one compare-and-swap commit (``store``), so a claim writes the lease, the
locks it implies and a new fencing token together, or nothing. A worker reports with
the fencing token its lease was granted with; once its lease has expired and another
worker holds a newer token, the late report is refused (``Fenced``), so a zombie cannot
overwrite the new owner's work. Locks are taken all or nothing with the lease: a task is
claimed only when its whole write set is free, so no worker ever holds part of what it
needs, and no two wait on each other.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from kairos_ci.clock import from_iso, to_iso
from kairos_ci.coordinator.paths import conflicts, normalised
from kairos_ci.coordinator.records import (
    ENDED,
    LIVE,
    BlockReason,
    Board,
    BoardTask,
    TaskEvent,
    TaskLease,
    TaskStatus,
    WorkResult,
)
from kairos_ci.coordinator.urgency import urgency
from kairos_ci.errors import KairosError

DEFAULT_TTL = timedelta(minutes=10)
MAX_EVENTS = 30  # per task: the board stays small, the branch history keeps the rest
WAITING = frozenset({TaskStatus.PENDING, TaskStatus.READY, TaskStatus.BLOCKED})
FINISHED = ("done", "attempt failed", "failed: out of attempts")  # what a result records
_MADE_READY = frozenset({str(TaskStatus.READY), FINISHED[1], "lease expired"})


class Fenced(KairosError):
    """A report whose fencing token is no longer the task's: its lease was taken over."""


class LockBusy(KairosError):
    """Paths a task asked for are held by another task's live lease."""


@dataclass(frozen=True)
class Grant:
    task: BoardTask
    fence: int


@dataclass(frozen=True)
class Report:
    """Who reports on which task, with the fencing token of their lease, and when."""

    task_id: str
    fence: int
    at: datetime


def refreshed(board: Board, now: datetime) -> Board:
    """Expired leases given back (or the task failed, out of attempts), then each waiting
    task's state worked out anew from its dependencies, decisions, the budget and locks."""
    tasks = [_expired(task, now) for task in board.tasks]
    board = replace(board, tasks=tuple(tasks))
    return replace(board, tasks=tuple(_waiting(board, task, now) for task in board.tasks))


def claim(
    board: Board, owner: str, now: datetime, ttl: timedelta = DEFAULT_TTL
) -> tuple[Board, Grant | None]:
    """The most urgent ready task (``urgency``: rank, time waited, cost) whose whole write
    set is free, leased to ``owner`` under a new fencing token; None when nothing can be
    claimed now."""
    board = refreshed(board, now)
    mine = next((t for t in board.live() if t.lease and t.lease.owner == owner), None)
    if mine is not None and mine.lease is not None:  # a retried claim whose push landed
        return board, Grant(mine, mine.lease.fence)
    held = board.locks()
    ready = sorted(
        (t for t in board.tasks if t.state is TaskStatus.READY), key=lambda t: _urgency(t, now)
    )
    chosen = next((t for t in ready if not conflicts(t.write_set, held)), None)
    if chosen is None:
        return board, None
    fence = board.fence + 1
    stamp = to_iso(now)
    lease = TaskLease(owner, fence, stamp, to_iso(now + ttl), stamp)
    leased = _logged(
        replace(
            chosen, state=TaskStatus.LEASED, lease=lease, attempts=chosen.attempts + 1, block=None
        ),
        TaskEvent(stamp, "claimed", owner, fence, f"attempt {chosen.attempts + 1}"),
    )
    board = replace(board, fence=fence, tasks=_with(board, leased))
    return refreshed(board, now), Grant(leased, fence)


def heartbeat(board: Board, report: Report, ttl: timedelta = DEFAULT_TTL) -> Board:
    """The lease extended by ``ttl`` from now, for its holder only."""
    task = held_task(board, report)
    assert task.lease is not None  # held_task checked it
    lease = replace(task.lease, expires_at=to_iso(report.at + ttl), heartbeat_at=to_iso(report.at))
    return replace(board, tasks=_with(board, replace(task, lease=lease)))


def advance(board: Board, report: Report, state: TaskStatus) -> Board:
    """The holder says where it is: running (the agent) or verifying (tests, guard)."""
    if state not in (TaskStatus.RUNNING, TaskStatus.VERIFYING):
        raise ValueError(f"a worker advances a task to running or verifying, not {state}")
    task = held_task(board, report)
    moved = _logged(
        replace(task, state=state), TaskEvent(to_iso(report.at), str(state), fence=report.fence)
    )
    return replace(board, tasks=_with(board, moved))


def finish(board: Board, report: Report, result: WorkResult) -> Board:
    """The holder's result: done, or another attempt while attempts are left. Its locks
    go with its lease, and the tasks waiting for it are worked out anew. Paths the result
    needed and could not take join its write set, so the next attempt waits for them."""
    if reported(board.task(report.task_id), report.fence):
        return board  # a retried report whose first push landed: once is enough
    task = held_task(board, report)
    spent = round(task.spent_usd + result.usd, 6)
    if result.ok:
        state, what = TaskStatus.DONE, FINISHED[0]
    elif task.attempts < task.max_attempts:
        state, what = TaskStatus.READY, FINISHED[1]
    else:
        state, what = TaskStatus.FAILED, FINISHED[2]
    grown = tuple(dict.fromkeys((*task.write_set, *(normalised(p) for p in result.needs))))
    ended = replace(task, state=state, lease=None, result=result, spent_usd=spent, write_set=grown)
    ended = _logged(
        ended,
        TaskEvent(
            to_iso(report.at),
            what,
            fence=report.fence,
            note=result.note[:300],
            tier=result.tier,
            usd=result.usd,
        ),
    )
    return refreshed(replace(board, tasks=_with(board, ended)), report.at)


def extend(board: Board, report: Report, paths: Iterable[str]) -> Board:
    """More of the tree for the holder, if no other live lease holds any of it; all or
    nothing, through the same compare-and-swap as a claim."""
    task = held_task(board, report)
    wanted = [normalised(path) for path in paths]
    others = {path: holder for path, holder in board.locks().items() if holder != task.id}
    busy = conflicts(wanted, others)
    if busy:
        holders = ", ".join(f"{path} ({others[path]})" for path in busy)
        raise LockBusy(f"task {task.id} cannot take {', '.join(wanted)}: held: {holders}")
    grown = tuple(dict.fromkeys((*task.write_set, *wanted)))
    note = "took " + ", ".join(wanted)
    moved = _logged(
        replace(task, write_set=grown),
        TaskEvent(to_iso(report.at), "locks extended", fence=report.fence, note=note),
    )
    return replace(board, tasks=_with(board, moved))


def held_task(board: Board, report: Report) -> BoardTask:
    """The task ``report`` is about, while the reporter's lease on it is live."""
    task = board.task(report.task_id)
    current = task.lease.fence if task.lease is not None and task.state in LIVE else None
    if current != report.fence:
        now = f"fence {current}" if current is not None else "no live lease"
        raise Fenced(
            f"task {task.id} has {now}; a report with fence {report.fence} is refused "
            "(its lease expired and was given to another worker)"
        )
    return task


def reported(task: BoardTask, fence: int, what: Iterable[str] = FINISHED) -> bool:
    """Whether the holder of ``fence`` has reported ``what`` already: a retried report
    whose first push landed must change nothing the second time."""
    live = task.lease is not None and task.lease.fence == fence and task.state in LIVE
    ended = set(what)
    return not live and any(e.what in ended and e.fence == fence for e in task.history)


def _expired(task: BoardTask, now: datetime) -> BoardTask:
    if task.state not in LIVE or task.lease is None or from_iso(task.lease.expires_at) > now:
        return task
    out = task.attempts >= task.max_attempts
    state = TaskStatus.FAILED if out else TaskStatus.READY
    note = f"{task.lease.owner} stopped reporting" + ("; out of attempts" if out else "")
    event = TaskEvent(to_iso(now), "lease expired", task.lease.owner, task.lease.fence, note)
    return _logged(replace(task, state=state, lease=None), event)


def _waiting(board: Board, task: BoardTask, now: datetime) -> BoardTask:
    if task.state not in WAITING:
        return task
    states = {t.id: t.state for t in board.tasks}
    lost = [dep for dep in task.depends_on if states.get(dep) in ENDED - {TaskStatus.DONE}]
    if lost:
        note = f"dependency {', '.join(lost)} did not finish"
        return _logged(
            replace(task, state=TaskStatus.CANCELLED, block=None),
            TaskEvent(to_iso(now), "cancelled", note=note),
        )
    state, block = _wanted_state(board, task, states)
    if state is task.state and block is task.block:
        return task
    moved = replace(task, state=state, block=block)
    if state is task.state:
        return moved  # only the reason changed: not worth a line of history
    return _logged(moved, TaskEvent(to_iso(now), str(state), note=str(block or "")))


def _wanted_state(
    board: Board, task: BoardTask, states: dict[str, TaskStatus]
) -> tuple[TaskStatus, BlockReason | None]:
    if any(states.get(dep) is not TaskStatus.DONE for dep in task.depends_on):
        return TaskStatus.PENDING, BlockReason.DEPENDENCY
    if any(board.decisions.get(point) is None for point in task.decisions):
        return TaskStatus.PENDING, BlockReason.DECISION
    if board.budget_usd > 0 and board.spent_usd() >= board.budget_usd:
        return TaskStatus.BLOCKED, BlockReason.BUDGET
    held = {path: holder for path, holder in board.locks().items() if holder != task.id}
    return TaskStatus.READY, BlockReason.LOCK if conflicts(task.write_set, held) else None


def _urgency(task: BoardTask, now: datetime) -> tuple[float, int, float, str]:
    """The claim order (``urgency``). The board keeps no price per task: its p50 minutes
    stand for its cost."""
    waited = (now - _ready_since(task, now)).total_seconds() / 60
    return urgency(task.priority, waited, task.user_class, task.estimate_minutes, task.id)


def _ready_since(task: BoardTask, now: datetime) -> datetime:
    """When the task last became ready: its newest event that made it so."""
    for event in reversed(task.history):
        if event.what in _MADE_READY:
            try:
                return from_iso(event.at)
            except ValueError:
                break
    return now


def _logged(task: BoardTask, event: TaskEvent) -> BoardTask:
    return replace(task, history=(*task.history, event)[-MAX_EVENTS:])


def _with(board: Board, changed: BoardTask) -> tuple[BoardTask, ...]:
    return tuple(changed if task.id == changed.id else task for task in board.tasks)
