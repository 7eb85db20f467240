"""One short function per entrypoint, reading top to bottom like the pipeline:
memory -> reconcile -> evidence -> history -> work -> gate -> act -> memory -> report."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from kairos_ci.agent.llm import Llm
from kairos_ci.bundle.apply import ApplySettings, apply
from kairos_ci.bundle.records import ApplyResult, Bundle, Kind, Write
from kairos_ci.config.records import Config, TaskKind
from kairos_ci.context import Secret
from kairos_ci.deps.nightly import DepsOutcome, nightly_updates
from kairos_ci.errors import UsageError
from kairos_ci.forge.branches import Branches
from kairos_ci.forge.port import Forge
from kairos_ci.git import Git
from kairos_ci.memory.mac import UNAUTHENTICATED
from kairos_ci.memory.records import Memory
from kairos_ci.memory.store import MemoryStore
from kairos_ci.policy.records import Situation
from kairos_ci.tasks import journal, outcome
from kairos_ci.tasks.board import BoardInput, board, opened_work
from kairos_ci.tasks.dashboard_write import dashboard_write
from kairos_ci.tasks.evidence import Evidence, gather, run_tests
from kairos_ci.tasks.fix_lint import fix_lint
from kairos_ci.tasks.fix_tests import FixOutcome
from kairos_ci.tasks.fix_tests_nightly import nightly_fix
from kairos_ci.tasks.gate import Known, gate
from kairos_ci.tasks.history import entries, thresholds
from kairos_ci.tasks.reconcile import offline, reconcile
from kairos_ci.tasks.records import ProposedChange, RunInfo, Skipped, VerificationRun
from kairos_ci.verdicts.history import judge, judged_flaky
from kairos_ci.verdicts.records import TestVerdict
from kairos_ci.workspace.commands import CommandRunner
from kairos_ci.workspace.scratch import scratch_checkout


@dataclass(frozen=True)
class Nightly:
    """Everything the nightly run needs, built by the command line (the composition root)."""

    repo: Path
    repository: str  # OWNER/NAME
    default_branch: str
    base_sha: str  # the default branch's tip this run works on
    config: Config
    memory: MemoryStore
    forge: Forge | None  # None: a dry run without a token
    branches: Branches | None
    runner: CommandRunner
    situation: Situation
    run: RunInfo
    tasks: frozenset[TaskKind]
    dry_run: bool
    model_available: bool
    llm: Llm | None = None  # None without an API key: model tasks wait, with the reason
    secrets: tuple[Secret, ...] = ()  # redacted from all the model sees and says
    pip_index_url: Secret | None = None  # a private index may carry credentials


_log = logging.getLogger(__name__)


def nightly(n: Nightly) -> outcome.RunOutcome:
    loaded = n.memory.load()
    known = (
        reconcile(loaded.memory, n.forge, n.config.dashboard.label, n.run.at)
        if n.forge is not None
        else offline(loaded.memory)
    )
    evidence = _evidence(n)
    _log.info(
        "evidence gathered: %d tests, %d linters, %d tools did not run",
        len(evidence.tests),
        len(evidence.lint),
        len(evidence.not_run),
    )
    results = entries(
        evidence.tests, sha=n.base_sha, tree=_tree(n), run_id=n.run.run_id, at=n.run.at
    )
    verdicts = judge(journal.histories(loaded.memory, results), n.run.now, thresholds(n.config))
    changes, skipped = _work(n, replace(evidence, flaky=judged_flaky(verdicts)))
    fixed = _fix_tests(n, evidence, verdicts, loaded.memory, known.known)
    _log.info("fix attempted: %s", "a change" if fixed.change is not None else "no change")
    changes += fixed.changes
    updates = _update_deps(n, loaded.memory)
    changes += updates.changes
    skipped += updates.skipped
    gated = gate(changes, n.config, n.situation, known.known, n.default_branch)
    waiting = fixed.waiting_after(outcome.waiting_for_agent(evidence, verdicts, n.model_available))
    view = BoardInput(
        config=n.config,
        memory=loaded.memory,
        this_run=journal.run_record(n.run, n.base_sha, evidence),
        work=known.known.work,
        planned=_planned(gated.writes),
        verdicts=verdicts,
        waiting=waiting,
        suggestions=gated.suggestions,
        memory_notes=loaded.notes,
        attention=evidence.not_run,  # a tool that did not run needs a human
        spend=fixed.spend,
    )
    writes: list[Write] = list(gated.writes)
    writes += dashboard_write(board(view), n.config, n.situation, known.dashboard)
    bundle = Bundle(n.repository, tuple(writes), journal.created_by(n.run))
    _log.info("applying %d writes%s", len(writes), " (dry run)" if n.dry_run else "")
    applied = _act(n, bundle)
    identities = {change.branch: change.identity for change in changes}
    work = opened_work(applied, n.run.at, known.known.work, identities)
    record = journal.build(
        n.run, n.base_sha, evidence, results, verdicts, known, gated, applied, work, fixed
    )
    saved = None if n.dry_run else n.memory.save(record)
    summary = outcome.summarise(
        n.run,
        n.config,
        evidence=evidence,
        verdicts=verdicts,
        gated=gated,
        skipped=(*skipped, *gated.skipped),
        waiting=waiting,
        bundle=bundle,
        applied=applied,
        saved=saved,
        memory_notes=loaded.notes,
        dry_run=n.dry_run,
        spend=fixed.spend,
    )
    if not loaded.keyed:  # the repository's choice, not a problem: say how to close the gap
        advice = (*summary.report.advice, UNAUTHENTICATED)
        summary = replace(summary, report=replace(summary.report, advice=advice))
    return replace(summary, verifications=_verifications(changes, fixed))


def _verifications(changes: list[ProposedChange], fixed: FixOutcome) -> tuple[VerificationRun, ...]:
    """Every verification that ran, published or refused (a refused fix has no change)."""
    found = [c.evidence for c in changes if c.evidence is not None]
    if fixed.change is None:
        found += fixed.verifications
    return tuple(found)


def _evidence(n: Nightly) -> Evidence:
    with scratch_checkout(n.repo, n.base_sha) as scratch:
        evidence = gather(scratch.path, n.config, n.runner, run_commands=True)
    if n.config.tests.run is not None:
        return evidence
    # No test command: read the reports an earlier step of the workflow left behind.
    tests, _, errors = run_tests(n.repo, n.config, n.runner, run_commands=False)
    return replace(evidence, tests=tests, errors=(*evidence.errors, *errors))


def _work(n: Nightly, evidence: Evidence) -> tuple[list[ProposedChange], list[Skipped]]:
    changes: list[ProposedChange] = []
    skipped: list[Skipped] = []
    if TaskKind.FIX_LINT not in n.tasks:
        return changes, skipped
    for linter in n.config.linters:
        done = fix_lint(n.repo, n.base_sha, linter, n.config, n.runner, evidence)
        if isinstance(done, ProposedChange):
            changes.append(done)
        else:
            skipped.append(done)
    return changes, skipped


def _fix_tests(
    n: Nightly,
    evidence: Evidence,
    verdicts: Mapping[str, TestVerdict],
    memory: Memory,
    known: Known,
) -> FixOutcome:
    if TaskKind.FIX_TESTS not in n.tasks or n.llm is None:
        return FixOutcome()
    return nightly_fix(
        n.llm,
        n.config,
        n.repo,
        n.base_sha,
        n.runner,
        evidence,
        verdicts,
        memory,
        known,
        n.run.now,
        n.secrets,
    )


def _update_deps(n: Nightly, memory: Memory) -> DepsOutcome:
    if TaskKind.UPDATE_DEPS not in n.tasks:
        return DepsOutcome()
    return nightly_updates(
        n.repo, n.base_sha, n.config, n.runner, memory, n.pip_index_url, n.run.now
    )


def _act(n: Nightly, bundle: Bundle) -> ApplyResult:
    settings = ApplySettings(config=n.config, dry_run=n.dry_run, secrets=n.secrets)
    return apply(bundle, n.forge, n.branches, settings)


def _planned(writes: tuple[Write, ...]) -> tuple[tuple[str, str], ...]:
    return tuple(
        (str(w.target["branch"]), w.task.value if w.task else "")
        for w in writes
        if w.kind is Kind.PULL_REQUEST
    )


def _tree(n: Nightly) -> str:
    return Git(n.repo).text("rev-parse", f"{n.base_sha}^{{tree}}")


def task_kinds(requested: Mapping[str, str] | None) -> frozenset[TaskKind]:
    """The tasks a run does: all of them, or those a workflow_dispatch input names."""
    names = (requested or {}).get("tasks", "").replace(",", " ").split()
    known = {kind.value for kind in TaskKind}
    unknown = [name for name in names if name not in known]
    if unknown:
        choices = ", ".join(sorted(known))
        raise UsageError(f"unknown task {unknown[0]!r} in the `tasks` input; expected {choices}")
    return frozenset(TaskKind(name) for name in names) if names else frozenset(TaskKind)
