"""``kairos-ci swarm report``: how well the swarm scheduled an issue's plan, measured
from its board's history on the memory branch against the lower bound (the action's
``command: swarm-report``, in the gather job). It reads memory and writes nothing."""

from __future__ import annotations

import argparse
import json
from typing import Any

from kairos_ci import context
from kairos_ci.commands import swarm_wiring
from kairos_ci.commands.present import runner_for
from kairos_ci.commands.requests import SwarmRequest, from_args
from kairos_ci.config.records import Config
from kairos_ci.coordinator.records import Board
from kairos_ci.errors import UsageError
from kairos_ci.report.runner import Runner
from kairos_ci.report.summary import RunReport, Skip, render
from kairos_ci.swarm.measure import Measured, SpendBound, measure, spend_bound, tier_factors

TITLE = "kairos-ci swarm report"
LOCKS_NOTE = (
    "locks: gaps while a ready task's write set was held by another task's attempt; "
    "dependencies: every other gap between a leg's attempts"
)
STARTUP_NOTE = (
    "start-up: from the earliest claim of any leg to each leg's own first claim "
    "(the run's own start is not on the board)"
)


def run(args: argparse.Namespace) -> int:
    ctx = context.from_environ()
    return report_command(ctx, runner_for(ctx), from_args(SwarmRequest, args))


def report_command(ctx: context.Context, runner: Runner, request: SwarmRequest) -> int:
    if request.issue <= 0:
        raise UsageError(
            "`kairos-ci swarm report` needs --issue N: the issue whose plan to measure"
        )
    state = swarm_wiring.state_for(ctx, request)
    board = state.board
    measured = None if board is None else measure(board, request.run or "")
    spend = None if board is None else _spend(board, state.config)
    report = _report(request, board, measured, spend)
    runner.write_summary(render(report))
    line = _one_line(measured)
    runner.set_output("summary", line)
    if request.json:
        print(json.dumps(_document(request, measured, spend), indent=2, sort_keys=True))
    else:
        print(line)
    return 0


def _spend(board: Board, config: Config) -> SpendBound:
    base = tier_factors(swarm_wiring.tier_prices(config))
    tiers = {task.tier for task in board.tasks}
    factors = {tier: base[swarm_wiring.task_tier(tier)] for tier in tiers}
    return spend_bound(board, factors)


def _one_line(measured: Measured | None) -> str:
    if measured is None:
        return f"{TITLE}: no attempt has ended yet"
    return f"{TITLE}: {measured.line()}"


def _report(
    request: SwarmRequest, board: Board | None, measured: Measured | None, spend: SpendBound | None
) -> RunReport:
    facts = [("issue", f"#{request.issue}"), ("run", request.run or "every run on the board")]
    if board is None:
        return RunReport(TITLE, tuple(facts), skipped=(Skip("measure", "no board yet"),))
    assert spend is not None  # made with the board
    facts.append(("spend", _spend_text(spend)))
    if measured is None:
        return RunReport(
            TITLE, tuple(facts), skipped=(Skip("measure", "no attempt has ended yet"),)
        )
    return RunReport(TITLE, (*facts, *_measured_facts(measured)), (LOCKS_NOTE, STARTUP_NOTE))


def _measured_facts(measured: Measured) -> tuple[tuple[str, str], ...]:
    bound, idle, attempts = measured.bound, measured.idle, measured.attempts
    return (
        ("legs used (m)", str(measured.legs)),
        (
            "attempts",
            f"{len(attempts.ended)} ended ({measured.failed} failed), "
            f"{attempts.unfinished} unfinished (left out)",
        ),
        ("work (sum p)", f"{measured.work:.1f} min"),
        (
            "lower bound LB",
            f"{bound.value:.1f} min = max(load {bound.load:.1f}, critical path "
            f"{bound.critical_path:.1f}, longest task {bound.longest:.1f})",
        ),
        ("makespan", f"{measured.makespan:.1f} min (first claim to last end)"),
        ("makespan / LB", f"{measured.ratio:.3f}"),
        ("utilisation", f"{measured.utilisation:.1%}"),
        (
            "idle leg-minutes",
            f"dependencies {idle.dependencies:.1f}, locks {idle.locks:.1f}, "
            f"start-up {idle.startup:.1f}, tail {idle.tail:.1f}",
        ),
    )


def _spend_text(spend: SpendBound) -> str:
    if spend.cheapest_usd is None:
        return f"${spend.spent_usd:.4f}; the cheapest-tier bound is unknown: {spend.why}"
    return f"${spend.spent_usd:.4f}, against ${spend.cheapest_usd:.4f} at the cheapest tier"


def _document(
    request: SwarmRequest, measured: Measured | None, spend: SpendBound | None
) -> dict[str, Any]:
    doc: dict[str, Any] = {"issue": request.issue, "run": request.run or None, "measured": None}
    if spend is not None:
        doc["spend"] = {"spent_usd": spend.spent_usd, "cheapest_tier_usd": spend.cheapest_usd}
    if measured is not None:
        bound, idle = measured.bound, measured.idle
        doc["measured"] = {
            "legs": measured.legs,
            "attempts": len(measured.attempts.ended),
            "failed_attempts": measured.failed,
            "unfinished_attempts": measured.attempts.unfinished,
            "work_minutes": measured.work,
            "lower_bound": {
                "minutes": bound.value,
                "load": bound.load,
                "critical_path": bound.critical_path,
                "longest": bound.longest,
            },
            "makespan_minutes": measured.makespan,
            "ratio": measured.ratio,
            "utilisation": measured.utilisation,
            "idle_minutes": {
                "dependencies": idle.dependencies,
                "locks": idle.locks,
                "startup": idle.startup,
                "tail": idle.tail,
            },
        }
    return doc
