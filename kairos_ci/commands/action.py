"""``kairos-ci action``: the entrypoint ``action.yml`` runs inside a workflow.

It reads the action inputs and the event from the context, picks the command
(``auto`` follows the event), and always leaves a job summary and outputs behind.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from kairos_ci import __version__, context
from kairos_ci.commands.requests import (
    ChatRequest,
    FleetRequest,
    NextRequest,
    PlanCommandRequest,
    ReviewRequest,
    RunRequest,
    SwarmRequest,
    WorkRequest,
)
from kairos_ci.config.load import find_config, load_config, parse_config
from kairos_ci.config.records import BUILT_IN_DEFAULTS
from kairos_ci.errors import ConfigError, UsageError
from kairos_ci.report.runner import Runner
from kairos_ci.report.summary import RunReport, render

if TYPE_CHECKING:
    from kairos_ci.config.records import Config

COMMAND_FOR_EVENT = {
    "schedule": "nightly",
    "workflow_dispatch": "nightly",
    "pull_request": "review",
    "workflow_run": "fix-tests",
    "issue_comment": "chat",
    "issues": "plan",  # a comment's `/kairos plan` and ticks need `command: plan`
}
COMMANDS = (
    "auto",
    "validate",
    "publish",
    "remember-plans",
    "work",
    "integrate",
    "swarm-plan",
    "swarm-relay",
    "swarm-next",
    "swarm-report",
    "fleet-discover",
    "fleet-dashboard",
    *sorted(set(COMMAND_FOR_EVENT.values())),
)


def run(args: argparse.Namespace) -> int:
    ctx = context.from_environ()
    runner = Runner(sys.stdout, ctx.output_file, ctx.summary_file, in_actions=ctx.in_actions)
    for secret in ctx.secrets():
        runner.mask(secret.reveal())
    repo: Path = args.repo
    command = _command(ctx.inputs.command, ctx.event_name)
    facts = (
        ("event", ctx.event_name or "(none)"),
        ("command", command),
        ("dry run", "yes" if ctx.inputs.dry_run else "no"),
        ("kairos-ci", __version__),
    )
    try:
        # Each pipeline reads its config from the right commit (a PR's base, the default
        # branch); only `validate` checks the file in the working tree.
        handler = _HANDLERS.get(command)
        if handler is not None:
            return handler(ctx, runner, repo)
        config, config_note = _config(repo, ctx.inputs.config)
    except ConfigError as err:
        _config_problems(runner, facts, err)
        return 1
    report = RunReport(
        "kairos-ci", (*facts, ("config", config.source)), (f"config: {config_note}",)
    )
    _finish(runner, report)
    return 0


def _config_problems(runner: Runner, facts: tuple[tuple[str, str], ...], err: ConfigError) -> None:
    for problem in err.problems:
        runner.annotate(
            "error",
            problem.message,
            file=problem.source.split("@", 1)[0],  # "path@commit" when read from a commit
            line=problem.line,
            title=f"kairos config: {problem.key_path}",
        )
    _finish(runner, RunReport("kairos-ci", facts, problems=tuple(str(p) for p in err.problems)))


def _publish(ctx: context.Context, runner: Runner, repo: Path) -> int:
    from kairos_ci.commands.publish import ACTION_BUNDLE, publish_bundle

    config, _ = _config(repo, ctx.inputs.config)
    return publish_bundle(ctx, runner, repo, repo / ACTION_BUNDLE, config, ctx.inputs.dry_run)


def _nightly(ctx: context.Context, runner: Runner, repo: Path) -> int:
    from kairos_ci.commands.run import nightly_command

    leg = ctx.inputs.repository
    if leg is not None and leg != ctx.repository:
        # A fleet leg: the checkout is another repository than the workflow's, and the
        # event describes the workflow's (its default branch, its sender): not this one.
        ctx = replace(ctx, repository=leg, event_path=None)
    return nightly_command(ctx, runner, _run_request(ctx, repo, ctx.event_name))


def _review(ctx: context.Context, runner: Runner, repo: Path) -> int:
    from kairos_ci.commands.review import review_command

    return review_command(ctx, runner, ReviewRequest(repo, dry_run=ctx.inputs.dry_run))


def _chat(ctx: context.Context, runner: Runner, repo: Path) -> int:
    from kairos_ci.commands.chat import chat_command

    return chat_command(ctx, runner, ChatRequest(repo))


def _plan(ctx: context.Context, runner: Runner, repo: Path) -> int:
    from kairos_ci.commands.plan import plan_command

    return plan_command(ctx, runner, PlanCommandRequest(repo))


def _remember_plans(ctx: context.Context, runner: Runner, repo: Path) -> int:
    from kairos_ci.commands.plan import remember_command

    return remember_command(ctx, runner, PlanCommandRequest(repo))


def _work(ctx: context.Context, runner: Runner, repo: Path) -> int:
    from kairos_ci.commands.work import work_command

    request = WorkRequest(repo, issue=ctx.inputs.issue, worker=ctx.inputs.worker)
    return work_command(ctx, runner, request)


def _integrate(ctx: context.Context, runner: Runner, repo: Path) -> int:
    from kairos_ci.commands.integrate import integrate_command

    return integrate_command(ctx, runner, WorkRequest(repo, issue=ctx.inputs.issue))


def _swarm_plan(ctx: context.Context, runner: Runner, repo: Path) -> int:
    from kairos_ci.commands.swarm_plan import plan_command

    request = SwarmRequest(repo, issue=ctx.inputs.issue)
    if ctx.inputs.max_workers:
        request = replace(request, max_workers=ctx.inputs.max_workers)
    return plan_command(ctx, runner, request)


def _swarm_relay(ctx: context.Context, runner: Runner, repo: Path) -> int:
    from kairos_ci.commands.swarm_plan import plan_command

    # The gather job: swarm-plan's sizing after integration, and a relay if work remains.
    request = SwarmRequest(repo, issue=ctx.inputs.issue, relay=True)
    if ctx.inputs.max_workers:
        request = replace(request, max_workers=ctx.inputs.max_workers)
    return plan_command(ctx, runner, request)


def _swarm_next(ctx: context.Context, runner: Runner, repo: Path) -> int:
    from kairos_ci.commands.swarm_next import next_command
    from kairos_ci.events.parse import load_event
    from kairos_ci.events.records import WorkflowRunCompleted

    event = load_event(ctx.event_name or "", ctx.event_path)
    if not isinstance(event, WorkflowRunCompleted):
        raise UsageError(f"command swarm-next runs on workflow_run, not {ctx.event_name!r}")
    request = NextRequest(repo, str(event.run_id), event.conclusion or "unfinished")
    return next_command(ctx, runner, request)


def _swarm_report(ctx: context.Context, runner: Runner, repo: Path) -> int:
    from kairos_ci.commands.swarm_report import report_command

    # The gather job is part of the swarm's run: its own legs are the ones measured.
    return report_command(ctx, runner, SwarmRequest(repo, issue=ctx.inputs.issue, run=ctx.run_id))


def _fleet_discover(ctx: context.Context, runner: Runner, repo: Path) -> int:
    from kairos_ci.commands.fleet import discover_command

    return discover_command(runner, _fleet_request(ctx, repo))


def _fleet_dashboard(ctx: context.Context, runner: Runner, repo: Path) -> int:
    from kairos_ci.commands.fleet_dashboard import dashboard_command

    return dashboard_command(ctx, runner, _fleet_request(ctx, repo))


def _fleet_request(ctx: context.Context, repo: Path) -> FleetRequest:
    # Input `config` names the fleet file for the fleet commands (default: found in repo).
    fleet = Path(ctx.inputs.config) if ctx.inputs.config else None
    return FleetRequest(repo, fleet=fleet, dry_run=ctx.inputs.dry_run)


def _fix_tests(ctx: context.Context, runner: Runner, repo: Path) -> int:
    from kairos_ci.commands.fix_tests import fix_tests_command

    return fix_tests_command(ctx, runner, _run_request(ctx, repo, None))


def _run_request(ctx: context.Context, repo: Path, event: str | None) -> RunRequest:
    config = repo / ctx.inputs.config if ctx.inputs.config else None
    return RunRequest(repo, event=event, config=config, dry_run=ctx.inputs.dry_run)


Handler = Callable[[context.Context, Runner, Path], int]
# Each command the action can run (``validate`` needs no handler). Each imports only its
# own command module, so a job pays for the one it runs: PyGithub alone is ~0.5 s.
_HANDLERS: dict[str, Handler] = {
    "publish": _publish,
    "nightly": _nightly,
    "review": _review,
    "fix-tests": _fix_tests,
    "chat": _chat,
    "plan": _plan,
    "remember-plans": _remember_plans,
    "work": _work,
    "integrate": _integrate,
    "swarm-plan": _swarm_plan,
    "swarm-relay": _swarm_relay,
    "swarm-next": _swarm_next,
    "swarm-report": _swarm_report,
    "fleet-discover": _fleet_discover,
    "fleet-dashboard": _fleet_dashboard,
}


def _command(requested: str, event_name: str | None) -> str:
    if requested not in COMMANDS:
        raise UsageError(f"unknown command {requested!r}; expected one of {', '.join(COMMANDS)}")
    if requested != "auto":
        return requested
    if event_name not in COMMAND_FOR_EVENT:
        raise UsageError(f"command 'auto' does not know the event {event_name!r}; set `command`")
    return COMMAND_FOR_EVENT[event_name]


def _config(repo: Path, requested: str | None) -> tuple[Config, str]:
    # Imported here so that `kairos-ci --help` does not load YAML and jsonschema.

    if requested:
        config = load_config(repo / requested)
        return config, f"{requested} is valid"
    found = find_config(repo)
    if found is None:
        return parse_config(b"version: 1\n", BUILT_IN_DEFAULTS), "none found, using defaults"
    return load_config(found), f"{found.relative_to(repo)} is valid"


def _finish(runner: Runner, report: RunReport) -> None:
    runner.write_summary(render(report))
    runner.set_output("summary", report.one_line())
    runner.set_output("bundle", "")
    runner.set_output("pr-urls", json.dumps([]))
    print(report.one_line())
