"""Boards with hand-written histories, whose schedules can be measured by hand: minute
``n`` is ``T0 + n`` minutes, and each task's events are what the coordinator's moves
record (``claimed`` by a leg with a fencing token, then an end with the same token)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from kairos_ci.clock import to_iso
from kairos_ci.coordinator.records import Board, BoardTask, TaskEvent, TaskStatus
from tests.coordinator.boards import task

T0 = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
W1, W2 = "111.1/work/1", "111.1/work/2"


def at(minute: float) -> str:
    return to_iso(T0 + timedelta(minutes=minute))


def event(minute: float, what: str, by: str = "", fence: int = 0, note: str = "") -> TaskEvent:
    return TaskEvent(at(minute), what, by, fence, note)


def ran(
    base: BoardTask, state: TaskStatus, *events: TaskEvent, spent: float = 0.0, tier: str = "work"
) -> BoardTask:
    created = event(0, "created")
    return replace(
        base, state=state, history=(created, *events), spent_usd=spent, tier=tier, attempts=2
    )


def joined() -> Board:
    """m = 2. A (0-10 on W1) and B (2-8 on W2) side by side, then C after both (11-16 on
    W2): Σp 21, LB = critical path A + C = 15, makespan 16."""
    a = ran(
        task("A", "a.py"),
        TaskStatus.DONE,
        event(0, "ready"),
        event(0, "claimed", W1, 1),
        event(1, "running", fence=1),
        event(10, "done", fence=1),
    )
    b = ran(
        task("B", "b.py"),
        TaskStatus.DONE,
        event(0, "ready"),
        event(2, "claimed", W2, 2),
        event(8, "done", fence=2),
    )
    c = ran(
        task("C", "c.py", deps=("A", "B")),
        TaskStatus.DONE,
        event(10, "ready"),
        event(11, "claimed", W2, 3),
        event(16, "done", fence=3),
    )
    return Board("issue-7", "f" * 64, (a, b, c))


def locked() -> Board:
    """m = 2. A and B write shared.py. A's first attempt fails (0-4 on W1) while B waits
    for its lock; W2 runs D (0-2), then B (4-10); A waits for B's lock and runs again
    (10-13 on W1). Σp 15, LB = ⌈15/2⌉ = 8, makespan 13; idle: locks 6 on W1 and 2 on
    W2, tail 3 on W2."""
    a = ran(
        task("A", "shared.py"),
        TaskStatus.DONE,
        event(0, "ready"),
        event(0, "claimed", W1, 1),
        event(1, "running", fence=1),
        event(4, "attempt failed", fence=1, note="tests failed"),
        event(10, "claimed", W1, 4),
        event(13, "done", fence=4),
        spent=0.4,
    )
    b = ran(
        task("B", "shared.py"),
        TaskStatus.DONE,
        event(0, "ready", note="lock"),
        event(4, "claimed", W2, 3),
        event(10, "done", fence=3),
        spent=0.8,
        tier="plan",
    )
    d = ran(
        task("D", "d.py"),
        TaskStatus.DONE,
        event(0, "ready"),
        event(0, "claimed", W2, 2),
        event(2, "done", fence=2),
    )
    return Board("issue-7", "f" * 64, (a, b, d))


def alone() -> Board:
    """m = 1. X (0-5), then Y after it (7-10), both on W1; Z was claimed by another run's
    leg and has not ended. Σp 8, LB 8, makespan 10."""
    x = ran(
        task("X", "x.py"),
        TaskStatus.DONE,
        event(0, "ready"),
        event(0, "claimed", W1, 1),
        event(5, "done", fence=1),
    )
    y = ran(
        task("Y", "y.py", deps=("X",)),
        TaskStatus.DONE,
        event(5, "ready"),
        event(7, "claimed", W1, 2),
        event(10, "done", fence=2),
    )
    z = ran(
        task("Z", "z.py"),
        TaskStatus.LEASED,
        event(0, "ready"),
        event(8, "claimed", "222.1/work/1", 3),
    )
    return Board("issue-7", "f" * 64, (x, y, z))
