"""``kairos-ci fleet discover``: the fleet workflow's first job (the action's ``command:
fleet-discover``). It reads the fleet file of the fleet repository and sets the ``legs``
output: ``{"repository":[...]}`` (one matrix leg per repository) or ``{"shard":[0,...]}``
(one per hash shard), ids only. With ``--shard N`` it lists that shard's repositories
instead, for a shard leg. Only the configured list is read: listing a GitHub App's
installations is not done (see docs/fleet.md)."""

from __future__ import annotations

import argparse

from kairos_ci import context
from kairos_ci.commands.present import runner_for
from kairos_ci.commands.requests import FleetRequest, from_args
from kairos_ci.errors import UsageError
from kairos_ci.fleet.config import find_fleet, load_fleet
from kairos_ci.fleet.shards import compact, matrix, members
from kairos_ci.report.runner import Runner
from kairos_ci.report.summary import RunReport, render

TITLE = "kairos-ci fleet discover"


def run(args: argparse.Namespace) -> int:
    ctx = context.from_environ()
    return discover_command(runner_for(ctx), from_args(FleetRequest, args))


def discover_command(runner: Runner, request: FleetRequest) -> int:
    fleet = load_fleet(find_fleet(request.repo, request.fleet))
    if request.shard is None:
        legs = matrix(fleet)
        what = f"{len(next(iter(legs.values())))} legs, one per {next(iter(legs))}"
    else:
        try:
            chosen = members(fleet, request.shard)
        except ValueError as err:
            raise UsageError(f"--shard: {err}") from None
        legs = {"repository": list(chosen)}
        what = f"shard {request.shard}: {len(chosen)} repositories"
    facts = (
        ("fleet file", fleet.source),
        ("repositories", str(len(fleet.repositories))),
        ("shards", str(fleet.shards.count) if fleet.shards else "none: a leg per repository"),
        ("matrix", what),
    )
    runner.set_output("legs", compact(legs))
    runner.write_summary(render(RunReport(TITLE, facts)))
    line = f"{TITLE}: {what}"
    runner.set_output("summary", line)
    print(compact(legs))
    return 0
