"""A no-op nightly run (nothing to do) on the demo's sample project, in two cases.

``sample``: night 1 opens the lint PR; the next night is timed: it finds nothing new. The
time is split into: importing kairos, loading memory, GitHub calls (reconcile + apply),
running the project's tests and linters (evidence), saving memory, and the rest.

``scale`` (issue 21): the sample with ``--tests`` tests (10,000), after ``--nights`` nights
(14), one a day. Then ``--repeat`` more no-op nights are measured, each with:
- kairos's own CPU: the run's thread, so neither the project's commands (child
  processes) nor the GitHub sandbox (another thread) count; the target is under 3 s;
- how often each configured command ran (the test command and each linter: once);
- what the night added to the memory branch: its journal's entries and bytes.
The scale case's sample has no flaky test, so each measured night really is a no-op.

    python bench/nightly.py [--case sample|scale|all] [--tests N] [--nights N] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

spent: defaultdict[str, float] = defaultdict(float)
START = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)  # night 1; each next night is a day later
MEMORY_BRANCH = "refs/heads/kairos/memory"


def timed(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            spent[name] += time.perf_counter() - started

    return wrapper


def import_seconds() -> float:
    code = (
        "import time; t = time.perf_counter(); "
        "import kairos_ci.pipeline.nightly, kairos_ci.commands.wiring; "
        "print(time.perf_counter() - t)"
    )
    argv = [sys.executable, "-c", code]
    runs = [subprocess.run(argv, capture_output=True, text=True, check=True) for _ in range(3)]
    return min(float(done.stdout) for done in runs)


class Nights:
    """The demo's world and GitHub sandbox, and one nightly run at a time."""

    def __init__(self, tmp: Path, prepare: Callable[[Any], None] | None = None) -> None:
        from kairos_ci.demo.world import SEED, make_world
        from kairos_ci.sandbox.github.seed import parse_seed
        from kairos_ci.sandbox.github.server import running_sandbox

        self.world = make_world(tmp)
        if prepare is not None:
            prepare(self.world)
        self._sandbox = running_sandbox(self.world.root, parse_seed(SEED), strict=False)
        self.github = self._sandbox.__enter__()

    def close(self) -> None:
        self._sandbox.__exit__(None, None, None)

    def night(self, number: int, run_id: str | None = None) -> Any:
        from kairos_ci import context
        from kairos_ci.commands.demo import _environment
        from kairos_ci.commands.requests import RunRequest
        from kairos_ci.commands.wiring import nightly_for
        from kairos_ci.demo.world import BOT_TOKEN
        from kairos_ci.pipeline import nightly as run

        at = START + timedelta(days=number - 1)
        environ = _environment(self.github.base_url, self.world.repository, BOT_TOKEN)
        ctx = context.from_environ(environ, clock=lambda: at)
        args = RunRequest(
            self.world.work,
            event="schedule",
            repository=self.world.repository,
            run_id=run_id or f"night-{number}",
        )
        return run.nightly(nightly_for(ctx, args, "schedule"))


def sample_case() -> None:
    imported = import_seconds()
    from kairos_ci.memory.store import MemoryStore
    from kairos_ci.pipeline import nightly as run
    from kairos_ci.stages import act, remember

    with tempfile.TemporaryDirectory() as tmp:
        nights = Nights(Path(tmp))
        try:
            nights.night(1, "night-1")
            remember.reconcile = timed("github calls", remember.reconcile)  # type: ignore[attr-defined]
            act.apply = timed("github calls", act.apply)  # type: ignore[attr-defined]
            run.observe = timed("tests and linters", run.observe)
            MemoryStore.load = timed("memory load", MemoryStore.load)  # type: ignore[method-assign]
            MemoryStore.save = timed("memory save", MemoryStore.save)  # type: ignore[method-assign]
            requests_before = len(nights.github.state()["requests"])
            started = time.perf_counter()
            outcome = nights.night(2, "night-3")  # the sample's flaky test passes for night-3
            total = time.perf_counter() - started
            requests = nights.github.state()["requests"][requests_before:]
        finally:
            nights.close()
    writes = sum(1 for r in requests if r["method"] != "GET")
    print(f"no-op nightly on the sample project ({outcome.report.one_line()})")
    print(f"  import the pipeline {imported * 1000:8.0f} ms  (separate process, best of 3)")
    for name in ("memory load", "github calls", "tests and linters", "memory save"):
        print(f"  {name:<29} {spent[name] * 1000:8.0f} ms")
    rest = total - sum(spent.values())
    print(f"  {'the rest (git, gate, render)':<29} {rest * 1000:8.0f} ms")
    print(f"  {'total run':<29} {total * 1000:8.0f} ms")
    print(f"  GitHub requests: {len(requests)} ({writes} writes)")


def many_tests(count: int) -> Callable[[Any], None]:
    """The sample with ``count`` tests in all: its own (without the flaky one) and generated
    ones that pass."""

    def prepare(world: Any) -> None:
        tests = world.work / "tests" / "test_stats.py"
        own = tests.read_text()
        tests.write_text(own[: own.index("def test_mode_of_generated_sample")].rstrip() + "\n")
        kept = own.count("\ndef test_") - 1
        (world.work / "tests" / "test_many.py").write_text(
            "import pytest\n\n\n"
            f"@pytest.mark.parametrize('n', range({count - kept}))\n"
            "def test_many(n):\n    assert n >= 0\n"
        )
        git(world.work, "add", "--all")
        git(world.work, "commit", "--quiet", "-m", f"{count} tests")
        git(world.work, "push", "--quiet", "origin", "main")

    return prepare


def git(repo: Path, *args: str) -> str:
    argv = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com", *args]
    return subprocess.run(argv, cwd=repo, check=True, capture_output=True, text=True).stdout


def counting_commands() -> Counter[str]:
    """Every command kairos runs for the project, by its argv (the runner is the one way)."""
    from kairos_ci.workspace.commands import CommandRunner

    ran: Counter[str] = Counter()
    original = CommandRunner.run

    def run(self: Any, argv: Sequence[str], tree: Path, timeout_s: float | None = None) -> Any:
        ran[" ".join(argv)] += 1
        return original(self, argv, tree, timeout_s)

    CommandRunner.run = run  # type: ignore[method-assign]
    return ran


def night_wrote(origin: Path) -> tuple[list[str], dict[str, Any]]:
    """What the memory branch's newest commit changed ("A journal/...", "M snapshot.json"),
    and the contents of the journal it added (none when it was folded in at once)."""
    lines = git(origin, "diff-tree", "--no-commit-id", "--name-status", "-r", "--root",
                MEMORY_BRANCH).splitlines()  # fmt: skip
    changed = [" ".join(line.split()) for line in lines]
    added = [line[2:] for line in changed if line.startswith("A journal/")]
    if not added:
        return changed, {}
    text = git(origin, "show", f"{MEMORY_BRANCH}:{added[-1]}")
    return changed, {**json.loads(text), "bytes": len(text.encode())}


def scale_case(tests: int, nights_before: int, repeat: int) -> None:
    from kairos_ci.config.load import load_config

    with tempfile.TemporaryDirectory() as tmp:
        nights = Nights(Path(tmp), many_tests(tests))
        try:
            config = load_config(nights.world.work / ".github" / "kairos.yml")
            started = time.perf_counter()
            for number in range(1, nights_before + 1):
                nights.night(number)
                print(f"  night {number:2d} done ({time.perf_counter() - started:5.0f} s)")
            ran = counting_commands()
            cpu, wall, rows = [], [], []
            for number in range(nights_before + 1, nights_before + repeat + 1):
                ran.clear()
                requests_before = len(nights.github.state()["requests"])
                cpu_before, wall_before = time.thread_time(), time.perf_counter()
                outcome = nights.night(number)
                cpu.append(time.thread_time() - cpu_before)
                wall.append(time.perf_counter() - wall_before)
                requests = nights.github.state()["requests"][requests_before:]
                writes = sum(1 for r in requests if r["method"] != "GET")
                names, journal = night_wrote(nights.world.origin)
                rows.append((number, outcome, dict(ran), writes, names, journal))
        finally:
            nights.close()
    commands = [c.text for c in (config.tests.run, *(lint.run for lint in config.linters)) if c]
    fixes = [lint.fix.text for lint in config.linters if lint.fix]
    print(f"no-op nightly with {tests} tests in memory after {nights_before} nights")
    for number, outcome, counts, writes, names, journal in rows:
        shown = {c: counts.get(c, 0) for c in (*commands, *fixes)}
        others = sum(counts.values()) - sum(shown.values())
        print(f"  night {number}: {outcome.report.one_line()}; {writes} GitHub writes")
        for text, n in shown.items():
            print(f"    ran {n}x  {text}")
        print(f"    ran {others}x  other commands (kairos's probes)")
        print(f"    memory branch: {', '.join(names)}")
        if journal:
            entries = ", ".join(f"{k} {_size(v)}" for k, v in sorted(journal.items()))
            print(f"    journal: {entries}")
    print(f"  kairos's own CPU {_stats(cpu)}  (the run's thread; target < 3 s)")
    print(f"  wall time        {_stats(wall)}")


def _size(value: Any) -> str:
    """How many entries a journal's collection holds (its bytes are a number already)."""
    if isinstance(value, dict | list):
        return str(len(value))
    return str(value) if isinstance(value, int) else "1"


def _stats(seconds: list[float]) -> str:
    return (
        f"median {statistics.median(seconds):6.2f} s, min {min(seconds):6.2f} s, "
        f"max {max(seconds):6.2f} s over {len(seconds)} nights"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--case", choices=("sample", "scale", "all"), default="all")
    parser.add_argument("--tests", type=int, default=10_000)
    parser.add_argument("--nights", type=int, default=14)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if args.case in ("sample", "all"):
        sample_case()
    if args.case in ("scale", "all"):
        scale_case(args.tests, args.nights, args.repeat)


if __name__ == "__main__":
    os.environ.pop("GITHUB_TOKEN", None)
    main()
