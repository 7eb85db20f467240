"""Dependency updates in the nightly run: plan, verify each group, propose the survivors.

A group's identity is its exact set of versions (``deps:<group>:<versions hash>``), so a
PR a human closed unmerged blocks those versions, and only those, on later nights.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from kairos_ci.config.records import Config
from kairos_ci.context import Secret
from kairos_ci.memory.records import Memory
from kairos_ci.stages.records import ProposedChange, Skipped
from kairos_ci.tasks.deps.body import report_lines
from kairos_ci.tasks.deps.manifests import read_manifests
from kairos_ci.tasks.deps.plan import plan_updates
from kairos_ci.tasks.deps.records import RejectedKey
from kairos_ci.tasks.deps.registry import open_registries
from kairos_ci.tasks.deps.task import update_group
from kairos_ci.workspace.commands import CommandRunner

PREFIX = "deps:"


@dataclass(frozen=True)
class DepsOutcome:
    changes: tuple[ProposedChange, ...] = ()
    skipped: tuple[Skipped, ...] = ()


def nightly_updates(
    repo: Path,
    base_sha: str,
    config: Config,
    runner: CommandRunner,
    memory: Memory,
    pip_index_url: Secret | None,
    now: datetime,
) -> DepsOutcome:
    deps = config.update_deps
    registries = open_registries(deps.index_url, pip_index_url, deps.npm_registry_url)
    rejected = rejected_sets(memory)
    plan = plan_updates(deps, read_manifests(repo), registries, rejected, now)
    changes: list[ProposedChange] = []
    skipped = [Skipped("update_deps", line) for line in report_lines(plan)]
    for group in plan.groups:
        done = update_group(repo, base_sha, group, config, runner, registries, rejected)
        if isinstance(done.result, Skipped):
            skipped.append(done.result)
        elif done.rejection_key is not None:
            changes.append(replace(done.result, identity_key=identity(done.rejection_key)))
        else:
            changes.append(done.result)
    return DepsOutcome(tuple(changes), tuple(skipped))


def identity(key: RejectedKey) -> str:
    group, versions = key
    return f"{PREFIX}{group}:{versions}"


def rejected_sets(memory: Memory) -> frozenset[RejectedKey]:
    """The version sets humans closed unmerged, from memory's rejections."""
    found = set()
    for key in memory.rejections:
        if key.startswith(PREFIX):
            group, _, versions = key.removeprefix(PREFIX).rpartition(":")
            found.add((group, versions))
    return frozenset(found)
