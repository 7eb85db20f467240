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

from kairos_ci.agent.claude import NO_KEY
from kairos_ci.agent.llm import Llm
from kairos_ci.agent.spend import BudgetView
from kairos_ci.bundle.apply import ApplySettings, apply
from kairos_ci.bundle.records import ApplyResult, Bundle, Kind, Status, Write
from kairos_ci.config.records import Config, Level, TaskKind
from kairos_ci.context import Secret
from kairos_ci.errors import NotFound
from kairos_ci.events.records import WorkflowRunCompleted
from kairos_ci.forge.branches import Branches
from kairos_ci.forge.port import Forge
from kairos_ci.memory.records import Memory
from kairos_ci.memory.store import MemoryStore
from kairos_ci.policy import autonomy
from kairos_ci.policy.records import Actor, Permission, Situation, Trigger
from kairos_ci.report.summary import RunReport, Skip
from kairos_ci.signals.records import TestResult
from kairos_ci.tasks import journal
from kairos_ci.tasks.board import opened_work
from kairos_ci.tasks.evidence import Evidence, gather
from kairos_ci.tasks.fix_tests import FixOutcome, FixRequest, fix_tests
from kairos_ci.tasks.fix_tests_artifacts import junit_from_run
from kairos_ci.tasks.fix_tests_body import comment_body
from kairos_ci.tasks.fix_tests_nightly import already_handled
from kairos_ci.tasks.gate import Gated, Known, gate
from kairos_ci.tasks.outcome import RunOutcome, spend_facts
from kairos_ci.tasks.reconcile import reconcile
from kairos_ci.tasks.records import RunInfo
from kairos_ci.verdicts.records import Verdict
from kairos_ci.workspace.commands import CommandRunner
from kairos_ci.workspace.scratch import scratch_checkout

TITLE = "kairos-ci fix-tests"
PR_ONLY = (
    "fails only with the pull request's changes: kairos does not run a pull request's "
    "code in a job that holds the model key"
)


@dataclass(frozen=True)
class WorkflowFix:
    """Everything one ``workflow_run`` fix needs, built by the command line."""

    event: WorkflowRunCompleted
    repo: Path
    repository: str
    default_branch: str
    base_sha: str  # the default branch's tip: the checkout this job runs on
    config: Config
    memory: MemoryStore
    forge: Forge
    branches: Branches | None  # None in a dry run
    runner: CommandRunner
    run: RunInfo
    llm: Llm | None
    secrets: tuple[Secret, ...] = ()
    dry_run: bool = False


@dataclass(frozen=True)
class Target:
    pull: int | None  # the PR to comment on; None: a failure on the default branch
    why_not: str = ""  # set when there is nothing kairos may fix for this run


def fix_failed_run(w: WorkflowFix) -> RunOutcome:
    target = find_target(w)
    why_not = target.why_not or _no_model_work(w)
    if why_not or w.llm is None:
        return _report(w, (Skip("fix_tests", why_not or NO_KEY),))
    loaded = w.memory.load()
    known = reconcile(loaded.memory, w.forge, w.config.dashboard.label, w.run.at)
    with tempfile.TemporaryDirectory(prefix="kairos-artifacts-") as workdir:
        reports = junit_from_run(w.forge, w.event.run_id, Path(workdir))
    notes = [Skip("artifacts", note) for note in reports.notes]
    failing = _not_flaky(reports.failing(), loaded.memory)
    if not failing:
        why = "the run's artifacts hold no failing JUnit test (not judged flaky)"
        return _report(w, (*notes, Skip("fix_tests", why)))
    base = _base_evidence(w)
    fixed, held = _fix(w, w.llm, target, failing, base, loaded.memory, known.known)
    situation = _situation(w, target)
    gated = gate(fixed.changes, w.config, situation, known.known, w.default_branch)
    writes = (*gated.writes, *_comments(gated, target, w.default_branch))
    bundle = Bundle(w.repository, writes, journal.created_by(w.run))
    applied = apply(
        bundle, w.forge, w.branches, ApplySettings(w.config, dry_run=w.dry_run, secrets=w.secrets)
    )
    identities = {c.branch: c.identity for c in fixed.changes}
    work = opened_work(applied, w.run.at, known.known.work, identities)
    record = journal.build(w.run, w.base_sha, base, {}, {}, known, gated, applied, work, fixed)
    read_only = "dry run: memory not saved" if w.dry_run else autonomy.memory_refusal(situation)
    if not read_only:
        w.memory.save(record)
    waiting = {**held, **fixed.waiting_after({})}
    skips = (*notes, *(Skip(f"fix_tests ({t})", why) for t, why in sorted(waiting.items())))
    skips += tuple(Skip(s.task, s.why) for s in gated.skipped)
    memory_line = f"memory: {read_only}" if read_only else "memory: saved"
    done = _report(w, skips, applied, bundle, fixed, (memory_line, *_suggested(gated, target)))
    return replace(done, verifications=fixed.verifications)


def find_target(w: WorkflowFix) -> Target:
    event = w.event
    if event.conclusion != "failure":
        return Target(None, f"the run concluded {event.conclusion or 'without a conclusion'}")
    if event.pull_numbers:
        return Target(event.pull_numbers[0])
    found = w.forge.find_pull_request_for_commit(event.head_sha)
    if found is not None:
        return Target(found.number)
    on_default = event.head_branch == w.default_branch and event.triggering_event != "pull_request"
    if on_default and not event.from_fork:
        return Target(None)
    branch = event.head_branch or "an unknown branch"
    return Target(
        None,
        f"the failed run is on {branch} with no open pull request: kairos fixes failures "
        f"on {w.default_branch} and in pull requests",
    )


def _no_model_work(w: WorkflowFix) -> str:
    if w.config.autonomy.level_for(TaskKind.FIX_TESTS) is Level.OBSERVE:
        return "autonomy.fix_tests is observe: no model work is done for it"
    return ""


def _fix(
    w: WorkflowFix,
    llm: Llm,
    target: Target,
    failing: tuple[TestResult, ...],
    base: Evidence,
    memory: Memory,
    known: Known,
) -> tuple[FixOutcome, dict[str, str]]:
    """Fix what fails on the base too; say why the rest is left alone."""
    on_base = {t.id: t for t in base.failing()}
    elsewhere = PR_ONLY if target.pull else f"passes on {w.default_branch} at {w.base_sha[:12]}"
    held = {t.id: elsewhere for t in failing if t.id not in on_base}
    if target.pull is None:  # a fix PR on the default branch may already be open
        held |= {t.id: why for t in failing if (why := already_handled(t.id, memory, known))}
    request = FixRequest(
        repo=w.repo,
        base_sha=w.base_sha,
        config=w.config,
        runner=w.runner,
        base=replace(base, flaky=_flaky(memory)),
        targets=tuple(on_base[t.id] for t in failing if t.id in on_base and t.id not in held),
        llm=llm,
        budget=BudgetView.from_memory(w.config.budget, memory.spend, w.run.now),
        secrets=w.secrets,
        pull_request=target.pull,
        source=f"pull request #{target.pull}'s CI run" if target.pull else w.default_branch,
    )
    return fix_tests(request), held


def _comments(gated: Gated, target: Target, default_branch: str) -> tuple[Write, ...]:
    if target.pull is None:
        return ()
    return tuple(
        Write(
            Kind.COMMENT,
            f"fix_tests:pr{target.pull}:{s.change.branch.rsplit('/', 1)[-1]}",
            s.level,
            s.why[:2000],
            {"number": target.pull},
            {"body": comment_body(s.change, default_branch, s.why)},
            TaskKind.FIX_TESTS,
        )
        for s in gated.suggestions
    )


def _suggested(gated: Gated, target: Target) -> tuple[str, ...]:
    if target.pull is not None:
        return ()
    return tuple(
        f"suggested {s.change.title} ({s.change.branch}): {s.why}; the nightly run "
        "lists suggestions on the dashboard"
        for s in gated.suggestions
    )


def _not_flaky(tests: tuple[TestResult, ...], memory: Memory) -> tuple[TestResult, ...]:
    flaky = _flaky(memory)
    return tuple(t for t in tests if t.id not in flaky)


def _flaky(memory: Memory) -> frozenset[str]:
    """The tests the last nightly run judged flaky: verification does not count them."""
    return frozenset(test_id for test_id, r in memory.tests.items() if r.verdict is Verdict.FLAKY)


def _base_evidence(w: WorkflowFix) -> Evidence:
    with scratch_checkout(w.repo, w.base_sha) as scratch:
        return gather(scratch.path, w.config, w.runner, run_commands=True)


def _situation(w: WorkflowFix, target: Target) -> Situation:
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


def _report(
    w: WorkflowFix,
    skips: tuple[Skip, ...],
    applied: ApplyResult | None = None,
    bundle: Bundle | None = None,
    fixed: FixOutcome | None = None,
    notes: tuple[str, ...] = (),
) -> RunOutcome:
    applied = applied or ApplyResult(())
    done = [
        f"{o.write.describe()}: {o.status.value}" + (f" ({o.reason})" if o.reason else "")
        for o in applied.outcomes
        if o.status is not Status.FAILED
    ]
    event = w.event
    facts = (
        ("run", f"{event.name} #{event.run_id} ({event.triggering_event}, {event.conclusion})"),
        ("commit", event.head_sha[:12]),
        ("fixes target", f"{w.default_branch} at {w.base_sha[:12]}"),
        *spend_facts(fixed.spend if fixed else {}, w.config),
    )
    title = TITLE + (" (dry run)" if w.dry_run else "")
    failed = [f"{o.write.describe()}: {o.reason}" for o in applied.failed]
    report = RunReport(title, facts, (*done, *notes), skips, tuple(failed))
    bundle = bundle or Bundle(w.repository, (), journal.created_by(w.run))
    return RunOutcome(report, bundle, applied, 1 if failed else 0)
