"""Folding onto the snapshot's one table gives the memory folding part by part gives."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from kairos_ci.memory import codec
from kairos_ci.memory import fold as fold_module
from kairos_ci.memory.fold import fold
from kairos_ci.memory.history import History, PointTable
from kairos_ci.memory.numbering import MAX_NUMBER
from kairos_ci.memory.onetable import OneTable
from kairos_ci.memory.records import Journal, Memory, MemoryLimits
from kairos_ci.verdicts.records import HistoryEntry, Outcome
from tests.memory.helpers import at, jname, journal, sha

LIMITS = MemoryLimits(history_per_test=3)
P, F = Outcome.PASSED, Outcome.FAILED


def stored(one: Journal) -> Journal:
    """``one`` as a tip holds it: read back from its document."""
    return codec.decode_journal(json.loads(codec.dumps(codec.journal_doc(one))), "j.json")


def reloaded(memory: Memory) -> Memory:
    return codec.decode_snapshot(json.loads(codec.dumps(codec.snapshot_doc(memory))))


def snapshot() -> Memory:
    """Memory as read from a snapshot: every history on its one stable table."""
    nights = [(jname(n), journal(f"r{n}", n, {"t::a": P, "t::b": F, "t::c": P})) for n in (1, 2)]
    return reloaded(fold(Memory(), nights, LIMITS))


def folded_both_ways(memory: Memory, journals: list[tuple[str, Journal]]) -> tuple[Memory, Memory]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fold_module.OneTable, "for_fold", lambda tests, journals: None)
        by_parts = fold(memory, journals, LIMITS)
    return fold(memory, journals, LIMITS), by_parts


def entries(memory: Memory) -> dict[str, tuple[HistoryEntry, ...]]:
    return {test_id: tuple(record.history) for test_id, record in memory.tests.items()}


def test_a_nightly_tip_folds_to_the_same_memory_on_one_table() -> None:
    memory = snapshot()
    nights = [
        (jname(3), stored(journal("r3", 3, {"t::a": F, "t::b": F, "t::new": P}))),
        (jname(4), stored(journal("r4", 4, {"t::a": P, "t::new": F}))),
    ]
    one, by_parts = folded_both_ways(memory, nights)
    assert entries(one) == entries(by_parts) and one == by_parts
    onto = History.of(one.tests["t::a"].history).parts[0][0]
    for test_id in ("t::a", "t::b", "t::new"):  # one string each, all on one table
        (part,) = History.of(one.tests[test_id].history).parts
        assert part[0] is onto
    assert one.tests["t::c"] is memory.tests["t::c"]  # no journal names it: left as it was
    assert codec.dumps(codec.snapshot_doc(one)) == codec.dumps(codec.snapshot_doc(by_parts))
    assert reloaded(one) == one


def test_a_point_the_table_has_keeps_its_number_and_new_points_get_the_next() -> None:
    memory = snapshot()
    (table,) = {History.of(r.history).parts[0][0] for r in memory.tests.values()}
    again = stored(journal("r2", 2, {"t::a": F}))  # the run of point "1" saved twice
    onto = OneTable.for_fold(memory.tests, [again])
    assert onto is not None
    assert list(onto.column(again.results)[1]) == ["1:f:0.25"]
    assert list(onto.column(stored(journal("r9", 9, {"t::a": P})).results)[1]) == ["2:p:0.25"]
    assert onto.table.rows["2"][2] == "r9" and dict(table.rows) == {
        "0": table.rows["0"],
        "1": table.rows["1"],
    }


def test_other_shapes_fold_part_by_part() -> None:
    memory = snapshot()
    night = [stored(journal("r3", 3, {"t::a": P}))]
    assert OneTable.for_fold(memory.tests, night) is not None
    assert OneTable.for_fold(memory.tests, [journal("r3", 3, {"t::a": P})]) is None  # not stored
    two_runs = stored(journal("r3", 3, {"t::a": P}))
    rerun = (HistoryEntry(sha("c"), sha("t"), "r4", F, 1.0, at(4)), *two_runs.results["t::a"])
    assert (
        OneTable.for_fold(memory.tests, [stored(replace(two_runs, results={"t::a": rerun}))])
        is None
    )
    loose = replace(
        memory,
        tests={
            **memory.tests,
            "t::x": replace(memory.tests["t::a"], history=tuple(memory.tests["t::a"].history)),
        },
    )
    assert OneTable.for_fold(loose.tests, night) is None  # a second, unstable table
    assert OneTable.for_fold({}, night) is None
    full = PointTable({str(MAX_NUMBER): (sha("c"), sha("t"), "r", at(0))}, stable=True)
    crowded = {
        "t::a": replace(memory.tests["t::a"], history=History.stored(full, f"{MAX_NUMBER}:p:"))
    }
    assert OneTable.for_fold(crowded, night) is None  # no number left for the journal's point


def test_histories_keep_only_the_newest_entries() -> None:
    memory = snapshot()
    nights = [(jname(n), stored(journal(f"r{n}", n, {"t::a": F}))) for n in (3, 4, 5)]
    one, by_parts = folded_both_ways(memory, nights)
    assert [entry.run_id for entry in one.tests["t::a"].history] == ["r3", "r4", "r5"]
    assert entries(one) == entries(by_parts)
