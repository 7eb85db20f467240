"""Dependency updates in the nightly run: plan, verify each group, propose the survivors.

A group's identity is its exact set of versions (``deps:<group>:<versions hash>``), so a
PR a human closed unmerged blocks those versions, and only those, on later nights.

A group whose open branch has the same versions and still merges into the base is left
alone, unverified and unwritten; one that conflicts is regenerated on the base and
verified again before anything is pushed (``branch.branch_action``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from kairos_ci.config.records import Config
from kairos_ci.context import Secret
from kairos_ci.git import Git
from kairos_ci.memory.records import Memory, WorkState
from kairos_ci.stages.records import ProposedChange, Skipped
from kairos_ci.tasks.deps.body import report_lines
from kairos_ci.tasks.deps.branch import branch_action, branch_state
from kairos_ci.tasks.deps.manifests import read_manifests
from kairos_ci.tasks.deps.plan import plan_updates
from kairos_ci.tasks.deps.records import BranchDecision, PlanGroup, RejectedKey
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
        decision = decide(Git(repo), base_sha, group, memory)
        if decision.action in ("keep", "leave"):
            skipped.append(Skipped(f"update_deps ({group.key})", f"{group.branch}: {decision.why}"))
            continue
        done = update_group(repo, base_sha, group, config, runner, registries, rejected)
        if isinstance(done.result, Skipped):
            skipped.append(done.result)
            continue
        change = done.result
        if decision.action == "rebase":
            change = replace(change, summary=f"{change.summary} ({decision.why})")
        if done.rejection_key is not None:
            change = replace(change, identity_key=identity(done.rejection_key))
        changes.append(change)
    return DepsOutcome(tuple(changes), tuple(skipped))


def decide(git: Git, base_sha: str, group: PlanGroup, memory: Memory) -> BranchDecision:
    """What to do with the group's branch: its versions from memory's open work on it,
    its conflicts and authors from the checkout."""
    work = memory.work.get(group.branch)
    prefix = f"{PREFIX}{group.key}:"
    versions = None
    if work is not None and work.state is WorkState.OPEN and work.patch_hash.startswith(prefix):
        versions = work.patch_hash.removeprefix(prefix)
    return branch_action(group, branch_state(git, base_sha, group.branch, versions))


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
