"""``/kairos fix`` on a pull request: which failed CI run it fixes, and what the reply says.

The fix itself is the ``workflow_run`` path's (``pipeline/fix_tests.fix_failed_run``):
the default branch's code and config, the pull request's code never run next to the
model key, the autonomy the configuration allows. Nothing is queued for later: a
request that cannot be served now is refused at once, with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence

from kairos_ci.agent.claude import NO_KEY
from kairos_ci.bundle.intents import Kind
from kairos_ci.bundle.records import Status, WriteOutcome
from kairos_ci.config.records import Config
from kairos_ci.events.records import Repository, User, WorkflowRunCompleted
from kairos_ci.forge.records import PullRequest, WorkflowRun
from kairos_ci.stages.outcome import RunOutcome
from kairos_ci.tasks.fix_tests.workflow_run import no_model_work
from kairos_ci.tasks.review.markdown import code, inert

MAX_RUNS = 50  # a head's runs looked at: one per workflow, re-runs included
MAX_LINES = 10  # skip reasons quoted in a reply
SHOWN = (Status.APPLIED, Status.UNCHANGED, Status.PLANNED)


def refusal(config: Config, has_model: bool) -> str:
    """Why no fix can be made here at all (before any run is looked up), or ""."""
    return no_model_work(config) or ("" if has_model else NO_KEY)


def latest_failed(runs: Sequence[WorkflowRun]) -> WorkflowRun | None:
    """The newest failed run among each workflow's newest run: a workflow whose newest
    run passed (a re-run, say) has nothing left to fix."""
    newest: dict[str, WorkflowRun] = {}
    for run in sorted(runs, key=lambda r: r.id, reverse=True):
        newest.setdefault(run.name, run)
    failed = [r for r in newest.values() if r.conclusion == "failure"]
    return max(failed, key=lambda r: r.id, default=None)


def no_failed_run(pull: PullRequest) -> str:
    return (
        f"No failed CI run for this pull request's head `{pull.head_sha[:12]}`: "
        "`/kairos fix` fixes the tests a failed run reports. Nothing was queued."
    )


def run_event(pull: PullRequest, run: WorkflowRun, repository: Repository) -> WorkflowRunCompleted:
    """The failed run as its ``workflow_run`` event would carry it. Its actor is the pull
    request's author: the trust in play is theirs, as when the run's own event fires."""
    author = User(pull.author, pull.author.endswith("[bot]"))
    return WorkflowRunCompleted(
        action="completed",
        run_id=run.id,
        name=run.name,
        conclusion=run.conclusion,
        head_sha=run.head_sha,
        head_branch=run.head_branch,
        head_repo=pull.head_repo,
        triggering_event=run.event,
        pull_numbers=(pull.number,),
        actor=author,
        repository=repository,
    )


def fix_reply(run: WorkflowRun, done: RunOutcome) -> str:
    """What the reply to ``/kairos fix`` says: the fix's link, or why there is none."""
    head = f"Ran `fix_tests` for the failed run {code(run.name)} ([run {run.id}]({run.url}))"
    made = [_made(o) for o in done.applied.outcomes if o.status in SHOWN and o.url]
    failed = [
        f"- could not {o.write.describe()}: {inert(o.reason, 300)}" for o in done.applied.failed
    ]
    skipped = [f"- {inert(s.what, 200)}: {inert(s.why, 300)}" for s in done.report.skipped]
    lines = [*made, *failed]
    if skipped:
        lines.append("Left alone:" if made else "No fix was proposed:")
        lines += skipped[:MAX_LINES]
        if len(skipped) > MAX_LINES:
            lines.append(f"- and {len(skipped) - MAX_LINES} more, in the job summary")
    elif not made:
        lines.append("No fix was proposed.")
    return "\n".join([f"{head}.", "", *lines])


def _made(o: WriteOutcome) -> str:
    if o.write.kind is Kind.PULL_REQUEST:
        return f"- fix pull request: {o.url}"
    if o.write.kind is Kind.COMMENT:
        return f"- suggested fix (kairos never pushes to a pull request): {o.url}"
    return f"- {o.write.describe()}: {o.url}"
