"""Contradictions: a result against a decided point is quoted for rejection; an open
question becomes an undecided point the task and its dependents wait on."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from kairos_ci.coordinator.contradictions import (
    ASKED,
    REJECTED,
    Contradiction,
    Question,
    contradicts,
    decide_needed,
    dependents,
)
from kairos_ci.coordinator.moves import Fenced, Report, advance, claim, finish, refreshed
from kairos_ci.coordinator.records import BlockReason, Board, TaskStatus, WorkResult
from kairos_ci.errors import InputError
from tests.coordinator.boards import T0, board, task

ORM = Question("D9", "Keep the raw SQL or move to the ORM?", ("raw SQL", "ORM"))
LATER = T0 + timedelta(minutes=1)


def running() -> Board:
    """S1 done, S2 claimed by w1 and verifying, S3 after S2, S4 after S3, T1 apart."""
    b = board(
        task("S1", "a.py", priority=9),
        task("S2", "b.py", deps=("S1",), priority=8),
        task("S3", "c.py", deps=("S2",)),
        task("S4", "d.py", deps=("S3",)),
        task("T1", "t.py"),
        decisions={"D1": "postgres"},
    )
    b = replace(b, tasks=(replace(b.task("S1"), state=TaskStatus.DONE), *b.tasks[1:]))
    b, grant = claim(b, "w1", T0)
    assert grant is not None and grant.task.id == "S2"
    return advance(b, Report("S2", grant.fence, T0), TaskStatus.VERIFYING)


def test_a_result_against_a_decided_point_is_quoted_for_rejection() -> None:
    b = running()
    found = contradicts(b, "S2", {"D1": "sqlite", "D7": "x"})
    assert found == (Contradiction("S2", "D1", "postgres", "sqlite"),)
    assert found[0].quote() == "S2 assumed D1 = 'sqlite', but D1 was decided: 'postgres'"
    assert contradicts(b, "S2", {"D1": "postgres"}) == ()
    undecided = replace(b, decisions={"D1": None})
    assert contradicts(undecided, "S2", {"D1": "sqlite"}) == ()  # open: a question, not a "no"
    with pytest.raises(KeyError):
        contradicts(b, "S9", {})


def test_an_open_question_makes_the_task_and_its_dependents_wait_for_people() -> None:
    b = decide_needed(running(), "S2", ORM, LATER)
    assert b.decisions == {"D1": "postgres", "D9": None}
    asker = b.task("S2")
    assert (asker.state, asker.block, asker.lease, asker.result) == (
        TaskStatus.PENDING,
        BlockReason.DECISION,
        None,
        None,
    )
    assert asker.history[-1].what == REJECTED
    assert (
        asker.history[-1].note
        == "D9: Keep the raw SQL or move to the ORM? (options: raw SQL | ORM)"
    )
    assert {t.id for t in b.tasks if "D9" in t.decisions} == {"S2", "S3", "S4"}
    assert b.task("T1").state is TaskStatus.READY and b.task("T1").decisions == ()
    # The worker that held S2 reports late: its result is refused, not merged.
    with pytest.raises(Fenced):
        finish(b, Report("S2", 1, LATER), WorkResult(ok=True, branch="b", head="h"))
    # A maintainer picks: S2 can be claimed again, its dependents wait for it as before.
    b = refreshed(replace(b, decisions={**b.decisions, "D9": "ORM"}), LATER)
    assert b.task("S2").state is TaskStatus.READY
    assert b.task("S3").block is BlockReason.DEPENDENCY


def test_a_waiting_task_that_asks_keeps_its_state_and_records_the_question() -> None:
    b = decide_needed(running(), "T1", ORM, LATER)
    assert b.task("T1").state is TaskStatus.PENDING and b.task("T1").block is BlockReason.DECISION
    assert b.task("T1").history[-2].what == ASKED  # then "pending" from the refresh
    again = decide_needed(b, "S4", ORM, LATER)  # an open point can hold one more task
    assert again.task("S4").decisions == ("D9",) and again.decisions["D9"] is None


def test_a_decided_point_or_an_ill_formed_question_is_refused() -> None:
    with pytest.raises(InputError, match="D1 is decided \\('postgres'\\)"):
        decide_needed(running(), "S2", Question("D1", "Which database?", ("a", "b")), LATER)
    with pytest.raises(InputError, match="two options or more"):
        decide_needed(running(), "S2", Question("D9", "Which?", ("only",)), LATER)
    failed = running()
    failed = replace(
        failed, tasks=(*failed.tasks[:4], replace(failed.task("T1"), state=TaskStatus.FAILED))
    )
    with pytest.raises(InputError, match="task T1 has ended"):
        decide_needed(failed, "T1", ORM, LATER)


def test_dependents_are_found_through_every_hop() -> None:
    assert dependents(running(), "S1") == {"S2", "S3", "S4"}
    assert dependents(running(), "T1") == set()
