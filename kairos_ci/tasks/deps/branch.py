"""When to touch an update branch: create, update, rebase only on conflict, or leave it.

A group's branch is regenerated when its versions change or when it no longer
merges cleanly into the base. Being merely behind the base is not a reason:
rebasing every bot branch on every push is the rebase storm users complain
about. A branch someone else pushed to is left alone.
"""

from __future__ import annotations

from kairos_ci.errors import GitError
from kairos_ci.git import Git
from kairos_ci.tasks.deps.records import BranchDecision, BranchState, PlanGroup


def branch_action(group: PlanGroup, state: BranchState | None) -> BranchDecision:
    if state is None:
        return BranchDecision("create", f"no {group.branch} yet")
    if state.foreign_commits:
        why = f"someone else pushed to {group.branch}: kairos stops updating it"
        return BranchDecision("leave", why)
    if state.versions_hash != group.versions_hash:
        return BranchDecision("update", "the versions changed: regenerated on the latest base")
    if state.conflicts:
        return BranchDecision("rebase", "it conflicts with the base: regenerated on it")
    return BranchDecision("keep", "same versions and it merges cleanly: left as it is")


def merges_cleanly(git: Git, base: str, head: str) -> bool:
    """Whether ``head`` merges into ``base`` without conflicts (nothing is written)."""
    result = git.run(
        "merge-tree", "--write-tree", "--no-messages", "--end-of-options", base, head, check=False
    )
    if result.returncode not in (0, 1):  # 1 means conflicts; anything else is a failure
        lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git merge-tree failed: {lines[-1] if lines else result.returncode}")
    return result.returncode == 0
