"""Memory kairos writes stays within its byte budget: the newest is kept, the rest cut."""

from __future__ import annotations

import json
from dataclasses import replace

from kairos_ci.memory import codec
from kairos_ci.memory.budget import fit
from kairos_ci.memory.documents import checker, validate
from kairos_ci.memory.fold import fold
from kairos_ci.memory.records import Memory, MemoryLimits
from kairos_ci.verdicts.records import Outcome
from tests.memory.helpers import jname, journal

TESTS = [f"tests/test_mod.py::test_{i:03d}" for i in range(60)]


def remembered(nights: int) -> Memory:
    """Night ``n`` runs the tests from ``n / nights`` of the list on: the later a test
    is in ``TESTS``, the more nights it ran and the later it was last seen."""
    memory = Memory()
    for night in range(nights):
        ran = dict.fromkeys(TESTS[night * len(TESTS) // nights :], Outcome.PASSED)
        memory = fold(memory, [(jname(night), journal(f"r{night}", night, ran))], MemoryLimits())
    return memory


def test_memory_within_budget_is_written_as_it_is() -> None:
    memory = remembered(4)
    fitted = fit(memory, MemoryLimits(), codec.snapshot_doc)
    assert fitted.memory is memory and fitted.limits == MemoryLimits()
    assert fitted.raw == codec.dumps(codec.snapshot_doc(memory))


def test_memory_over_budget_is_cut_to_it_newest_kept() -> None:
    memory = remembered(12)
    full = len(codec.dumps(codec.snapshot_doc(memory)))
    limits = replace(MemoryLimits(), snapshot_bytes=full // 3)
    fitted = fit(memory, limits, codec.snapshot_doc)
    assert len(fitted.raw) <= full // 3
    assert fitted.limits.history_per_test < limits.history_per_test
    kept = fitted.memory.tests
    assert 0 < len(kept) < len(TESTS) and TESTS[-1] in kept and TESTS[0] not in kept
    doc = json.loads(fitted.raw)
    validate(doc, "snapshot", checker())
    assert codec.decode_snapshot(doc) == fitted.memory


def test_memory_that_cannot_shrink_further_is_written_anyway() -> None:
    limits = replace(MemoryLimits(), snapshot_bytes=10)
    fitted = fit(remembered(2), limits, codec.snapshot_doc)
    assert len(fitted.raw) > 10 and fitted.limits.tests == 1 and fitted.limits.work == 1
    assert fitted.limits.applied == limits.applied  # what stops a journal folding twice


def test_halving_cuts_bulk_records_before_the_few_a_human_made() -> None:
    halved = MemoryLimits().halved()
    assert (halved.tests, halved.history_per_test) == (10_000, 25)
    assert (halved.work, halved.rejections, halved.applied) == (500, 2_000, 1_000)
    bulk_spent = MemoryLimits(
        runs=1, history_per_test=1, tests=1, evidence=1, cofailure_paths=1,
        cofailure_tests_per_path=1, posted=1, decisions=1, spend_runs=1,
    )  # fmt: skip
    assert bulk_spent.halved().work == 250 and bulk_spent.halved().tests == 1
