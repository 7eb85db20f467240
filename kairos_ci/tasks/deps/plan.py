"""The update plan: which pinned packages move to which versions, in which groups.

Pure: the registry answers come in through the ``Registry`` port (cached for
the run), the rejected sets come from memory, and ``now`` is passed in, so the
same state always gives the same plan.
"""

from __future__ import annotations

import fnmatch
import hashlib
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime, timedelta

from kairos_ci.config.records import DepGroup, UpdateDepsConfig
from kairos_ci.tasks.deps.records import (
    Bump,
    Ecosystem,
    Held,
    Manifest,
    ManifestSet,
    Package,
    Pin,
    PlanGroup,
    RegistryFailure,
    RejectedKey,
    Release,
    UpdatePlan,
)
from kairos_ci.tasks.deps.registry import Registry
from kairos_ci.tasks.deps.registry.simple import normalise
from kairos_ci.tasks.deps.versions import Version, parse, update_type


def plan_updates(
    config: UpdateDepsConfig,
    manifests: ManifestSet,
    registry: Registry,
    rejected: Collection[RejectedKey],
    now: datetime,
) -> UpdatePlan:
    bumps: list[Bump] = []
    held: list[Held] = []
    failures: list[RegistryFailure] = []
    for (ecosystem, key, version), pins in sorted(_occurrences(manifests.manifests).items()):
        name = pins[0].name
        if ignored(config.ignore, ecosystem, key):
            held.append(Held(ecosystem, name, version, "ignored by update_deps.ignore"))
            continue
        found = registry.lookup(ecosystem, name, version)
        if isinstance(found, RegistryFailure):
            failures.append(found)
            continue
        decision = choose(config, found, pins, version, now)
        if isinstance(decision, Bump):
            bumps.append(decision)
        elif decision is not None:
            held.append(decision)
    groups = group_bumps(config.groups, bumps)
    rejected_keys = set(rejected)
    return UpdatePlan(
        groups=tuple(g for g in groups if (g.key, g.versions_hash) not in rejected_keys),
        blocked=tuple(g for g in groups if (g.key, g.versions_hash) in rejected_keys),
        held=tuple(held),
        failures=tuple(dict.fromkeys(failures)),
        problems=manifests.problems,
    )


def choose(
    config: UpdateDepsConfig, package: Package, pins: Sequence[Pin], version: str, now: datetime
) -> Bump | Held | None:
    """The newest allowed, cooled-down release above ``version``; None when up to date."""
    ecosystem, name = package.ecosystem, pins[0].name
    current = parse(ecosystem, version)
    if current is None:
        return Held(ecosystem, name, version, f"cannot order version {version!r}")
    newer = _newer(package, current)
    if not newer:
        return None
    allowed = [(r, v) for r, v in newer if update_type(current, v) in config.update_types]
    if not allowed:
        newest = newer[0][1]
        kind = update_type(current, newest)
        allowed_text = ", ".join(config.update_types)
        why = f"{kind} update to {newest.text} not allowed (update_types: {allowed_text})"
        return Held(ecosystem, name, version, why)
    reasons = []
    for release, parsed in allowed:
        waiting = _cooling(release, config.cooldown_days, now)
        if waiting is not None:
            reasons.append(f"{release.version} {waiting}")
            continue
        hashes = _hashes(release, pins)
        if isinstance(hashes, str):
            return Held(ecosystem, name, version, f"{release.version}: {hashes}")
        kind = update_type(current, parsed)
        return Bump(
            ecosystem,
            name,
            pins[0].key,
            version,
            release.version,
            kind,
            release.released,
            tuple(pins),
            hashes,
        )
    return Held(ecosystem, name, version, "; ".join(reasons))


def group_bumps(groups: Sequence[DepGroup], bumps: Iterable[Bump]) -> tuple[PlanGroup, ...]:
    members: dict[str, list[Bump]] = defaultdict(list)
    for bump in bumps:
        members[group_key(groups, bump.ecosystem, bump.key)].append(bump)
    return tuple(
        PlanGroup(key, tuple(sorted(items, key=_bump_order)), versions_hash(items))
        for key, items in sorted(members.items())
    )


def group_key(groups: Sequence[DepGroup], ecosystem: Ecosystem, key: str) -> str:
    """The first configured group whose patterns match; otherwise the ecosystem's group."""
    for group in groups:
        if any(_matches(pattern, ecosystem, key) for pattern in group.match):
            return group.name
    return ecosystem


def ignored(patterns: Sequence[str], ecosystem: Ecosystem, key: str) -> bool:
    return any(_matches(pattern, ecosystem, key) for pattern in patterns)


def versions_hash(bumps: Iterable[Bump]) -> str:
    """Identity of an exact set of target versions, whatever the order or the old versions."""
    lines = sorted({f"{b.ecosystem}:{b.key}=={b.new}" for b in bumps})
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


def _occurrences(manifests: Iterable[Manifest]) -> dict[tuple[Ecosystem, str, str], list[Pin]]:
    found: dict[tuple[Ecosystem, str, str], list[Pin]] = defaultdict(list)
    for manifest in manifests:
        for pin in manifest.pins:
            found[(pin.ecosystem, pin.key, pin.version)].append(pin)
    return found


def _newer(package: Package, current: Version) -> list[tuple[Release, Version]]:
    """Stable, not withdrawn releases above ``current``, newest first."""
    newer = []
    for release in package.releases:
        parsed = parse(package.ecosystem, release.version)
        if parsed is not None and parsed.stable and not release.yanked and parsed > current:
            newer.append((release, parsed))
    return sorted(newer, key=lambda pair: pair[1].key, reverse=True)


def _cooling(release: Release, days: int, now: datetime) -> str | None:
    """Why ``release`` must still wait, or None when it has cooled down."""
    if days == 0:
        return None
    if release.released is None:
        return "has no release date from the registry, so the cooldown cannot pass"
    age = now - release.released
    if age >= timedelta(days=days):
        return None
    return f"was released {_age(age)} ago; the cooldown is {days} days"


def _hashes(release: Release, pins: Sequence[Pin]) -> tuple[str, ...] | str:
    """The new digests for pins that carry --hash, or why they cannot be computed."""
    hashed = [p for p in pins if p.hashes is not None]
    if not hashed:
        return ()
    algorithms = {a for p in hashed if p.hashes for a in p.hashes.algorithms}
    if algorithms != {"sha256"}:
        return f"cannot recompute --hash: only sha256 is supported, not {sorted(algorithms)}"
    if not release.files:
        return "cannot recompute --hash: the index lists no files"
    missing = [f.filename for f in release.files if f.sha256 is None]
    if missing:
        return f"cannot recompute --hash: the index gives no sha256 for {missing[0]}"
    return tuple(sorted({f.sha256 for f in release.files if f.sha256}))


def _matches(pattern: str, ecosystem: Ecosystem, key: str) -> bool:
    scope, colon, rest = pattern.partition(":")
    if colon and scope in ("pypi", "npm"):
        if scope != ecosystem:
            return False
        pattern = rest
    pattern = normalise(pattern) if ecosystem == "pypi" else pattern.lower()
    return fnmatch.fnmatchcase(key if ecosystem == "pypi" else key.lower(), pattern)


def _bump_order(bump: Bump) -> tuple[str, str, str]:
    return (bump.ecosystem, bump.key, bump.old)


def _age(age: timedelta) -> str:
    hours = int(age.total_seconds() // 3600)
    return f"{hours} hours" if hours < 48 else f"{hours // 24} days"
