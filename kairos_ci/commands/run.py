"""``kairos-ci run``: one maintenance run for a scheduled or dispatched event.

It has wiring build the nightly from the context (git memory, the GitHub forge,
branches, the jail) and runs ``pipeline/nightly.py``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kairos_ci import context
from kairos_ci.commands import wiring
from kairos_ci.commands.arguments import existing_file, git_checkout
from kairos_ci.commands.present import bundle_path, present, runner_for
from kairos_ci.commands.requests import RunRequest, from_args
from kairos_ci.errors import UsageError
from kairos_ci.pipeline.nightly import nightly
from kairos_ci.report.runner import Runner

NIGHTLY_EVENTS = ("schedule", "workflow_dispatch")


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "run",
        help="one maintenance run (schedule or workflow_dispatch)",
        description=(
            "One nightly maintenance run: gather test and lint evidence, judge flaky "
            "tests, fix what it may, update the dashboard and memory. Exit 0 when done, 1"
            " when a write failed or a configured tool did not run, 2 on usage errors."
        ),
        epilog="example: kairos-ci run --event schedule --repo . --dry-run",
    )
    parser.add_argument("--event", help="event name (default: GITHUB_EVENT_NAME, else schedule)")
    add_run_options(parser)
    parser.set_defaults(handler=run)


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """The options every pipeline command shares."""
    parser.add_argument(
        "--payload", type=existing_file, help="event payload (default: GITHUB_EVENT_PATH)"
    )
    parser.add_argument(
        "--repo", type=git_checkout, default=".", help="repository checkout (default: .)"
    )
    parser.add_argument("--repository", help="OWNER/NAME (default: GITHUB_REPOSITORY)")
    parser.add_argument(
        "--config", type=existing_file, help="config file (default: the default branch's)"
    )
    parser.add_argument("--dry-run", action="store_true", help="write the bundle, apply nothing")
    parser.add_argument("--bundle-out", type=Path, help="where to write the bundle")
    parser.add_argument("--run-id", help="run id (default: GITHUB_RUN_ID and attempt)")


def run(args: argparse.Namespace) -> int:
    ctx = context.from_environ()
    return nightly_command(ctx, runner_for(ctx), from_args(RunRequest, args))


def nightly_command(ctx: context.Context, runner: Runner, request: RunRequest) -> int:
    event = request.event or ctx.event_name or "schedule"
    if event not in NIGHTLY_EVENTS:
        raise UsageError(f"`kairos-ci run` handles {', '.join(NIGHTLY_EVENTS)}, not {event}")
    night = wiring.nightly_for(ctx, request, event)
    done = nightly(night)
    return present(ctx, runner, done, bundle_path(ctx, request.bundle_out, night.run.dry_run))
