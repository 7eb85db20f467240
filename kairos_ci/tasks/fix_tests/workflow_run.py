"""``fix_tests`` for a failed CI run (``workflow_run``): artifacts -> reproduce -> fix -> speak.

Which base the fix targets: always the default branch's tip, the checkout this job
runs on. A ``workflow_run`` job holds the model key, and SECURITY.md forbids running a
pull request's code in a job with secrets, so a PR's head is never checked out or run.

- A failure on the default branch (a push, not from a fork): the fix is made and
  verified on the default branch and published like the nightly's, as a PR at the
  configured autonomy.
- A failure in a pull request (found by number, or by head SHA when the event carries
  none, as for forks): the tests the PR's run reported failing are run on the default
  branch. Those that fail there too are fixed there, and the fix is posted on the PR
  as a suggestion comment with the patch; kairos never pushes to a PR. Those that fail
  only with the PR's changes are reported and left alone.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from kairos_ci.agent.llm import Llm
from kairos_ci.agent.since_pass import last_passes
from kairos_ci.agent.spend import BudgetView
from kairos_ci.bundle.intents import PostComment
from kairos_ci.bundle.records import Write
from kairos_ci.config.records import Config, Level, TaskKind
from kairos_ci.errors import NotFound
from kairos_ci.events.records import WorkflowRunCompleted
from kairos_ci.forge.port import Forge
from kairos_ci.memory.records import Memory
from kairos_ci.policy.records import Actor, Permission, Situation, Trigger
from kairos_ci.signals.records import TestResult
from kairos_ci.stages.gate import Gated
from kairos_ci.stages.records import Project, RunInfo, Skipped
from kairos_ci.stages.state import Observed, Recalled, Worked
from kairos_ci.tasks.fix_tests.artifacts import junit_from_run
from kairos_ci.tasks.fix_tests.body import comment_body
from kairos_ci.tasks.fix_tests.nightly import already_handled, model_notes
from kairos_ci.tasks.fix_tests.task import FixRequest, fix_tests

PR_ONLY = (
    "fails only with the pull request's changes: kairos does not run a pull request's "
    "code in a job that holds the model key"
)
NO_FAILING_TEST = "the run's artifacts hold no failing JUnit test (not judged flaky)"


@dataclass(frozen=True)
class WorkflowFix:
    """Everything one ``workflow_run`` fix needs, built by the command line."""

    event: WorkflowRunCompleted
    project: Project  # its checkout is the default branch's tip
    base_sha: str  # the default branch's tip: the checkout this job runs on
    run: RunInfo
    llm: Llm | None

    @property
    def forge(self) -> Forge:
        assert self.project.forge is not None  # wiring refuses fix-tests without a token
        return self.project.forge


@dataclass(frozen=True)
class Target:
    pull: int | None  # the PR to comment on; None: a failure on the default branch
    why_not: str = ""  # set when there is nothing kairos may fix for this run


def find_target(w: WorkflowFix) -> Target:
    """The pull request to comment on, the default branch, or why there is nothing to fix."""
    event, default_branch = w.event, w.project.default_branch
    if event.conclusion != "failure":
        return Target(None, f"the run concluded {event.conclusion or 'without a conclusion'}")
    if event.pull_numbers:
        return Target(event.pull_numbers[0])
    found = w.forge.find_pull_request_for_commit(event.head_sha)
    if found is not None:
        return Target(found.number)
    on_default = event.head_branch == default_branch and event.triggering_event != "pull_request"
    if on_default and not event.from_fork:
        return Target(None)
    branch = event.head_branch or "an unknown branch"
    return Target(
        None,
        f"the failed run is on {branch} with no open pull request: kairos fixes failures "
        f"on {default_branch} and in pull requests",
    )


def no_model_work(config: Config) -> str:
    if config.autonomy.level_for(TaskKind.FIX_TESTS) is Level.OBSERVE:
        return "autonomy.fix_tests is observe: no model work is done for it"
    return ""


def failing_in_run(w: WorkflowFix, memory: Memory) -> tuple[tuple[TestResult, ...], Worked]:
    """The failing tests the run's JUnit artifacts report (those memory judges flaky left
    out), and what reading the artifacts noted."""
    with tempfile.TemporaryDirectory(prefix="kairos-artifacts-") as workdir:
        reports = junit_from_run(w.forge, w.event.run_id, Path(workdir))
    notes = tuple(Skipped("artifacts", note) for note in reports.notes)
    failing = _not_flaky(reports.failing(), memory)
    return failing, Worked(
        skipped=notes if failing else (*notes, Skipped("fix_tests", NO_FAILING_TEST))
    )


def fix_for_run(
    w: WorkflowFix,
    target: Target,
    failing: tuple[TestResult, ...],
    base: Observed,
    recalled: Recalled,
) -> Worked:
    """The task's one entry for a failed run: fix what fails on the base too; say why the
    rest is left alone."""
    assert w.llm is not None
    p, memory = w.project, recalled.memory
    on_base = {t.id: t for t in base.evidence.failing()}
    elsewhere = PR_ONLY if target.pull else f"passes on {p.default_branch} at {w.base_sha[:12]}"
    held = {t.id: elsewhere for t in failing if t.id not in on_base}
    if target.pull is None:  # a fix PR on the default branch may already be open
        known = recalled.reconciled.known
        held |= {t.id: why for t in failing if (why := already_handled(t.id, memory, known))}
    request = FixRequest(
        repo=p.repo,
        base_sha=w.base_sha,
        config=p.config,
        runner=p.runner,
        base=replace(base.evidence, flaky=memory.flaky_tests()),
        targets=tuple(on_base[t.id] for t in failing if t.id in on_base and t.id not in held),
        llm=w.llm,
        budget=BudgetView.from_memory(p.config.budget, memory.spend, w.run.now),
        secrets=p.secrets,
        pull_request=target.pull,
        source=f"pull request #{target.pull}'s CI run" if target.pull else p.default_branch,
        passed=last_passes(memory.tests, [t.id for t in failing]),
    )
    done = fix_tests(request)
    return Worked(
        changes=done.changes,
        waiting={**held, **done.waiting_after({})},
        notes=model_notes(done, w.run.at),
        verifications=done.verifications,
    )


def comments(gated: Gated, target: Target, default_branch: str) -> tuple[Write, ...]:
    if target.pull is None:
        return ()
    return tuple(
        Write(
            f"fix_tests:pr{target.pull}:{s.change.branch.rsplit('/', 1)[-1]}",
            s.level,
            s.why[:2000],
            PostComment(target.pull, comment_body(s.change, default_branch, s.why)),
            TaskKind.FIX_TESTS,
        )
        for s in gated.suggestions
    )


def suggested(gated: Gated, target: Target) -> tuple[str, ...]:
    if target.pull is not None:
        return ()
    return tuple(
        f"suggested {s.change.title} ({s.change.branch}): {s.why}; the nightly run "
        "lists suggestions on the dashboard"
        for s in gated.suggestions
    )


def _not_flaky(tests: tuple[TestResult, ...], memory: Memory) -> tuple[TestResult, ...]:
    """Verification does not count the tests the last nightly judged flaky."""
    flaky = memory.flaky_tests()
    return tuple(t for t in tests if t.id not in flaky)


def situation_of(w: WorkflowFix, target: Target) -> Situation:
    """A failure on the default branch is about the default branch's own code: whoever
    pushed it, no one's trust is in play (as for a scheduled run). A PR's is."""
    if target.pull is None:
        return Situation(Trigger.WORKFLOW_RUN, None)
    actor = w.event.actor
    try:
        permission = w.forge.get_permission(actor.login)
    except NotFound:  # not a collaborator (an app's bot, a deleted user): no write access
        permission = Permission.NONE
    who = Actor(actor.login, permission, actor.is_bot)
    return Situation(Trigger.WORKFLOW_RUN, who, from_fork=w.event.from_fork)
