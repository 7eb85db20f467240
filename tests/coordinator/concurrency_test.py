"""Acceptance: 8 worker processes, 50 tasks with overlapping write sets, one sandbox
origin that fails a fifth of the pushes; the journal, replayed, shows no path ever held
by two live leases, and every task ends done or explained, none done twice."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import pytest

from kairos_ci.coordinator.journal import replay
from kairos_ci.coordinator.records import TaskStatus
from kairos_ci.git import Git
from kairos_ci.sandbox.git.server import PushFaults, serve
from tests.coordinator.workers import PLAN, board_store, pull_worker, random_board

WORKERS = 8
TASKS = 50

pytestmark = pytest.mark.slow


def test_eight_workers_hold_no_path_twice_and_lose_no_task(tmp_path: Path) -> None:
    root = tmp_path / "served"
    origin = root / "origin.git"
    Git(root).run(
        "init", "-q", "--bare", "-b", "main", str(origin)
    ) if root.mkdir() is None else None
    with serve(root, PushFaults(share=0.2, seed=7)) as served:
        url = f"{served.url}/origin.git"
        assert board_store(url, tmp_path / "setup").create(random_board(TASKS, seed=3)).value
        fork = multiprocessing.get_context("fork")
        start = fork.Barrier(WORKERS)
        scratches = [tmp_path / f"w{i}" for i in range(WORKERS)]
        workers = [
            fork.Process(target=pull_worker, args=(url, scratch, f"w{i}", start))
            for i, scratch in enumerate(scratches)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=600)
    assert [w.exitcode for w in workers] == [0] * WORKERS
    assert served.refused > 0 and served.ambiguous > 0  # the faults did happen

    journal = replay(Git(origin), "refs/heads/kairos/memory", PLAN)
    assert journal.violations == ()
    assert journal.final is not None and journal.unexplained() == ()
    assert journal.boards > 3 * TASKS  # a commit per claim, progress and result at least
    reports = [json.loads((scratch / "report.json").read_text()) for scratch in scratches]
    done = [task for report in reports for task in report["done"]]
    assert len(done) == len(set(done))  # no task done twice
    final_done = {t.id for t in journal.final.tasks if t.state is TaskStatus.DONE}
    assert set(done) == final_done
    for task in journal.final.tasks:
        assert [e.what for e in task.history].count("done") <= 1
        if task.state is not TaskStatus.DONE:
            assert task.history[-1].note, f"{task.id} ended {task.state} without a reason"
