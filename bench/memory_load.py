"""Benchmark: loading memory costs the same after 100 runs as after 1,000.

Builds, for 100 and for 1,000 runs over 2,000 tests, the branch tip a long-lived
repository would have (a snapshot plus the most un-compacted journals the store
allows), pushes it to a local bare origin, then times ``MemoryStore.load()``
(fetch + parse + validate + fold) and measures its peak Python memory.

    python bench/memory_load.py [--tests 2000] [--repeat 3]

Exits 1 if load at 1,000 runs takes more than 1.5 times load at 100 runs.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kairos_ci.clock import utc_now
from kairos_ci.git import Git
from kairos_ci.memory import codec
from kairos_ci.memory.fold import fold
from kairos_ci.memory.names import journal_name
from kairos_ci.memory.plumbing import commit_tree, write_blob, write_tree
from kairos_ci.memory.records import (
    CoFailureSample,
    DecisionRecord,
    Journal,
    Memory,
    MemoryLimits,
    Posted,
    RunRecord,
    RunResult,
    Spend,
)
from kairos_ci.memory.store import MemoryStore
from kairos_ci.memory.summary import render
from kairos_ci.verdicts.records import HistoryEntry, Outcome

LIMITS = MemoryLimits()
START = datetime(2026, 1, 1, tzinfo=UTC)
BATCH = 50  # journals folded at a time while building
PULLS = "https://github.com/o/r/pull"


def make_journal(index: int, tests: list[str], chance: random.Random) -> Journal:
    when = (START + timedelta(hours=index)).strftime("%Y-%m-%dT%H:%M:%SZ")
    run_id = str(9_000_000 + index)
    commit = hashlib.sha1(f"c{index}".encode()).hexdigest()
    tree = hashlib.sha1(f"t{index}".encode()).hexdigest()
    results = {}
    failing = []
    for test_id in tests:
        outcome = Outcome.FAILED if chance.random() < 0.01 else Outcome.PASSED
        if outcome is Outcome.FAILED:
            failing.append(test_id)
        duration = round(chance.uniform(0.001, 3.0), 3)
        results[test_id] = (HistoryEntry(commit, tree, run_id, outcome, duration, when),)
    changed = tuple(f"src/pkg{chance.randrange(40)}/mod{chance.randrange(30)}.py" for _ in range(3))
    return Journal(
        run=RunRecord(run_id, "schedule", commit, when, RunResult.SUCCESS),
        results=results,
        cofailure=CoFailureSample(changed, tuple(failing)),
        posted={f"fp-{index}": Posted("comment", f"pr#{index}", f"{PULLS}/{index}", when)},
        decisions=(
            DecisionRecord(run_id, when, "report_flaky", "tests", "two failures on one tree"),
        ),
        spend={"claude-sonnet": Spend(0.12, 30_000, 2_000)},
    )


def named(journal: Journal) -> tuple[str, bytes]:
    raw = codec.dumps(codec.journal_doc(journal))
    return journal_name(journal.run.at, journal.run.run_id, raw), raw


def build_origin(root: Path, runs: int, test_count: int) -> tuple[Path, int]:
    """A bare origin whose memory tip holds ``runs`` runs; returns it and the snapshot size."""
    chance = random.Random(runs)
    tests = [f"tests/unit/test_mod{i // 20}.py::test_case_{i}" for i in range(test_count)]
    keep = LIMITS.max_journals  # the most journals a tip ever has: the worst case for load
    memory = Memory()
    for first in range(0, runs - keep, BATCH):
        last = min(first + BATCH, runs - keep)
        batch = [make_journal(i, tests, chance) for i in range(first, last)]
        memory = fold(memory, [(named(j)[0], j) for j in batch], LIMITS)
    journals = [make_journal(i, tests, chance) for i in range(runs - keep, runs)]
    origin = root / f"origin-{runs}.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(origin)], check=True)
    git = Git(origin)
    snapshot = codec.dumps(codec.snapshot_doc(memory))
    files = {
        "snapshot.json": write_blob(git, snapshot),
        "leases.json": write_blob(git, codec.dumps(codec.leases_doc({}))),
    }
    for journal in journals:
        name, raw = named(journal)
        files[f"journal/{name}"] = write_blob(git, raw)
    shown = fold(memory, [(named(j)[0], j) for j in journals], LIMITS)
    files["MEMORY.md"] = write_blob(git, render(shown).encode())
    commit = commit_tree(git, write_tree(git, files), None, "memory: benchmark")
    git.run("update-ref", "refs/heads/kairos/memory", commit)
    return origin, len(snapshot)


def measure(store: MemoryStore, repeat: int) -> tuple[float, float, int]:
    """Best load time in seconds, peak traced memory in MiB, and runs loaded."""
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        loaded = store.load()
        times.append(time.perf_counter() - began)
    tracemalloc.start()
    store.load()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return min(times), peak / 2**20, loaded.memory.run_count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tests", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="kairos-bench-") as tmp:
        root = Path(tmp)
        for runs in (100, 1000):
            began = time.perf_counter()
            origin, snapshot_bytes = build_origin(root, runs, args.tests)
            built = time.perf_counter() - began
            clone = root / f"clone-{runs}"
            clone.mkdir()
            store = MemoryStore(clone, remote=str(origin), scratch_dir=root, clock=utc_now)
            seconds, peak, loaded = measure(store, args.repeat)
            assert loaded == runs, f"loaded {loaded} runs, expected {runs}"
            rows.append((runs, seconds, peak, snapshot_bytes, built))
    what = "fetch + parse + validate + fold"
    print(f"memory load, {args.tests} tests, best of {args.repeat} ({what})")
    print(f"{'runs':>6} {'load s':>8} {'peak MiB':>9} {'snapshot KiB':>13} {'build s':>8}")
    for runs, seconds, peak, size, built in rows:
        print(f"{runs:>6} {seconds:>8.3f} {peak:>9.1f} {size / 1024:>13.0f} {built:>8.1f}")
    ratio = rows[1][1] / rows[0][1]
    print(f"load(1000) / load(100) = {ratio:.2f} (must be <= 1.50)")
    return 0 if ratio <= 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
