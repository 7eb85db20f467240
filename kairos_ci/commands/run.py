"""``kairos-ci run``: one maintenance run for a scheduled or dispatched event.

It has wiring build the nightly from the context (git memory, the GitHub forge,
branches, the jail) and runs ``pipeline/nightly.py``.
"""

from __future__ import annotations

import argparse

from kairos_ci import context
from kairos_ci.commands import wiring
from kairos_ci.commands.present import bundle_path, present, runner_for
from kairos_ci.commands.requests import RunRequest, from_args
from kairos_ci.errors import UsageError
from kairos_ci.pipeline.nightly import nightly
from kairos_ci.report.runner import Runner

NIGHTLY_EVENTS = ("schedule", "workflow_dispatch")


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
