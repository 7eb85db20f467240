"""``kairos-ci integrate``: the finished slices of an issue's plan, merged and checked, each
proposed as its own pull request (the action's ``command: integrate``, after the workers)."""

from __future__ import annotations

import argparse

from kairos_ci import context
from kairos_ci.commands import wiring_work
from kairos_ci.commands.present import runner_for
from kairos_ci.commands.requests import WorkRequest, from_args
from kairos_ci.errors import UsageError
from kairos_ci.pipeline.integrate import IntegrateReply, SliceStep, integrate_plan
from kairos_ci.report.runner import Runner
from kairos_ci.report.summary import RunReport, Skip, render

TITLE = "kairos-ci integrate"


def run(args: argparse.Namespace) -> int:
    ctx = context.from_environ()
    return integrate_command(ctx, runner_for(ctx), from_args(WorkRequest, args))


def integrate_command(ctx: context.Context, runner: Runner, request: WorkRequest) -> int:
    if request.issue <= 0:
        raise UsageError("`kairos-ci integrate` needs --issue N: the issue whose plan to integrate")
    report = _report(request, integrate_plan(wiring_work.integrate_for(ctx, request)))
    runner.write_summary(render(report))
    runner.set_output("summary", report.one_line())
    print(report.one_line())
    return 0


def _report(request: WorkRequest, reply: IntegrateReply) -> RunReport:
    facts = (("issue", f"#{request.issue}"),)
    if reply.refused:
        return RunReport(TITLE, facts, skipped=(Skip("integrate", reply.refused),))
    done = tuple(
        f"part {s.number}: {s.step}: {s.why}"
        for s in reply.slices
        if s.step is not SliceStep.WAITING
    )
    waiting = tuple(
        Skip(f"part {s.number}", s.why) for s in reply.slices if s.step is SliceStep.WAITING
    )
    return RunReport(TITLE, facts, done, skipped=waiting)
