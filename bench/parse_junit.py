"""Benchmark: kairos' streaming JUnit reader against bare lxml iterparse, same file, same run.

    python bench/parse_junit.py [--cases 100000] [--repeat 5]

Generates a JUnit file (100 suites of 1,000 testcases by default: 2 % failures with a
message, traceback and system-out, 1 % errors, 2 % skipped, file/line on 90 %), then
times each reader in fresh subprocesses (imports happen before the clock starts) and
prints the median time, throughput and peak RSS of each, and the ratio.

"kairos" is ``parse_report`` producing full ``TestResult`` records (identity, suite path,
attempts, durations, messages, repository-relative paths) and counting them by outcome.
"lxml" is ``etree.iterparse(tag="testcase")`` with entities and network off, reading
each testcase's outcome and clearing what it has seen: parsing with no records built.
Targets: kairos within 1.5x lxml's time, and under 60 MiB peak RSS.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TIME_TARGET = 1.5
RSS_TARGET_MIB = 60.0


def generate(path: Path, cases: int, per_suite: int = 1_000, seed: int = 7) -> None:
    rnd = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n')
        for suite in range(max(1, cases // per_suite)):
            out.write(
                f'  <testsuite name="pkg{suite}.Suite{suite}" tests="{per_suite}" time="12.5">\n'
            )
            for case in range(per_suite):
                out.write(_testcase(rnd, suite, case))
            out.write("  </testsuite>\n")
        out.write("</testsuites>\n")


def _testcase(rnd: random.Random, suite: int, case: int) -> str:
    roll = rnd.random()
    attrs = (
        f'classname="pkg{suite}.test_mod{suite}.TestClass{case % 10}" '
        f'name="test_case_{case}[param-{case % 7}]" time="{rnd.random():.3f}"'
    )
    if roll > 0.1:
        attrs += f' file="tests/pkg{suite}/test_mod{suite}.py" line="{10 + case}"'
    if roll < 0.02:
        return (
            f'    <testcase {attrs}><failure message="AssertionError: expected {case} but got '
            f'{case + 1}">Traceback (most recent call last):\n  File "tests/pkg{suite}/'
            f'test_mod{suite}.py", line {10 + case}, in test_case_{case}\n    assert x == y\n'
            "AssertionError</failure><system-out>captured output\nanother line</system-out>"
            "</testcase>\n"
        )
    if roll < 0.03:
        error = '<error message="RuntimeError: boom">RuntimeError</error>'
        return f"    <testcase {attrs}>{error}</testcase>\n"
    if roll < 0.05:
        return f'    <testcase {attrs}><skipped message="not on this platform"/></testcase>\n'
    return f"    <testcase {attrs}/>\n"


def run_kairos(path: Path) -> int:
    from kairos_ci.signals.read import parse_report

    counts: dict[str, int] = {}
    started = (time.perf_counter(), time.process_time())
    for record in parse_report(path, "junit"):
        kind = getattr(record, "outcome", record.kind)
        counts[kind] = counts.get(kind, 0) + 1
    _report(started, counts)
    return 0


def run_lxml(path: Path) -> int:
    from lxml import etree

    counts: dict[str, int] = {}
    started = (time.perf_counter(), time.process_time())
    events = etree.iterparse(
        str(path), events=("end",), tag="testcase", resolve_entities=False, no_network=True
    )
    for _, element in events:
        outcome = "passed"
        for child in element:
            if child.tag in ("failure", "error", "skipped"):
                outcome = child.tag
                break
        counts[outcome] = counts.get(outcome, 0) + 1
        element.clear()
        while element.getprevious() is not None:
            del element.getparent()[0]
    _report(started, counts)
    return 0


def _report(started: tuple[float, float], counts: dict[str, int]) -> None:
    wall = time.perf_counter() - started[0]
    cpu = time.process_time() - started[1]
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {"seconds": wall, "cpu": cpu, "peak_mib": peak_mib, "testcases": sum(counts.values())}
        )
    )


def measure(path: Path, repeat: int) -> dict[str, dict[str, float]]:
    """Both readers, alternating run by run so that a noisy neighbour hits both alike."""
    runs: dict[str, list[dict[str, float]]] = {"lxml": [], "kairos": []}
    for _ in range(repeat):
        for which, seen in runs.items():
            done = subprocess.run(
                [sys.executable, __file__, "--worker", which, str(path)],
                capture_output=True,
                text=True,
                check=True,
            )
            seen.append(json.loads(done.stdout))
    return {which: _stats(seen) for which, seen in runs.items()}


def _stats(runs: list[dict[str, float]]) -> dict[str, float]:
    seconds = [r["seconds"] for r in runs]
    return {
        "median_s": statistics.median(seconds),
        "min_s": min(seconds),
        "max_s": max(seconds),
        "cpu_s": statistics.median(r["cpu"] for r in runs),
        "peak_mib": max(r["peak_mib"] for r in runs),
        "testcases": runs[0]["testcases"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--worker", nargs=2, metavar=("PARSER", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        which, file = args.worker
        return run_kairos(Path(file)) if which == "kairos" else run_lxml(Path(file))
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "junit.xml"
        generate(path, args.cases)
        size_mb = path.stat().st_size / 1e6
        print(f"file: {args.cases:,} testcases, {size_mb:.1f} MB; {args.repeat} runs each")
        results = measure(path, args.repeat)
    for which, result in results.items():
        rate = result["testcases"] / result["median_s"]
        print(
            f"{which:>6}: {result['median_s'] * 1000:6.0f} ms median wall "
            f"[{result['min_s'] * 1000:.0f}-{result['max_s'] * 1000:.0f}], "
            f"{result['cpu_s'] * 1000:6.0f} ms CPU  {rate:9,.0f} testcases/s  "
            f"{size_mb / result['median_s']:5.1f} MB/s  peak RSS {result['peak_mib']:5.1f} MiB"
        )
    wall = results["kairos"]["median_s"] / results["lxml"]["median_s"]
    cpu = results["kairos"]["cpu_s"] / results["lxml"]["cpu_s"]
    peak = results["kairos"]["peak_mib"]
    # CPU time is the fairer ratio on a shared machine: a neighbour's load does not count.
    print(
        f"kairos/lxml time: {cpu:.2f}x CPU, {wall:.2f}x wall (median of {args.repeat}; "
        f"target <= {TIME_TARGET}x: {_verdict(cpu <= TIME_TARGET)})"
    )
    print(
        f"kairos peak RSS: {peak:.1f} MiB "
        f"(target < {RSS_TARGET_MIB:.0f} MiB: {_verdict(peak < RSS_TARGET_MIB)})"
    )
    return 0


def _verdict(met: bool) -> str:
    return "met" if met else "MISSED"


if __name__ == "__main__":
    raise SystemExit(main())
