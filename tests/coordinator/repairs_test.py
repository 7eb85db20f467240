"""Repair tasks: one per failed merge, after what merged before it, in place of the
culprit for the tasks that waited for it, until the step's attempts are used."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kairos_ci.coordinator import codec
from kairos_ci.coordinator.lineage import superseded
from kairos_ci.coordinator.outcomes import MAX_QUOTE, Conflict, TestsFailed
from kairos_ci.coordinator.records import Board, TaskStatus, WorkResult
from kairos_ci.coordinator.repairs import repair
from kairos_ci.coordinator.slices import slices
from kairos_ci.errors import InputError
from tests.coordinator.boards import T0, board, task


def done(*task_ids: str, b: Board) -> Board:
    ok = WorkResult(ok=True, branch="b", head="h" * 40)
    return replace(
        b,
        tasks=tuple(
            replace(t, state=TaskStatus.DONE, result=ok) if t.id in task_ids else t for t in b.tasks
        ),
    )


def chain() -> Board:
    """S1 -> S2 -> S3, with S4 after S1 only, all done: a slice ready to merge."""
    return done(
        "S1",
        "S2",
        "S3",
        "S4",
        b=board(
            task("S1", "lib.py", priority=40),
            task("S2", "src/app.py", deps=("S1",), priority=30, attempts=2),
            task("S3", "src/b.py", deps=("S2",), priority=10),
            task("S4", "docs/", deps=("S1",), priority=5),
        ),
    )


def test_a_conflict_becomes_a_repair_task_in_the_culprits_place() -> None:
    b = repair(chain(), "S2", Conflict(("./README.md", "src/app.py")), T0)
    fixer = b.task("S2-r1")
    assert fixer.depends_on == ("S1",)  # what merged before S2 in the slice
    assert fixer.write_set == ("src/app.py", "README.md")
    assert (fixer.max_attempts, fixer.priority, fixer.state) == (2, 30, TaskStatus.READY)
    assert fixer.history[0].note == "repairs S2: merge conflict in ./README.md, src/app.py"
    # S3 waited for S2; it waits for the repair now, and S2's branch leaves the slice.
    assert b.task("S3").depends_on == ("S2-r1",) and b.task("S3").state is TaskStatus.DONE
    assert b.task("S2").history[-1].note == "S2-r1 takes over"
    assert slices(b)[0].task_ids == ("S1", "S2-r1", "S3", "S4")
    assert codec.loads(codec.dumps(b), "board") == b  # it goes on the memory branch as it is


def test_a_test_failure_is_quoted_in_the_repair_bounded_to_its_end() -> None:
    tail = "x" * 5000 + "\nAttributeError: module 'lib' has no attribute 'greet'"
    b = repair(chain(), "S3", TestsFailed("python -c 'import caller'", tail), T0)
    note = b.task("S3-r1").history[0].note
    assert note.startswith("repairs S3: `python -c 'import caller'` failed on the merged tree")
    assert note.endswith("no attribute 'greet'") and len(note) <= MAX_QUOTE + 20
    assert b.task("S3-r1").depends_on == ("S1", "S2")
    assert b.task("S3-r1").write_set == ("src/b.py",)


def test_a_step_gets_as_many_repairs_as_attempts_then_the_culprit_fails() -> None:
    why = Conflict(("src/app.py",))
    b = repair(chain(), "S2", why, T0)
    b = repair(done("S2-r1", b=b), "S2-r1", why, T0)
    assert b.task("S2-r2").depends_on == ("S1",) and b.task("S3").depends_on == ("S2-r2",)
    assert superseded(b) == {"S2", "S2-r1"}
    with pytest.raises(InputError, match="S2-r1 already has a newer repair"):
        repair(b, "S2-r1", why, T0)
    b = repair(done("S2-r2", b=b), "S2-r2", why, T0)
    culprit = b.task("S2-r2")
    assert culprit.state is TaskStatus.FAILED and "S2-r3" not in {t.id for t in b.tasks}
    assert culprit.history[-1].note == "2 repairs used; merge conflict in src/app.py"


def test_a_failed_culprit_cancels_the_tasks_still_waiting_for_it() -> None:
    b = board(
        task("S1", "a.py"),
        task("S2", "b.py", deps=("S1",), attempts=1),
        task("S3", "c.py", deps=("S2",)),
    )
    why = Conflict(("b.py",))
    b = repair(done("S1", "S2", b=b), "S2", why, T0)
    assert b.task("S3").depends_on == ("S2-r1",) and b.task("S3").state is TaskStatus.PENDING
    b = repair(done("S2-r1", b=b), "S2-r1", why, T0)
    assert b.task("S2-r1").state is TaskStatus.FAILED
    assert b.task("S3").state is TaskStatus.CANCELLED
