from __future__ import annotations

from pathlib import Path

import pytest

from kairos_ci.git import Git
from kairos_ci.tasks.deps.branch import branch_action, branch_state, merges_cleanly
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


def test_branch_state_reads_the_fetched_branch_or_says_it_does_not_know(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    base = commit_files(repo, {"requirements.txt": "a==1.0\n"})
    assert branch_state(Git(repo), base, "kairos/deps/pypi", "abc") is None  # not fetched
    git(repo, "checkout", "-q", "--orphan", "unrelated")
    unrelated = commit_files(repo, {"other": "x\n"})
    git(repo, "update-ref", "refs/remotes/origin/kairos/deps/pypi", unrelated)
    # No history in common (a shallow checkout looks the same): regenerate, as before.
    assert branch_state(Git(repo), base, "kairos/deps/pypi", "abc") is None
    git(repo, "checkout", "-q", "-b", "bump", base)
    bump = commit_files(repo, {"requirements.txt": "a==1.0.1\n"})
    git(repo, "update-ref", "refs/remotes/origin/kairos/deps/pypi", bump)
    state = branch_state(Git(repo), base, "kairos/deps/pypi", "abc")
    assert state == BranchState("abc", conflicts=False, foreign_commits=True)  # t@e made it
