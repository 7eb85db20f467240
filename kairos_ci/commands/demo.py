"""``kairos-ci demo``: the whole product, offline, against the bundled sample project.

It makes a bare ``origin``, starts the GitHub sandbox on loopback, and runs the real
nightly pipeline three times, then reports what appeared "on GitHub" and in memory.
Everything lives in a temporary directory that is removed at the end: the report is
printed, and written to a file only when ``--out`` names one.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from kairos_ci import context
from kairos_ci.clock import utc_now
from kairos_ci.commands.requests import RunRequest
from kairos_ci.commands.wiring import nightly_for
from kairos_ci.demo.report import DemoNight, night_line, render
from kairos_ci.demo.world import BOT_TOKEN, SEED, DemoWorld, make_world
from kairos_ci.git import Git
from kairos_ci.memory.store import MemoryStore
from kairos_ci.pipeline.nightly import nightly
from kairos_ci.sandbox.github.seed import parse_seed
from kairos_ci.sandbox.github.server import running_sandbox

NIGHTS = 3
REPORT_NAME = "kairos-demo-report.md"  # the file's name when --out names a directory


def run(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="kairos-demo-") as tmp:
        world = make_world(Path(tmp))
        with running_sandbox(world.root, parse_seed(SEED), strict=False) as github:
            print(f"GitHub sandbox at {github.base_url}, repository {world.repository}")
            nights = [_night(n, world, github.base_url) for n in range(1, NIGHTS + 1)]
            state = github.state(world.repository)["repos"][world.repository]
        memory = MemoryStore(world.work, clock=utc_now).load().memory
        diffs = {pull["number"]: _diff(world, pull["head"]["ref"]) for pull in state["pulls"]}
    text = render(nights, state, memory, diffs)
    print(text)
    out: Path | None = args.out
    if out is not None:
        target = out / REPORT_NAME if out.is_dir() else out
        target.write_text(text, encoding="utf-8")
        print(f"Report written to {target}")
    return max(int(night.exit_code) for night in nights)


def _diff(world: DemoWorld, branch: str) -> str:
    """What a pull request changes, as GitHub's "Files changed" shows it."""
    return Git(world.origin).text("diff", f"main...{branch}")


def _night(number: int, world: DemoWorld, api_url: str) -> DemoNight:

    ctx = context.from_environ(_environment(api_url, world.repository, BOT_TOKEN))
    args = RunRequest(
        world.work, event="schedule", repository=world.repository, run_id=f"night-{number}"
    )
    started = time.monotonic()
    outcome = nightly(nightly_for(ctx, args, "schedule"))
    night = DemoNight(number, outcome.report, outcome.exit_code, time.monotonic() - started)
    print(night_line(night))
    return night


def _environment(api_url: str, repository: str, token: str) -> dict[str, str]:
    """A workflow's environment, pointing at the sandbox; the sample's tests and linter
    run with this interpreter's tools (pytest and ruff come with the `demo` extra)."""
    tools = context.tool_environment()
    path = os.pathsep.join([str(Path(sys.executable).parent), tools.get("PATH", "")])
    return {
        **tools,
        "PATH": path,
        "GITHUB_API_URL": api_url,
        "GITHUB_REPOSITORY": repository,
        "GITHUB_TOKEN": token,
        "GITHUB_EVENT_NAME": "schedule",
    }
