"""Acceptance: 8 processes each save 25 journals into one origin at the same time."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from kairos_ci.memory.records import Spend
from kairos_ci.memory.store import MemoryStore
from tests.memory.helpers import branch_files
from tests.memory.workers import SPEND, save_many

WRITERS = 8
EACH = 25


@pytest.mark.slow  # over 5 s: the full suite runs it, the fast lane does not
def test_concurrent_writers_lose_nothing_and_duplicate_nothing(
    store: MemoryStore, clone: Path, origin: Path, tmp_path: Path
) -> None:
    fork = multiprocessing.get_context("fork")
    start = fork.Barrier(WRITERS)
    writers = [
        fork.Process(target=save_many, args=(clone, tmp_path / f"w{i}", i, EACH, start))
        for i in range(WRITERS)
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=120)
    assert [w.exitcode for w in writers] == [0] * WRITERS

    verification = store.verify()
    assert verification.ok, verification.problems
    loaded = store.load()
    memory = loaded.memory
    total = WRITERS * EACH
    assert memory.run_count == total
    assert {r.run_id for r in memory.runs} == {
        f"w{w}-{i}" for w in range(WRITERS) for i in range(EACH)
    }
    for w in range(WRITERS):
        history = [entry.run_id for entry in memory.tests[f"t::writer{w}"].history]
        assert history == [f"w{w}-{i}" for i in range(EACH)]  # all there, once, in order
    tokens = sum(memory.spend.months["2026-11"].values(), Spend())
    assert tokens.input_tokens == total and round(tokens.usd, 6) == round(total * SPEND.usd, 6)
    # Every journal is either folded into the snapshot or still in the tip, never both.
    assert len(set(memory.applied)) == total
    assert set(loaded.journals) <= set(memory.applied)
    journals = [f for f in branch_files(origin) if f.startswith("journal/")]
    assert len(journals) <= store.limits.max_journals
