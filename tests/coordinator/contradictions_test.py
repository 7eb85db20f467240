"""Contradictions and questions: a result against a decided point is quoted for
rejection; a question the plan left open becomes an undecided point that the asking task
and its dependents wait on until a maintainer answers it."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from kairos_ci.coordinator import codec
from kairos_ci.coordinator.contradictions import (
    ASKED,
    MAX_QUESTIONS,
    SET_ASIDE,
    Contradiction,
    answer,
    contradicts,
    dependents,
    next_point,
    raise_question,
)
from kairos_ci.coordinator.moves import Fenced, Report, advance, claim, finish
from kairos_ci.coordinator.records import (
    Asked,
    BlockReason,
    Board,
    Question,
    TaskStatus,
    WorkResult,
)
from kairos_ci.errors import InputError
from tests.coordinator.boards import T0, board, task

ORM = Asked("Keep the raw SQL or move to the ORM?", ("raw SQL", "ORM"), usd=0.25, note="found")
LATER = T0 + timedelta(minutes=1)


def running() -> tuple[Board, int]:
    """S1 done, S2 claimed by w1 and verifying, S3 after S2, S4 after S3, T1 apart.
    Returns the board and S2's fencing token."""
    b = board(
        task("S1", "a.py", priority=9),
        task("S2", "b.py", deps=("S1",), priority=8),
        task("S3", "c.py", deps=("S2",)),
        task("S4", "d.py", deps=("S3",)),
        task("T1", "t.py"),
        decisions={"D1": "postgres", "D2": None},
    )
    b = replace(b, tasks=(replace(b.task("S1"), state=TaskStatus.DONE), *b.tasks[1:]))
    b, grant = claim(b, "w1", T0)
    assert grant is not None and grant.task.id == "S2"
    return advance(b, Report("S2", grant.fence, T0), TaskStatus.VERIFYING), grant.fence


def test_a_result_against_a_decided_point_is_quoted_for_rejection() -> None:
    b, _ = running()
    found = contradicts(b, "S2", {"D1": "sqlite", "D7": "x"})
    assert found == (Contradiction("S2", "D1", "postgres", "sqlite"),)
    assert found[0].quote() == "S2 assumed D1 = 'sqlite', but D1 was decided: 'postgres'"
    assert contradicts(b, "S2", {"D1": "postgres"}) == ()
    assert contradicts(b, "S2", {"D2": "sqlite"}) == ()  # open: a question, not a "no"
    with pytest.raises(KeyError):
        contradicts(b, "S9", {})


def test_a_question_makes_the_asker_and_its_dependents_wait_for_people() -> None:
    b, fence = running()
    b = raise_question(b, Report("S2", fence, LATER), ORM)
    question = Question("D3", ORM.text, ORM.options, "S2", "2026-11-27T03:01:00Z")
    assert b.questions == (question,) and b.decisions["D3"] is None
    asker = b.task("S2")
    assert (asker.state, asker.block, asker.lease, asker.result) == (
        TaskStatus.PENDING,
        BlockReason.DECISION,
        None,
        None,
    )
    assert asker.spent_usd == 0.25  # the attempt's spend counts, though its work is set aside
    assert asker.history[-1].what == ASKED and asker.history[-1].fence == fence
    assert asker.history[-1].note == "D3: Keep the raw SQL or move to the ORM? (raw SQL | ORM)"
    assert {t.id for t in b.tasks if "D3" in t.decisions} == {"S2", "S3", "S4"}
    assert b.task("T1").state is TaskStatus.READY and b.task("T1").decisions == ()
    # The same report pushed again (its first push landed) changes nothing.
    assert raise_question(b, Report("S2", fence, LATER), ORM) == b
    # A late finish from the same lease is refused: the work waits for the answer.
    with pytest.raises(Fenced):
        finish(b, Report("S2", fence, LATER), WorkResult(ok=True, branch="b", head="h"))
    assert codec.loads(codec.dumps(b), "board") == b


def test_an_answer_makes_the_asker_ready_and_only_the_first_one_counts() -> None:
    b, fence = running()
    b = raise_question(b, Report("S2", fence, LATER), ORM)
    answered = answer(b, "D3", "b", "alice", LATER)
    assert answered.decisions["D3"] == "b" and answered.questions[0].answered_by == "alice"
    assert answered.task("S2").state is TaskStatus.READY
    assert answered.task("S3").block is BlockReason.DEPENDENCY
    assert answer(answered, "D3", "a", "bob", LATER) == answered
    with pytest.raises(InputError, match="options a, b, not 'c'"):
        answer(b, "D3", "c", "alice", LATER)
    with pytest.raises(InputError, match="asked no question D1"):
        answer(b, "D1", "a", "alice", LATER)


def test_a_done_task_after_the_asker_is_set_aside() -> None:
    b, fence = running()
    done = WorkResult(ok=True, branch="s3", head="h3")
    b = replace(
        b,
        tasks=tuple(
            replace(t, result=done, state=TaskStatus.DONE) if t.id == "S3" else t for t in b.tasks
        ),
    )
    b = raise_question(b, Report("S2", fence, LATER), ORM)
    s3 = b.task("S3")
    assert (s3.state, s3.result, s3.history[-1].what) == (TaskStatus.PENDING, None, SET_ASIDE)


def test_an_ill_formed_question_or_one_too_many_is_refused() -> None:
    b, fence = running()
    at = Report("S2", fence, LATER)
    with pytest.raises(InputError, match="2 to 5 options"):
        raise_question(b, at, Asked("Which?", ("only", " ")))
    with pytest.raises(InputError, match="2 to 5 options"):
        raise_question(b, at, Asked(" ", ("a", "b")))
    full = replace(
        b,
        questions=tuple(
            Question(f"D{9 + i}", "q", ("a", "b"), "T1", "t") for i in range(MAX_QUESTIONS)
        ),
    )
    with pytest.raises(InputError, match="questions already"):
        raise_question(full, at, ORM)
    with pytest.raises(Fenced):
        raise_question(b, Report("S2", fence + 5, LATER), ORM)


def test_new_points_are_numbered_after_every_known_one() -> None:
    b, _ = running()
    assert next_point(b) == "D3"
    assert next_point(replace(b, decisions={"D12": "x", "other": None})) == "D13"
    assert next_point(replace(b, decisions={})) == "D1"


def test_dependents_are_found_through_every_hop() -> None:
    b, _ = running()
    assert dependents(b, "S1") == {"S2", "S3", "S4"}
    assert dependents(b, "T1") == set()
