"""A worker on an issue's approved plan, built from the context and the real adapters."""

from __future__ import annotations

import json
from datetime import timedelta

from kairos_ci.agent import claude
from kairos_ci.agent.spend import BudgetView
from kairos_ci.commands import adapters
from kairos_ci.commands.requests import WorkRequest
from kairos_ci.config.load import load_config_at
from kairos_ci.config.records import Config
from kairos_ci.context import Context
from kairos_ci.coordinator.agent_step import AgentSteps, StepWiring
from kairos_ci.coordinator.seed import Budgets
from kairos_ci.coordinator.store import BoardStore
from kairos_ci.coordinator.worker import StepRunner, WorkerSettings
from kairos_ci.errors import UsageError
from kairos_ci.git import Git
from kairos_ci.isolation.detect import find_jail
from kairos_ci.memory.names import PLANS_DIR
from kairos_ci.memory.store import MemoryStore
from kairos_ci.pipeline.plan import plan_id
from kairos_ci.pipeline.work import WorkWiring
from kairos_ci.plan.codec import plan_from_json
from kairos_ci.plan.records import Plan
from kairos_ci.plan.remembered import CURRENT_FILE
from kairos_ci.stages.remember import recall_or_forget


def work_for(ctx: Context, request: WorkRequest) -> WorkWiring:
    """A worker on the checked-out default branch: the plan and its board on the memory
    branch its config names, the agent with the work model, the jail for every command."""
    repo = request.repo
    git = Git(repo)
    config = load_config_at(repo, git.text("rev-parse", "--verify", "HEAD^{commit}"))
    memory = adapters.memory_for(ctx, repo, config)
    key = plan_id(request.issue)
    run_id = adapters.run_id_for(ctx, None)
    settings = WorkerSettings(
        owner=f"{run_id}/{request.worker}",
        deadline=timedelta(minutes=request.minutes),
        budget_usd=_headroom(ctx, memory, config),
    )
    return WorkWiring(
        plan=_current_plan(memory, key),
        git=git,
        boards=BoardStore(memory, key),
        runner=lambda plan: _runner(ctx, request, config, plan),
        clock=ctx.clock,
        settings=settings,
        budgets=Budgets(per_task_usd=config.budget.per_run_usd),
    )


def _runner(ctx: Context, request: WorkRequest, config: Config, plan: Plan) -> StepRunner:
    llm = claude.from_context(ctx)
    if llm is None:
        raise UsageError("no ANTHROPIC_API_KEY: a worker needs the model to carry out steps")
    jail = find_jail(adapters.jail_setup(ctx))
    if jail.jail is None:
        raise UsageError(f"no sandbox for the model's code: {'; '.join(jail.problems)}")
    repo = request.repo
    run_id = adapters.run_id_for(ctx, None)
    recalled = recall_or_forget(adapters.memory_for(ctx, repo, config))
    wiring = StepWiring(
        repo=repo,
        plan=plan,
        config=config,
        llm=llm,
        commands=adapters.command_runner(ctx, config, run_id, repo),
        branches=adapters.branches_for(ctx, repo),
        budget=BudgetView.from_memory(config.budget, recalled.memory.spend, ctx.clock()),
        default_branch=adapters.default_branch(repo, None),
        secrets=ctx.secrets(),
    )
    return AgentSteps(wiring)


def _current_plan(memory: MemoryStore, key: str) -> Plan | None:
    path = f"{key}/{CURRENT_FILE}"
    found = memory.carried_files(PLANS_DIR, lambda name: name == path).files.get(path)
    if found is None:
        return None
    return plan_from_json(json.loads(found)["data"]["plan"], f"{PLANS_DIR}/{path}")


def _headroom(ctx: Context, memory: MemoryStore, config: Config) -> float:
    recalled = recall_or_forget(memory)
    return BudgetView.from_memory(config.budget, recalled.memory.spend, ctx.clock()).headroom_usd()
