"""``kairos-ci work``: one worker on an issue's approved plan (the action's ``command:
work``, one per matrix leg). It claims steps from the plan's board on the memory branch
until none is left for it, then says what it did in the job summary. Under Actions, each
attempt's JUnit, diff and verdict go to the ``evidence`` output's folder, for the
workflow to upload."""

from __future__ import annotations

import argparse

from kairos_ci import context
from kairos_ci.commands import wiring_work
from kairos_ci.commands.present import runner_for
from kairos_ci.commands.requests import WorkRequest, from_args
from kairos_ci.errors import UsageError
from kairos_ci.pipeline.work import WorkReply, WorkStep, work_plan
from kairos_ci.report.runner import Runner
from kairos_ci.report.summary import RunReport, Skip, render

TITLE = "kairos-ci work"


def run(args: argparse.Namespace) -> int:
    ctx = context.from_environ()
    return work_command(ctx, runner_for(ctx), from_args(WorkRequest, args))


def work_command(ctx: context.Context, runner: Runner, request: WorkRequest) -> int:
    if request.issue <= 0:
        raise UsageError(
            "`kairos-ci work` needs --issue N: the issue whose approved plan to work on"
        )
    wiring = wiring_work.work_for(ctx, request)
    evidence = wiring.evidence
    # Set first: a leg that is cut short still uploads what its attempts left.
    runner.set_output("evidence", str(evidence.folder) if evidence is not None else "")
    reply = work_plan(request.issue, wiring)
    kept = tuple(Skip("evidence", why) for why in evidence.problems) if evidence else ()
    report = work_report(request, reply, kept)
    runner.write_summary(render(report))
    runner.set_output("summary", one_line(reply, report))
    for problem in report.problems:
        runner.annotate("error", problem, title=TITLE)
    print(one_line(reply, report))
    return 1 if report.problems else 0


def one_line(reply: WorkReply, report: RunReport) -> str:
    """The steps this worker ended, not the summary's lines (``RunReport.one_line``)."""
    worked = reply.report
    if worked is None:
        return f"{TITLE}: refused: {reply.why}"
    parts = [f"{len(worked.done)} done", f"{len(worked.failed)} failed"]
    parts += [f"{len(worked.asked)} asked"] if worked.asked else []
    parts += [f"{len(worked.fenced)} refused (lease lost)"] if worked.fenced else []
    parts += [f"{len(report.skipped)} skipped"] if report.skipped else []
    return f"{TITLE}: " + ", ".join(parts)


def work_report(request: WorkRequest, reply: WorkReply, skipped: tuple[Skip, ...]) -> RunReport:
    facts = (("issue", f"#{request.issue}"), ("worker", request.worker), ("step", reply.step))
    if reply.step is WorkStep.REFUSED:
        return RunReport(TITLE, facts, skipped=(Skip("work", reply.why), *skipped))
    worked = reply.report
    assert worked is not None  # a loop that ran has its report
    lines = [reply.why, f"spent: ${worked.spent_usd:.4f}"]
    lines += [f"done: {', '.join(worked.done)}"] if worked.done else []
    lines += [f"asked: {', '.join(worked.asked)}"] if worked.asked else []
    lines += [f"result refused (lease lost): {', '.join(worked.fenced)}"] if worked.fenced else []
    problems = tuple(
        f"step {task} failed this attempt: {_first_line(worked.why_failed.get(task, ''))}"
        for task in dict.fromkeys(worked.failed)
    )
    return RunReport(TITLE, facts, tuple(lines), skipped, problems=problems)


def _first_line(note: str) -> str:
    """The reason's first line, bounded: the rest (a test's output) is in the step's
    evidence, and it is the model's code that wrote it."""
    line = note.strip().split("\n", 1)[0]
    return (line[:197] + "...") if len(line) > 200 else line or "no reason recorded"
