"""A planning run and a tick on a plan, built from the context and the real adapters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kairos_ci.agent import claude
from kairos_ci.agent.records import Charge
from kairos_ci.agent.redact import Redactor
from kairos_ci.agent.spend import BudgetView, to_journal
from kairos_ci.clock import to_iso
from kairos_ci.commands import adapters
from kairos_ci.commands.requests import PlanCommandRequest
from kairos_ci.config.load import load_config_at
from kairos_ci.context import Context
from kairos_ci.coordinator.answers import answers_in, apply_answers
from kairos_ci.coordinator.store import BoardStore
from kairos_ci.errors import GitError, InputError, MemoryError_, UsageError
from kairos_ci.events.records import IssueCommentCreated, IssueLabeled
from kairos_ci.git import Git
from kairos_ci.memory.store import MemoryStore
from kairos_ci.pipeline.plan import LogLine, PlanWiring, plan_id
from kairos_ci.pipeline.plan_baseline import ConfiguredBaseline
from kairos_ci.pipeline.plan_ticks import TickWiring
from kairos_ci.plan.bounds import PlanBounds
from kairos_ci.plan.checkpoints import DirectoryCheckpoints
from kairos_ci.plan.job import PlanSettings
from kairos_ci.plan.remembered import PlanSpend, Remembered, keep_spend, recall, remember
from kairos_ci.stages.remember import recall_or_forget

IssueOf = IssueLabeled | IssueCommentCreated  # the events a plan or a tick comes from


def plan_for(ctx: Context, request: PlanCommandRequest, issue: IssueOf, log: LogLine) -> PlanWiring:
    """A planning run on the checked-out default branch: the plan model and prices from
    its config, a spend cap within what the budget has left (memory, read only), the
    checkpoints in the state folder (the issue's recalled from the memory branch), and
    the baseline test run of its configured tests in the jail, on a copy of the checkout."""
    repo = request.repo
    state = plan_state(ctx, request)
    full_name = request.repository or ctx.repository or issue.repository.full_name
    git = Git(repo)
    config = load_config_at(repo, git.text("rev-parse", "--verify", "HEAD^{commit}"))
    forge = adapters.open_forge(ctx, full_name, dry_run=False)
    assert forge is not None  # without a token _forge raises
    memory = adapters.memory_for(ctx, repo, config)
    _recall_plans(memory, plan_id(issue.issue_number), state, log)
    recalled = recall_or_forget(memory)
    for note in recalled.notes:
        log(f"memory: {note}")
    left = BudgetView.from_memory(config.budget, recalled.memory.spend, ctx.clock())
    usd = min(PlanBounds().usd, left.headroom_usd())
    settings = PlanSettings(
        model=config.models.plan,
        prices=config.budget.prices,
        bounds=PlanBounds(usd=usd),
        critic=config.models.critic,
    )
    return PlanWiring(
        repository=full_name,
        forge=forge,
        git=git,
        store=DirectoryCheckpoints(state),
        clock=ctx.clock,
        llm=claude.from_context(ctx),
        baseline=ConfiguredBaseline(
            repo, config, adapters.command_runner(ctx, config, adapters.run_id_for(ctx, None), repo)
        ),
        settings=settings,
        log=log,
        redactor=Redactor.of(ctx.secrets()),
    )


def ticks_for(
    ctx: Context, request: PlanCommandRequest, issue: IssueOf, log: LogLine
) -> TickWiring:
    """Reading a tick needs GitHub, the issue's plan recalled from the memory branch, and
    the checkout (an approval is checked for staleness against it): no model."""
    full_name = request.repository or ctx.repository or issue.repository.full_name
    forge = adapters.open_forge(ctx, full_name, dry_run=False)
    assert forge is not None  # without a token _forge raises
    state = plan_state(ctx, request)
    repo = request.repo
    git = Git(repo)
    config = load_config_at(repo, git.text("rev-parse", "--verify", "HEAD^{commit}"))
    _recall_plans(adapters.memory_for(ctx, repo, config), plan_id(issue.issue_number), state, log)
    return TickWiring(forge, DirectoryCheckpoints(state), ctx.clock, log, git)


def _recall_plans(memory: MemoryStore, plan: str, state: Path, log: LogLine) -> None:
    """Without them a rerun starts afresh and a tick finds no plan: said, not fatal."""
    try:
        notes = recall(memory, plan, state)
    except (MemoryError_, GitError) as err:
        notes = (f"could not be read ({err}): planning goes on without them",)
    for note in notes:
        log(f"plans on the memory branch: {note}")


@dataclass(frozen=True)
class PlansKept:
    remembered: Remembered
    answered: tuple[str, ...]  # what each answer to a work's question came to on its board


def remember_plans(ctx: Context, request: PlanCommandRequest) -> PlansKept:
    """The state folder onto the memory branch the default branch's config names; then
    the answers ticked on plan comments onto their boards."""
    state = plan_state(ctx, request)
    if not state.is_dir():
        raise UsageError(f"--state {state}: no such folder of plans")
    repo = request.repo
    sha = Git(repo).text("rev-parse", "--verify", "HEAD^{commit}")
    config = load_config_at(repo, sha)
    memory = adapters.memory_for(ctx, repo, config)
    kept = remember(memory, state, sha)
    found, answered = answers_in(kept.taken)
    for plan, answers in found.items():
        try:
            answered += apply_answers(BoardStore(memory, plan), answers, ctx.clock())
        except InputError as err:  # a board that does not read: named, the others go on
            answered.append(f"{plan}: answers not applied: {err}")
    return PlansKept(kept, tuple(answered))


def keep_plan_spend(ctx: Context, request: PlanCommandRequest, charges: Sequence[Charge]) -> None:
    """This planning run's model spend, for the ``remember`` job to put in the ledger."""
    if not charges:
        return
    event = request.event or ctx.event_name or "plan"
    run_id = adapters.run_id_for(ctx, None)
    spend = PlanSpend(run_id, to_iso(ctx.clock()), event, to_journal(charges))
    keep_spend(plan_state(ctx, request), spend)


def plan_state(ctx: Context, request: PlanCommandRequest) -> Path:
    """Where plans and checkpoints are kept: never inside the checkout, whose
    ``git status`` must stay empty while planning."""
    state = request.state
    if state is None and ctx.runner_temp is not None:
        state = ctx.runner_temp / "kairos-ci" / "plans"
    if state is None:
        raise UsageError("no folder for plans: pass --state DIR (default: under RUNNER_TEMP)")
    if state.resolve().is_relative_to(request.repo.resolve()):
        raise UsageError(f"--state {state} is inside the checkout; planning must leave it clean")
    return state
