"""``kairos-ci review``: one review of a pull request (``pull_request`` events).

It reads the event, has wiring build the review (the base and head commits fetched
when the checkout lacks them, the config read from the base commit, never the head)
and runs ``pipeline/review.py``. ``--dry-run`` writes the bundle instead (``kairos-ci
publish`` applies it), and saves no memory. ``--local BASE..HEAD`` previews a review
of a local diff instead (``commands/local.py``).
"""

from __future__ import annotations

import argparse
from dataclasses import replace

from kairos_ci import context
from kairos_ci.commands import wiring
from kairos_ci.commands.local import local_review_command
from kairos_ci.commands.present import bundle_path, present, runner_for
from kairos_ci.commands.requests import ReviewRequest, from_args
from kairos_ci.errors import UsageError
from kairos_ci.events.parse import load_event
from kairos_ci.events.records import PullRequestChanged
from kairos_ci.pipeline.review import review_pull
from kairos_ci.report.runner import Runner

EVENTS = ("pull_request", "pull_request_target")


def run(args: argparse.Namespace) -> int:
    ctx = context.from_environ()
    request = from_args(ReviewRequest, args)
    if request.local is not None:
        return local_review_command(ctx, request)
    return review_command(ctx, runner_for(ctx), request)


def review_command(ctx: context.Context, runner: Runner, request: ReviewRequest) -> int:
    """Review the pull request of the event; the job summary says what happened."""
    name = request.event or ctx.event_name or "pull_request"
    if name not in EVENTS:
        raise UsageError(f"`kairos-ci review` handles {', '.join(EVENTS)}, not {name}")
    event = load_event(name, request.payload or ctx.event_path)
    if not isinstance(event, PullRequestChanged):
        raise UsageError(f"the {name} payload is not a pull request event")
    request = replace(request, event=name, dry_run=request.dry_run or ctx.inputs.dry_run)
    done = review_pull(wiring.review_for(ctx, request, event))
    return present(ctx, runner, done.outcome, bundle_path(ctx, request.bundle_out, request.dry_run))
