"""``kairos-ci swarm next``: the relay workflow's first job (the action's ``command:
swarm-next``, on ``workflow_run``). When a swarm run completed, it takes the relay that
run left on its plan's board (``swarm.relay``) and gives the swarm to start next: the
outputs ``issue`` and ``has-work``, ids only. Only a run that succeeded is relayed: one
cancelled by a person, or whose gather job failed, is left for people to look at."""

from __future__ import annotations

import argparse

from kairos_ci import context
from kairos_ci.commands import swarm_wiring
from kairos_ci.commands.present import runner_for
from kairos_ci.commands.requests import NextRequest, from_args
from kairos_ci.coordinator.records import Board
from kairos_ci.coordinator.store import BoardStore
from kairos_ci.errors import UsageError
from kairos_ci.pipeline.plan import issue_of
from kairos_ci.report.runner import Runner
from kairos_ci.report.summary import RunReport, Skip, render
from kairos_ci.swarm.relay import left_by, taken

TITLE = "kairos-ci swarm next"


def run(args: argparse.Namespace) -> int:
    ctx = context.from_environ()
    return next_command(ctx, runner_for(ctx), from_args(NextRequest, args))


def next_command(ctx: context.Context, runner: Runner, request: NextRequest) -> int:
    if not request.run:
        raise UsageError("`kairos-ci swarm next` needs the run that completed (--run ID)")
    if request.conclusion != "success":
        return _emit(runner, None, f"run {request.run} ended {request.conclusion}: not relayed")
    taker = ctx.run_id or ""
    if not taker:
        raise UsageError("`kairos-ci swarm next` needs GITHUB_RUN_ID: the run taking the relay")
    memory, boards = swarm_wiring.every_board_for(ctx, request.repo)
    board = left_by(list(boards.values()), request.run)
    issue = None if board is None else issue_of(board.plan_id)
    if board is None or issue is None:
        return _emit(runner, None, f"run {request.run} left no relay on a plan's board")

    def take(current: Board) -> tuple[Board | None, str, str]:
        moved = taken(current, request.run, taker)
        if isinstance(moved, str):
            return None, moved, ""
        if moved == current:  # a retried job that took it already
            return None, "", ""
        return moved, "", f"board {current.plan_id}: run {taker} takes run {request.run}'s relay"

    refused = BoardStore(memory, board.plan_id).apply(take).value
    return _emit(runner, None if refused else issue, refused)


def _emit(runner: Runner, issue: int | None, why: str) -> int:
    facts = (("issue", f"#{issue}" if issue else "none"), ("has work", _word(issue is not None)))
    if issue is None:
        report = RunReport(TITLE, facts, skipped=(Skip("relay", why),))
    else:
        report = RunReport(TITLE, facts, (f"the swarm on #{issue} starts again",))
    runner.set_output("issue", str(issue or ""))
    runner.set_output("has-work", _word(issue is not None))
    runner.write_summary(render(report))
    line = f"{TITLE}: " + (f"#{issue}" if issue else why)
    runner.set_output("summary", line)
    print(line)
    return 0


def _word(flag: bool) -> str:
    return "true" if flag else "false"
