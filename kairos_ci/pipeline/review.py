"""One review of a pull request (``pull_request``, or ``/kairos review``), as its table
of contents: recall -> work (the review) -> act (its one write) -> keep -> report."""

from __future__ import annotations

from dataclasses import dataclass

from kairos_ci.agent.claude import NO_KEY
from kairos_ci.agent.llm import Llm
from kairos_ci.agent.redact import Redactor
from kairos_ci.agent.spend import BudgetView
from kairos_ci.bundle.records import ApplyResult, Bundle, Status, WriteOutcome
from kairos_ci.policy.autonomy import memory_refusal
from kairos_ci.report.summary import Skip
from kairos_ci.stages.act import act
from kairos_ci.stages.journal import created_by
from kairos_ci.stages.outcome import RunOutcome
from kairos_ci.stages.records import Project, RunInfo
from kairos_ci.stages.remember import DRY_RUN, keep, recall_or_forget
from kairos_ci.stages.state import Kept, Recalled, Worked
from kairos_ci.tasks.review import state
from kairos_ci.tasks.review.records import PullView
from kairos_ci.tasks.review.report import run_report
from kairos_ci.tasks.review.task import ReviewJob, ReviewResult, review, review_write, skip_reason

REQUESTED = "requested"  # the action of a review a maintainer asked for (`/kairos review`)


@dataclass(frozen=True)
class PullReview:
    """One review to run, built by the command line: the project (its config read from
    the pull request's base), the pull request, and the model."""

    project: Project
    pull: PullView
    action: str  # the event's action; REQUESTED for `/kairos review`
    run: RunInfo
    llm: Llm | None
    full: bool = False  # the whole pull request, not only what changed since the last review
    server_url: str = "https://github.com"


@dataclass(frozen=True)
class Reviewed:
    """A review's outcome, and what it said (the chat reply reads it)."""

    outcome: RunOutcome
    result: ReviewResult | None = None
    posted: WriteOutcome | None = None


def review_pull(r: PullReview) -> Reviewed:
    p = r.project
    skipped = skip_reason(r.action, r.pull, p.config) if r.action != REQUESTED else None
    if skipped is not None:
        report = run_report(r.pull, None, None, (Skip("review", skipped),))
        return Reviewed(RunOutcome(report, _empty(r), ApplyResult(()), 0))
    recalled = recall_or_forget(p.memory)
    result = review(_job(r, recalled))
    write = review_write(result, r.pull)
    acted = act(p, r.run, (write,) if write else (), recalled, Worked())
    posted = acted.applied.outcomes[0] if acted.applied.outcomes else None
    failed = posted is not None and posted.status is Status.FAILED
    problems = [f"the review was not posted: {posted.reason}"] if posted and failed else []
    kept = _remember(r, result, posted)
    notes = [*(f"memory: {note}" for note in recalled.notes), *_unsaved(kept)]
    report = run_report(r.pull, result, posted, problems=problems, notes=notes)
    outcome = RunOutcome(report, acted.bundle, acted.applied, 1 if problems else 0)
    return Reviewed(outcome, result, posted)


def _job(r: PullReview, recalled: Recalled) -> ReviewJob:
    p, memory = r.project, recalled.memory
    return ReviewJob(
        repo=p.repo,
        pull=r.pull,
        config=p.config,
        memory=memory,
        runner=p.runner,
        llm=r.llm,
        no_model=NO_KEY,
        redactor=Redactor.of(p.secrets),
        budget=BudgetView.from_memory(p.config.budget, memory.spend, r.run.now),
        trigger=p.situation.trigger,
        full=r.full,
    )


def _remember(r: PullReview, result: ReviewResult, posted: WriteOutcome | None) -> Kept:
    """The reviewed head and what was said, unless nothing may be written (see R10)."""
    p = r.project
    why_not = DRY_RUN if r.run.dry_run else memory_refusal(p.situation)
    if not why_not and (result.skip is not None or result.scope is None):
        return Kept("")  # nothing reviewed: nothing to remember
    landed = posted is not None and posted.status in (Status.APPLIED, Status.UNCHANGED)
    said = [f.fingerprint for f in result.said] if landed else []
    if landed and result.coverage_key:
        said.append(result.coverage_key)
    number = r.pull.number
    url = f"{r.server_url}/{p.repository}/pull/{number}"
    failed = posted is not None and not landed
    entry = state.journal(
        r.run, number, r.pull.head_sha, url, said, result.charges, result.why, failed
    )
    return keep(p.memory, entry, why_not)


def _unsaved(kept: Kept) -> list[str]:
    """Why memory was not saved, when it was not and there is a reason to tell."""
    why = kept.problem or kept.line
    return [why] if kept.saved is None and why else []


def _empty(r: PullReview) -> Bundle:
    return Bundle(r.project.repository, (), created_by(r.run))
