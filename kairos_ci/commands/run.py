"""``kairos-ci run``: one maintenance run for a scheduled or dispatched event.

It has wiring build the nightly from the context (git memory, the GitHub forge,
branches, the jail) and runs ``pipeline/nightly.py``; ``--local`` previews it on the
checkout instead (``commands/local.py``).
"""

from __future__ import annotations

import argparse

from kairos_ci import context
from kairos_ci.commands import wiring
from kairos_ci.commands.local import local_command
from kairos_ci.commands.present import bundle_path, present, runner_for
from kairos_ci.commands.requests import RunRequest, from_args
from kairos_ci.errors import UsageError
from kairos_ci.pipeline.nightly import nightly
from kairos_ci.report.runner import Runner

NIGHTLY_EVENTS = ("schedule", "workflow_dispatch")


def run(args: argparse.Namespace) -> int:
    ctx = context.from_environ()
    request = from_args(RunRequest, args)
    if request.local:
        if request.payload is not None:
            raise UsageError("--local reads no event payload: leave out --payload")
        _nightly_event(request.event or "schedule")
        return local_command(ctx, request)
    return nightly_command(ctx, runner_for(ctx), request)


def nightly_command(ctx: context.Context, runner: Runner, request: RunRequest) -> int:
    event = _nightly_event(request.event or ctx.event_name or "schedule")
    night = wiring.nightly_for(ctx, request, event)
    done = nightly(night)
    return present(ctx, runner, done, bundle_path(ctx, request.bundle_out, night.run.dry_run))


def _nightly_event(event: str) -> str:
    if event not in NIGHTLY_EVENTS:
        raise UsageError(f"`kairos-ci run` handles {', '.join(NIGHTLY_EVENTS)}, not {event}")
    return event
