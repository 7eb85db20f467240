"""``kairos-ci swarm plan``: the swarm workflow's first job (the action's ``command:
swarm-plan``). It reads the issue's approved plan and its board from the memory branch,
writes nothing there, and picks how many worker legs to start: the ``slots`` output
(``{"slot":[1,...,k]}``, ids only, for the matrix) and ``has-work``. The job summary
gives every limit's value, so k can be checked by hand."""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import replace

from kairos_ci import context
from kairos_ci.commands import swarm_wiring
from kairos_ci.commands.present import runner_for
from kairos_ci.commands.requests import SwarmRequest, from_args
from kairos_ci.commands.swarm_wiring import SwarmState
from kairos_ci.coordinator.records import Board
from kairos_ci.coordinator.seed import Budgets, board_for
from kairos_ci.errors import UsageError
from kairos_ci.plan.freshness import freshness
from kairos_ci.plan.review import current_approvals
from kairos_ci.report.runner import Runner
from kairos_ci.report.summary import RunReport, Skip, render
from kairos_ci.swarm.relay import relay_after
from kairos_ci.swarm.sizing import Allowance, Sizing, size

TITLE = "kairos-ci swarm plan"
MAX_WORKERS = 20  # the most legs one swarm run starts, whatever is asked
MAX_HORIZON_MINUTES = 24 * 60.0


def run(args: argparse.Namespace) -> int:
    ctx = context.from_environ()
    return plan_command(ctx, runner_for(ctx), from_args(SwarmRequest, args))


def plan_command(ctx: context.Context, runner: Runner, request: SwarmRequest) -> int:
    _check(request)
    state = swarm_wiring.state_for(ctx, request)
    board = _board(state, request.issue)
    if isinstance(board, str):
        report = RunReport(TITLE, _facts(request, 0), skipped=(Skip("swarm", board),))
        return _emit(runner, report, 0)
    sizing = size(board, _allowance(state, request), state.now, state.track)
    report = _report(request, sizing)
    if request.relay:
        report = replace(report, facts=(*report.facts, ("relay", _relay(ctx, state, sizing))))
    return _emit(runner, report, sizing.k)


def _relay(ctx: context.Context, state: SwarmState, sizing: Sizing) -> str:
    """Leave a relay for the next run when work remains (``swarm.relay``); what happened."""
    if not sizing.has_work:
        return "none: no work remains that a run could start"
    run = ctx.run_id
    if not run:
        return "none: no GITHUB_RUN_ID, so no run to relay from"

    def leave(board: Board) -> tuple[Board | None, str, str]:
        relay = relay_after(board, run, state.now)
        if isinstance(relay, str):
            return None, f"none: {relay}", ""
        message = f"board {board.plan_id}: run {run} relays to level {relay.level}"
        return (
            replace(board, relay=relay),
            f"level {relay.level}: the relay workflow starts the next run",
            message,
        )

    return state.store.apply(leave).value


def _check(request: SwarmRequest) -> None:
    if request.issue <= 0:
        raise UsageError("`kairos-ci swarm plan` needs --issue N: the issue whose plan to run")
    if not 1 <= request.max_workers <= MAX_WORKERS:
        raise UsageError(f"--max-workers must be 1 to {MAX_WORKERS}, not {request.max_workers}")
    if not 0 < request.horizon <= MAX_HORIZON_MINUTES:
        raise UsageError(
            f"--horizon must be above 0 and at most {MAX_HORIZON_MINUTES:.0f} minutes, "
            f"not {request.horizon}"
        )


def _board(state: SwarmState, issue: int) -> Board | str:
    """The board the workers will claim from, or why none may run: as ``kairos-ci work``
    refuses, with the board made in memory (not written) when no worker made it yet."""
    plan = state.plan
    if plan is None:
        return f"#{issue} has no plan: ask for one with `/kairos plan GOAL`"
    approvals = current_approvals(plan)
    if not approvals:
        return f"plan {plan.hash8} has no approval: tick `Approve plan` on its comment"
    fresh = freshness(plan, state.git)
    if fresh.stale:
        return f"plan {plan.hash8} is stale: {fresh.why()}; ask `/kairos plan revise`"
    if state.board is None:
        budgets = Budgets(per_task_usd=state.config.budget.per_run_usd)  # as `work` seeds it
        return board_for(plan, approvals[-1], state.now, budgets, state.track)
    if state.board.plan_hash != plan.plan_hash:
        old = state.board.plan_hash[:8]
        return f"the board on the memory branch is for plan {old}, not {plan.hash8}"
    return state.board


def _allowance(state: SwarmState, request: SwarmRequest) -> Allowance:
    headroom = swarm_wiring.day_and_month_headroom(state.budget)
    board = state.board
    if board is not None and board.budget_usd > 0:
        headroom = min(headroom, max(0.0, board.budget_usd - board.spent_usd()))
    return Allowance(
        concurrency=request.max_workers,
        usd_headroom=headroom,
        # A leg's worker stops at its run's cap, and a leg claims for under an hour.
        usd_per_leg_hour=state.config.budget.per_run_usd,
        horizon_minutes=request.horizon,
    )


def _facts(request: SwarmRequest, k: int) -> tuple[tuple[str, str], ...]:
    return (("issue", f"#{request.issue}"), ("legs (k)", str(k)), ("has work", _word(k > 0)))


def _report(request: SwarmRequest, sizing: Sizing) -> RunReport:
    limits = sizing.limits
    facts = (
        *_facts(request, sizing.k),
        ("tasks", f"{sizing.ready} ready, {sizing.running} running, {sizing.left} not ended"),
        (f"ready width over the next {request.horizon:g} min", str(limits.ready_width)),
        ("the plan's maximum parallelism", str(limits.max_parallel)),
        (
            "estimates",
            f"p50 x the track record's pace for {_classes(sizing.paced)}; tasks under "
            f"{sizing.overhead_minutes:g} min (a leg's start-up) share legs",
        ),
        ("concurrency allowance (--max-workers)", str(limits.concurrency)),
        (
            "API budget",
            f"{limits.api_requests} requests an hour / {limits.requests_per_task:g} per task "
            f"= {_per(limits.api_requests, limits.requests_per_task)}",
        ),
        (
            "USD budget",
            f"${limits.usd_budget:.2f} left (today, this month, the plan's cap) / "
            f"${limits.usd_per_task_hour:.2f} per leg-hour (a run's cap) "
            f"= {_per(limits.usd_budget, limits.usd_per_task_hour)}",
        ),
    )
    if not sizing.has_work:
        return RunReport(TITLE, facts, skipped=(Skip("swarm", sizing.why),))
    return RunReport(TITLE, facts, (f"k = {sizing.k}: the smallest of the limits above",))


def _classes(paced: int) -> str:
    return "no class yet" if not paced else f"{paced} class" + ("es" if paced > 1 else "")


def _per(amount: float, each: float) -> str:
    return str(math.floor(amount / each)) if each > 0 else "no bound"


def _emit(runner: Runner, report: RunReport, k: int) -> int:
    runner.set_output("slots", json.dumps({"slot": list(range(1, k + 1))}, separators=(",", ":")))
    runner.set_output("has-work", _word(k > 0))
    runner.write_summary(render(report))
    line = f"{TITLE}: k = {k}, has-work {_word(k > 0)}"
    runner.set_output("summary", line)
    print(line)
    return 0


def _word(flag: bool) -> str:
    return "true" if flag else "false"
