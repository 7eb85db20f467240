"""The nightly run (``schedule``, ``workflow_dispatch``), as its table of contents:
recall -> observe -> work -> gate -> act -> keep -> report."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace

from kairos_ci.agent.llm import Llm
from kairos_ci.agent.spend import BudgetView
from kairos_ci.bundle.records import Write
from kairos_ci.config.records import TaskKind
from kairos_ci.context import Secret
from kairos_ci.coordinator.records import Board
from kairos_ci.errors import UsageError
from kairos_ci.git import Git
from kairos_ci.notify import alerts
from kairos_ci.notify.notifier import Notifier
from kairos_ci.notify.records import Alert
from kairos_ci.policy.records import BudgetState
from kairos_ci.stages import journal, outcome
from kairos_ci.stages.act import act, planned
from kairos_ci.stages.board import BoardInput, board, failure_messages
from kairos_ci.stages.dashboard_write import dashboard_write
from kairos_ci.stages.evidence import gather, run_tests
from kairos_ci.stages.gate import Gated, gate
from kairos_ci.stages.history import entries, thresholds
from kairos_ci.stages.records import Project, RunInfo
from kairos_ci.stages.remember import DRY_RUN, keep, recall_with_boards
from kairos_ci.stages.state import Finished, Observed, Recalled, Worked
from kairos_ci.tasks.deps.nightly import nightly_updates
from kairos_ci.tasks.fix_lint.task import fix_linters
from kairos_ci.tasks.fix_tests.nightly import Night, model_notes, nightly_fix
from kairos_ci.verdicts.history import judge, judged_flaky
from kairos_ci.workspace.scratch import scratch_checkout

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Nightly:
    """Everything the nightly run needs, built by the command line (the composition root)."""

    project: Project
    base_sha: str  # the default branch's tip this run works on
    run: RunInfo
    tasks: frozenset[TaskKind]
    model_available: bool
    llm: Llm | None = None  # None without an API key: model tasks wait, with the reason
    pip_index_url: Secret | None = None  # a private index may carry credentials
    notifier: Notifier | None = None  # webhook alerts; None when no webhook is configured
    server_url: str = "https://github.com"  # where the run's page is: the dashboard links it


def nightly(n: Nightly) -> outcome.RunOutcome:
    p = n.project
    # The coordinator's task boards come with memory, from the same fetch: the dashboard
    # shows each plan's progress.
    recalled, boards = recall_with_boards(p.memory, p.forge, p.config.dashboard.label, n.run.at)
    observed = observe(n, recalled)
    worked = work(n, recalled, observed)
    gated = gate(worked.changes, p.config, p.situation, recalled.reconciled.known, p.default_branch)
    shown = _with_escalations(observed, gated)
    writes = (*gated.writes, *dashboard(n, recalled, shown, worked, gated, boards))
    acted = act(p, n.run, writes, recalled, worked)
    done = Finished(n.run, n.base_sha, recalled, observed, worked, gated, acted)
    kept = keep(p.memory, journal.build(done), DRY_RUN if n.run.dry_run else "")
    if n.notifier is not None and not n.run.dry_run:
        n.notifier.send(_alerts(n, recalled, worked, gated))
    return outcome.summarise(done, outcome.nightly_heading(done, p.config), kept)


def _with_escalations(observed: Observed, gated: Gated) -> Observed:
    """The dashboard's "needs your attention" lines come from the evidence: escalated work
    joins them there, naming the rule and the people to notify."""
    lines = tuple(escalation.alert() for escalation in gated.escalations)
    if not lines:
        return observed
    evidence = replace(observed.evidence, not_run=(*observed.evidence.not_run, *lines))
    return replace(observed, evidence=evidence)


def _alerts(n: Nightly, recalled: Recalled, worked: Worked, gated: Gated) -> tuple[Alert, ...]:
    """The run's urgent alerts: escalated work, an exhausted budget, unreadable memory."""
    spent = sum(spend.usd for spend in worked.notes.spend.values())
    budget = BudgetView.from_memory(n.project.config.budget, recalled.memory.spend, n.run.now)
    budget = replace(budget, run_usd=spent)
    raised = [alerts.escalated(escalation) for escalation in gated.escalations]
    if budget.state() is BudgetState.EXHAUSTED:
        raised.append(alerts.budget_exhausted(budget.why()))
    if recalled.notes:
        raised.append(alerts.memory_unreadable(recalled.notes))
    return tuple(raised)


def observe(n: Nightly, recalled: Recalled) -> Observed:
    """The base commit's tests and linters, and what memory makes of the tests."""
    p = n.project
    with scratch_checkout(p.repo, n.base_sha) as scratch:
        evidence = gather(scratch.path, p.config, p.runner, run_commands=True)
    if p.config.tests.run is None:
        # No test command: read the reports an earlier step of the workflow left behind.
        tests, _, errors = run_tests(p.repo, p.config, p.runner, run_commands=False)
        evidence = replace(evidence, tests=tests, errors=(*evidence.errors, *errors))
    _log.info(
        "evidence gathered: %d tests, %d linters, %d tools did not run",
        len(evidence.tests),
        len(evidence.lint),
        len(evidence.not_run),
    )
    tree = Git(p.repo).text("rev-parse", f"{n.base_sha}^{{tree}}")
    results = entries(evidence.tests, sha=n.base_sha, tree=tree, run_id=n.run.run_id, at=n.run.at)
    histories = journal.histories(recalled.memory, results)
    verdicts = judge(histories, n.run.now, thresholds(p.config))
    return Observed(replace(evidence, flaky=judged_flaky(verdicts)), results, verdicts, histories)


def work(n: Nightly, recalled: Recalled, observed: Observed) -> Worked:
    """Each task the run does, in turn: lint fixes, test fixes, dependency updates."""
    p = n.project
    waiting = outcome.waiting_for_agent(observed.evidence, observed.verdicts, n.model_available)
    linted = Worked()
    if TaskKind.FIX_LINT in n.tasks:
        open_work = recalled.reconciled.known.work
        linted = fix_linters(p.repo, n.base_sha, p.config, p.runner, observed.evidence, open_work)
    fixed = Worked(waiting=waiting)
    if TaskKind.FIX_TESTS in n.tasks and n.llm is not None:
        evidence = replace(observed.evidence, flaky=frozenset())  # the task judges flakiness
        night = Night(
            n.llm, p.config, p.repo, n.base_sha, p.runner, evidence, recalled.memory,
            n.run.now, p.secrets,
        )  # fmt: skip
        done = nightly_fix(night, observed.verdicts, recalled.reconciled.known)
        _log.info("fix attempted: %s", "a change" if done.change is not None else "no change")
        verifications = done.verifications if done.change is None else ()
        fixed = Worked(
            done.changes, (), done.waiting_after(waiting), model_notes(done, n.run.at),
            verifications,
        )  # fmt: skip
    updated = Worked()
    if TaskKind.UPDATE_DEPS in n.tasks:
        deps = nightly_updates(
            p.repo, n.base_sha, p.config, p.runner, recalled.memory, n.pip_index_url, n.run.now
        )
        updated = Worked(deps.changes, deps.skipped)
    return _together(linted, fixed, updated)


def _together(linted: Worked, fixed: Worked, updated: Worked) -> Worked:
    """One record of the tasks' work; a published change carries its own verification."""
    changes = (*linted.changes, *fixed.changes, *updated.changes)
    published = tuple(c.evidence for c in changes if c.evidence is not None)
    return Worked(
        changes=changes,
        skipped=(*linted.skipped, *fixed.skipped, *updated.skipped),
        waiting=fixed.waiting,
        notes=fixed.notes,
        verifications=(*published, *fixed.verifications),
        reused=linted.reused,
    )


def dashboard(
    n: Nightly,
    recalled: Recalled,
    observed: Observed,
    worked: Worked,
    gated: Gated,
    boards: Mapping[str, Board],
) -> tuple[Write, ...]:
    """The dashboard issue's one write: this run, open work, suggestions, attention, and
    the progress of each approved plan with work left."""
    p = n.project
    view = BoardInput(
        config=p.config,
        memory=recalled.memory,
        this_run=journal.run_record(n.run, n.base_sha, observed.evidence),
        work=recalled.reconciled.known.work,
        planned=planned(gated.writes),
        verdicts=observed.verdicts,
        waiting=worked.waiting,
        suggestions=gated.suggestions,
        memory_notes=recalled.notes,
        attention=observed.evidence.not_run,  # a tool that did not run needs a human
        stale=worked.notes.stale,
        spend=worked.notes.spend,
        histories=observed.histories,
        messages=failure_messages(observed.evidence.tests),
        runs_url=f"{n.server_url}/{p.repository}/actions/runs",
        boards=boards,
    )
    return tuple(dashboard_write(board(view), p.config, p.situation, recalled.reconciled.dashboard))


def task_kinds(requested: Mapping[str, str] | None) -> frozenset[TaskKind]:
    """The tasks a run does: all of them, or those a workflow_dispatch input names."""
    names = (requested or {}).get("tasks", "").replace(",", " ").split()
    known = {kind.value for kind in TaskKind}
    unknown = [name for name in names if name not in known]
    if unknown:
        choices = ", ".join(sorted(known))
        raise UsageError(f"unknown task {unknown[0]!r} in the `tasks` input; expected {choices}")
    return frozenset(TaskKind(name) for name in names) if names else frozenset(TaskKind)
