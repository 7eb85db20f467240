"""When to touch an update branch: create, update, rebase only on conflict, or leave it.

A group's branch is regenerated when its versions change or when it no longer
merges cleanly into the base. Being merely behind the base is not a reason:
rebasing every bot branch on every push is the rebase storm users complain
about. A branch someone else pushed to is left alone.

The branch is read where the checkout already has it (``refs/remotes/origin/<branch>``,
which ``fetch-depth: 0`` fetches): no request, no credentials. A checkout without it
regenerates the group as before, and the push leaves a branch with the same change alone.
"""

from __future__ import annotations

from kairos_ci.errors import GitError
from kairos_ci.git import IDENTITY_EMAIL, Git
from kairos_ci.tasks.deps.records import BranchDecision, BranchState, PlanGroup

REMOTE = "origin"


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


def branch_state(git: Git, base_sha: str, branch: str, versions: str | None) -> BranchState | None:
    """The branch as the checkout fetched it, against ``base_sha``; None when the checkout
    does not have it (or git cannot compare them: then the group is regenerated).
    ``versions``: the versions hash its open PR proposes, from memory."""
    ref = f"refs/remotes/{REMOTE}/{branch}"
    found = git.run("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
    if found.returncode != 0:
        return None
    head = found.stdout.decode().strip()
    try:
        conflicts = not merges_cleanly(git, base_sha, head)
        authors = git.text("log", "--format=%ae%n%ce", head, f"^{base_sha}", "--")
    except GitError:  # e.g. no common history in a shallow checkout
        return None
    foreign = any(email != IDENTITY_EMAIL for email in authors.splitlines())
    return BranchState(versions, conflicts=conflicts, foreign_commits=foreign)
