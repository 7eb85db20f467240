"""One worker's loop: claim, run the step, report, until nothing is left for it.

The loop is the same for every kind of step: what a step does is the ``StepRunner``'s
(the agent on a branch, verified by the project's tests and the guard). While it runs,
a heartbeat renews the lease every third of its time to live. A report the board
refuses (``Fenced``: the lease expired and another worker took it over) ends this
attempt quietly; the new owner's work stands. An attempt may end on a question the
plan leaves open (``Asked``): it goes on the board for people, and the task waits for
their answer (``contradictions.raise_question``). The worker stops when every task has
ended, when its own deadline or budget is spent, or when nothing has been claimable
for ``idle_limit`` (others hold what is left).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Protocol

from kairos_ci.clock import Clock
from kairos_ci.coordinator.contradictions import raise_question
from kairos_ci.coordinator.moves import (
    DEFAULT_TTL,
    Fenced,
    Grant,
    LockBusy,
    Report,
    advance,
    claim,
    extend,
    finish,
    heartbeat,
)
from kairos_ci.coordinator.records import ENDED, Asked, Board, TaskStatus, WorkResult
from kairos_ci.coordinator.store import BoardStore, Move
from kairos_ci.errors import InputError


@dataclass(frozen=True)
class LeaseHandle:
    """What a runner may do with the lease it works under."""

    progress: Callable[[TaskStatus], None]  # it moved on: verifying
    extend: Callable[[Sequence[str]], str]  # take more paths: "" when granted, else why not


class StepRunner(Protocol):
    def run(self, claimed: Grant, board: Board, held: LeaseHandle) -> WorkResult | Asked: ...


@dataclass(frozen=True)
class WorkerSettings:
    owner: str  # run id, job and leg: whose lease it is
    ttl: timedelta = DEFAULT_TTL
    deadline: timedelta = timedelta(minutes=50)  # the job's time, less room to report
    budget_usd: float | None = None  # what this worker may spend; None: no cap
    idle_poll: float = 5.0  # seconds between claims while others hold what is left
    idle_limit: float = 120.0  # seconds without a claim before giving up


@dataclass
class WorkerReport:
    done: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    why_failed: dict[str, str] = field(default_factory=dict)  # each failed task's last note
    fenced: list[str] = field(default_factory=list)  # results refused: the lease was lost
    asked: list[str] = field(default_factory=list)  # tasks that wait for people's answer
    spent_usd: float = 0.0
    stopped: str = ""


@dataclass(frozen=True)
class Worker:
    store: BoardStore
    runner: StepRunner
    clock: Clock
    settings: WorkerSettings
    # Told the board after each task this worker ended, or that asked a question: one
    # progress edit per finished task, never for a retry or a heartbeat. A courtesy: its
    # failure must not stop the work.
    on_finished: Callable[[Board], None] | None = None


def work(worker: Worker) -> WorkerReport:
    report = WorkerReport()
    started = time.monotonic()
    idle_since: float | None = None
    settings = worker.settings
    while True:
        reason = _stop(report, settings, time.monotonic() - started)
        if reason:
            report.stopped = reason
            return report
        moved = worker.store.apply(lambda board: _claim(board, worker))
        if moved.value is None:
            stuck = _stuck(moved.board)
            if stuck:
                report.stopped = stuck
                return report
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since >= settings.idle_limit:
                report.stopped = f"nothing to claim for {settings.idle_limit:.0f} s"
                return report
            time.sleep(settings.idle_poll)
            continue
        idle_since = None
        _carry_out(worker, moved.value, moved.board, report)


def _claim(board: Board, worker: Worker) -> tuple[Board | None, Grant | None, str]:
    owner = worker.settings.owner
    after, claimed = claim(board, owner, worker.clock(), worker.settings.ttl)
    if claimed is None:
        return None, None, ""
    task = claimed.task.id
    return after, claimed, f"board {board.plan_id}: {owner} claims {task} (fence {claimed.fence})"


def _carry_out(worker: Worker, claimed: Grant, board: Board, report: WorkerReport) -> None:
    task_id, fence, store = claimed.task.id, claimed.fence, worker.store

    def at() -> Report:
        return Report(task_id, fence, worker.clock())

    def progress(state: TaskStatus) -> None:
        store.apply(_told(lambda b: advance(b, at(), state), f"{task_id} {state}"))

    def more(paths: Sequence[str]) -> str:
        try:
            store.apply(_told(lambda b: extend(b, at(), paths), f"{task_id} takes more paths"))
        except LockBusy as busy:
            return str(busy)
        return ""

    try:
        progress(TaskStatus.RUNNING)
        with _Heartbeat(store, at, worker.settings.ttl):
            result = worker.runner.run(claimed, board, LeaseHandle(progress, more))
        finished = store.apply(_reported(result, at, fence))
    except Fenced:
        report.fenced.append(task_id)
        return
    # One rendering per task that ended, or that now waits for people's answer: an
    # attempt requeued for another try changes nothing people must see.
    shown = finished.board.task(task_id).state in ENDED or isinstance(result, Asked)
    if worker.on_finished is not None and shown:
        worker.on_finished(finished.board)
    report.spent_usd += result.usd
    if isinstance(result, Asked):
        report.asked.append(task_id)
    else:
        (report.done if result.ok else report.failed).append(task_id)
        if not result.ok:
            report.why_failed[task_id] = result.note


def _reported(result: WorkResult | Asked, at: Callable[[], Report], fence: int) -> Move[None]:
    """The attempt's end as one move: its result, or its question. A question the board
    cannot take (too many asked already) ends the attempt as a failure saying so."""
    task_id = at().task_id

    def asked(board: Board) -> Board:
        assert isinstance(result, Asked)
        try:
            return raise_question(board, at(), result)
        except InputError as refused:
            note = f"asked a question the board refused: {refused}"
            return finish(board, at(), WorkResult(ok=False, usd=result.usd, note=note))

    if isinstance(result, Asked):
        return _told(asked, f"{task_id} asks a question (fence {fence})")
    verdict = "done" if result.ok else "failed"
    return _told(lambda b: finish(b, at(), result), f"{task_id} {verdict} (fence {fence})")


def _stuck(board: Board) -> str:
    """Why no worker can go on, when only people can change that: every task has ended,
    or none is live (so no lease will free a lock or finish a dependency) and the rest
    waits for a decision or the budget."""
    if all(task.state in ENDED for task in board.tasks):
        return "every task has ended"
    if any(True for _ in board.live()):
        return ""
    points = sorted({p for t in board.tasks for p in t.decisions if board.decisions.get(p) is None})
    waits = f"an answer to {', '.join(points)}" if points else "people (budget or decisions)"
    return f"nothing can run until {waits}: see the plan comment"


def _stop(report: WorkerReport, settings: WorkerSettings, elapsed: float) -> str:
    if elapsed >= settings.deadline.total_seconds():
        return "the worker's deadline has passed"
    if settings.budget_usd is not None and report.spent_usd >= settings.budget_usd:
        return f"the worker's budget of ${settings.budget_usd:.2f} is spent"
    return ""


def _told(change: Callable[[Board], Board], what: str) -> Move[None]:
    """A worker's report as a move, its commit message naming it."""

    def move(board: Board) -> tuple[Board | None, None, str]:
        changed = change(board)
        return (None if changed == board else changed), None, f"board {board.plan_id}: {what}"

    return move


class _Heartbeat:
    """Renews the lease every third of its time to live while the step runs."""

    def __init__(self, store: BoardStore, at: Callable[[], Report], ttl: timedelta) -> None:
        self.store, self.at, self.ttl = store, at, ttl
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, daemon=True)

    def __enter__(self) -> None:
        self.thread.start()

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        self.thread.join()

    def _beat(self) -> None:
        while not self.stopped.wait(self.ttl.total_seconds() / 3):
            try:
                self.store.apply(_told(self._renewed, "heartbeat"))
            except Fenced:
                return  # the lease is gone: the finish will be refused too

    def _renewed(self, board: Board) -> Board:
        return heartbeat(board, self.at(), self.ttl)
