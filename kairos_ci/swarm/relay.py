"""Chaining swarm runs while a plan has work ready (issue 20: "if work remains, it
dispatches the workflow again with a cursor; chaining stops at 3 levels").

A run's token cannot start a workflow through a push or a comment, but a workflow that
completes starts those listening for it (``workflow_run``), up to three levels deep. So
the gather job leaves a ``Relay`` on the plan's board: its own run id and the chain's
next level. The relay workflow, started when that run completes, takes the relay whose
run id is its event's, and starts the swarm again on that plan. The gather job of the run
it starts sees the relay taken by its own run id, and so knows how deep the chain is.

Policy, in code: a relay is left only when the run finished at least one step (a run
that did nothing would likely do nothing again), never past ``MAX_RELAYS``, and a
relay is taken once, only for a run that succeeded.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from kairos_ci.clock import to_iso
from kairos_ci.coordinator.attempts import attempts_of
from kairos_ci.coordinator.records import Board, Relay

MAX_RELAYS = 3  # GitHub chains workflow_run at most three levels deep


def relay_after(board: Board, run: str, now: datetime) -> Relay | str:
    """The relay run ``run`` leaves on ``board``, or why it leaves none (the board must
    have work a run could start: ``sizing``)."""
    earlier = board.relay
    level = earlier.level + 1 if earlier is not None and earlier.taken_by == run else 1
    if level > MAX_RELAYS:
        return f"{MAX_RELAYS} runs in a row started themselves: start the next one by hand"
    if not any(attempt.ok for attempt in attempts_of(board, run).ended):
        return "this run finished no step: a next run would likely do no better"
    return Relay(run, level, to_iso(now))


def taken(board: Board, run: str, taker: str) -> Board | str:
    """``board`` with the relay run ``run`` left taken by ``taker``, or why not."""
    relay = board.relay
    if relay is None or relay.run != run:
        return f"run {run} left no relay on plan {board.plan_id}"
    if relay.taken_by and relay.taken_by != taker:
        return f"run {relay.taken_by} took the relay of run {run} already"
    return replace(board, relay=replace(relay, taken_by=taker))


def left_by(boards: list[Board], run: str) -> Board | None:
    """The board run ``run`` left a relay on (a run works on one plan)."""
    return next((b for b in boards if b.relay is not None and b.relay.run == run), None)
