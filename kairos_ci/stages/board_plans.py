"""The dashboard's per-plan sections: each approved plan that still has work, as the
coordinator's progress tracker renders it (``coordinator.progress``).

- A board is shown while some task has not ended, judged after ``moves.refreshed`` at the
  run's time (an expired lease counts as given back). A board whose every task ended is
  not: the plan's comment keeps its final state, and the dashboard shows open work.
- At most ``MAX_PLANS``, the most recently moved first; the rest are counted.
- The text tells the time (elapsed, the ETA), so it differs every night. Each section
  therefore carries its board's state without the time (``state_of``), and only that
  decides whether the dashboard is edited: a night on which no board moved edits nothing.
- Once an attempt has ended, a line measures the schedule so far against the lower
  bound (``swarm.measure``), as the swarm's gather job reports it.
- A board that cannot be rendered (tasks that depend on each other, a timestamp that does
  not read) is named in the memory notes and left out; the run goes on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from kairos_ci.clock import from_iso
from kairos_ci.coordinator import codec
from kairos_ci.coordinator.moves import refreshed
from kairos_ci.coordinator.progress import ProgressView, render_progress
from kairos_ci.coordinator.records import ENDED, Board, BoardTask
from kairos_ci.dashboard.records import PlanSection
from kairos_ci.errors import KairosError
from kairos_ci.swarm.measure import measure

MAX_PLANS = 5  # the dashboard is a summary: each plan's comment shows the rest
_NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Plans:
    sections: tuple[PlanSection, ...] = ()
    more: int = 0  # plans with work left that are not shown
    problems: tuple[str, ...] = ()  # boards that could not be rendered, and why


def plan_sections(boards: Mapping[str, Board], now: datetime, runs_url: str) -> Plans:
    """The sections of the boards (by path) with work left, the most recently moved
    first, at most ``MAX_PLANS``."""
    open_boards: list[tuple[datetime, str, Board]] = []
    problems: list[str] = []
    for path, board in sorted(boards.items()):
        try:
            current = refreshed(board, now)
        except (KairosError, ValueError) as err:
            problems.append(f"{path}: not shown: {err}")
            continue
        if any(task.state not in ENDED for task in current.tasks):
            open_boards.append((_last_move(board), path, current))
    # As stored: refreshing logs its own moves at ``now``. Stable, so ties keep path order.
    open_boards.sort(key=lambda found: found[0], reverse=True)
    sections: list[PlanSection] = []
    tried = 0
    for _, path, board in open_boards:
        if len(sections) == MAX_PLANS:
            break
        tried += 1
        try:
            # Questions are answered on the plan's comment: here nothing reads a tick.
            view = ProgressView(now, runs_url, answerable=False)
            markdown = render_progress(board, view) + _schedule(board)
        except (KairosError, ValueError) as err:
            problems.append(f"{path}: not shown: {err}")
            continue
        sections.append(PlanSection(markdown, state_of(board)))
    return Plans(tuple(sections), len(open_boards) - tried, tuple(problems))


def _schedule(board: Board) -> str:
    """How the legs did so far against the lower bound (``swarm.measure``), once an
    attempt has ended: the swarm's measure, shown where the maintainer looks."""
    measured = measure(board)
    if measured is None:
        return ""
    return f"\nSchedule so far (the legs' attempts, from the board): {measured.line()}\n"


def state_of(board: Board) -> str:
    """16 hex digits of everything the board holds except the time: each task's state,
    block, attempts, spend, result and lease holder, the plan's decisions and budget.
    Histories and lease times are left out: a heartbeat or the clock alone changes none."""
    timeless = replace(board, tasks=tuple(_timeless(task) for task in board.tasks))
    return hashlib.sha256(codec.dumps(timeless)).hexdigest()[:16]


def _timeless(task: BoardTask) -> BoardTask:
    lease = task.lease and replace(task.lease, acquired_at="", expires_at="", heartbeat_at="")
    return replace(task, lease=lease, history=())


def _last_move(board: Board) -> datetime:
    """When the board last moved, by its tasks' histories; never, when nothing reads."""
    moments = [_moment(event.at) for task in board.tasks for event in task.history]
    return max(moments, default=_NEVER)


def _moment(stamp: str) -> datetime:
    try:
        return from_iso(stamp)
    except ValueError:
        return _NEVER
