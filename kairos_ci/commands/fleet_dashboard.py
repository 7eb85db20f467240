"""``kairos-ci fleet dashboard``: the fleet workflow's last job (the action's ``command:
fleet-dashboard``). It reads every repository's memory branch (read only: fetched into a
private scratch repository, never pushed) and its open kairos pull requests, and keeps
ONE issue in the fleet file's ``dashboard.repository``: found by its label and hidden
marker, created once, edited only when its body changes. It writes nowhere else.

Exit 1 when a repository could not be read (after the dashboard shows it as such)."""

from __future__ import annotations

import argparse

from kairos_ci import context
from kairos_ci.commands.present import runner_for
from kairos_ci.commands.requests import FleetRequest, from_args
from kairos_ci.context import Secret
from kairos_ci.errors import UsageError
from kairos_ci.fleet.config import find_fleet, load_fleet
from kairos_ci.fleet.gather import read_fleet
from kairos_ci.fleet.records import Fleet
from kairos_ci.fleet.render import FINGERPRINT, TITLE, FleetBoard, render
from kairos_ci.fleet.sources import ApiPulls, BranchMemory, GitHubAccess
from kairos_ci.fleet.status import Health, RepoStatus, status_of
from kairos_ci.forge.github import connect
from kairos_ci.forge.records import DashboardSpec
from kairos_ci.report.runner import Runner
from kairos_ci.report.summary import RunReport
from kairos_ci.report.summary import render as render_summary

SUMMARY_TITLE = "kairos-ci fleet dashboard"


def run(args: argparse.Namespace) -> int:
    ctx = context.from_environ()
    return dashboard_command(ctx, runner_for(ctx), from_args(FleetRequest, args))


def dashboard_command(ctx: context.Context, runner: Runner, request: FleetRequest) -> int:
    token = ctx.github_token
    if token is None and not request.dry_run:
        raise UsageError("GITHUB_TOKEN is not set: the fleet dashboard needs it (or --dry-run)")
    fleet = load_fleet(find_fleet(request.repo, request.fleet))
    statuses = _statuses(ctx, request, fleet)
    board = FleetBoard(
        statuses, ctx.clock().strftime("%Y-%m"), fleet.dashboard.max_rows, ctx.server_url
    )
    body = render(board)
    if token is None or request.dry_run:
        print(body)
        done = "dry run: nothing written"
    else:
        done = _publish(ctx.api_url, token, fleet, body)
    unread = [s.repository for s in statuses if _unread(s)]
    problems = tuple(f"{name} could not be read: see the dashboard" for name in unread)
    facts = (
        ("fleet file", fleet.source),
        ("dashboard", fleet.dashboard.repository),
        ("repositories", str(len(statuses))),
        ("with problems", str(sum(1 for s in statuses if s.troubled))),
    )
    report = RunReport(SUMMARY_TITLE, facts, (done,), problems=problems)
    runner.write_summary(render_summary(report))
    runner.set_output("summary", report.one_line())
    for problem in problems:
        runner.annotate("error", problem, title=SUMMARY_TITLE)
    print(report.one_line())
    return 1 if problems else 0


def _statuses(ctx: context.Context, request: FleetRequest, fleet: Fleet) -> list[RepoStatus]:
    access = GitHubAccess(ctx.api_url, ctx.server_url, ctx.github_token)
    memory = BranchMemory(
        access, fleet.memory_branch, ctx.clock, key=ctx.memory_key, workdir=request.repo
    )
    readings = read_fleet(fleet.repositories, memory, ApiPulls(access))
    month = ctx.clock().strftime("%Y-%m")
    return [status_of(reading, month) for reading in readings]


def _publish(api_url: str, token: Secret, fleet: Fleet, body: str) -> str:
    """The one write: the fleet repository's dashboard issue, and nothing else."""
    target = fleet.dashboard.repository
    forge = connect(api_url, token.reveal(), target)
    ensured = forge.ensure_dashboard(DashboardSpec(TITLE, body, fleet.dashboard.label, FINGERPRINT))
    return f"fleet dashboard {target}#{ensured.number}: {ensured.change.value}"


def _unread(status: RepoStatus) -> bool:
    return status.health is Health.UNREADABLE or status.open_prs is None
