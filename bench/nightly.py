"""Wall time of a no-op nightly run (nothing to do) on the demo's sample project.

Night 1 opens the lint PR; night 2 is timed: it finds nothing new. The time is split
into: importing kairos, loading memory, GitHub calls (reconcile + apply), running the
project's tests and linters (evidence), saving memory, and the rest.

    python bench/nightly.py
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

spent: defaultdict[str, float] = defaultdict(float)


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


def main() -> None:
    argparse.ArgumentParser(description=__doc__).parse_args()
    imported = import_seconds()
    from kairos_ci import context
    from kairos_ci.commands.demo import _environment
    from kairos_ci.commands.requests import RunRequest
    from kairos_ci.commands.wiring import nightly_for
    from kairos_ci.demo.world import BOT_TOKEN, SEED, make_world
    from kairos_ci.memory.store import MemoryStore
    from kairos_ci.pipeline import nightly as run
    from kairos_ci.sandbox.github.seed import parse_seed
    from kairos_ci.sandbox.github.server import running_sandbox
    from kairos_ci.stages import act, remember

    with tempfile.TemporaryDirectory() as tmp:
        world = make_world(Path(tmp))
        with running_sandbox(world.root, parse_seed(SEED), strict=False) as github:
            ctx = context.from_environ(_environment(github.base_url, world.repository, BOT_TOKEN))

            def night(run_id: str) -> Any:
                args = RunRequest(
                    world.work, event="schedule", repository=world.repository, run_id=run_id
                )
                return run.nightly(nightly_for(ctx, args, "schedule"))

            night("night-1")
            remember.reconcile = timed("github calls", remember.reconcile)  # type: ignore[attr-defined]
            act.apply = timed("github calls", act.apply)  # type: ignore[attr-defined]
            run.observe = timed("tests and linters", run.observe)
            MemoryStore.load = timed("memory load", MemoryStore.load)  # type: ignore[method-assign]
            MemoryStore.save = timed("memory save", MemoryStore.save)  # type: ignore[method-assign]
            requests_before = len(github.state()["requests"])
            started = time.perf_counter()
            outcome = night("night-3")
            total = time.perf_counter() - started
            requests = github.state()["requests"][requests_before:]
    writes = sum(1 for r in requests if r["method"] != "GET")
    print(f"no-op nightly on the sample project ({outcome.report.one_line()})")
    print(f"  import the pipeline {imported * 1000:8.0f} ms  (separate process, best of 3)")
    for name in ("memory load", "github calls", "tests and linters", "memory save"):
        print(f"  {name:<29} {spent[name] * 1000:8.0f} ms")
    rest = total - sum(spent.values())
    print(f"  {'the rest (git, gate, render)':<29} {rest * 1000:8.0f} ms")
    print(f"  {'total run':<29} {total * 1000:8.0f} ms")
    print(f"  GitHub requests: {len(requests)} ({writes} writes)")


if __name__ == "__main__":
    os.environ.pop("GITHUB_TOKEN", None)
    main()
