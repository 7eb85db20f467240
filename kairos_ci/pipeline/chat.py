"""One ``/kairos`` command (``issue_comment``), as its table of contents:
recall -> work (authorise, answer once) -> keep -> report.

``/kairos review`` runs the review pipeline (``pipeline/review.py``) on the pull
request, through the ``review`` the command line wires. ``/kairos fix`` runs the failed
CI run's fix (``pipeline/fix_tests.py``) now, on the default branch (``fix_on_request``),
or says at once why it cannot: nothing is queued for a later run.
"""

from __future__ import annotations

from dataclasses import dataclass

from kairos_ci.agent.llm import Llm
from kairos_ci.bundle.records import ApplyResult, Bundle
from kairos_ci.errors import KairosError
from kairos_ci.events.records import IssueCommentCreated, Repository
from kairos_ci.memory.records import Journal
from kairos_ci.pipeline.fix_tests import fix_failed_run
from kairos_ci.pipeline.review import Reviewed
from kairos_ci.report.summary import RunReport, Skip
from kairos_ci.stages.journal import created_by
from kairos_ci.stages.outcome import RunOutcome
from kairos_ci.stages.records import Project, RunInfo
from kairos_ci.stages.remember import keep, recall_or_forget
from kairos_ci.tasks.chat.fix import (
    MAX_RUNS,
    fix_reply,
    latest_failed,
    no_failed_run,
    refusal,
    run_event,
)
from kairos_ci.tasks.chat.records import CommandStatus
from kairos_ci.tasks.chat.task import ChatJob, Chatted, Fixer, Reviewer, chat
from kairos_ci.tasks.fix_tests.workflow_run import WorkflowFix


@dataclass(frozen=True)
class CommentToAnswer:
    """One comment to answer, built by the command line: the project (config from the
    default branch, as checked out for comments), the event, and how to review now."""

    project: Project
    event: IssueCommentCreated
    sha: str  # the default branch's commit this run started from
    run: RunInfo
    reviewer: Reviewer  # `/kairos review`: reviews pull request N now; the reply's text
    fixer: Fixer | None = None  # `/kairos fix`: fixes pull request N's failed run now
    runs_url: str = ""  # the repository's Actions runs, for links in `/kairos status`


def answer_comment(c: CommentToAnswer) -> RunOutcome:
    p = c.project
    recalled = recall_or_forget(p.memory)
    notes = [f"memory: {note}" for note in recalled.notes]

    def record(journal: Journal) -> str | None:
        return keep(p.memory, journal).problem or None

    assert p.forge is not None  # the command line refuses chat without a token
    job = ChatJob(
        c.event, p.config, recalled.memory, p.forge, c.run, c.sha,
        reviewer=c.reviewer, recorder=record, fixer=c.fixer, runs_url=c.runs_url,
    )  # fmt: skip
    chatted = chat(job)
    failed = chatted.outcome.status is CommandStatus.FAILED
    if chatted.journal is not None and not failed:
        notes.append("memory: recorded")
    bundle = Bundle(p.repository, (), created_by(c.run))
    return RunOutcome(_report(c.event, chatted, tuple(notes)), bundle, ApplyResult(()), int(failed))


@dataclass(frozen=True)
class FixOnRequest:
    """`/kairos fix` on pull request ``number``. The project is the comment's: its checkout
    is the default branch's tip (``base_sha``), never the pull request's code."""

    project: Project
    number: int
    base_sha: str
    run: RunInfo
    llm: Llm | None


def fix_on_request(f: FixOnRequest) -> str:
    """Fix the tests the pull request's latest failed run reports, as its ``workflow_run``
    event would (``fix_failed_run``), now; the reply's text. A request that cannot be
    served is refused at once, with the reason."""
    p = f.project
    why_not = refusal(p.config, f.llm is not None)
    if why_not:
        return f"No fix: {why_not}. Nothing was queued."
    assert p.forge is not None  # the command line refuses chat without a token
    try:
        pull = p.forge.get_pull_request(f.number)
        if pull.state != "open":
            return "No fix: this pull request is closed. Nothing was queued."
        failed = latest_failed(p.forge.list_workflow_runs(head_sha=pull.head_sha, limit=MAX_RUNS))
    except KairosError as err:  # the command was accepted: say why it did not work
        return f"No fix: GitHub could not be read ({err}). Nothing was queued."
    if failed is None:
        return no_failed_run(pull)
    event = run_event(pull, failed, Repository(p.repository, p.default_branch))
    try:
        done = fix_failed_run(WorkflowFix(event, p, f.base_sha, f.run, f.llm))
    except KairosError as err:
        return f"The fix for run {failed.id} could not run: {err}"
    return fix_reply(failed, done)


def review_reply(done: Reviewed, head_sha: str) -> str:
    """What the reply to `/kairos review` says about the review it ran."""
    result, posted = done.result, done.posted
    if result is None or result.skip is not None:
        why = result.skip if result else "nothing to review"
        return f"No review: {why}."
    head = f"`{head_sha[:12]}`"
    if posted is not None and posted.status.value == "failed":
        return f"Reviewed {head}, but the review could not be posted: {posted.reason}"
    if result.composed is None:
        return f"Reviewed {head}: nothing new to say (what was said before is not repeated)."
    return f"Reviewed {head}: {len(result.said)} new finding(s), in the review above."


def _report(event: IssueCommentCreated, chatted: Chatted, notes: tuple[str, ...]) -> RunReport:
    outcome = chatted.outcome
    command = outcome.command.line if outcome.command else "(none)"
    facts = (
        ("comment", f"#{event.issue_number}, comment {event.comment_id}"),
        ("author", event.author.login),
        ("command", command),
        ("outcome", f"{outcome.status}: {outcome.why}"),
    )
    if outcome.status is CommandStatus.DONE:
        return RunReport("kairos-ci chat", facts, (f"answered {command}", *notes))
    return RunReport("kairos-ci chat", facts, notes, (Skip(command, outcome.why),))
