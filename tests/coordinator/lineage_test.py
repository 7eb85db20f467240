"""Repair ids: numbered per original task, the newest standing in for the rest."""

from __future__ import annotations

from kairos_ci.coordinator.lineage import (
    origin_of,
    repair_id,
    repair_number,
    repairs_of,
    superseded,
)
from tests.coordinator.boards import board, task


def test_a_repair_id_names_its_original_and_its_number() -> None:
    assert repair_id("S2", 3) == "S2-r3"
    assert (origin_of("S2-r3"), repair_number("S2-r3")) == ("S2", 3)
    assert (origin_of("S2"), repair_number("S2")) == ("S2", 0)
    assert (origin_of("hot-files"), origin_of("hot-files-r1")) == ("hot-files", "hot-files")
    assert origin_of("S2-r0") == "S2-r0"  # repairs count from 1


def test_the_newest_repair_stands_in_for_the_task_and_earlier_repairs() -> None:
    b = board(task("S1"), task("S2-r10"), task("S2"), task("S2-r2"), task("S3-r1"))
    assert repairs_of(b, "S2") == ("S2-r2", "S2-r10")  # by number, not by text
    assert superseded(b) == {"S2", "S2-r2"}
    assert superseded(board(task("S1"), task("S2"))) == frozenset()
