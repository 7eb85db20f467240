"""The coordinator's board: one approved plan's steps as tasks, with their leases.

The board is the only shared state of many workers, kept on the memory branch
(``board/<plan id>.json``) and changed only by compare-and-swap commits, each one move
(``moves``). Locks are not stored beside the leases: a live lease holds its task's whole
write set, so the lock table is derived from the leases and can never disagree with them.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from kairos_ci.plan.records import UserClass


class TaskStatus(enum.StrEnum):
    PENDING = "pending"  # waits for a dependency or a decision (``block`` says which)
    READY = "ready"  # may be claimed when its write set is free
    LEASED = "leased"  # claimed; the worker is setting up
    RUNNING = "running"  # the agent works on the step
    VERIFYING = "verifying"  # the project's tests and the guard judge the result
    DONE = "done"
    FAILED = "failed"  # out of attempts: ``history`` says why each one ended
    BLOCKED = "blocked"  # waits for people (``block``: budget)
    CANCELLED = "cancelled"


LIVE = frozenset({TaskStatus.LEASED, TaskStatus.RUNNING, TaskStatus.VERIFYING})
ENDED = frozenset({TaskStatus.DONE, TaskStatus.FAILED, TaskStatus.CANCELLED})


class BlockReason(enum.StrEnum):
    DEPENDENCY = "dependency"
    LOCK = "lock"  # ready, but a live lease holds part of its write set
    DECISION = "decision"  # a decision point it waits for has no choice yet
    BUDGET = "budget"


@dataclass(frozen=True)
class TaskLease:
    owner: str  # the worker: run id, job and leg
    fence: int  # the board's fencing token when it was granted: only it may report
    acquired_at: str
    expires_at: str
    heartbeat_at: str


@dataclass(frozen=True)
class WorkResult:
    ok: bool
    branch: str = ""
    head: str = ""  # the branch's commit the verdict is for
    tests_before: str = ""  # JUnit summary at the base, e.g. "12 passed, 1 failed"
    tests_after: str = ""
    guard: str = ""  # the integrity guard's verdict
    usd: float = 0.0
    note: str = ""  # why it failed, for people and for the next attempt
    needs: tuple[str, ...] = ()  # paths it had to change beyond its write set, held by others
    tier: str = ""  # the model tier the attempt ran: its track record (``track``)


@dataclass(frozen=True)
class Asked:
    """An attempt that ended on a question the plan leaves open, instead of a guess: its
    work is set aside, and the task waits until people pick an option."""

    text: str
    options: tuple[str, ...]
    usd: float = 0.0
    note: str = ""  # the agent's summary of what it found


@dataclass(frozen=True)
class TaskEvent:
    at: str
    what: str  # "claimed", "heartbeat", "running", "done", "lease expired", ...
    by: str = ""
    fence: int = 0
    note: str = ""
    tier: str = ""  # on a result's event: the model tier that attempt ran
    usd: float = 0.0  # on a result's event: what that attempt spent


@dataclass(frozen=True)
class Question:
    """A decision point a step's agent raised while the plan was carried out: the plan
    left it open, and the work depends on it. People answer it on the plan comment."""

    id: str  # "D<n>", after the plan's own points
    text: str
    options: tuple[str, ...]  # keyed a, b, c, ... in order (``option_key``)
    asked_by: str  # the task whose result was set aside for it
    at: str
    answered_by: str = ""  # who ticked the option ``Board.decisions`` holds

    def option_keys(self) -> tuple[str, ...]:
        return tuple(option_key(i) for i in range(len(self.options)))


def option_key(index: int) -> str:
    return chr(ord("a") + index)


@dataclass(frozen=True)
class Relay:
    """A swarm run that ended with work ready and asked for the next run: the relay
    workflow, started when that run completed, finds the board by the run's id and takes
    the relay, so the run it starts knows how deep the chain is (``swarm.relay``)."""

    run: str  # the workflow run id that left it
    level: int  # 1 for the first run it starts, one more for each after
    at: str
    taken_by: str = ""  # the run id of the relay workflow that took it


@dataclass(frozen=True)
class FullSuite:
    """Integration's verdict of the full suite on every proposed slice together, kept so
    that a later run on the same trees does not run it again (``coordinator.union``)."""

    key: str  # the trees and the judging: the default branch's head, each slice's, flaky
    line: str
    ok: bool
    at: str


@dataclass(frozen=True)
class BoardTask:
    id: str  # the plan step's id, or ``HOT_TASK``
    title: str
    state: TaskStatus
    depends_on: tuple[str, ...]
    write_set: tuple[str, ...]  # normalised paths; a trailing "/" holds a whole folder
    priority: float  # minutes of work on the longest chain from here: longest first
    tier: str  # the model tier the step asked for
    estimate_minutes: float
    budget_usd: float
    max_attempts: int
    attempts: int = 0
    spent_usd: float = 0.0  # every attempt's, not only the last result's
    decisions: tuple[str, ...] = ()  # decision points it waits for
    block: BlockReason | None = None
    lease: TaskLease | None = None
    result: WorkResult | None = None
    history: tuple[TaskEvent, ...] = ()
    task_class: str = ""  # the plan's goal kind and the step's risk: its track record's key
    user_class: UserClass = UserClass.P2  # the approved plan's urgency for the step


@dataclass(frozen=True)
class Board:
    plan_id: str
    plan_hash: str  # the approved plan's: a board never runs another version's steps
    tasks: tuple[BoardTask, ...]
    decisions: Mapping[str, str | None] = field(default_factory=dict)  # point -> option
    budget_usd: float = 0.0  # the whole plan's; 0: no cap beyond each task's
    fence: int = 0  # the last fencing token granted: strictly increasing
    questions: tuple[Question, ...] = ()  # raised during the work, open or answered
    pulls: Mapping[str, str] = field(default_factory=dict)  # task id -> its slice's PR URL
    relay: Relay | None = None  # the latest swarm run's request for a next run
    full_suite: FullSuite | None = None  # the latest union's verdict

    def task(self, task_id: str) -> BoardTask:
        for task in self.tasks:
            if task.id == task_id:
                return task
        raise KeyError(task_id)

    def live(self) -> Iterator[BoardTask]:
        return (task for task in self.tasks if task.state in LIVE)

    def locks(self) -> dict[str, str]:
        """Each locked path or folder, and the task whose live lease holds it."""
        return {path: task.id for task in self.live() for path in task.write_set}

    def spent_usd(self) -> float:
        return round(sum(task.spent_usd for task in self.tasks), 6)
