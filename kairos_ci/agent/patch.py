"""The attempt's patch: only what the agent wrote, checked like any other patch.

Test runs leave files behind (caches, reports, even edits by a badly behaved test);
those are reverted so the patch holds exactly the paths the write tools changed.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass

from kairos_ci.config.records import Config
from kairos_ci.guard.check import check_patch
from kairos_ci.guard.records import GuardReport
from kairos_ci.guard.revisions import patch_versions, repo_context
from kairos_ci.policy.protected import violations
from kairos_ci.policy.records import PathChange, Violation
from kairos_ci.workspace.scratch import Scratch, changed_paths, symlinks_at


@dataclass(frozen=True)
class FinalPatch:
    text: str  # ``git diff --binary`` against the base
    changes: tuple[PathChange, ...]
    guard: GuardReport
    protected: tuple[Violation, ...]
    discarded: tuple[str, ...]  # paths changed by test runs, not by the agent: reverted


def final_patch(scratch: Scratch, config: Config, written: Set[str]) -> FinalPatch:
    discarded = _discard_side_effects(scratch, written)
    changes = changed_paths(scratch)  # stages everything in the scratch's own index
    text = scratch.git.run("diff", "--cached", "--binary", scratch.base_sha).stdout
    files = patch_versions(scratch.path, scratch.base_sha)
    report = check_patch(files, repo_context(scratch.path))
    links = symlinks_at(scratch.path, scratch.base_sha)
    found = violations(changes, config.protected_paths, links)
    return FinalPatch(text.decode("utf-8", "replace"), changes, report, found, discarded)


def _discard_side_effects(scratch: Scratch, written: Set[str]) -> tuple[str, ...]:
    stray: list[str] = []
    for change in changed_paths(scratch):
        sides = {change.path, change.old_path} - {None}
        if not sides & written:
            stray.extend(side for side in sides if side is not None)
    git = scratch.git
    for path in stray:
        tracked = git.run("cat-file", "-e", f"{scratch.base_sha}:{path}", check=False)
        if tracked.returncode == 0:
            git.run("checkout", "-q", scratch.base_sha, "--", path)
        else:
            git.run("rm", "-q", "--cached", "--force", "--", path)
            (scratch.path / path).unlink(missing_ok=True)
    return tuple(sorted(stray))
