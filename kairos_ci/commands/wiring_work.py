"""A worker on an issue's approved plan, built from the context and the real adapters."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from kairos_ci.agent import claude
from kairos_ci.agent.redact import Redactor
from kairos_ci.agent.spend import BudgetView
from kairos_ci.commands import adapters
from kairos_ci.commands.requests import WorkRequest
from kairos_ci.config.load import load_config_at
from kairos_ci.config.records import Config
from kairos_ci.context import Context
from kairos_ci.coordinator.agent_step import AgentSteps, StepWiring, Suite
from kairos_ci.coordinator.evidence import SuiteRun, suite_run
from kairos_ci.coordinator.progress import ProgressView, owner_name
from kairos_ci.coordinator.records import Board
from kairos_ci.coordinator.seed import Budgets
from kairos_ci.coordinator.store import BoardStore
from kairos_ci.coordinator.track import Track, track_of
from kairos_ci.coordinator.worker import StepRunner, WorkerSettings
from kairos_ci.errors import ForgeError, UsageError
from kairos_ci.forge.port import Forge
from kairos_ci.git import Git
from kairos_ci.isolation.detect import find_jail
from kairos_ci.memory.store import MemoryStore
from kairos_ci.pipeline.integrate import IntegrateWiring
from kairos_ci.pipeline.plan import plan_id
from kairos_ci.pipeline.work import WorkWiring, plan_comment
from kairos_ci.plan.records import Plan
from kairos_ci.plan.remembered import remembered_plan
from kairos_ci.policy.records import Situation, Trigger
from kairos_ci.stages.board_plans import plan_sections
from kairos_ci.stages.dashboard_write import plans_refresh
from kairos_ci.stages.evidence import run_tests
from kairos_ci.stages.remember import (
    every_board,
    recall_or_forget,
    recall_or_forget_with_boards,
)
from kairos_ci.stages.step_evidence import StepEvidence
from kairos_ci.workspace.commands import CommandRunner
from kairos_ci.workspace.imports import imported_from_outside


def work_for(ctx: Context, request: WorkRequest) -> WorkWiring:
    """A worker on the checked-out default branch: the plan and its board on the memory
    branch its config names, the agent with the work model, the jail for every command."""
    repo = request.repo
    git = Git(repo)
    config = load_config_at(repo, git.text("rev-parse", "--verify", "HEAD^{commit}"))
    memory = adapters.memory_for(ctx, repo, config)
    key = plan_id(request.issue)
    # One read of memory: the ledger (the worker's share, each attempt's budget), the
    # tests the last nightly judged flaky (a step's suite check does not count them) and
    # every plan's board (the track record each step's tier is chosen by).
    recalled, boards = recall_or_forget_with_boards(memory)
    remembered = recalled.memory
    budget = BudgetView.from_memory(config.budget, remembered.spend, ctx.clock())
    settled = _Settled(
        config,
        budget,
        remembered.flaky_tests(),
        _evidence(ctx, request),
        track_of(boards.values()),
    )
    settings = WorkerSettings(
        owner=_owner(ctx, request.worker),
        deadline=timedelta(minutes=request.minutes),
        budget_usd=budget.headroom_usd(),
    )
    plan = remembered_plan(memory, key)
    return WorkWiring(
        plan=plan,
        git=git,
        boards=BoardStore(memory, key),
        runner=lambda plan: _runner(ctx, request, settled, plan),
        clock=ctx.clock,
        settings=settings,
        budgets=Budgets(per_task_usd=config.budget.per_run_usd),
        on_finished=_progress(ctx, plan),
        evidence=settled.evidence,
        track=settled.track,
    )


def _evidence(ctx: Context, request: WorkRequest) -> StepEvidence | None:
    """Under Actions, where the nightly keeps its evidence, one folder per worker (legs
    may share a runner's temporary directory); a local run has no artifact to fill."""
    leg = re.sub(r"[^A-Za-z0-9._-]+", "-", request.worker).strip("-")[:40] or "1"
    return _evidence_in(ctx, f"work-{leg}")


def _evidence_in(ctx: Context, name: str) -> StepEvidence | None:
    if ctx.runner_temp is None:
        return None
    return StepEvidence(
        ctx.runner_temp / "kairos-ci" / "evidence" / name, Redactor.of(ctx.secrets())
    )


def _progress(ctx: Context, plan: Plan | None) -> Callable[[Board], None] | None:
    """The plan's progress, and the questions its work raised, in the plan comment."""
    show = _progress_with(ctx, plan)
    return None if show is None else lambda board: show(board, "")


def _progress_with(ctx: Context, plan: Plan | None) -> Callable[[Board, str], None] | None:
    """The plan's progress, with integration's full-suite line ("" for none), until the
    next worker's update replaces it."""
    if ctx.github_token is None or not ctx.repository or plan is None:
        return None
    forge = adapters.open_forge(ctx, ctx.repository, dry_run=False)
    assert forge is not None  # a token is set
    runs = f"{ctx.server_url}/{ctx.repository}/actions/runs"

    def show(board: Board, full_suite: str) -> None:
        view = ProgressView(ctx.clock(), runs, full_suite=full_suite)
        try:
            forge.ensure_comment(plan_comment(plan, board, view))
        except ForgeError:
            return  # the board is the truth; the comment catches up at the next task

    return show


def _owner(ctx: Context, worker: str) -> str:
    """``<run id>.<attempt>/work/<leg>``: the tracker links it to the run."""
    run_id = adapters.run_id_for(ctx, None)
    try:
        return owner_name(run_id, "work", int(worker))
    except ValueError:  # not an Actions run, or a leg that is not a number: no link
        return f"{run_id}/work/{worker}"


def integrate_for(ctx: Context, request: WorkRequest) -> IntegrateWiring:
    """Integration on the checked-out default branch: the plan and its board on the
    memory branch, merges checked in the jail, one pull request per slice, then the
    configured suite once on them all, in the jail, judged as a step's suite check is."""
    repo = request.repo
    config = load_config_at(repo, Git(repo).text("rev-parse", "--verify", "HEAD^{commit}"))
    memory = adapters.memory_for(ctx, repo, config)
    key = plan_id(request.issue)
    if not ctx.repository:
        raise UsageError("GITHUB_REPOSITORY is not set: integration opens pull requests there")
    forge = adapters.open_forge(ctx, ctx.repository, dry_run=False)
    assert forge is not None  # without a token open_forge raises
    plan = remembered_plan(memory, key)
    return IntegrateWiring(
        plan=plan,
        boards=BoardStore(memory, key),
        repo=repo,
        branches=adapters.branches_for(ctx, repo),
        pulls=forge,
        runner=lambda: _jailed(ctx, config, repo),
        clock=ctx.clock,
        default_branch=adapters.default_branch(repo, None),
        suite=lambda: _suite(config, _jailed(ctx, config, repo)),
        flaky=recall_or_forget(memory).memory.flaky_tests(),
        on_proposed=_progress_with(ctx, plan),
        dashboard=lambda: _plans_on_dashboard(ctx, memory, config, forge),
        evidence=_evidence_in(ctx, "integrate"),
    )


def _plans_on_dashboard(ctx: Context, memory: MemoryStore, config: Config, forge: Forge) -> str:
    """The dashboard's plans section as every board now shows it (the nightly brings the
    rest up to date), and a line saying so; "" when nothing changed. A dashboard that
    cannot be written is a note, never a failure."""
    boards, _ = every_board(memory)
    runs = f"{ctx.server_url}/{ctx.repository}/actions/runs"
    plans = plan_sections(boards, ctx.clock(), runs)
    trigger = Trigger(ctx.event_name) if ctx.event_name in set(Trigger) else Trigger.SCHEDULE
    try:
        spec = plans_refresh(
            forge.get_dashboard(config.dashboard.label), plans, config, Situation(trigger, None)
        )
        if spec is None:
            return ""  # no plan's section changed, or no nightly made the dashboard yet
        forge.ensure_dashboard(spec)
    except ForgeError as err:
        return f"dashboard: not updated: {err}"
    return "dashboard: the plans section is up to date"


def _jailed(ctx: Context, config: Config, repo: Path) -> CommandRunner:
    jail = find_jail(adapters.jail_setup(ctx))
    if jail.jail is None:
        raise UsageError(f"no sandbox for the model's code: {'; '.join(jail.problems)}")
    return adapters.command_runner(ctx, config, adapters.run_id_for(ctx, None), repo)


@dataclass(frozen=True)
class _Settled:
    """What a worker knows before its first step: config, budget and memory's verdicts."""

    config: Config
    budget: BudgetView
    flaky: frozenset[str]
    evidence: StepEvidence | None  # where each attempt's evidence goes, under Actions
    track: Track  # every board's attempts: each step's tier and corrected estimate


def _runner(ctx: Context, request: WorkRequest, settled: _Settled, plan: Plan) -> StepRunner:
    config = settled.config
    llm = claude.from_context(ctx)
    if llm is None:
        raise UsageError("no ANTHROPIC_API_KEY: a worker needs the model to carry out steps")
    repo = request.repo
    commands = _jailed(ctx, config, repo)
    wiring = StepWiring(
        repo=repo,
        plan=plan,
        config=config,
        llm=llm,
        commands=commands,
        branches=adapters.branches_for(ctx, repo),
        budget=settled.budget,
        default_branch=adapters.default_branch(repo, None),
        suite=_suite(config, commands),
        secrets=ctx.secrets(),
        flaky=settled.flaky,
        evidence=settled.evidence,
        track=settled.track,
    )
    return AgentSteps(wiring)


def _suite(config: Config, commands: CommandRunner) -> Suite | None:
    """The configured tests on a step's tree, in the jail, read from their JUnit reports."""
    if config.tests.run is None:
        return None
    argv = config.tests.run.argv

    def run(tree: Path) -> SuiteRun:
        # Tests that would import an installed copy verify that copy, not the tree.
        outside = imported_from_outside(commands, tree, argv)
        if outside:
            return suite_run((), outside)
        tests, command, errors = run_tests(tree, config, commands, run_commands=True)
        started = command.error if command is not None and command.error else ""
        return suite_run(tests, "" if tests else started or (str(errors[0]) if errors else ""))

    return run
