"""Answers on their way from a tick to the board: files that do not read are named and
skipped, and the board takes each answer to a question it asked, once."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from kairos_ci.clock import utc_now
from kairos_ci.coordinator.answers import TickedAnswer, answers_in, apply_answers
from kairos_ci.coordinator.records import Question, TaskStatus
from kairos_ci.coordinator.store import BoardStore
from kairos_ci.git import Git
from kairos_ci.memory.store import MemoryStore
from tests.coordinator.boards import T0, board, task

AT = "2026-11-27T05:00:00Z"


def test_answer_files_are_read_by_plan_and_bad_ones_named() -> None:
    good = TickedAnswer("D3", "b", "maria", AT)
    files = {
        f"plan-7/{good.file_name()}": good.dumps().encode(),
        "plan-7/answer-d4.json": b'{"point": "D4", "key": "z", "by": "maria", "at": "x"}',
        "plan-7/answer-d5.json": TickedAnswer("D6", "a", "maria", AT).dumps().encode(),
        "plan-8/answer-d1.json": b"not json",
        "plan-8/answer-d2.json": b'{"point": "D2", "key": "a", "by": "@here x", "at": "t"}',
        "plan-7/publish.json": b"{}",  # not an answer: not read here
    }
    found, notes = answers_in(files)
    assert found == {"plan-7": [good]}
    assert [note.split(":")[0] for note in notes] == [
        "plan-7/answer-d4.json",
        "plan-7/answer-d5.json",
        "plan-8/answer-d1.json",
        "plan-8/answer-d2.json",
    ]
    assert "answers D6, not D5" in notes[1]


def test_the_board_takes_answers_to_its_own_questions_once(tmp_path: Path) -> None:
    origin = tmp_path / "origin.git"
    Git(tmp_path).run("init", "-q", "--bare", "-b", "main", str(origin))
    (tmp_path / "work").mkdir()
    boards = BoardStore(MemoryStore(tmp_path / "work", remote=str(origin), clock=utc_now), "plan-7")
    answers = [TickedAnswer("D3", "b", "maria", AT), TickedAnswer("D9", "a", "maria", AT)]
    assert apply_answers(boards, answers, T0) == [
        "plan-7: no board yet: its answers wait for the work to start"
    ]
    asked = Question("D3", "Keep v1?", ("keep", "drop"), "S1", AT)
    made = replace(
        board(task("S1", "a.py", decisions=("D3",))), decisions={"D3": None}, questions=(asked,)
    )
    boards.create(made)
    told = apply_answers(boards, answers, T0)
    assert told == [
        "plan-7: D3 = b, answered by maria",
        "plan-7: D9 = a not taken: board plan-7 asked no question D9",
    ]
    after = boards.load()
    assert after is not None and after.decisions == {"D3": "b"}
    assert after.task("S1").state is TaskStatus.READY
    assert apply_answers(boards, answers[:1], T0) == []  # already answered: no commit
