"""Benchmark: how much the memory branch grows per nightly save, after ``git gc``.

For each number of tests (default 2,000 and 20,000), saves 60 nightly journals through
``MemoryStore.save`` to a local bare origin, one per simulated day (the store's clock
is injected). Each night every test runs once with a fresh duration (1% fail) and, as a
nightly does, a verdict is given for every remembered test. Every ``--every`` nights
the origin is packed with ``git gc`` and its pack size read.

Prints, per number of tests: the snapshot's size; the branch's growth per night in
each interval as a share of one snapshot (median, min and max over the intervals);
and the average over all nights after the first. The target (issue 21): at most 15%
of one snapshot per night on average. Also the median CPU seconds of one save.

    python bench/memory_growth.py [--tests 2000,20000] [--nights 60] [--every 10]

Exits 1 when an average is over 15%.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import resource
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kairos_ci.git import Git
from kairos_ci.memory.records import Journal, RunRecord, RunResult, VerdictRecord
from kairos_ci.memory.store import MemoryStore
from kairos_ci.verdicts.records import HistoryEntry, Outcome, Verdict

START = datetime(2026, 1, 1, 3, 0, tzinfo=UTC)
BRANCH = "kairos/memory"
TARGET = 0.15


def test_ids(count: int) -> list[str]:
    return [f"tests/unit/test_mod{i // 20}.py::Case{i % 7}::test_case_{i}" for i in range(count)]


def nightly(night: int, tests: list[str]) -> Journal:
    chance = random.Random(night)
    at = (START + timedelta(days=night)).strftime("%Y-%m-%dT%H:%M:%SZ")
    run_id = str(7_000_000 + night)
    commit = hashlib.sha1(f"c{night}".encode()).hexdigest()
    tree = hashlib.sha1(f"t{night}".encode()).hexdigest()
    results = {}
    for test_id in tests:
        outcome = Outcome.FAILED if chance.random() < 0.01 else Outcome.PASSED
        seconds = round(chance.uniform(0.001, 3.0), 3)
        results[test_id] = (HistoryEntry(commit, tree, run_id, outcome, seconds, at),)
    verdicts = {test_id: VerdictRecord(Verdict.HEALTHY) for test_id in tests}
    run = RunRecord(run_id, "schedule", commit, at, RunResult.SUCCESS)
    return Journal(run=run, results=results, verdicts=verdicts)


@dataclass(frozen=True)
class Growth:
    tests: int
    snapshot_bytes: int
    packs: list[tuple[int, int]]  # (night, pack bytes after gc)
    save_cpu: list[float]

    def per_night(self) -> list[float]:
        """Growth per night in each interval, as a share of one snapshot."""
        return [
            (size - before) / (night - earlier) / self.snapshot_bytes
            for (earlier, before), (night, size) in zip(self.packs, self.packs[1:], strict=False)
        ]

    def average(self) -> float:
        (first, before), (last, size) = self.packs[0], self.packs[-1]
        return (size - before) / (last - first) / self.snapshot_bytes


def packed_bytes(origin: Path) -> int:
    subprocess.run(["git", "-C", str(origin), "gc", "--quiet", "--prune=now"], check=True)
    counted = Git(origin).text("count-objects", "-v")
    fields = dict(line.split(": ") for line in counted.splitlines())
    return (int(fields["size-pack"]) + int(fields["size"])) * 1024


def grow(root: Path, count: int, nights: int, every: int) -> Growth:
    origin = root / f"origin-{count}.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(origin)], check=True)
    clone = root / f"clone-{count}"
    clone.mkdir()
    now = [START]
    store = MemoryStore(clone, remote=str(origin), scratch_dir=root, clock=lambda: now[0])
    tests = test_ids(count)
    packs, cpu = [], []
    for night in range(1, nights + 1):
        now[0] = START + timedelta(days=night, minutes=30)
        journal = nightly(night, tests)
        began = _cpu()
        store.save(journal)
        cpu.append(_cpu() - began)
        if night == 1 or night % every == 0:
            packs.append((night, packed_bytes(origin)))
            print(f"{count} tests, night {night}: pack {packs[-1][1] >> 10} KiB", flush=True)
    size = int(Git(origin).text("cat-file", "-s", f"{BRANCH}:snapshot.json"))
    return Growth(count, size, packs, cpu)


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tests", default="2000,20000")
    parser.add_argument("--nights", type=int, default=60)
    parser.add_argument("--every", type=int, default=10)
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="kairos-growth-") as tmp:
        for count in (int(n) for n in args.tests.split(",")):
            results.append(grow(Path(tmp), count, args.nights, args.every))
    print(f"memory branch growth per night after git gc, {args.nights} nightly saves")
    print(f"{'tests':>6} {'snapshot KiB':>13} {'per night / snapshot: median min max':>38}")
    failed = False
    for growth in results:
        shares = growth.per_night()
        spread = f"{statistics.median(shares):.1%} {min(shares):.1%} {max(shares):.1%}"
        average = growth.average()
        failed |= average > TARGET
        saves = statistics.median(growth.save_cpu)
        print(
            f"{growth.tests:>6} {growth.snapshot_bytes >> 10:>13} {spread:>38}"
            f"  average {average:.1%} (target <= {TARGET:.0%}); save CPU median {saves:.2f} s"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
