from __future__ import annotations

import itertools
import multiprocessing
from datetime import timedelta
from pathlib import Path

import pytest

from kairos_ci.errors import LeaseHeld
from kairos_ci.git import Git
from kairos_ci.memory.leases import acquire, holder, release, renew
from kairos_ci.memory.records import MemoryLimits
from kairos_ci.memory.store import MemoryStore
from tests.memory.helpers import T0, at, make_store
from tests.memory.workers import hold_once

RACERS = 8


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self):  # type: ignore[no-untyped-def]
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def leases(clone: Path, tmp_path: Path, clock: Clock) -> MemoryStore:
    return make_store(clone, tmp_path / "scratch", clock=clock)


def test_a_held_lease_is_refused_to_others_until_it_expires(
    leases: MemoryStore, clock: Clock
) -> None:
    lease = acquire(leases, "nightly", "run-1", ttl_s=60)
    assert (lease.owner, lease.acquired_at, lease.expires_at) == ("run-1", at(0), at(60))
    clock.advance(59)
    with pytest.raises(LeaseHeld, match="'nightly' is held by run-1 until 2026-11-27T03:01:00Z"):
        acquire(leases, "nightly", "run-2", ttl_s=60)
    clock.advance(1)
    taken = acquire(leases, "nightly", "run-2", ttl_s=60)
    assert taken.owner == "run-2"
    assert holder(leases, "nightly") == taken
    with pytest.raises(LeaseHeld, match="'nightly' is held by run-2"):
        renew(leases, "nightly", "run-1", ttl_s=60)
    release(leases, "nightly", "run-2")
    with pytest.raises(LeaseHeld, match="'nightly' is no longer held by run-2"):
        renew(leases, "nightly", "run-2", ttl_s=60)


def test_renewing_extends_the_lease_and_keeps_when_it_began(
    leases: MemoryStore, clock: Clock
) -> None:
    acquire(leases, "nightly", "run-1", ttl_s=60)
    clock.advance(30)
    renewed = renew(leases, "nightly", "run-1", ttl_s=60)
    assert (renewed.acquired_at, renewed.expires_at) == (at(0), at(90))
    clock.advance(100)  # expired, but nobody took it: the owner may still renew
    again = renew(leases, "nightly", "run-1", ttl_s=60)
    assert (again.acquired_at, again.expires_at) == (at(130), at(190))


def test_only_the_owner_can_release(leases: MemoryStore, origin: Path) -> None:
    acquire(leases, "nightly", "run-1", ttl_s=60)
    with pytest.raises(LeaseHeld, match="held by run-1, not run-2: not released"):
        release(leases, "nightly", "run-2")
    assert holder(leases, "nightly").owner == "run-1"  # type: ignore[union-attr]
    release(leases, "nightly", "run-1")
    assert holder(leases, "nightly") is None
    tip = Git(origin).text("rev-parse", "refs/heads/kairos/memory")
    release(leases, "nightly", "run-1")  # releasing a free lease commits nothing
    assert Git(origin).text("rev-parse", "refs/heads/kairos/memory") == tip


def test_expired_leases_are_dropped_and_their_number_is_bounded(
    clone: Path, tmp_path: Path, clock: Clock
) -> None:
    store = make_store(clone, tmp_path / "s", clock=clock, limits=MemoryLimits(leases=3))
    acquire(store, "short", "run-1", ttl_s=10)
    clock.advance(11)
    for name in ("a", "b", "c", "d"):
        acquire(store, name, "run-2", ttl_s=100)
    assert set(store.load().memory.leases) == {"b", "c", "d"}


def test_racing_processes_hold_the_lease_one_at_a_time(
    clone: Path, tmp_path: Path, origin: Path
) -> None:
    fork = multiprocessing.get_context("fork")
    start = fork.Barrier(RACERS)
    logs = [tmp_path / f"held-{i}.txt" for i in range(RACERS)]
    racers = [
        fork.Process(target=hold_once, args=(clone, tmp_path / f"r{i}", i, logs[i], start))
        for i in range(RACERS)
    ]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(timeout=120)
    assert [r.exitcode for r in racers] == [0] * RACERS
    rows = sorted(tuple(map(float, log.read_text().split())) for log in logs)
    for (_, ended, _), (began, _, _) in itertools.pairwise(rows):
        assert began >= ended, "two processes held the lease at the same time"
    assert sum(denied for _, _, denied in rows) >= RACERS - 1  # they did race
    # Every acquire and release was its own commit; the lease is free at the end.
    commits = int(Git(origin).text("rev-list", "--count", "refs/heads/kairos/memory"))
    assert commits == 2 * RACERS
    assert holder(make_store(clone, tmp_path / "check"), "build") is None
