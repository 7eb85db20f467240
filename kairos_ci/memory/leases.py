"""Leases: named, expiring claims that keep two runs from doing the same task.

Every change is a compare-and-swap commit of ``leases.json``. When two runs race
for a lease, exactly one push wins; the loser refetches, sees the lease held and
gets ``LeaseHeld``. Time comes from the store's clock, so tests can move it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from kairos_ci.clock import from_iso, to_iso
from kairos_ci.errors import LeaseHeld
from kairos_ci.memory.records import Lease
from kairos_ci.memory.store import Edit, MemoryStore
from kairos_ci.memory.tip import Tip


def acquire(store: MemoryStore, name: str, owner: str, ttl_s: float) -> Lease:
    """Take ``name`` for ``owner`` (or extend it if ``owner`` holds it already)."""
    return _claim(store, name, owner, ttl_s, must_hold=False)


def renew(store: MemoryStore, name: str, owner: str, ttl_s: float) -> Lease:
    """Extend a lease ``owner`` holds; refused if it expired and someone else took it."""
    return _claim(store, name, owner, ttl_s, must_hold=True)


def release(store: MemoryStore, name: str, owner: str) -> None:
    """Give a lease back. Only its owner may; releasing a free lease does nothing."""

    def change(tip: Tip) -> Edit | None:
        held = tip.leases.get(name)
        if held is None:
            return None
        if held.owner != owner:
            raise LeaseHeld(f"lease {name!r} is held by {held.owner}, not {owner}: not released")
        leases = {key: lease for key, lease in tip.leases.items() if key != name}
        return Edit(f"memory: release lease {name}", leases=leases)

    store.transact(change)


def holder(store: MemoryStore, name: str) -> Lease | None:
    """Who holds ``name`` right now, if anyone (expired leases count as free)."""
    lease = store.load().memory.leases.get(name)
    return lease if lease is not None and not _expired(lease, store) else None


def _claim(store: MemoryStore, name: str, owner: str, ttl_s: float, *, must_hold: bool) -> Lease:
    claimed: list[Lease] = []  # the lease of the attempt that won

    def change(tip: Tip) -> Edit | None:
        claimed.clear()
        now = store.clock()
        held = tip.leases.get(name)
        if held is not None and held.owner != owner and not _expired(held, store):
            raise LeaseHeld(f"lease {name!r} is held by {held.owner} until {held.expires_at}")
        if must_hold and (held is None or held.owner != owner):
            raise LeaseHeld(f"lease {name!r} is no longer held by {owner}")
        mine = held is not None and held.owner == owner and not _expired(held, store)
        since = held.acquired_at if mine and held is not None else to_iso(now)
        lease = Lease(name, owner, since, to_iso(now + timedelta(seconds=ttl_s)))
        claimed.append(lease)
        others = {key: held for key, held in _live(tip.leases, store).items() if key != name}
        leases = _bounded(others, store.limits.leases - 1) | {name: lease}
        return Edit(f"memory: lease {name} to {owner}", leases=leases)

    store.transact(change)
    return claimed[0]


def _expired(lease: Lease, store: MemoryStore) -> bool:
    return from_iso(lease.expires_at) <= store.clock()


def _live(leases: Mapping[str, Lease], store: MemoryStore) -> dict[str, Lease]:
    return {key: lease for key, lease in leases.items() if not _expired(lease, store)}


def _bounded(leases: dict[str, Lease], limit: int) -> dict[str, Lease]:
    """At most ``limit``: the ones expiring soonest go first."""
    keep = sorted(leases.values(), key=lambda lease: (lease.expires_at, lease.name), reverse=True)
    return {lease.name: lease for lease in keep[: max(limit, 0)]}
