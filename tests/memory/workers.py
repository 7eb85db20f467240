"""Bodies of the processes the concurrency, crash and lease tests start (by fork)."""

from __future__ import annotations

import random
import time
from multiprocessing.synchronize import Barrier
from pathlib import Path

from kairos_ci.errors import LeaseHeld
from kairos_ci.memory.leases import acquire, release
from kairos_ci.memory.records import Spend
from kairos_ci.verdicts.records import Outcome
from tests.memory.helpers import journal, make_store

SPEND = Spend(0.01, 1, 1)


def save_many(clone: Path, scratch: Path, writer: int, count: int, start: Barrier) -> None:
    """Save ``count`` journals as fast as possible, all writers starting together."""
    store = make_store(clone, scratch)
    start.wait()
    for index in range(count):
        run_id = f"w{writer}-{index}"
        outcomes = {f"t::writer{writer}": Outcome.PASSED, "t::shared": Outcome.FAILED}
        store.save(journal(run_id, writer * 1000 + index, outcomes, spend={"model": SPEND}))


def save_forever(clone: Path, scratch: Path, trial: int) -> None:
    """Keep saving until killed; ``scratch/landed-TRIAL`` appears once a save has landed."""
    store = make_store(clone, scratch)
    scratch.mkdir(parents=True, exist_ok=True)
    index = 0
    while True:
        store.save(journal(f"crash{trial}-{index}", trial * 100 + index, {"t::a": Outcome.PASSED}))
        (scratch / f"landed-{trial}").touch()
        index += 1


def hold_once(clone: Path, scratch: Path, worker: int, log: Path, start: Barrier) -> None:
    """Race for the lease until this worker has held it once; log when it held it."""
    store = make_store(clone, scratch)
    owner = f"run-{worker}"
    start.wait()
    denied = 0
    while True:
        try:
            acquire(store, "build", owner, ttl_s=600)
        except LeaseHeld:
            denied += 1
            time.sleep(random.SystemRandom().uniform(0.01, 0.05))
            continue
        began = time.monotonic()
        # "Doing the task": any second holder would overlap this. Longer than an acquire
        # (a fetch and a push), so the others are refused while it lasts: they do race.
        time.sleep(0.5)
        ended = time.monotonic()
        release(store, "build", owner)
        log.write_text(f"{began} {ended} {denied}\n")
        return
