"""A random board and the body of a worker process, for the concurrency test and the
coordinator bench (each process is forked)."""

from __future__ import annotations

import json
import random
import time
from dataclasses import asdict
from multiprocessing.synchronize import Barrier
from pathlib import Path

from kairos_ci.clock import utc_now
from kairos_ci.coordinator.moves import Grant
from kairos_ci.coordinator.records import Board, BoardTask, TaskStatus, WorkResult
from kairos_ci.coordinator.store import BoardStore
from kairos_ci.coordinator.worker import LeaseHandle, Worker, WorkerSettings, work
from kairos_ci.memory.store import MemoryStore

PLAN = "plan-swarm"
PATHS = [*(f"pkg/mod{i}.py" for i in range(16)), "lib/", "lib/util.py", "docs/", "README.md"]


def random_board(count: int, seed: int) -> Board:
    """``count`` tasks, each writing 1 to 3 paths of a small tree (folders overlap what is
    under them), a few depending on earlier ones."""
    draw = random.Random(seed)
    tasks = []
    for index in range(count):
        deps = tuple(f"T{j:02d}" for j in range(index) if draw.random() < 0.04)
        tasks.append(
            BoardTask(
                id=f"T{index:02d}",
                title=f"task {index}",
                state=TaskStatus.PENDING,
                depends_on=deps,
                write_set=tuple(sorted(set(draw.sample(PATHS, draw.randint(1, 3))))),
                priority=draw.uniform(1, 60),
                tier="work",
                estimate_minutes=10.0,
                budget_usd=1.0,
                max_attempts=3,
            )
        )
    return Board(PLAN, "f" * 64, tuple(tasks))


def board_store(url: str, scratch: Path) -> BoardStore:
    scratch.mkdir(parents=True, exist_ok=True)
    memory = MemoryStore(scratch, remote=url, clock=utc_now, scratch_dir=scratch)
    return BoardStore(memory, PLAN)


class RandomRunner:
    """Takes a few milliseconds, says it is verifying, and fails one attempt in ten."""

    def __init__(self, seed: int) -> None:
        self.draw = random.Random(seed)

    def run(self, claimed: Grant, board: Board, held: LeaseHandle) -> WorkResult:
        time.sleep(self.draw.uniform(0, 0.05))
        held.progress(TaskStatus.VERIFYING)
        ok = self.draw.random() >= 0.1
        note = "" if ok else "tests failed"
        return WorkResult(ok, f"kairos/{PLAN}/{claimed.task.id}", usd=0.01, note=note)


def pull_worker(url: str, scratch: Path, owner: str, start: Barrier) -> None:
    """Work the board until nothing is left; the report goes to ``scratch/report.json``."""
    store = board_store(url, scratch)
    settings = WorkerSettings(owner, idle_poll=0.2, idle_limit=30)
    worker = Worker(store, RandomRunner(sum(owner.encode())), utc_now, settings)
    start.wait()
    report = work(worker)
    (scratch / "report.json").write_text(json.dumps(asdict(report)))
