"""Benchmark: ``kairos-ci memory show --json`` against ``git cat-file`` of the snapshot.

Builds the memory tip a long-lived repository has (``memory_load.build_origin``: a
snapshot of every test's newest outcomes, plus the most journals a tip holds), clones
it, and then times in one interleaved run, as whole processes, reading the clone's
tracking branch without network:

- ``git cat-file blob <tracking ref>:snapshot.json``, the peer: the snapshot's bytes;
- ``python -m kairos_ci memory show --json``: load, check and fold the tip, and print it.

Both write to /dev/null. Python reads its bytecode from a fresh ``PYTHONPYCACHEPREFIX``
written by the first, untimed run, as an installed package has it (a
``PYTHONDONTWRITEBYTECODE`` in the environment would time the compiler). That run also
checks the output is JSON holding every test, and gives its size.

Prints CPU seconds (the process and its git children) and wall seconds, median, min and
max, the ratio of the CPU medians, and the peak resident memory of ``memory show``
(VmHWM, read at exit inside the process: a child's ``ru_maxrss`` carries the parent's
over fork and exec).

    python bench/memory_show.py [--tests 20000] [--runs 100] [--repeat 7]

Targets (issue 21): at 20,000 tests, within 20x the ``git cat-file`` and under 200 MiB.
Exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from memory_load import BRANCH, build_origin

ROOT = Path(__file__).resolve().parents[1]
TARGET_RATIO = 20.0
TARGET_MIB = 200.0
# ``python -m kairos_ci`` itself, with one exit hook that writes the process's peak RSS.
SHOW_WITH_PEAK = """\
import atexit, runpy, sys
from pathlib import Path

PEAK_FILE = Path(sys.argv.pop(1))

def peak():
    status = Path("/proc/self/status").read_text().splitlines()
    kib = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    PEAK_FILE.write_text(str(kib))

atexit.register(peak)
runpy.run_module("kairos_ci", run_name="__main__", alter_sys=True)
"""


@dataclass(frozen=True)
class Timed:
    cpu: float
    wall: float


def timed(argv: list[str], cwd: Path, env: dict[str, str]) -> Timed:
    """CPU of the process and every child it waited for, and wall time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timed(cpu, wall)


def clone_of(origin: Path, root: Path) -> Path:
    """A clone whose tracking branch holds the memory: ``show`` reads it, no fetch."""
    clone = root / "clone"
    subprocess.run(["git", "init", "--quiet", str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "remote", "add", "origin", str(origin)], check=True)
    subprocess.run(["git", "-C", str(clone), "fetch", "--quiet", "origin"], check=True)
    return clone


def checked_output(show: list[str], clone: Path, env: dict[str, str], tests: int) -> int:
    """Bytes ``show`` prints, after checking they are JSON with every test."""
    done = subprocess.run(show, cwd=clone, env=env, capture_output=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"memory show failed:\n{done.stderr.decode(errors='replace')}")
    shown = json.loads(done.stdout)
    if len(shown["tests"]) != tests:
        raise SystemExit(f"memory show printed {len(shown['tests'])} tests, not {tests}")
    return len(done.stdout)


def spread(values: list[float], unit: str = "s") -> str:
    median, low, high = statistics.median(values), min(values), max(values)
    return f"median {median:8.3f} {unit}  min {low:8.3f}  max {high:8.3f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tests", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kairos-bench-show-") as tmp:
        root = Path(tmp)
        began = time.perf_counter()
        clone = clone_of(build_origin(root, args.runs, args.tests), root)
        print(f"built {args.tests} tests, {args.runs} runs in {time.perf_counter() - began:.0f} s")
        env = child_env(root)
        ref = f"refs/remotes/origin/{BRANCH}:snapshot.json"
        cat = ["git", "cat-file", "blob", ref]
        sized = subprocess.run(["git", "cat-file", "-s", ref], cwd=clone, capture_output=True)
        peak_file = root / "peak-kib"
        show = [sys.executable, "-c", SHOW_WITH_PEAK, str(peak_file)]
        show += ["memory", "show", "--json", "--repo", str(clone)]
        printed = checked_output(show, clone, env, args.tests)
        cats: list[Timed] = []
        shows: list[Timed] = []
        peaks: list[float] = []
        for _ in range(args.repeat):
            cats.append(timed(cat, clone, env))
            shows.append(timed(show, clone, env))
            peaks.append(int(peak_file.read_text()) / 1024)
    return report(args, int(sized.stdout), printed, cats, shows, peaks)


def child_env(root: Path) -> dict[str, str]:
    """This checkout's kairos_ci, whatever is installed, with bytecode cached under ``root``."""
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(root / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def report(
    args: argparse.Namespace,
    snapshot: int,
    printed: int,
    cats: list[Timed],
    shows: list[Timed],
    peaks: list[float],
) -> int:
    mib = 1024 * 1024
    print(
        f"{args.tests} tests, {args.runs} runs: snapshot.json {snapshot / mib:.1f} MiB, "
        f"memory show --json prints {printed / mib:.1f} MiB; {args.repeat} interleaved runs"
    )
    print(f"git cat-file    CPU  {spread([t.cpu for t in cats])}")
    print(f"                wall {spread([t.wall for t in cats])}")
    print(f"memory show     CPU  {spread([t.cpu for t in shows])}")
    print(f"                wall {spread([t.wall for t in shows])}")
    print(f"                peak {spread(peaks, 'MiB')}")
    ratio = statistics.median(t.cpu for t in shows) / statistics.median(t.cpu for t in cats)
    wall_ratio = statistics.median(t.wall for t in shows) / statistics.median(t.wall for t in cats)
    peak = statistics.median(peaks)
    print(
        f"ratio of CPU medians {ratio:.1f}x (wall {wall_ratio:.1f}x); target <= {TARGET_RATIO:.0f}x"
    )
    missed = []
    if ratio > TARGET_RATIO:
        missed.append(f"memory show is {ratio:.1f}x git cat-file (> {TARGET_RATIO:.0f}x)")
    if peak > TARGET_MIB:
        missed.append(f"memory show peaks at {peak:.0f} MiB (> {TARGET_MIB:.0f} MiB)")
    for miss in missed:
        print(f"MISSED: {miss}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
