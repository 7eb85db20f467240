"""One ``/kairos`` command (``issue_comment``), as its table of contents:
recall -> work (authorise, answer once) -> keep -> report.

``/kairos review`` runs the review pipeline (``pipeline/review.py``) on the pull
request, through the ``review`` the command line wires.
"""

from __future__ import annotations

from dataclasses import dataclass

from kairos_ci.bundle.records import ApplyResult, Bundle
from kairos_ci.events.records import IssueCommentCreated
from kairos_ci.memory.records import Journal
from kairos_ci.pipeline.review import Reviewed
from kairos_ci.report.summary import RunReport, Skip
from kairos_ci.stages.journal import created_by
from kairos_ci.stages.outcome import RunOutcome
from kairos_ci.stages.records import Project, RunInfo
from kairos_ci.stages.remember import keep, recall_or_forget
from kairos_ci.tasks.chat.records import CommandStatus
from kairos_ci.tasks.chat.task import ChatJob, Chatted, Reviewer, chat


@dataclass(frozen=True)
class CommentToAnswer:
    """One comment to answer, built by the command line: the project (config from the
    default branch, as checked out for comments), the event, and how to review now."""

    project: Project
    event: IssueCommentCreated
    sha: str  # the default branch's commit this run started from
    run: RunInfo
    reviewer: Reviewer  # `/kairos review`: reviews pull request N now; the reply's text


def answer_comment(c: CommentToAnswer) -> RunOutcome:
    p = c.project
    recalled = recall_or_forget(p.memory)
    notes = [f"memory: {note}" for note in recalled.notes]

    def record(journal: Journal) -> str | None:
        return keep(p.memory, journal).problem or None

    assert p.forge is not None  # the command line refuses chat without a token
    job = ChatJob(
        c.event, p.config, recalled.memory, p.forge, c.run, c.sha,
        reviewer=c.reviewer, recorder=record,
    )  # fmt: skip
    chatted = chat(job)
    failed = chatted.outcome.status is CommandStatus.FAILED
    if chatted.journal is not None and not failed:
        notes.append("memory: recorded")
    bundle = Bundle(p.repository, (), created_by(c.run))
    return RunOutcome(_report(c.event, chatted, tuple(notes)), bundle, ApplyResult(()), int(failed))


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
