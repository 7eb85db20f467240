"""A board's attempts, read from its tasks' events: what ran, on which leg, how long,
with which model tier, and whether it ended done.

An attempt runs from a task's ``claimed`` event (its owner is the leg, its fencing token
the attempt's) to the first later event of the same token that ends it: done, failed,
lease expired, or a question asked. An attempt with no such event yet (still running,
or its claim fell off the task's capped history) is counted as unfinished and left out.
Every time comes from the events, never a clock: the board is data, and an event whose
time does not parse makes its attempt unmeasurable, not an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from kairos_ci.clock import from_iso
from kairos_ci.coordinator.records import Board, TaskEvent

# What ends an attempt (``moves.FINISHED``, an expired lease, a question).
ATTEMPT_ENDS = frozenset(
    {"done", "attempt failed", "failed: out of attempts", "lease expired", "asked"}
)
# Ends that judged the attempt's work; an expired lease or a question did not.
JUDGED = frozenset({"done", "attempt failed", "failed: out of attempts"})


@dataclass(frozen=True)
class LegAttempt:
    task_id: str
    owner: str  # the leg: ``<run id>/work/<leg>``
    start: datetime
    end: datetime
    ok: bool  # ended done
    ended_by: str = ""  # the event that ended it (``ATTEMPT_ENDS``)
    tier: str = ""  # the model tier it ran, when its result recorded one
    usd: float = 0.0  # what it spent, when its result recorded it

    @property
    def minutes(self) -> float:
        return (self.end - self.start).total_seconds() / 60

    @property
    def judged(self) -> bool:
        return self.ended_by in JUDGED


@dataclass(frozen=True)
class Attempts:
    ended: tuple[LegAttempt, ...]  # in start order
    unfinished: int  # claims with no end event (running, history cut short) or bad times


def attempts_of(board: Board, run: str = "") -> Attempts:
    """Every attempt on the board, or only those of legs of run ``run`` when given."""
    ended: list[LegAttempt] = []
    unfinished = 0
    for task in board.tasks:
        for index, event in enumerate(task.history):
            if event.what != "claimed" or not _of_run(event.by, run):
                continue
            end = _end_of(task.history[index + 1 :], event.fence)
            start, stop = when(event), None if end is None else when(end)
            if end is None or start is None or stop is None or stop < start:
                unfinished += 1  # not ended, or not measurable
                continue
            ok = end.what == "done"
            ended.append(
                LegAttempt(task.id, event.by, start, stop, ok, end.what, end.tier, end.usd)
            )
    ended.sort(key=lambda a: (a.start, a.owner, a.task_id))
    return Attempts(tuple(ended), unfinished)


def when(event: TaskEvent) -> datetime | None:
    """The event's time; None for one that does not parse (the board is data)."""
    try:
        return from_iso(event.at)
    except ValueError:
        return None


def _of_run(owner: str, run: str) -> bool:
    """Owners are ``<run id>.<run attempt>/<job>/<leg>``: every attempt of the run counts."""
    return not run or owner.startswith((f"{run}.", f"{run}/"))


def _end_of(later: Sequence[TaskEvent], fence: int) -> TaskEvent | None:
    return next((e for e in later if e.fence == fence and e.what in ATTEMPT_ENDS), None)
