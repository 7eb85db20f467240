"""Results that contradict the plan's decisions, and questions it left open: people
settle them on the plan comment, never a model vote.

- A result says which options of the decision points it built on (``D1 = a``). If one
  contradicts a decided point, ``contradicts`` quotes the decision: the caller rejects
  the result, and the task's next attempt is told the quote.
- An attempt may instead end on a question the plan leaves open (``Asked``).
  ``raise_question`` puts it on the board as a new, undecided point: the task and every
  task after it wait on it (pending, blocked by a decision), and results they had are
  set aside, as they were built on an answer nobody gave.
- ``answer`` records the option a maintainer ticked; the waiting tasks become ready.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from kairos_ci.clock import to_iso
from kairos_ci.coordinator.moves import MAX_EVENTS, Report, held_task, refreshed, reported
from kairos_ci.coordinator.outcomes import MAX_QUOTE
from kairos_ci.coordinator.records import (
    LIVE,
    Asked,
    Board,
    BoardTask,
    Question,
    TaskEvent,
    TaskStatus,
)
from kairos_ci.errors import InputError

ASKED = "asked"  # the attempt ended on a question
SET_ASIDE = "set aside: waits for a decision"  # a later task's result, built before it
MAX_QUESTIONS = 20  # per board: past it, a step that asks again fails instead
MAX_OPTIONS = 5
_POINT = re.compile(r"^D([0-9]{1,3})$")


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


def raise_question(board: Board, report: Report, asked: Asked) -> Board:
    """The holder's attempt ended on ``asked``: a new decision point, which the task and
    everything after it wait for. Its spend counts; its lease and locks go."""
    if reported(board.task(report.task_id), report.fence, (ASKED,)):
        return board  # a retried report whose first push landed
    task = held_task(board, report)
    if len(board.questions) >= MAX_QUESTIONS:
        raise InputError(f"board {board.plan_id} has {MAX_QUESTIONS} questions already")
    options = tuple(option.strip() for option in asked.options if option.strip())
    if not asked.text.strip() or not 2 <= len(options) <= MAX_OPTIONS:
        raise InputError(f"a question needs its text and 2 to {MAX_OPTIONS} options")
    stamp = to_iso(report.at)
    question = Question(next_point(board), asked.text.strip(), options, task.id, stamp)
    spent = replace(task, spent_usd=round(task.spent_usd + asked.usd, 6))
    board = replace(
        board,
        tasks=tuple(spent if t.id == task.id else t for t in board.tasks),
        questions=(*board.questions, question),
        decisions={**board.decisions, question.id: None},
    )
    return _waiting_on(board, question, report)


def answer(board: Board, point: str, key: str, by: str, now: datetime) -> Board:
    """``key`` chosen for the open question ``point`` by ``by``: the tasks waiting only
    for it are ready. The first answer stands; a later tick changes nothing."""
    question = next((q for q in board.questions if q.id == point), None)
    if question is None:
        raise InputError(f"board {board.plan_id} asked no question {point}")
    if board.decisions.get(point) is not None:
        return board
    if key not in question.option_keys():
        raise InputError(f"{point} has options {', '.join(question.option_keys())}, not {key!r}")
    answered = replace(question, answered_by=by)
    questions = tuple(answered if q.id == point else q for q in board.questions)
    decided = replace(board, decisions={**board.decisions, point: key}, questions=questions)
    return refreshed(decided, now)


def next_point(board: Board) -> str:
    """The next free decision point id, after the plan's and earlier questions'."""
    numbers = [int(m.group(1)) for p in board.decisions if (m := _POINT.match(p)) is not None]
    return f"D{max(numbers, default=0) + 1}"


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


def _waiting_on(board: Board, question: Question, report: Report) -> Board:
    asker = question.asked_by
    waiting = {asker, *dependents(board, asker)}
    tasks = tuple(
        _waits(task, question, report, asker=task.id == asker) if task.id in waiting else task
        for task in board.tasks
    )
    return refreshed(replace(board, tasks=tasks), report.at)


def _waits(task: BoardTask, question: Question, report: Report, *, asker: bool) -> BoardTask:
    """The task waits for ``question``; a lease or result it had is given back."""
    moved = replace(task, decisions=tuple(dict.fromkeys((*task.decisions, question.id))))
    set_aside = task.state is TaskStatus.DONE or task.state in LIVE
    if set_aside:
        moved = replace(moved, state=TaskStatus.PENDING, lease=None, result=None)
    if asker:
        note = f"{question.id}: {question.text} ({' | '.join(question.options)})"
        event = TaskEvent(question.at, ASKED, fence=report.fence, note=note)
    elif set_aside:
        note = f"{question.asked_by}, before it, waits for {question.id}"
        event = TaskEvent(question.at, SET_ASIDE, note=note)
    else:
        return moved
    event = replace(event, note=event.note[:MAX_QUOTE])
    return replace(moved, history=(*moved.history, event)[-MAX_EVENTS:])
