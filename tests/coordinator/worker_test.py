"""The worker loop on a real memory branch: a step that asks a question waits for people
while the rest goes on, the worker stops when only people can unblock the board, and the
progress hook runs once per ended attempt, never for a claim or a heartbeat."""

from __future__ import annotations

from pathlib import Path

from kairos_ci.clock import utc_now
from kairos_ci.coordinator.contradictions import answer
from kairos_ci.coordinator.moves import Grant
from kairos_ci.coordinator.records import Asked, Board, TaskStatus, WorkResult
from kairos_ci.coordinator.store import BoardStore, Move
from kairos_ci.coordinator.worker import LeaseHandle, Worker, WorkerSettings, work
from kairos_ci.git import Git
from kairos_ci.memory.store import MemoryStore
from tests.coordinator.boards import board, task

SCHEMA = Asked("Which schema version do the exports use?", ("v1", "v2"), usd=0.1, note="unclear")


class AsksOnce:
    """S1's first attempt asks; every other attempt is done."""

    def __init__(self) -> None:
        self.runs: list[str] = []

    def run(self, claimed: Grant, board: Board, held: LeaseHandle) -> WorkResult | Asked:
        self.runs.append(claimed.task.id)
        held.progress(TaskStatus.VERIFYING)
        if claimed.task.id == "S1" and self.runs.count("S1") == 1:
            return SCHEMA
        return WorkResult(ok=True, branch=f"kairos/plan-7/{claimed.task.id}", usd=0.2)


def store(tmp_path: Path) -> BoardStore:
    origin = tmp_path / "origin.git"
    Git(tmp_path).run("init", "-q", "--bare", "-b", "main", str(origin))
    memory = MemoryStore(tmp_path / "work", remote=str(origin), clock=utc_now)
    (tmp_path / "work").mkdir()
    boards = BoardStore(memory, "plan-7")
    made = board(
        task("S1", "a.py", priority=5), task("S2", "b.py", deps=("S1",)), task("T1", "t.py")
    )
    assert boards.create(made).value
    return boards


def test_a_question_waits_for_people_while_the_rest_goes_on(tmp_path: Path) -> None:
    boards, steps, shown = store(tmp_path), AsksOnce(), []
    settings = WorkerSettings("w1", idle_poll=0.01, idle_limit=5)
    worker = Worker(boards, steps, utc_now, settings, on_finished=shown.append)

    first = work(worker)
    assert (first.asked, first.done, first.failed) == (["S1"], ["T1"], [])
    assert first.stopped == "nothing can run until an answer to D1: see the plan comment"
    assert round(first.spent_usd, 6) == 0.3
    assert len(shown) == 2  # one rendering per ended attempt
    held = boards.load()
    assert held is not None and held.decisions == {"D1": None}
    assert held.task("S1").state is TaskStatus.PENDING and held.task("S1").result is None

    def answered(current: Board) -> tuple[Board | None, None, str]:
        return answer(current, "D1", "b", "maria", utc_now()), None, "D1 answered"

    decide: Move[None] = answered
    boards.apply(decide)
    second = work(worker)
    assert (second.done, second.stopped) == (["S1", "S2"], "every task has ended")
    assert steps.runs == ["S1", "T1", "S1", "S2"]
    assert len(shown) == 4
    final = boards.load()
    assert final is not None and final.spent_usd() == 0.7


class FailsFirst:
    """Every task's first attempt fails; the second is done."""

    def __init__(self) -> None:
        self.runs: list[str] = []

    def run(self, claimed: Grant, board: Board, held: LeaseHandle) -> WorkResult | Asked:
        self.runs.append(claimed.task.id)
        ok = self.runs.count(claimed.task.id) > 1
        return WorkResult(ok=ok, usd=0.1, note="" if ok else "tests failed")


def test_a_retried_attempt_is_not_shown_only_the_task_s_end(tmp_path: Path) -> None:
    boards, steps, shown = store(tmp_path), FailsFirst(), []
    settings = WorkerSettings("w1", idle_poll=0.01, idle_limit=5)
    report = work(Worker(boards, steps, utc_now, settings, on_finished=shown.append))
    assert sorted(report.done) == sorted(report.failed) == ["S1", "S2", "T1"]  # attempts
    assert len(steps.runs) == 6 and len(shown) == 3  # one per task done, none per retry
