"""The journal checker reads only the branch's history, and catches each broken rule."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kairos_ci.coordinator import codec
from kairos_ci.coordinator.journal import replay
from kairos_ci.coordinator.moves import Fenced, Report, claim, finish
from kairos_ci.coordinator.records import Board, TaskEvent, TaskLease, TaskStatus, WorkResult
from kairos_ci.coordinator.repairs import REPAIRS_USED
from kairos_ci.coordinator.store import BoardStore, board_path
from kairos_ci.git import Git
from kairos_ci.memory.store import CarriedChange, MemoryStore
from tests.coordinator.boards import T0, board, task
from tests.memory.helpers import init_clone, init_origin, make_store

LEASE = TaskLease("w1", 1, "2026-11-27T03:00:00Z", "2026-11-27T03:10:00Z", "2026-11-27T03:00:00Z")


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    return init_origin(tmp_path / "origin.git")


@pytest.fixture
def memory(tmp_path: Path, origin: Path) -> MemoryStore:
    return make_store(init_clone(tmp_path / "clone", origin), tmp_path / "scratch")


def commit(memory: MemoryStore, state: Board) -> None:
    """Write a board as it is, bypassing the moves: how a buggy coordinator would."""
    change = CarriedChange(codec.dumps(state), "board: by hand")
    memory.update_carried(board_path(state.plan_id), lambda raw: change)


def report(origin: Path) -> tuple[str, ...]:
    return replay(Git(origin), "refs/heads/kairos/memory", "plan-7").violations


def test_real_moves_leave_a_clean_journal_even_for_a_late_zombie(
    memory: MemoryStore, origin: Path
) -> None:
    store = BoardStore(memory, "plan-7")
    store.create(board(task("A", "a.py", attempts=3, priority=5), task("B", "a.py")))
    zombie = store.apply(lambda b: (*claim(b, "zombie", T0), "claim")).value
    late = T0.replace(hour=4)
    taken = store.apply(lambda b: (*claim(b, "w2", late), "claim")).value
    assert zombie is not None and taken is not None and taken.task.id == "A"
    with pytest.raises(Fenced):
        store.apply(
            lambda b: (finish(b, Report("A", zombie.fence, late), WorkResult(True)), None, "")
        )
    store.apply(lambda b: (finish(b, Report("A", taken.fence, late), WorkResult(True)), None, ""))
    journal = replay(Git(origin), "refs/heads/kairos/memory", "plan-7")
    assert journal.violations == () and journal.boards == 4
    assert journal.final is not None and journal.final.task("A").state is TaskStatus.DONE


def test_two_live_leases_on_one_path_are_caught(memory: MemoryStore, origin: Path) -> None:
    both = board(task("A", "src/"), task("B", "src/app.py"))
    live = replace(
        both,
        fence=2,
        tasks=tuple(
            replace(t, state=TaskStatus.LEASED, lease=replace(LEASE, fence=i + 1))
            for i, t in enumerate(both.tasks)
        ),
    )
    commit(memory, both)
    commit(memory, live)
    (violation,) = report(origin)
    assert "tasks A and B both hold src/ under live leases" in violation


def test_a_fence_reused_and_a_result_from_a_stale_lease_are_caught(
    memory: MemoryStore, origin: Path
) -> None:
    start = replace(board(task("A", "a.py")), fence=5)
    commit(memory, start)
    leased = replace(start, tasks=(replace(start.tasks[0], state=TaskStatus.LEASED, lease=LEASE),))
    commit(memory, leased)
    done_event = TaskEvent("2026-11-27T03:05:00Z", "done", fence=9)
    done = replace(
        leased,
        tasks=(replace(leased.tasks[0], state=TaskStatus.DONE, lease=None, history=(done_event,)),),
    )
    commit(memory, done)
    again = replace(done, fence=4, tasks=(replace(done.tasks[0], state=TaskStatus.READY),))
    commit(memory, again)
    problems = "\n".join(report(origin))
    assert "got lease fence 1, not above 5" in problems
    assert "took a result with fence 9; the live lease had 1" in problems
    assert "the fencing token went back from 5 to 4" in problems
    assert "task A changed after it ended done" in problems


def test_integration_may_reopen_a_done_task_when_its_newest_event_says_why(
    memory: MemoryStore, origin: Path
) -> None:
    done = board(replace(task("A", "a.py"), state=TaskStatus.DONE, result=WorkResult(True)))
    commit(memory, done)
    event = TaskEvent("2026-11-27T04:00:00Z", REPAIRS_USED, note="2 repairs used; conflict")
    failed = replace(done.tasks[0], state=TaskStatus.FAILED, history=(event,))
    commit(memory, replace(done, tasks=(failed,)))
    assert report(origin) == ()
