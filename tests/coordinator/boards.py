"""Small boards for the coordinator's tests, built from records (no plan needed)."""

from __future__ import annotations

from datetime import UTC, datetime

from kairos_ci.coordinator.records import Board, BoardTask, TaskStatus

T0 = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)


def task(
    task_id: str,
    *write_set: str,
    deps: tuple[str, ...] = (),
    priority: float = 1.0,
    decisions: tuple[str, ...] = (),
    attempts: int = 2,
) -> BoardTask:
    return BoardTask(
        id=task_id,
        title=f"Step {task_id}",
        state=TaskStatus.PENDING,
        depends_on=deps,
        write_set=write_set,
        priority=priority,
        tier="work",
        estimate_minutes=10.0,
        budget_usd=1.0,
        max_attempts=attempts,
        decisions=decisions,
    )


def board(
    *tasks: BoardTask, budget: float = 0.0, decisions: dict[str, str | None] | None = None
) -> Board:
    return Board("plan-7", "f" * 64, tasks, decisions or {}, budget)
