"""``kairos-ci plan``: start a plan, or read a tick on one (``issues``, ``issue_comment``);
and ``kairos-ci remember-plans``, which keeps what a planning job made on the memory branch.

- ``issues`` ``labeled`` with ``kairos:plan``: the issue's title and body are the goal.
- ``issue_comment`` ``created`` with ``/kairos plan GOAL`` as its first command.
- ``issue_comment`` ``edited`` on kairos's plan comment: ticks (``pipeline/plan_ticks.py``).

Anything else ends quietly, with one line in the job summary. Whoever acted is authorised
through the API by the pipeline; nothing here reads ``author_association``.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field

from kairos_ci import context
from kairos_ci.commands import wiring_plan
from kairos_ci.commands.present import runner_for
from kairos_ci.commands.requests import PlanCommandRequest, from_args
from kairos_ci.errors import GitError, MemoryError_, UsageError
from kairos_ci.events.parse import load_event
from kairos_ci.events.records import Event, IssueCommentCreated, IssueLabeled
from kairos_ci.forge.markers import fingerprints
from kairos_ci.pipeline.plan import PlanAsk, PlanReply, PlanStep, plan_issue
from kairos_ci.pipeline.plan_ticks import TickReply, TickStep, read_tick
from kairos_ci.plan.plaintext import plain
from kairos_ci.report.runner import Runner
from kairos_ci.report.summary import RunReport, Skip, render
from kairos_ci.tasks.chat.plan_command import plan_command as plan_in_comment

EVENTS = ("issues", "issue_comment")
PLAN_LABEL = "kairos:plan"
TITLE = "kairos-ci plan"
REMEMBER_TITLE = "kairos-ci remember-plans"
FAILED_STEPS = (PlanStep.DISCARDED, PlanStep.FAILED)


def run(args: argparse.Namespace) -> int:
    ctx = context.from_environ()
    return plan_command(ctx, runner_for(ctx), from_args(PlanCommandRequest, args))


def remember(args: argparse.Namespace) -> int:
    ctx = context.from_environ()
    return remember_command(ctx, runner_for(ctx), from_args(PlanCommandRequest, args))


def remember_command(ctx: context.Context, runner: Runner, request: PlanCommandRequest) -> int:
    """`kairos-ci remember-plans`: the state folder's plans onto the memory branch."""
    try:
        plans = wiring_plan.remember_plans(ctx, request)
    except (MemoryError_, GitError) as err:
        report = RunReport(REMEMBER_TITLE, (), problems=(f"plans not saved: {err}",))
        return _finish(runner, report, _Log())
    kept = plans.remembered
    facts = (
        ("files", str(kept.files)),
        ("dropped", str(kept.dropped)),
        ("spend recorded", ", ".join(kept.spent) or "none"),
    )
    saved = kept.saved
    done = f"saved at {str(saved.commit)[:12]}" if saved.changed else "nothing new to save"
    skipped = tuple(Skip("plan file", note) for note in kept.notes)
    report = RunReport(REMEMBER_TITLE, facts, (done, *plans.answered), skipped=skipped)
    return _finish(runner, report, _Log())


@dataclass
class _Log:
    """The job log now, and the same lines in the step summary at the end (as data)."""

    lines: list[str] = field(default_factory=list)

    def __call__(self, line: str) -> None:
        print(line)
        self.lines.append(line)


def plan_command(ctx: context.Context, runner: Runner, request: PlanCommandRequest) -> int:
    name = request.event or ctx.event_name
    if name not in EVENTS:
        raise UsageError(f"`kairos-ci plan` handles {', '.join(EVENTS)}, not {name}")
    event = load_event(name, request.payload or ctx.event_path)
    log = _Log()
    if isinstance(event, IssueCommentCreated) and event.action == "edited":
        ticked = read_tick(event, wiring_plan.ticks_for(ctx, request, event, log))
        return _finish(runner, _tick_report(event, ticked), log)
    ask, why = _ask(event)
    if ask is None:
        return _finish(runner, _skipped(name, why), log)
    assert isinstance(event, IssueLabeled | IssueCommentCreated)  # _ask accepted it
    reply = plan_issue(ask, wiring_plan.plan_for(ctx, request, event, log))
    if reply.outcome is not None:
        wiring_plan.keep_plan_spend(ctx, request, reply.outcome.charges)
    return _finish(runner, _plan_report(ask, reply), log)


def _ask(event: Event) -> tuple[PlanAsk | None, str]:
    """The plan the event asks for, or None and why it asks for none."""
    if isinstance(event, IssueLabeled):
        if event.action != "labeled" or event.label != PLAN_LABEL:
            return None, f"the issue was {event.action}, not labelled {PLAN_LABEL}"
        goal = f"{event.title}\n\n{event.body}".strip()
        return PlanAsk(event.issue_number, goal, event.sender), ""
    if not isinstance(event, IssueCommentCreated) or event.action != "created":
        return None, "only a new comment or the label starts a plan"
    if event.on_pull_request:
        return None, "plans are made in issues, not pull requests"
    if fingerprints(event.body):
        return None, "the comment is kairos's own"
    command = plan_in_comment(event.body)
    if command is None:
        return None, "no /kairos plan command on a line of its own"
    if not command.goal:
        what = "the change to make" if command.revise else "no goal"
        return None, f"`/kairos plan` names {what}: write it after the command"
    sender = event.sender or event.author
    return PlanAsk(event.issue_number, command.goal, sender, revision=command.revise), ""


def _plan_report(ask: PlanAsk, reply: PlanReply) -> RunReport:
    facts = (("issue", f"#{ask.issue}"), ("sender", ask.sender.login), ("step", reply.step))
    if reply.step is PlanStep.REFUSED:
        return RunReport(TITLE, facts, skipped=(Skip("plan", reply.why),))
    charged = reply.outcome.charges if reply.outcome else ()
    spend = f"model calls: {len(charged)}, ${sum(c.usd for c in charged):.4f}"
    if reply.step in FAILED_STEPS:
        return RunReport(TITLE, facts, (spend,), problems=(reply.why,))
    return RunReport(TITLE, facts, (reply.why, spend))


def _tick_report(event: IssueCommentCreated, ticked: TickReply) -> RunReport:
    editor = event.sender or event.author
    facts = (
        ("comment", f"#{event.issue_number}, comment {event.comment_id}"),
        ("editor", editor.login),
        ("tick", ticked.step),
    )
    if ticked.step is TickStep.IGNORED:
        return RunReport(TITLE, facts, skipped=(Skip("tick", ticked.why),))
    if ticked.step is TickStep.FAILED:
        return RunReport(TITLE, facts, problems=(ticked.why,))
    return RunReport(TITLE, facts, (ticked.why,))


def _skipped(name: str, why: str) -> RunReport:
    return RunReport(TITLE, (("event", name),), skipped=(Skip("plan", why),))


def _finish(runner: Runner, report: RunReport, log: _Log) -> int:
    runner.write_summary(render(report))
    if log.lines:  # progress and findings quote the goal and the repository: data only
        runner.write_summary("\n### Progress\n\n" + "".join(f"- {plain(x)}\n" for x in log.lines))
    runner.set_output("summary", report.one_line())
    for problem in report.problems:
        runner.annotate("error", problem, title=TITLE)
    print(report.one_line())
    return 1 if report.problems else 0
