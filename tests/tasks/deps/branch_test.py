from __future__ import annotations

from pathlib import Path

import pytest

from kairos_ci.git import Git
from kairos_ci.tasks.deps.branch import branch_action, merges_cleanly
from kairos_ci.tasks.deps.records import BranchState, PlanGroup
from tests.tasks.deps.gitrepo import commit_files, git

GROUP = PlanGroup("pypi", (), "abc")


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (None, "create"),
        (BranchState("abc", conflicts=False, foreign_commits=False), "keep"),
        (BranchState("abc", conflicts=True, foreign_commits=False), "rebase"),
        (BranchState("old", conflicts=False, foreign_commits=False), "update"),
        (BranchState("old", conflicts=True, foreign_commits=True), "leave"),
    ],
)
def test_rebase_only_on_conflict(state: BranchState | None, action: str) -> None:
    assert branch_action(GROUP, state).action == action


def test_merges_cleanly_asks_git_without_writing(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    base = commit_files(repo, {"requirements.txt": "a==1.0\nb==1.0\n"})
    git(repo, "checkout", "-qb", "kairos/deps/pypi")
    bump = commit_files(repo, {"requirements.txt": "a==1.0.1\nb==1.0\n"})
    git(repo, "checkout", "-q", "main")
    behind = commit_files(repo, {"README": "unrelated\n"})
    conflicting = commit_files(repo, {"requirements.txt": "a==2.0\nb==1.0\n"})
    status = git(repo, "status", "--porcelain")
    assert merges_cleanly(Git(repo), base, bump)
    assert merges_cleanly(Git(repo), behind, bump)  # behind is not a conflict
    assert not merges_cleanly(Git(repo), conflicting, bump)
    assert git(repo, "status", "--porcelain") == status
