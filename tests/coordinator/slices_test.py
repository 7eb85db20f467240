"""Slices: weakly connected parts of the dependency graph, each in dependency, then
priority, then id order; a repair stands in for its task in the task's slice."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kairos_ci.coordinator.records import TaskStatus
from kairos_ci.coordinator.slices import (
    Slice,
    merge_order,
    proposed,
    slice_branch,
    slice_of,
    slices,
    unfinished,
)
from kairos_ci.errors import InputError
from tests.coordinator.boards import board, task


def test_tasks_that_share_no_dependency_are_separate_slices_numbered_in_board_order() -> None:
    b = board(
        task("A", "a.py", priority=5),
        task("X", "x.py", priority=50),
        task("B", "b.py", deps=("A",)),
        task("Y", "y.py", deps=("X",)),
        task("Z", "z.py"),
    )
    assert slices(b) == (Slice(1, ("A", "B")), Slice(2, ("X", "Y")), Slice(3, ("Z",)))
    assert slice_branch("plan-7", 2) == "kairos/plan-plan-7/slice-2"


def test_a_slice_merges_dependencies_first_then_the_longer_chain_then_by_id() -> None:
    # D depends on B and C; C and B are both free after A: C's chain is longer.
    b = board(
        task("D", "d.py", deps=("B", "C"), priority=1),
        task("B", "b.py", deps=("A",), priority=3),
        task("C", "c.py", deps=("A",), priority=4),
        task("A", "a.py", priority=9),
        task("E", "e.py", deps=("A",), priority=3),
    )
    assert slices(b) == (Slice(1, ("A", "C", "B", "E", "D")),)
    # A task joins through what depends on it as well as through what it depends on.
    joined = board(task("P", "p.py"), task("Q", "q.py"), task("R", "r.py", deps=("P", "Q")))
    assert slices(joined) == (Slice(1, ("P", "Q", "R")),)


def test_a_repair_stands_in_for_its_task_in_the_same_slice_with_the_same_number() -> None:
    b = board(
        task("S1", "a.py", priority=9),
        task("S2", "b.py", deps=("S1",)),
        task("T1", "t.py"),
        task("S3", "c.py", deps=("S2-r1",)),
        task("S2-r1", "b.py", deps=("S1",)),
    )
    assert slices(b) == (Slice(1, ("S1", "S2-r1", "S3")), Slice(2, ("T1",)))
    assert slice_of(b, "S2") == slice_of(b, "S2-r1") == slices(b)[0]
    # A repair with nothing before it still belongs to its task's slice.
    lone = board(task("T1", "t.py"), task("S1", "a.py"), task("S1-r1", "a.py"))
    assert slices(lone) == (Slice(1, ("T1",)), Slice(2, ("S1-r1",)))


def test_unfinished_names_what_keeps_a_slice_from_merging() -> None:
    done = replace(task("A", "a.py"), state=TaskStatus.DONE)
    b = board(done, task("B", "b.py", deps=("A",)))
    assert unfinished(b, slices(b)[0]) == ("B",)
    b = replace(b, tasks=(done, replace(b.task("B"), state=TaskStatus.DONE)))
    assert unfinished(b, slices(b)[0]) == ()


def test_a_cycle_or_an_unknown_dependency_is_an_error_naming_the_tasks() -> None:
    cycle = board(task("A", "a.py", deps=("B",)), task("B", "b.py", deps=("A",)), task("C", "c"))
    with pytest.raises(InputError, match="tasks A, B depend in a cycle"):
        merge_order(cycle)
    with pytest.raises(InputError, match="task A depends on nope, which is not on the board"):
        slices(board(task("A", "a.py", deps=("nope",))))
    with pytest.raises(KeyError):
        slice_of(board(task("A", "a.py")), "B")


def test_a_slice_s_pull_request_is_kept_for_each_of_its_tasks() -> None:
    b = board(task("A", "a.py"), task("B", "b.py", deps=("A",)), task("Z", "z.py"))
    url = "https://github.com/o/r/pull/9"
    kept = proposed(b, slices(b)[0], url)
    assert kept.pulls == {"A": url, "B": url}
    assert proposed(kept, slices(b)[0], url) is kept  # the same again: no new board
