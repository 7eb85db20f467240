"""A plan's independently mergeable slices: one pull request each, never one giant one.

A slice is a weakly connected component of the tasks' dependency graph: a task, what it
depends on and what depends on it, transitively. Tasks of different slices share no
dependency, so each slice merges and is reviewed on its own. Within a slice the tasks
merge in dependency order, ties broken by higher priority (the longer chain first), then
by id, so every run merges them in the same order and the first failing merge names the
same culprit. A repair belongs to its original task's slice and stands in for it.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, replace

from kairos_ci.coordinator.lineage import origin_of, superseded
from kairos_ci.coordinator.records import Board, BoardTask, TaskStatus
from kairos_ci.errors import InputError


@dataclass(frozen=True)
class Slice:
    number: int  # from 1, in board order of the slice's first task: stable across repairs
    task_ids: tuple[str, ...]  # merge order; tasks a repair stands in for are left out


def slice_branch(plan_id: str, number: int) -> str:
    return f"kairos/plan-{plan_id}/slice-{number}"


def slices(board: Board) -> tuple[Slice, ...]:
    order = merge_order(board)
    return tuple(
        Slice(number, tuple(task_id for task_id in order if task_id in members))
        for number, members in enumerate(_components(board), 1)
    )


def proposed(board: Board, part: Slice, url: str) -> Board:
    """The slice's pull request, kept for each of its tasks: the tracker links to it."""
    pulls = {**board.pulls, **dict.fromkeys(part.task_ids, url)}
    return board if pulls == board.pulls else replace(board, pulls=pulls)


def slice_of(board: Board, task_id: str) -> Slice:
    board.task(task_id)  # a KeyError names an unknown task
    origin = origin_of(task_id)  # a task a repair stands in for is in the repair's slice
    return next(s for s in slices(board) if origin in map(origin_of, s.task_ids))


def unfinished(board: Board, part: Slice) -> tuple[str, ...]:
    """The slice's tasks not done yet: it merges only when this is empty."""
    return tuple(t for t in part.task_ids if board.task(t).state is not TaskStatus.DONE)


def merge_order(board: Board) -> tuple[str, ...]:
    """Every task a repair does not stand in for, dependencies first, then higher
    priority, then id (Kahn's algorithm with a heap)."""
    _check_dependencies(board)
    left = superseded(board)
    tasks = {t.id: t for t in board.tasks if t.id not in left}
    waiting = {t.id: {d for d in t.depends_on if d in tasks} for t in tasks.values()}
    dependents: dict[str, list[str]] = {task_id: [] for task_id in tasks}
    for task_id, deps in waiting.items():
        for dep in deps:
            dependents[dep].append(task_id)
    heap = [_rank(tasks[t]) for t, deps in waiting.items() if not deps]
    heapq.heapify(heap)
    order: list[str] = []
    while heap:
        task_id = heapq.heappop(heap)[1]
        order.append(task_id)
        for other in dependents[task_id]:
            waiting[other].discard(task_id)
            if not waiting[other]:
                heapq.heappush(heap, _rank(tasks[other]))
    if len(order) < len(tasks):
        stuck = sorted(set(tasks) - set(order))
        raise InputError(f"board {board.plan_id}: tasks {', '.join(stuck)} depend in a cycle")
    return tuple(order)


def _rank(task: BoardTask) -> tuple[float, str]:
    return -task.priority, task.id


def _check_dependencies(board: Board) -> None:
    known = {t.id for t in board.tasks}
    for task in board.tasks:
        missing = [dep for dep in task.depends_on if dep not in known]
        if missing:
            raise InputError(
                f"board {board.plan_id}: task {task.id} depends on {', '.join(missing)}, "
                "which is not on the board"
            )


def _components(board: Board) -> list[set[str]]:
    """Weakly connected components (a repair joined to its original), in board order."""
    parent = {t.id: t.id for t in board.tasks}

    def root(task_id: str) -> str:
        while parent[task_id] != task_id:
            parent[task_id] = parent[parent[task_id]]
            task_id = parent[task_id]
        return task_id

    for task in board.tasks:
        origin = origin_of(task.id)
        for other in (*task.depends_on, origin if origin in parent else task.id):
            parent[root(task.id)] = root(other)
    groups: dict[str, set[str]] = {}
    for task in board.tasks:  # board order: a slice's number is its first task's place
        groups.setdefault(root(task.id), set()).add(task.id)
    return list(groups.values())
