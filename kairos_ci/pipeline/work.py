"""``kairos-ci work``, as its table of contents: the issue's current plan from the memory
branch -> approved, by a current approval -> fresh against the default branch -> its
board (made once, by whichever worker comes first) -> the worker loop.

Nothing runs from a plan without an approval of its hash, from a stale plan, or on a
board made for another version of the plan: each is a refusal with the reason, and the
maintainer's next step (tick the approval, `/kairos plan revise`).

The work's progress goes in the plan comment itself, below the approved plan
(``plan_comment``): the tracker and the questions the work raised are where the
maintainer reviewed and approved the plan, and ticks there are read as answers.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from kairos_ci.clock import Clock
from kairos_ci.coordinator.moves import refreshed
from kairos_ci.coordinator.progress import ProgressView, render_progress
from kairos_ci.coordinator.records import Board
from kairos_ci.coordinator.seed import Budgets, board_for
from kairos_ci.coordinator.store import BoardStore
from kairos_ci.coordinator.track import Track
from kairos_ci.coordinator.worker import StepRunner, Worker, WorkerReport, WorkerSettings, work
from kairos_ci.forge.markers import BODY_LIMIT
from kairos_ci.forge.records import CommentSpec
from kairos_ci.git import Git
from kairos_ci.pipeline.plan import plan_comment_fingerprint
from kairos_ci.plan.comment import render_plan_comment, with_work
from kairos_ci.plan.freshness import freshness
from kairos_ci.plan.records import Plan
from kairos_ci.plan.review import current_approvals, with_ticks
from kairos_ci.stages.step_evidence import StepEvidence

ROOM = BODY_LIMIT - 1_000  # for the forge's marker line and GitHub's line ends


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
    evidence: StepEvidence | None = None  # each attempt's JUnit, diff and verdict
    track: Track = field(default_factory=Track)  # corrects the p50s the board ranks by


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
    seeded = board_for(plan, approvals[-1], wiring.clock(), wiring.budgets, wiring.track)
    made = wiring.boards.create(seeded)
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


def plan_comment(plan: Plan, board: Board, view: ProgressView) -> CommentSpec:
    """The plan comment as its approver ticked it, with the board's progress below; the
    step table gives way before the plan or a question's boxes would pass the size
    limit."""
    approvals = current_approvals(plan)
    reviewed = with_ticks(plan, approvals[-1]) if approvals else render_plan_comment(plan)
    shown = refreshed(board, view.now)
    body = with_work(reviewed, render_progress(shown, view))
    if len(body) > ROOM:
        body = with_work(reviewed, render_progress(shown, replace(view, max_rows=0)))
    return CommentSpec(plan.issue, plan_comment_fingerprint(plan.issue, plan.version), body)
