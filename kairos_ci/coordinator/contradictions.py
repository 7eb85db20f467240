"""Results that contradict the plan's decisions: people settle them, never a model vote.

A result assumes answers to decision points (``D1 = a``). If it contradicts a decided
point, ``contradicts`` quotes the decision so the caller rejects the result and requeues
the task with the quote attached. If the question is open, ``decide_needed`` adds an
undecided point to the board: the task and everything after it wait on it (pending,
blocked by a decision) until a maintainer picks an option on the plan comment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from kairos_ci.clock import to_iso
from kairos_ci.coordinator.moves import MAX_EVENTS, refreshed
from kairos_ci.coordinator.outcomes import MAX_QUOTE
from kairos_ci.coordinator.records import LIVE, Board, BoardTask, TaskEvent, TaskStatus
from kairos_ci.errors import InputError

REJECTED = "rejected: waits for a decision"  # a result put back until people answer
ASKED = "waits for a decision"  # the task that raised the question had no result yet


@dataclass(frozen=True)
class Contradiction:
    task_id: str
    point: str
    decided: str  # the option people chose
    assumed: str  # the option the result took for granted

    def quote(self) -> str:
        return (
            f"{self.task_id} assumed {self.point} = {self.assumed!r}, "
            f"but {self.point} was decided: {self.decided!r}"
        )


@dataclass(frozen=True)
class Question:
    """An open question a result raised, for a human to answer on the plan comment."""

    id: str  # a new decision point's id, e.g. "D4"
    text: str
    options: tuple[str, ...]


def contradicts(
    board: Board, task_id: str, assumed: Mapping[str, str]
) -> tuple[Contradiction, ...]:
    """The decided points ``task_id``'s result assumed otherwise, each quoting the decision.
    Points the board does not know, or that are still open, are no contradiction."""
    board.task(task_id)  # a KeyError names an unknown task
    found = []
    for point, option in sorted(assumed.items()):
        decided = board.decisions.get(point)
        if decided is not None and decided != option:
            found.append(Contradiction(task_id, point, decided, option))
    return tuple(found)


def decide_needed(board: Board, task_id: str, question: Question, now: datetime) -> Board:
    """``question`` as an undecided point on the board; ``task_id`` (its result rejected)
    and every task after it wait for the answer."""
    _check(board, question)
    asker = board.task(task_id)
    if asker.state in (TaskStatus.FAILED, TaskStatus.CANCELLED):
        raise InputError(f"task {task_id} has ended ({asker.state}): no question can hold it")
    waiting = {task_id, *dependents(board, task_id)}
    tasks = tuple(
        _waits(task, question, now, asker=task.id == task_id) if task.id in waiting else task
        for task in board.tasks
    )
    decisions = {**board.decisions, question.id: None}
    return refreshed(replace(board, tasks=tasks, decisions=decisions), now)


def dependents(board: Board, task_id: str) -> set[str]:
    """Every task that depends on ``task_id``, directly or through others."""
    found: set[str] = set()
    frontier = [task_id]
    while frontier:
        current = frontier.pop()
        for task in board.tasks:
            if current in task.depends_on and task.id not in found:
                found.add(task.id)
                frontier.append(task.id)
    return found


def _check(board: Board, question: Question) -> None:
    decided = board.decisions.get(question.id)
    if decided is not None:
        raise InputError(
            f"decision point {question.id} is decided ({decided!r}): a result against it "
            "is a contradiction to reject, not a new question"
        )
    if not question.text.strip() or len(question.options) < 2:
        raise InputError(f"decision point {question.id} needs a question and two options or more")


def _waits(task: BoardTask, question: Question, now: datetime, asker: bool) -> BoardTask:
    """The task waits for ``question``; a result or lease it had is put back, as the
    work was done on an answer nobody gave."""
    moved = replace(task, decisions=tuple(dict.fromkeys((*task.decisions, question.id))))
    requeued = task.state is TaskStatus.DONE or task.state in LIVE
    if requeued:
        moved = replace(moved, state=TaskStatus.PENDING, lease=None, result=None)
    elif not asker:
        return moved
    if asker:
        note = f"{question.id}: {question.text} (options: {' | '.join(question.options)})"
    else:
        note = f"a task before it waits for {question.id}"
    event = TaskEvent(to_iso(now), REJECTED if requeued else ASKED, note=note[:MAX_QUOTE])
    return replace(moved, history=(*moved.history, event)[-MAX_EVENTS:])
