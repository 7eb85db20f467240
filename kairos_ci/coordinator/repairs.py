"""A failed merge becomes a repair task, within the attempt budget.

When a slice's merge stops at a task (a conflict, or its tests failing on the merged
tree), the task's branch cannot be merged as it is. A repair task takes its place: it
starts after the tasks merged before it in the slice, may write the task's files and
the conflicting ones, and carries the conflict or failure in its history for the agent.
The tasks that waited for the culprit wait for the repair instead. A step gets as many
repairs as its tasks have attempts; after that the culprit fails with the reason, and
the tasks after it are cancelled, for people to look at.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from kairos_ci.clock import to_iso
from kairos_ci.coordinator.lineage import (
    origin_of,
    repair_id,
    repair_number,
    repairs_of,
    superseded,
)
from kairos_ci.coordinator.moves import MAX_EVENTS, refreshed
from kairos_ci.coordinator.outcomes import Conflict, Reason
from kairos_ci.coordinator.paths import normalised
from kairos_ci.coordinator.records import Board, BoardTask, TaskEvent, TaskStatus
from kairos_ci.coordinator.slices import slice_of
from kairos_ci.errors import InputError

REPAIRS_USED = "failed: repairs used"  # a done step whose merges kept failing


def repair(board: Board, task_id: str, why: Reason, now: datetime) -> Board:
    """A repair task for ``task_id``, whose merge failed for ``why``; or, once its step
    has used its repairs, ``task_id`` failed with the reason."""
    culprit = board.task(task_id)
    if task_id in superseded(board):
        raise InputError(f"task {task_id} already has a newer repair: integrate that one")
    origin = origin_of(task_id)
    used = repairs_of(board, origin)
    if len(used) >= _allowed(board, culprit):
        return refreshed(_failed(board, culprit, why, now, len(used)), now)
    part = slice_of(board, task_id).task_ids
    number = repair_number(used[-1]) + 1 if used else 1
    fixer = _repair_task(culprit, repair_id(origin, number), part[: part.index(task_id)], why, now)
    tasks = tuple(_repointed(task, task_id, fixer.id) for task in board.tasks)
    board = replace(board, tasks=(*tasks, fixer))
    noted = _noted(board.task(task_id), now, "repair added", f"{fixer.id} takes over")
    return refreshed(_changed(board, noted), now)


def _allowed(board: Board, culprit: BoardTask) -> int:
    """A step's repairs are bounded by its attempts (the original's, if still on the board)."""
    try:
        return board.task(origin_of(culprit.id)).max_attempts
    except KeyError:
        return culprit.max_attempts


def _repair_task(
    culprit: BoardTask, fixer_id: str, after: tuple[str, ...], why: Reason, now: datetime
) -> BoardTask:
    extra = why.paths if isinstance(why, Conflict) else ()
    write_set = tuple(dict.fromkeys((*culprit.write_set, *(normalised(p) for p in extra))))
    kind = "merge conflict" if isinstance(why, Conflict) else "tests failed"
    return BoardTask(
        id=fixer_id,
        title=f"Repair {origin_of(culprit.id)} ({kind}): {culprit.title}",
        state=TaskStatus.PENDING,
        depends_on=after,
        write_set=write_set,
        priority=culprit.priority,
        tier=culprit.tier,
        estimate_minutes=culprit.estimate_minutes,
        budget_usd=culprit.budget_usd,
        max_attempts=culprit.max_attempts,
        history=(TaskEvent(to_iso(now), "created", note=f"repairs {culprit.id}: {why.quote()}"),),
    )


def _failed(board: Board, culprit: BoardTask, why: Reason, now: datetime, used: int) -> Board:
    note = f"{used} repairs used; {why.quote()}"
    ended = _noted(replace(culprit, state=TaskStatus.FAILED, lease=None), now, REPAIRS_USED, note)
    return _changed(board, ended)


def _repointed(task: BoardTask, culprit: str, fixer: str) -> BoardTask:
    if culprit not in task.depends_on:
        return task
    deps = tuple(dict.fromkeys(fixer if dep == culprit else dep for dep in task.depends_on))
    return replace(task, depends_on=deps)


def _noted(task: BoardTask, now: datetime, what: str, note: str) -> BoardTask:
    event = TaskEvent(to_iso(now), what, note=note)
    return replace(task, history=(*task.history, event)[-MAX_EVENTS:])


def _changed(board: Board, changed: BoardTask) -> Board:
    return replace(board, tasks=tuple(changed if t.id == changed.id else t for t in board.tasks))
