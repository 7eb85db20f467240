"""A board survives JSON exactly; a field of the wrong kind is named, not guessed."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from kairos_ci.coordinator import codec
from kairos_ci.coordinator.moves import Report, claim, finish
from kairos_ci.coordinator.records import FullSuite, Relay, WorkResult
from kairos_ci.errors import InputError
from kairos_ci.plan.records import UserClass
from tests.coordinator.boards import T0, board, task


def test_a_board_in_use_round_trips() -> None:
    b, got = claim(board(task("A", "a.py"), task("B", "b/", deps=("A",))), "w1", T0)
    assert got is not None
    b = finish(b, Report("A", got.fence, T0), WorkResult(ok=True, branch="kairos/x", usd=0.2))
    b, _ = claim(b, "w2", T0)
    b = replace(b, pulls={"A": "https://github.com/o/r/pull/3"}, relay=Relay("9", 1, "t", "10"))
    b = replace(b, full_suite=FullSuite("k" * 64, "Full suite on slice 1: 3 passed", True, "t"))
    assert codec.loads(codec.dumps(b), "board") == b


def test_classes_and_each_results_tier_round_trip() -> None:
    urgent = replace(task("A", "a.py"), task_class="fix/low", user_class=UserClass.P0)
    b, got = claim(board(urgent), "w1", T0)
    assert got is not None
    b = finish(b, Report("A", got.fence, T0), WorkResult(ok=True, usd=0.2, tier="triage"))
    read = codec.loads(codec.dumps(b), "board")
    assert read == b and read.task("A").history[-1].tier == "triage"


def test_a_board_written_before_classes_and_tiers_reads_with_none() -> None:
    doc = json.loads(codec.dumps(board(task("A", "a.py"))))
    del doc["tasks"][0]["task_class"], doc["tasks"][0]["user_class"]
    older = codec.loads(json.dumps(doc).encode(), "board").task("A")
    assert (older.task_class, older.user_class) == ("", UserClass.P2)


def test_a_board_written_before_questions_and_pull_requests_reads() -> None:
    doc = json.loads(codec.dumps(board(task("A", "a.py"))))
    del doc["questions"], doc["pulls"], doc["relay"], doc["full_suite"]
    older = codec.loads(json.dumps(doc).encode(), "board")
    assert older.questions == () and older.pulls == {} and older.relay is None


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("fence", "7", "'7' is not"),
        ("state", "sleeping", "'sleeping' is not a valid TaskStatus"),
        ("attempts", True, "True is not"),
        ("pulls", {"A": 3}, "3 is not"),
        ("user_class", "urgent", "'urgent' is not a valid UserClass"),
    ],
)
def test_a_broken_board_is_refused_with_what_is_wrong(
    field: str, value: object, named: str
) -> None:
    doc = json.loads(codec.dumps(board(task("A", "a.py"))))
    if field in ("fence", "pulls"):
        doc[field] = value
    else:
        doc["tasks"][0][field] = value
    with pytest.raises(InputError, match=f"board/plan-7.json: not a task board: .*{named}"):
        codec.loads(json.dumps(doc).encode(), "board/plan-7.json")
