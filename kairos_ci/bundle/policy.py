"""Policy checked again where the bundle is applied (the hardened two-job setup).

The job that applies a bundle trusts nothing about how it was made: it re-checks the
autonomy each write needs against the repository's own config, caps how many PRs and
inline comments go out, and checks the actual commit for protected paths, symlinks
and size before anything is pushed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kairos_ci.bundle.intents import EnableAutoMerge, Kind, OpenPullRequest
from kairos_ci.bundle.records import Bundle, Write, patch_hash
from kairos_ci.config.records import BUILTIN_PROTECTED_PATHS, Config, Level
from kairos_ci.forge.branches import BuiltCommit
from kairos_ci.memory.store import DEFAULT_BRANCH
from kairos_ci.policy import autonomy, protected


@dataclass(frozen=True)
class ChangeBudget:
    """How big one pushed change may be (SECURITY.md WRT-07): over it, nothing is pushed."""

    max_files: int = 100
    max_changed_lines: int = 5000
    max_deleted_files: int = 20
    max_patch_bytes: int = 2 * 1024 * 1024


def refusals(bundle: Bundle, config: Config | None, budget: ChangeBudget) -> dict[int, str]:
    """Index of each write policy refuses, with the reason. Checked before any write."""
    found: dict[int, str] = {}
    for index, write in enumerate(bundle.writes):
        reason = (
            _branch_refusal(write, config)
            or _autonomy_refusal(write, config)
            or _size_refusal(write, budget)
        )
        if reason:
            found[index] = reason
    if config is not None:
        allowed = config.limits.max_new_prs_per_run
        pulls = [i for i, w in enumerate(bundle.writes) if w.kind is Kind.PULL_REQUEST]
        for index in [i for i in pulls if i not in found][allowed:]:
            found[index] = f"limits.max_new_prs_per_run is {allowed}"
    return found


def effective_level(write: Write, config: Config | None) -> Level:
    """The bundle's level, admitted again against this repository's own config."""
    configured = config.autonomy if config is not None else None
    return autonomy.admitted(write.autonomy, write.task, configured)


def change_refusal(
    built: BuiltCommit,
    config: Config | None,
    budget: ChangeBudget,
    symlinks: Mapping[str, str],
) -> str | None:
    """Why this commit must not be pushed, or None."""
    patterns = config.protected_paths if config is not None else BUILTIN_PROTECTED_PATHS
    violations = protected.violations(built.changes, patterns, symlinks)
    if violations:
        return "; ".join(v.reason for v in violations[:5])
    links = [c.path for c in built.changes if c.symlink_target is not None]
    if links:
        return f"the change creates symlinks ({', '.join(links[:5])}); kairos never does"
    lines = built.added_lines + built.deleted_lines
    checks = (
        (len(built.changes), budget.max_files, "files"),
        (lines, budget.max_changed_lines, "changed lines"),
        (built.deleted_files, budget.max_deleted_files, "deleted files"),
    )
    for value, limit, what in checks:
        if value > limit:
            return f"the change has {value} {what}, over the limit of {limit}"
    return None


def _branch_refusal(write: Write, config: Config | None) -> str | None:
    """kairos writes pull requests only from its own kairos/* branches, and never from
    the memory branch: a bundle naming it would overwrite memory with a patch."""
    intent = write.intent
    if not isinstance(intent, OpenPullRequest | EnableAutoMerge) or intent.branch is None:
        return None
    branch = intent.branch
    memory = config.memory.branch if config is not None else DEFAULT_BRANCH
    if branch == memory:
        return f"{branch} is kairos's memory branch: no pull request is made from it"
    if not branch.startswith("kairos/"):
        return f"{branch} is not a kairos/* branch: kairos pushes no other"
    return None


def review_comment_cap(config: Config | None) -> int | None:
    return config.limits.max_review_comments if config is not None else None


def _autonomy_refusal(write: Write, config: Config | None) -> str | None:
    level = effective_level(write, config)
    need = _required(write)
    if level >= need:
        return _approval_refusal(write)
    if level is Level.OBSERVE:
        return "autonomy is observe: nothing is written"
    task = f" for {write.task.value}" if write.task else ""
    return f"{write.kind.value} needs autonomy {need}; allowed{task} is {level}"


def _required(write: Write) -> Level:
    """A maintainer's approval on the dashboard lets a suggestion become a PR."""
    return autonomy.required_level(write.kind.value, approved=write.approval is not None)


def _approval_refusal(write: Write) -> str | None:
    """An approval is bound to one patch: its key ends with that patch's hash."""
    if not isinstance(write.intent, OpenPullRequest) or write.approval is None:
        return None
    digest = patch_hash(write.intent.change.patch)
    if not write.approval.endswith("." + digest):
        return f"the approval {write.approval} was given for a different patch"
    return None


def _size_refusal(write: Write, budget: ChangeBudget) -> str | None:
    if not isinstance(write.intent, OpenPullRequest):
        return None
    size = len(write.intent.change.patch.encode())
    if size > budget.max_patch_bytes:
        return f"the patch is {size} bytes, over the limit of {budget.max_patch_bytes}"
    return None
