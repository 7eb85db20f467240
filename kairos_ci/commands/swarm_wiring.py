"""What ``swarm plan`` and ``swarm report`` read, from the checked-out default branch and
its memory branch: the config, the issue's plan and board, and the spend so far. Both
only read: nothing here writes memory."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kairos_ci.agent.llm import model_for
from kairos_ci.agent.prices import price_for
from kairos_ci.agent.records import Tier
from kairos_ci.agent.spend import BudgetView
from kairos_ci.commands import adapters
from kairos_ci.commands.requests import SwarmRequest
from kairos_ci.config.load import load_config_at
from kairos_ci.config.records import Config, Price
from kairos_ci.context import Context
from kairos_ci.coordinator.records import Board
from kairos_ci.coordinator.store import BoardStore
from kairos_ci.coordinator.track import Track, track_of
from kairos_ci.git import Git
from kairos_ci.memory.names import BOARD_DIR
from kairos_ci.memory.store import MemoryStore
from kairos_ci.pipeline.plan import plan_id
from kairos_ci.plan.records import Plan
from kairos_ci.plan.remembered import remembered_plan
from kairos_ci.stages.remember import every_board, is_board_file, read_boards


@dataclass(frozen=True)
class SwarmState:
    git: Git  # the default branch, checked out: a plan's freshness is judged against it
    config: Config
    plan: Plan | None  # the issue's current plan
    board: Board | None  # its board, once a worker made it
    budget: BudgetView  # earlier runs' spend against the caps
    now: datetime
    track: Track  # every board's attempts: paces estimates
    store: BoardStore  # the plan's board, to leave a relay on


def state_for(ctx: Context, request: SwarmRequest) -> SwarmState:
    git = Git(request.repo)
    config = load_config_at(request.repo, git.text("rev-parse", "--verify", "HEAD^{commit}"))
    memory = adapters.memory_for(ctx, request.repo, config)
    store = BoardStore(memory, plan_id(request.issue))
    now = ctx.clock()
    loaded, carried = memory.load_carrying(BOARD_DIR, is_board_file)  # one fetch for both
    boards, _ = read_boards(carried)  # a board that does not read teaches nothing
    return SwarmState(
        git=git,
        config=config,
        plan=remembered_plan(memory, store.plan_id),
        board=store.load(),
        budget=BudgetView.from_memory(config.budget, loaded.memory.spend, now),
        now=now,
        track=track_of(boards.values()),
        store=store,
    )


def every_board_for(ctx: Context, repo: Path) -> tuple[MemoryStore, dict[str, Board]]:
    """The memory branch the checkout's config names, and every plan's board on it."""
    config = load_config_at(repo, Git(repo).text("rev-parse", "--verify", "HEAD^{commit}"))
    memory = adapters.memory_for(ctx, repo, config)
    boards, _ = every_board(memory)  # a board that does not read has no relay to take
    return memory, boards


def day_and_month_headroom(budget: BudgetView) -> float:
    """The USD the legs share: today's and this month's caps less what earlier runs
    spent (each leg's own run cap bounds that leg alone)."""
    caps = budget.budget
    return max(0.0, min(caps.per_day_usd - budget.day_usd, caps.per_month_usd - budget.month_usd))


def tier_prices(config: Config) -> dict[str, Price]:
    """Each model tier's price, by the model the config gives it."""
    return {
        str(tier): price_for(model_for(tier, config.models), config.budget.prices)[1]
        for tier in Tier
    }


def task_tier(tier: str) -> str:
    """The tier a board task ran at: its own, or work for one the agent does not know
    (as ``coordinator.agent_step`` runs it)."""
    return tier if tier in set(Tier) else str(Tier.WORK)
