"""A board from an approved, fresh plan: each step a task.

- Priority is the longest chain of estimated work from the step to the end of the plan
  (its own p50 included): claiming the longest chain first is list scheduling by
  critical path, which keeps the makespan near its lower bound.
- Hot files (lock files, changelogs) change in almost every step and merge badly, so
  no step holds them: one last task, ``HOT_TASK``, after every step that named them,
  brings them up to date in one place.
- The chain's minutes are the plan's p50s as the track record corrects them for the
  step's class (``track``); the board keeps the plan's p50 for each task.
- A step waits for the decision points that block it; an approved plan has a choice
  for each required one, and an optional one without a choice takes its default.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from kairos_ci.clock import to_iso
from kairos_ci.coordinator.paths import normalised
from kairos_ci.coordinator.records import Board, BoardTask, TaskEvent, TaskStatus
from kairos_ci.coordinator.track import Track
from kairos_ci.errors import InputError
from kairos_ci.plan.dag import graph_of, longest_chains
from kairos_ci.plan.records import Approval, Plan, Step

HOT_TASK = "hot-files"
HOT_FILES = (
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "poetry.lock",
    "uv.lock",
    "Pipfile.lock",
    "Cargo.lock",
    "go.sum",
    "composer.lock",
    "Gemfile.lock",
    "CHANGELOG*",
    "CHANGES*",
)


@dataclass(frozen=True)
class Budgets:
    per_task_usd: float = 2.0
    plan_usd: float = 0.0  # 0: no cap beyond each task's
    max_attempts: int = 2


def board_for(
    plan: Plan, approval: Approval, now: datetime, budgets: Budgets, track: Track | None = None
) -> Board:
    """The board of ``plan`` as ``approval`` approved it; priorities from the p50s as
    ``track`` corrects them for each step's class."""
    if approval.plan_hash != plan.plan_hash:
        raise InputError(f"the approval is for plan {approval.plan_hash[:8]}, not {plan.hash8}")
    decisions = _decisions(plan, approval.choices)
    chains = _chains(plan, track or Track())
    hot = {step.id: _hot(step) for step in plan.steps}
    waits = waits_for(plan)
    tasks = [
        replace(
            _task(step, chains[step.id], hot[step.id], budgets, now),
            decisions=waits[step.id],
            task_class=task_class(plan, step),
            user_class=step.user_class,
        )
        for step in plan.steps
    ]
    if any(hot.values()):
        tasks.append(_hot_task(plan, hot, budgets, now))
    return Board(plan.plan_id, plan.plan_hash, tuple(tasks), decisions, budgets.plan_usd)


def _task(
    step: Step, chain: float, hot: tuple[str, ...], budgets: Budgets, now: datetime
) -> BoardTask:
    write_set = tuple(normalised(path) for path in sorted(step.files.touched) if path not in hot)
    return BoardTask(
        id=step.id,
        title=step.title,
        state=TaskStatus.PENDING,
        depends_on=step.depends_on,
        write_set=write_set,
        priority=chain,
        tier=str(step.estimate.tier),
        estimate_minutes=step.estimate.p50_minutes,
        budget_usd=budgets.per_task_usd,
        max_attempts=budgets.max_attempts,
        history=(TaskEvent(to_iso(now), "created"),),
    )


def _hot_task(
    plan: Plan, hot: Mapping[str, tuple[str, ...]], budgets: Budgets, now: datetime
) -> BoardTask:
    paths = sorted({path for paths in hot.values() for path in paths})
    return BoardTask(
        id=HOT_TASK,
        title=f"Bring {', '.join(paths)} up to date",
        state=TaskStatus.PENDING,
        depends_on=tuple(step_id for step_id, named in hot.items() if named),
        write_set=tuple(normalised(path) for path in paths),
        priority=0.0,
        tier="work",
        estimate_minutes=10.0,
        budget_usd=budgets.per_task_usd,
        max_attempts=budgets.max_attempts,
        history=(TaskEvent(to_iso(now), "created", note=f"hot files of plan {plan.hash8}"),),
        task_class=HOT_TASK,
    )


def _hot(step: Step) -> tuple[str, ...]:
    return tuple(sorted(path for path in step.files.touched if is_hot(path)))


def is_hot(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in HOT_FILES)


def _decisions(plan: Plan, choices: Mapping[str, str]) -> dict[str, str | None]:
    decided: dict[str, str | None] = {}
    for point in plan.decision_points:
        chosen = choices.get(point.id)
        decided[point.id] = (
            chosen if chosen is not None else (None if point.required else point.default)
        )
    return decided


def task_class(plan: Plan, step: Step) -> str:
    """The step's class in the track record: its plan's goal kind and its risk."""
    return f"{plan.goal.kind.value}/{step.risk.value}"


def _chains(plan: Plan, track: Track) -> dict[str, float]:
    """Each step's corrected p50 plus the longest chain of steps that depend on it."""
    minutes = {
        step.id: track.paced(task_class(plan, step), step.estimate.p50_minutes)
        for step in plan.steps
    }
    return longest_chains(graph_of(plan.steps), minutes)


def waits_for(plan: Plan) -> dict[str, tuple[str, ...]]:
    """Each step's decision points (the plan lists, per point, the steps it blocks)."""
    waits: dict[str, list[str]] = {step.id: [] for step in plan.steps}
    for point in plan.decision_points:
        for step_id in point.blocks_steps:
            waits.setdefault(step_id, []).append(point.id)
    return {step_id: tuple(points) for step_id, points in waits.items()}
