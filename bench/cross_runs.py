"""Benchmark: what the cross-runs add to verifying a fix that changes a test file.

    python bench/cross_runs.py [--repeat 5] [--tests 40]

Builds a project whose one test file holds ``--tests`` tests (one failing), then, in the
jail, times the pieces of verifying a patch that fixes the code and edits that file: the
full test run on the patched tree (what verification always does) and the two cross-runs
(the base's test file on the patched code, the patched test file on the unfixed base).
Prints the median, min and max of each, and the cross-runs' share. The issue's bound: at
most one extra run of the changed test files each.
"""

from __future__ import annotations

import argparse
import json
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

from kairos_ci.config.load import parse_config
from kairos_ci.config.records import Config
from kairos_ci.context import tool_environment
from kairos_ci.isolation.detect import JailSetup, find_jail
from kairos_ci.isolation.limits import JailLimits
from kairos_ci.stages.cross_runs import Sides, cross
from kairos_ci.stages.evidence import gather
from kairos_ci.workspace.commands import CommandRunner
from kairos_ci.workspace.scratch import Scratch, scratch_checkout

T = TypeVar("T")


def project(root: Path, tests: int) -> str:
    body = "\n\n".join(f"def test_add_{n}():\n    assert add({n}, 0) == {n}" for n in range(tests))
    files = {
        "calc.py": "def add(a, b):\n    return a - b if b else a\n",
        "tests/test_calc.py": f"from calc import add\n\n\n{body}\n\n\ndef test_add():\n"
        "    assert add(2, 3) == 5\n",
        "pyproject.toml": '[tool.pytest.ini_options]\npythonpath = ["."]\n',
        ".gitignore": "r/\n__pycache__/\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    git = ["git", "-c", "user.name=b", "-c", "user.email=b@e"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=root, check=True)
    subprocess.run([*git, "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-qm", "base"], cwd=root, check=True)
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=root, check=True, capture_output=True, text=True
    ).stdout.strip()


def config() -> Config:
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--junitxml=r/j.xml"]
    text = f"version: 1\ntests:\n  run: {json.dumps(shlex.join(argv))}\n  junit: [r/j.xml]\n"
    return parse_config(text.encode(), "bench")


def patch(scratch: Scratch) -> None:
    calc, tests = scratch.path / "calc.py", scratch.path / "tests" / "test_calc.py"
    calc.write_text("def add(a, b):\n    return a + b\n")
    tests.write_text(tests.read_text().replace("add(2, 3) == 5", "add(2, 3) == 5, 'sum'"))


def timed(action: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--tests", type=int, default=40)
    args = parser.parse_args()
    jail = find_jail(JailSetup(tool_environment()["PATH"], None, (), JailLimits())).jail
    if jail is None:
        print("no working bubblewrap here: nothing to measure")
        return 1
    runner = CommandRunner(tool_environment(), 120.0, jail=jail)
    settings = config()
    full: list[float] = []
    crossed: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp)
        sha = project(repo, args.tests)
        with scratch_checkout(repo, sha) as scratch:
            base = gather(scratch.path, settings, runner, run_commands=True)
        for _ in range(args.repeat):
            with scratch_checkout(repo, sha) as scratch:
                patch(scratch)
                elapsed, after = timed(
                    partial(gather, scratch.path, settings, runner, run_commands=True)
                )
                full.append(elapsed)
                sides = Sides(repo, sha, settings, runner, base, after)
                crossed.append(timed(partial(cross, sides, scratch, ("tests/test_calc.py",)))[0])
    print(f"jailed pytest, {args.tests + 1} tests in the changed file, {args.repeat} repetitions")
    for name, values in (("full test run (always)", full), ("both cross-runs", crossed)):
        ms = [v * 1000 for v in values]
        print(f"  {name:24} median {statistics.median(ms):7.0f} ms  "
              f"(min {min(ms):.0f}, max {max(ms):.0f})")  # fmt: skip
    share = statistics.median(crossed) / statistics.median(full)
    print(f"  cross-runs / full run: {share:.2f} (two runs of the changed file; bound: 2 runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
