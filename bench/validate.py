"""Benchmark: ``kairos-ci validate FILE`` against a bare interpreter, as whole processes.

    python bench/validate.py [FILE] [--runs 15]

Each round runs ``python -c pass`` and then ``python -m kairos_ci validate FILE`` with the
same interpreter, so both see the same machine load. Prints median, min and max wall and
CPU time (user + system) of each, and the ratios of the medians. Target (issue 21):
validate within 8x a bare interpreter; CPU time says the same with less noise from
other processes on a shared machine.

Both read their bytecode from a fresh ``PYTHONPYCACHEPREFIX``, written by one untimed run
of each, as an installed package has it (pip compiles on install). A
``PYTHONDONTWRITEBYTECODE`` in the environment is dropped for them: with a source tree
or a venv that has no bytecode yet, it would time Python's compiler on kairos's modules
and PyYAML's in every run, and the interpreter's own startup on none.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FILE = ROOT / "examples" / "configs" / "python-project.yml"
TARGET_RATIO = 8.0


def times(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, cwd=ROOT, env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def bytecode_env(cache: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPYCACHEPREFIX": cache}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def summary(name: str, times: list[float]) -> str:
    median, low, high = statistics.median(times), min(times), max(times)
    return (
        f"{name:<13} median {median * 1000:7.1f} ms  min {low * 1000:7.1f}  max {high * 1000:7.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kairos-bench-pyc-") as cache:
        bare, validate = timed(args.file, args.runs, bytecode_env(cache))
    print(f"kairos-ci validate {args.file.name}, {args.runs} interleaved runs")
    for kind, index in (("wall", 0), ("CPU", 1)):
        bare_s, validate_s = [t[index] for t in bare], [t[index] for t in validate]
        print(summary(f"bare {kind}", bare_s))
        print(summary(f"validate {kind}", validate_s))
        ratio = statistics.median(validate_s) / statistics.median(bare_s)
        verdict = "ok" if ratio <= TARGET_RATIO else "OVER TARGET"
        print(f"{kind} ratio of medians {ratio:.1f}x (target <= {TARGET_RATIO:.0f}x: {verdict})")


Times = list[tuple[float, float]]  # (wall, CPU) seconds per run


def timed(file: Path, runs: int, env: dict[str, str]) -> tuple[Times, Times]:
    """Times of a bare interpreter and of ``validate``, interleaved."""
    bare_argv = [sys.executable, "-c", "pass"]
    validate_argv = [sys.executable, "-m", "kairos_ci", "validate", str(file)]
    for argv in (bare_argv, validate_argv):  # warm the file cache and the bytecode
        times(argv, env)
    bare: Times = []
    validate: Times = []
    for _ in range(runs):
        bare.append(times(bare_argv, env))
        validate.append(times(validate_argv, env))
    return bare, validate


if __name__ == "__main__":
    main()
