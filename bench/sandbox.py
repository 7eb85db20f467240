"""Benchmark: the jail's wall-time overhead per command, against the same command unjailed.

    python bench/sandbox.py [--repeat 20]

Runs ``true``, ``python3 -c pass`` and ``python3 -m pytest -q`` (on a generated project of
two tests) through ``CommandRunner``, jailed and plain, interleaved in one run: every
repetition runs each command both ways, alternating which goes first, so drift (CPU
frequency, page cache, a neighbour's load) falls on both alike. The time is the wall time
of ``CommandRunner.run``: for a jailed command that includes the pids cgroup (as root),
bubblewrap's namespaces and mounts. ``python3`` is this interpreter (its directory leads
PATH), so pytest is found. Target: overhead (the median, over the repetitions, of jailed
minus plain) under 150 ms per command.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from kairos_ci.context import tool_environment
from kairos_ci.isolation.detect import JailSetup, find_jail
from kairos_ci.isolation.limits import JailLimits
from kairos_ci.workspace.commands import CommandRunner

TARGET_MS = 150.0
TIMEOUT_S = 120.0
COMMANDS: tuple[tuple[str, ...], ...] = (
    ("true",),
    ("python3", "-c", "pass"),
    ("python3", "-m", "pytest", "-q"),
)
TESTS = "from calc import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n\n\n" + (
    "def test_add_negative():\n    assert add(-1, -2) == -3\n"
)


@dataclass
class Timings:
    plain: list[float] = field(default_factory=list)  # milliseconds
    jailed: list[float] = field(default_factory=list)
    failures: int = 0

    def overhead_ms(self) -> float:
        return statistics.median(j - p for j, p in zip(self.jailed, self.plain, strict=True))


def project(root: Path) -> None:
    (root / "calc.py").write_text("def add(a, b):\n    return a + b\n")
    (root / "test_calc.py").write_text(TESTS)


def timed(runner: CommandRunner, argv: tuple[str, ...], tree: Path) -> tuple[float, bool]:
    started = time.perf_counter()
    result = runner.run(argv, tree)
    return (time.perf_counter() - started) * 1000.0, result.ok


def measure(runners: tuple[CommandRunner, CommandRunner], tree: Path, repeat: int) -> list[Timings]:
    plain, jailed = runners
    timings = [Timings() for _ in COMMANDS]
    for argv in COMMANDS:  # warm the page cache and bytecode both ways, untimed
        plain.run(argv, tree)
        jailed.run(argv, tree)
    for rep in range(repeat):
        for argv, timing in zip(COMMANDS, timings, strict=True):
            order = ((plain, timing.plain), (jailed, timing.jailed))
            for runner, into in order if rep % 2 == 0 else order[::-1]:
                ms, ok = timed(runner, argv, tree)
                into.append(ms)
                timing.failures += not ok
    return timings


def report(timings: list[Timings]) -> None:
    head = f"{'command':<22}{'plain med/min/max ms':>24}{'jailed med/min/max ms':>26}"
    print(f"{head}{'overhead ms':>13}  target < {TARGET_MS:.0f} ms")
    for argv, timing in zip(COMMANDS, timings, strict=True):
        overhead = timing.overhead_ms()
        verdict = "ok" if overhead < TARGET_MS else "OVER TARGET"
        failed = f" ({timing.failures} runs failed)" if timing.failures else ""
        print(
            f"{' '.join(argv):<22}{spread(timing.plain):>24}{spread(timing.jailed):>26}"
            f"{overhead:>13.1f}  {verdict}{failed}"
        )


def spread(samples: list[float]) -> str:
    return f"{statistics.median(samples):.1f} / {min(samples):.1f} / {max(samples):.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=20, help="runs of each command each way")
    args = parser.parse_args()
    env = tool_environment()
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    home = env.get("HOME")
    check = find_jail(JailSetup(env["PATH"], Path(home) if home else None, (), JailLimits()))
    if check.jail is None:
        print("no jail here: " + "; ".join(check.problems))
        return 1
    print(f"bubblewrap {check.jail.executable}, uid {os.getuid()}, {args.repeat} repetitions")
    for problem in check.problems:
        print(f"  note: {problem}")
    runners = (CommandRunner(env, TIMEOUT_S), CommandRunner(env, TIMEOUT_S, jail=check.jail))
    with tempfile.TemporaryDirectory(prefix="kairos-bench-sandbox-") as tmp:
        tree = Path(tmp)
        project(tree)
        timings = measure(runners, tree, args.repeat)
    report(timings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
