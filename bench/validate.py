"""Benchmark: ``kairos-ci validate FILE`` against a bare interpreter, as whole processes.

    python bench/validate.py [FILE] [--runs 15]

Each round runs ``python -c pass`` and then ``python -m kairos_ci validate FILE`` with the
same interpreter, so both see the same machine load. Prints median, min and max wall time
of each and the ratio of the medians. Target (issue 21): validate within 8x a bare
interpreter.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FILE = ROOT / "examples" / "configs" / "python-project.yml"
TARGET_RATIO = 8.0


def wall_time(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - started


def summary(name: str, times: list[float]) -> str:
    median, low, high = statistics.median(times), min(times), max(times)
    return (
        f"{name:<10} median {median * 1000:7.1f} ms  min {low * 1000:7.1f}  max {high * 1000:7.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    bare_argv = [sys.executable, "-c", "pass"]
    validate_argv = [sys.executable, "-m", "kairos_ci", "validate", str(args.file)]
    wall_time(validate_argv)  # warm the file cache and bytecode before timing
    bare: list[float] = []
    validate: list[float] = []
    for _ in range(args.runs):
        bare.append(wall_time(bare_argv))
        validate.append(wall_time(validate_argv))
    ratio = statistics.median(validate) / statistics.median(bare)
    print(f"kairos-ci validate {args.file.name}, {args.runs} interleaved runs")
    print(summary("bare", bare))
    print(summary("validate", validate))
    verdict = "ok" if ratio <= TARGET_RATIO else "OVER TARGET"
    print(f"ratio of medians {ratio:.1f}x (target <= {TARGET_RATIO:.0f}x: {verdict})")


if __name__ == "__main__":
    main()
