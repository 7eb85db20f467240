"""Acceptance: a writer SIGKILLed at random points never leaves the branch unusable.

Each trial forks a process that saves journals back to back and kills it after a
random delay, so the kill lands anywhere in fetch, object writes, commit or push
(a save takes about 60 ms; the delays span about two saves). The git child it was
running is left to live or die on its own, as on a real runner that vanishes.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time
from pathlib import Path

import pytest

from kairos_ci.cli import main
from kairos_ci.memory.store import MemoryStore
from kairos_ci.verdicts.records import Outcome
from tests.memory.helpers import journal
from tests.memory.workers import save_forever

TRIALS = 50


@pytest.mark.slow  # over 5 s: the full suite runs it, the fast lane does not
def test_killed_writers_leave_a_valid_branch_and_the_next_save_works(
    store: MemoryStore, clone: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fork = multiprocessing.get_context("fork")
    store.save(journal("seed", 0, {"t::a": Outcome.PASSED}))
    chance = random.Random(20261127)
    for trial in range(TRIALS):
        writer = fork.Process(target=save_forever, args=(clone, tmp_path / "killed", trial))
        writer.start()
        # Kills are spread by the writer's progress, not the clock, so a slow machine
        # spreads them too: odd trials die before any save can land, even ones at a
        # random moment after the first (often in the middle of the next).
        if trial % 2 == 0:
            _wait_for(tmp_path / "killed" / f"landed-{trial}")
        time.sleep(chance.uniform(0.0, 0.12) if trial % 2 == 0 else 0.0)
        os.kill(writer.pid or 0, signal.SIGKILL)
        writer.join()
        assert writer.exitcode == -signal.SIGKILL

        assert main(["memory", "verify", "--repo", str(clone), "--fetch"]) == 0, (
            f"trial {trial}: {capsys.readouterr().out}"
        )
        result = store.save(journal(f"after{trial}", 10_000 + trial, {"t::a": Outcome.FAILED}))
        assert result.changed, f"trial {trial}: the next save did not land"
    runs = {r.run_id for r in store.load().memory.runs}
    assert {f"after{t}" for t in range(TRIALS)} <= runs
    # The kills were spread: some writers got saves in before dying, some did not.
    landed = sum(any(run.startswith(f"crash{t}-") for run in runs) for t in range(TRIALS))
    assert 0 < landed < TRIALS
    capsys.readouterr()


def _wait_for(marker: Path, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not marker.exists():
        assert time.monotonic() < deadline, f"no save landed in {timeout_s:.0f}s"
        time.sleep(0.01)
