"""``kairos-ci work``, as its table of contents: the issue's current plan from the memory
branch -> approved, by a current approval -> fresh against the default branch -> its
board (made once, by whichever worker comes first) -> the worker loop.

Nothing runs from a plan without an approval of its hash, from a stale plan, or on a
board made for another version of the plan: each is a refusal with the reason, and the
maintainer's next step (tick the approval, `/kairos plan revise`).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from kairos_ci.clock import Clock
from kairos_ci.coordinator.records import Board
from kairos_ci.coordinator.seed import Budgets, board_for
from kairos_ci.coordinator.store import BoardStore
from kairos_ci.coordinator.worker import StepRunner, Worker, WorkerReport, WorkerSettings, work
from kairos_ci.git import Git
from kairos_ci.plan.freshness import freshness
from kairos_ci.plan.records import Plan
from kairos_ci.plan.review import current_approvals


class WorkStep(enum.StrEnum):
    REFUSED = "refused"  # no plan, no approval, stale, or another version's board
    WORKED = "worked"  # the loop ran: the report says what it did


@dataclass(frozen=True)
class WorkWiring:
    plan: Plan | None  # the issue's current plan, from the memory branch
    git: Git  # the default branch, checked out: freshness is judged against it
    boards: BoardStore
    runner: Callable[[Plan], StepRunner]  # made once the plan is known to be runnable
    clock: Clock
    settings: WorkerSettings
    budgets: Budgets
    on_finished: Callable[[Board], None] | None = None  # progress, once per finished task


@dataclass(frozen=True)
class WorkReply:
    step: WorkStep
    why: str
    report: WorkerReport | None = None


def work_plan(issue: int, wiring: WorkWiring) -> WorkReply:
    plan = wiring.plan
    if plan is None:
        return _refused(f"#{issue} has no plan: ask for one with `/kairos plan GOAL`")
    approvals = current_approvals(plan)
    if not approvals:
        return _refused(f"plan {plan.hash8} has no approval: tick `Approve plan` on its comment")
    fresh = freshness(plan, wiring.git)
    if fresh.stale:
        return _refused(f"plan {plan.hash8} is stale: {fresh.why()}; ask `/kairos plan revise`")
    made = wiring.boards.create(board_for(plan, approvals[-1], wiring.clock(), wiring.budgets))
    if made.board.plan_hash != plan.plan_hash:
        old = made.board.plan_hash[:8]
        return _refused(f"the board on the memory branch is for plan {old}, not {plan.hash8}")
    runner = wiring.runner(plan)
    worker = Worker(wiring.boards, runner, wiring.clock, wiring.settings, wiring.on_finished)
    report = work(worker)
    done = f"{len(report.done)} done, {len(report.failed)} failed"
    return WorkReply(WorkStep.WORKED, f"plan {plan.hash8}: {done}; {report.stopped}", report)


def _refused(why: str) -> WorkReply:
    return WorkReply(WorkStep.REFUSED, why)
