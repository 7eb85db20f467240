"""``kairos-ci integrate``: the finished slices of an issue's plan, merged and checked, each
proposed as its own pull request, then the project's whole suite run once on them all
together (the action's ``command: integrate``, after the workers). A union that breaks a
test, that does not merge, or whose suite did not run is a problem: the command exits 1
with the names, and the slices' pull requests stay open. Under Actions, the full suite's
JUnit and verdict go to the ``evidence`` output's folder, for the workflow to upload."""

from __future__ import annotations

import argparse
from dataclasses import replace

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
    wiring = wiring_work.integrate_for(ctx, request)
    evidence = wiring.evidence
    runner.set_output("evidence", str(evidence.folder) if evidence is not None else "")
    reply = integrate_plan(wiring)
    report = integrate_report(request, reply)
    if evidence is not None and evidence.problems:
        kept = tuple(Skip("evidence", why) for why in evidence.problems)
        report = replace(report, skipped=(*report.skipped, *kept))
    runner.write_summary(render(report))
    runner.set_output("summary", report.one_line())
    for problem in report.problems:
        runner.annotate("error", problem, title=TITLE)
    print(report.one_line())
    if reply.union is not None:
        runner.echo_untrusted(reply.union.line())  # test ids come from a model's code
    return 1 if report.problems else 0


def integrate_report(request: WorkRequest, reply: IntegrateReply) -> RunReport:
    """Each slice looked at, and the full suite's line: with what was done, or, when the
    union broke, among the problems."""
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
    union = reply.union
    if union is not None and union.ok:
        done += (union.line(),)
    if reply.dashboard:
        done += (reply.dashboard,)
    problems = (union.line(),) if union is not None and not union.ok else ()
    return RunReport(TITLE, facts, done, skipped=waiting, problems=problems)
