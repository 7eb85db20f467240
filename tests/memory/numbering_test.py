"""A point keeps its number from snapshot to snapshot, so unchanged lines stay the same
bytes and git can delta one snapshot against the last."""

from __future__ import annotations

import json

from kairos_ci.memory import codec
from kairos_ci.memory.fold import fold
from kairos_ci.memory.history import History, PointTable
from kairos_ci.memory.numbering import MAX_NUMBER, numbering
from kairos_ci.memory.records import Memory, MemoryLimits
from kairos_ci.verdicts.records import Outcome
from tests.memory.helpers import at, jname, journal, sha

LIMITS = MemoryLimits(history_per_test=2)


def reloaded(memory: Memory) -> Memory:
    return codec.decode_snapshot(json.loads(codec.dumps(codec.snapshot_doc(memory))))


def night(memory: Memory, index: int, tests: dict[str, Outcome]) -> Memory:
    return fold(memory, [(jname(index), journal(f"r{index}", index, tests))], LIMITS)


def test_compaction_keeps_old_numbers_and_drops_unused_points() -> None:
    both = {"t::a": Outcome.PASSED, "t::b": Outcome.PASSED}
    first = reloaded(night(night(Memory(), 1, both), 2, both))
    before = codec.snapshot_doc(first)
    assert sorted(before["points"]) == ["0", "1"]
    second = codec.snapshot_doc(reloaded(night(first, 3, {"t::a": Outcome.FAILED})))
    assert second["tests"]["t::b"] == before["tests"]["t::b"]  # untouched: the same bytes
    assert second["tests"]["t::a"]["history"] == "1:p:0.25 2:f:0.25"  # r1 fell out of it
    assert second["points"]["1"] == before["points"]["1"] and second["points"]["2"][2] == "r3"
    third = codec.snapshot_doc(reloaded(night(reloaded(night(first, 3, both)), 4, both)))
    assert sorted(third["points"], key=int) == ["2", "3"]  # r1, r2: nothing points at them
    assert third["tests"]["t::a"]["history"] == "2:p:0.25 3:p:0.25"


def test_a_journal_point_the_snapshot_has_keeps_the_snapshots_number() -> None:
    point = (sha("commit r1"), sha("tree r1"), "r1", at(1))
    base = PointTable({"5": point}, stable=True)
    again = History.of(journal("r1", 1, {"t::a": Outcome.FAILED}).results["t::a"])
    history = History.stored(base, "5:p:0.25").plus(again)
    numbers = numbering([history])
    assert numbers.text(history) == "5:p:0.25 5:f:0.25"
    assert numbers.rows() == {"5": point}


def test_numbers_start_again_from_zero_when_they_would_run_out() -> None:
    point = (sha("c"), sha("t"), "r0", at(0))
    base = PointTable({str(MAX_NUMBER): point}, stable=True)
    history = History.stored(base, f"{MAX_NUMBER}:p:1").plus(
        journal("r1", 1, {"t::a": Outcome.PASSED}).results["t::a"]
    )
    numbers = numbering([history])
    assert numbers.text(history) == "0:p:1 1:p:0.25"
    assert set(numbers.rows()) == {"0", "1"}


def test_a_one_point_table_renumbers_every_token_and_nothing_else() -> None:
    old = (sha("c0"), sha("t0"), "r0", at(0))
    new = (sha("c1"), sha("t1"), "r1", at(1))
    base = PointTable({"10": old}, stable=True)
    journal_table = PointTable({"0": new}, stable=False)
    history = History.stored(base, "10:p:10").plus(
        History.stored(journal_table, "0:p:10 0:f:0.5 0:s:")
    )
    numbers = numbering([history])
    assert numbers.text(history) == "10:p:10 11:p:10 11:f:0.5 11:s:"
    assert numbers.rows() == {"10": old, "11": new}


def test_a_table_of_many_points_numbers_them_in_the_order_tokens_use_them() -> None:
    first, second = (sha("c1"), sha("t1"), "r1", at(1)), (sha("c2"), sha("t2"), "r2", at(2))
    table = PointTable({"0": first, "1": second}, stable=False)
    history = History.stored(table, "1:p:1 0:f:2 1:p:3")
    numbers = numbering([history])
    assert numbers.text(history) == "0:p:1 1:f:2 0:p:3"
    assert numbers.rows() == {"0": second, "1": first}
