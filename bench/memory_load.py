"""Benchmark: what loading and saving memory costs, by tests and by runs remembered.

For each number of tests (default 2,000 and 20,000) and of runs (100 and 10,000),
builds the branch tip a long-lived repository would have: a snapshot plus the most
journals a tip holds (``MemoryLimits.max_journals``), in a packed bare repository that
``git daemon`` serves: the remote's side of a fetch or push runs there, outside what
is measured, as GitHub's does in Actions. Then, in fresh processes, interleaved, it
times:

- load: ``MemoryStore.load()`` (fetch + parse + check + fold);
- save: a load, then one nightly's journal saved; the tip is full, so this save
  compacts a generation (fold every journal, encode and check the snapshot).

Each row gives CPU seconds (kairos's process plus its git children) and the process's
peak resident memory (VmHWM, interpreter included): median, min and max over the
repeats. A ``cap`` case loads a tip at the caps of ``memory.caps``: a snapshot just
under its byte cap (as many tests of 50 outcomes as fit, up to the schema's 50,000),
plus journals of 40,000 results up to the tip's cap.
Such a tip is schema-valid but written by no kairos (issue 17: it must neither take the
run down nor blow its memory).

Old runs only bound collections (a test keeps its newest ``history_per_test``
outcomes), so runs older than that are built without test results: the memory is the
same as folding every run in full, and 10,000 runs build in minutes, not hours.

    python bench/memory_load.py [--tests 2000,20000] [--runs 100,10000] [--repeat 3]

Exits 1 when a target is missed: load at the most runs over 1.5x load at the fewest;
at 20,000 tests, load over 2 s CPU or 120 MiB, or save over 3 s CPU; at the caps, load
over 2 s CPU or 200 MiB.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from kairos_ci.git import Git
from kairos_ci.memory import caps, codec
from kairos_ci.memory.fold import fold
from kairos_ci.memory.names import journal_name
from kairos_ci.memory.plumbing import commit_tree, write_blob, write_tree
from kairos_ci.memory.records import (
    SCHEMA_VERSION,
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
from kairos_ci.verdicts.records import HistoryEntry, Outcome

LIMITS = MemoryLimits()
START = datetime(2026, 1, 1, tzinfo=UTC)
BRANCH = "kairos/memory"
PULLS = "https://github.com/o/r/pull"
TARGETS = {"load_cpu": 2.0, "load_mib": 120.0, "save_cpu": 3.0, "cap_cpu": 2.0, "cap_mib": 200.0}


def when(index: int) -> str:
    return (START + timedelta(hours=index)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_ids(count: int) -> list[str]:
    return [
        f"tests/unit/test_mod{i // 20}.py::TestCase{i % 7}::test_case_{i}" for i in range(count)
    ]


def make_journal(index: int, tests: list[str], *, with_results: bool = True) -> Journal:
    """Run ``index``: every test ran once (1% fail), three paths changed, one comment."""
    chance = random.Random(index)
    at, run_id = when(index), str(9_000_000 + index)
    commit = hashlib.sha1(f"c{index}".encode()).hexdigest()
    tree = hashlib.sha1(f"t{index}".encode()).hexdigest()
    results, failing = {}, []
    for test_id in tests if with_results else ():
        outcome = Outcome.FAILED if chance.random() < 0.01 else Outcome.PASSED
        if outcome is Outcome.FAILED:
            failing.append(test_id)
        seconds = round(chance.uniform(0.001, 3.0), 3)
        results[test_id] = (HistoryEntry(commit, tree, run_id, outcome, seconds, at),)
    changed = tuple(f"src/pkg{chance.randrange(40)}/mod{chance.randrange(30)}.py" for _ in range(3))
    return Journal(
        run=RunRecord(run_id, "schedule", commit, at, RunResult.SUCCESS),
        results=results,
        cofailure=CoFailureSample(changed, tuple(failing)),
        posted={f"fp-{index}": Posted("comment", f"pr#{index}", f"{PULLS}/{index}", at)},
        decisions=(DecisionRecord(run_id, at, "report_flaky", "tests", "two failures"),),
        spend={"claude-sonnet": Spend(0.12, 30_000, 2_000)},
    )


def named(journal: Journal) -> tuple[str, bytes]:
    raw = codec.dumps(codec.journal_doc(journal))
    return journal_name(journal.run.at, journal.run.run_id, raw), raw


def folded(runs: int, tests: list[str], before: int) -> Memory:
    """Memory after runs 0..before-1; only the newest ``history_per_test`` carry results."""
    memory, batch = Memory(), 200
    with_results_from = runs - LIMITS.history_per_test - LIMITS.max_journals
    for first in range(0, before, batch):
        made = [
            make_journal(i, tests, with_results=i >= with_results_from)
            for i in range(first, min(first + batch, before))
        ]
        memory = fold(memory, [(named(j)[0], j) for j in made], LIMITS)
    return memory


def put_tip(git: Git, branch: str, snapshot: bytes, journals: list[bytes]) -> None:
    files = {
        "snapshot.json": write_blob(git, snapshot),
        "leases.json": write_blob(git, codec.dumps(codec.leases_doc({}))),
        "MEMORY.md": write_blob(git, b"# benchmark\n"),
    }
    for raw in journals:
        doc = json.loads(raw)
        name = journal_name(doc["run"]["at"], doc["run"]["run_id"], raw)
        files[f"journal/{name}"] = write_blob(git, raw)
    commit = commit_tree(git, write_tree(git, files), None, "memory: benchmark")
    git.run("update-ref", f"refs/heads/{branch}", commit)


def build_origin(root: Path, runs: int, count: int) -> Path:
    """A bare origin whose memory tip holds ``runs`` runs of ``count`` tests."""
    tests = test_ids(count)
    keep = LIMITS.max_journals  # the most journals a tip has: the worst case for load
    memory = folded(runs, tests, runs - keep)
    journals = [named(make_journal(i, tests))[1] for i in range(runs - keep, runs)]
    origin = root / f"origin-{count}-{runs}.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(origin)], check=True)
    put_tip(Git(origin), BRANCH, codec.dumps(codec.snapshot_doc(memory)), journals)
    Git(origin).run("gc", "--quiet")  # packed, as a hosted remote keeps it
    return origin


def cap_snapshot() -> bytes:
    """A schema-valid snapshot just under its cap: the most tests the schema allows that
    fit with 50 outcomes each, their ids padded to fill the cap."""
    points = {str(i): [f"{i:040x}", f"{i:040x}", str(9_000_000 + i), when(i)] for i in range(50)}
    history = " ".join(f"{p}:p:{p * 7 % 3000 / 1000}" for p in range(50))

    def encoded(count: int, pad: str) -> bytes:
        record = {"verdict": "healthy", "evidence": ["9000049"], "history": history}
        doc = codec.snapshot_doc(Memory())
        tests = {f"{test_id}{pad}": record for test_id in test_ids(count)}
        doc.update(points=points, tests=tests, run_count=50)
        return codec.dumps(doc)

    room = caps.SNAPSHOT_BYTES - (64 << 10)
    count = 50_000
    bare = len(encoded(count, ""))
    if bare > room:
        count = count * room // bare
        bare = len(encoded(count, ""))
    raw = encoded(count, "x" * ((room - bare) // count))
    assert len(raw) <= caps.SNAPSHOT_BYTES, f"{len(raw)} bytes is over the snapshot cap"
    return raw


def cap_journal(index: int, count: int) -> bytes:
    """A journal of ``count`` results, just under the journal cap."""
    doc = codec.journal_doc(make_journal(index, []))
    pad = "y" * max(0, (caps.JOURNAL_BYTES - count * 40) // count - 60)
    doc["points"] = [[f"{index:040x}", f"{index:040x}", str(9_000_000 + index), when(index)]]
    doc["results"] = {f"{test_id}{pad}": "0:p:0.5" for test_id in test_ids(count)}
    raw = codec.dumps(doc)
    assert len(raw) <= caps.JOURNAL_BYTES, f"{len(raw)} bytes is over the journal cap"
    return raw


def build_cap_origin(root: Path) -> Path:
    origin = root / "origin-cap.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(origin)], check=True)
    snapshot = cap_snapshot()
    room = caps.TIP_BYTES - len(snapshot) - (1 << 20)
    journals = []
    for index in range(100, 100 + LIMITS.max_journals):
        raw = cap_journal(index, 40_000)
        if len(raw) > room:
            break
        journals.append(raw)
        room -= len(raw)
    put_tip(Git(origin), BRANCH, snapshot, journals)
    Git(origin).run("gc", "--quiet")
    return origin


# --- the child: one measurement in a fresh process ------------------------------------


def child(what: str, url: str, scratch: Path, count: int, runs: int) -> dict[str, Any]:
    from kairos_ci.memory.store import MemoryStore

    now = START + timedelta(hours=runs)
    clone = scratch / "clone"
    clone.mkdir()
    store = MemoryStore(clone, remote=url, scratch_dir=scratch, clock=lambda: now)
    began = _cpu()
    loaded = store.load()
    loaded_cpu = _cpu() - began
    result: dict[str, Any] = {
        "load_cpu": loaded_cpu,
        "runs": loaded.memory.run_count,
        "tests": len(loaded.memory.tests),
        "notes": list(loaded.notes),
        "load_mib": _peak_mib(),
    }
    if what == "save":
        nightly = make_journal(runs, test_ids(count))  # built after load's peak is read
        began = _cpu()
        saved = store.save(nightly)
        result["save_cpu"] = _cpu() - began
        assert saved.changed
    result["peak_mib"] = _peak_mib()
    return result


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _peak_mib() -> float:
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss across fork+exec from the parent.
    with Path("/proc/self/status").open() as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024


# --- the parent -----------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    origin: Path
    tests: int
    runs: int


def run_child(case: Case, what: str, root: Path, port: int) -> dict[str, Any]:
    scratch = Path(tempfile.mkdtemp(prefix="child-", dir=root))
    own = scratch / "origin.git"  # a save must not change what the next repeat measures
    subprocess.run(["git", "clone", "--quiet", "--bare", str(case.origin), str(own)], check=True)
    url = f"git://127.0.0.1:{port}/{own.relative_to(root)}"
    argv = [sys.executable, __file__, "--child", what, url, str(scratch)]
    argv += ["--tests", str(case.tests), "--runs", str(case.runs)]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    shutil.rmtree(scratch)
    if done.returncode != 0:
        raise SystemExit(f"{case.name} {what} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):7.3f} {min(values):7.3f} {max(values):7.3f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tests", default="2000,20000")
    parser.add_argument("--runs", default="100,10000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-cap", action="store_true", help="skip the case at the caps")
    parser.add_argument("--child", nargs=3, metavar=("WHAT", "ORIGIN", "SCRATCH"))
    args = parser.parse_args()
    if args.child:
        what, url, scratch = args.child
        measured = child(what, url, Path(scratch), int(args.tests), int(args.runs))
        print(json.dumps(measured))
        return 0
    counts = [int(n) for n in args.tests.split(",")]
    run_counts = [int(n) for n in args.runs.split(",")]
    with tempfile.TemporaryDirectory(prefix="kairos-bench-") as tmp:
        root = Path(tmp)
        cases = []
        for count in counts:
            for runs in run_counts:
                began = time.perf_counter()
                origin = build_origin(root, runs, count)
                cases.append(Case(f"{count} tests, {runs} runs", origin, count, runs))
                print(f"built {cases[-1].name} in {time.perf_counter() - began:.0f} s", flush=True)
        if not args.no_cap:
            cases.append(Case("at the caps", build_cap_origin(root), 50_000, 50))
        seen: dict[str, list[dict[str, Any]]] = {case.name: [] for case in cases}
        with serving(root) as port:
            for _ in range(args.repeat):  # interleaved: every case shares the machine's weather
                for case in cases:
                    seen[case.name].append(run_child(case, "save", root, port))
        return report(cases, seen, run_counts)


@contextmanager
def serving(root: Path) -> Iterator[int]:
    """``git daemon`` serving ``root``: the remote's side of a fetch or push (GitHub's, in
    Actions) runs in its own process, outside the CPU a child measures."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    argv = ["git", "daemon", "--reuseaddr", "--export-all", "--enable=receive-pack"]
    argv += [f"--base-path={root}", "--listen=127.0.0.1", f"--port={port}", str(root)]
    daemon = subprocess.Popen(argv, stderr=subprocess.DEVNULL)  # it logs each hang-up
    try:
        for _ in range(100):
            with socket.socket() as ready:
                if ready.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield port
    finally:
        daemon.terminate()
        daemon.wait()


def report(cases: list[Case], seen: dict[str, list[dict[str, Any]]], run_counts: list[int]) -> int:
    print(f"memory load and save (schema {SCHEMA_VERSION}); CPU s and peak MiB: median min max")
    print(f"{'case':<26} {'load CPU s':>23} {'save CPU s':>23} {'load peak MiB':>23}  loaded")
    failed = []
    for case in cases:
        rows = seen[case.name]
        loads = [r["load_cpu"] for r in rows]
        saves = [r["save_cpu"] for r in rows]
        peaks = [r["load_mib"] for r in rows]
        last = rows[-1]
        what = f"{last['tests']} tests, {last['runs']} runs, {len(last['notes'])} notes"
        print(f"{case.name:<26} {spread(loads)} {spread(saves)} {spread(peaks)}  {what}")
        failed += misses(case, loads, saves, peaks)
    for count in sorted({case.tests for case in cases if case.name != "at the caps"}):
        fewest, most = (statistics.median(r["load_cpu"] for r in seen[f"{count} tests, {n} runs"])
                        for n in (min(run_counts), max(run_counts)))  # fmt: skip
        ratio = most / fewest
        print(
            f"{count} tests: load({max(run_counts)} runs) / load({min(run_counts)}) = {ratio:.2f}"
        )
        if ratio > 1.5:
            failed.append(f"{count} tests: load grows with runs ({ratio:.2f} > 1.50)")
    for miss in failed:
        print(f"MISSED: {miss}")
    return 1 if failed else 0


def misses(case: Case, loads: list[float], saves: list[float], peaks: list[float]) -> list[str]:
    load, save, peak = (statistics.median(v) for v in (loads, saves, peaks))
    if case.name == "at the caps":
        limits = [("load CPU s", load, TARGETS["cap_cpu"]), ("peak MiB", peak, TARGETS["cap_mib"])]
    elif case.tests >= 20_000:
        limits = [
            ("load CPU s", load, TARGETS["load_cpu"]),
            ("peak MiB", peak, TARGETS["load_mib"]),
            ("save CPU s", save, TARGETS["save_cpu"]),
        ]
    else:
        limits = []
    return [f"{case.name}: {name} {got:.2f} > {most}" for name, got, most in limits if got > most]


if __name__ == "__main__":
    sys.exit(main())
