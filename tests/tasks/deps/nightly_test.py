"""A dependency branch on later nights, with real git and a real index on loopback:
left alone while it merges cleanly, regenerated and verified again once it conflicts,
never touched once a human pushed to it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kairos_ci.config.load import parse_config
from kairos_ci.context import Secret, tool_environment
from kairos_ci.forge.branches import Branches
from kairos_ci.git import Git
from kairos_ci.memory.records import Memory, Work, WorkState
from kairos_ci.stages.records import ProposedChange, Skipped
from kairos_ci.tasks.deps.branch import merges_cleanly
from kairos_ci.tasks.deps.nightly import DepsOutcome, nightly_updates
from kairos_ci.workspace.commands import CommandRunner
from tests.tasks.deps.gitrepo import commit_files, git
from tests.tasks.deps.pypi_server import Index, build_wheel, pypiserver

BRANCH = "kairos/deps/pypi"
REQUIREMENTS = "alpha==1.0.0  # the core\nbeta==1.0.0\n"
CHECK = "import alpha\nassert alpha.VALUE == 1, f'alpha.VALUE is {alpha.VALUE}'\n"
KAIROS = "version: 1\ntests:\n  run: python check.py\n"


@dataclass
class Night:
    repo: Path
    index: Index

    @property
    def base(self) -> str:
        return git(self.repo, "rev-parse", "HEAD")

    def run(self, memory: Memory) -> DepsOutcome:
        """One night's dependency updates, on the checkout as the nightly fetched it."""
        git(self.repo, "fetch", "-q", "origin")
        config = parse_config(KAIROS.encode(), "kairos.yml")
        runner = CommandRunner(env=tool_environment(), timeout_s=120)
        index = Secret(self.index.url)
        # The index dates its files relative to the real time, so the plan judges by it.
        now = datetime.now(UTC)
        return nightly_updates(self.repo, self.base, config, runner, memory, index, now)

    def publish(self, change: ProposedChange) -> Memory:
        """What act does with the change, and what memory then knows of the PR."""
        branches = Branches(self.repo)
        branches.push(BRANCH, branches.build(change.base_sha, change.patch, "deps"), "main")
        work = Work(BRANCH, 1, WorkState.OPEN, change.identity, "update_deps", "2026-11-26")
        return Memory(work={BRANCH: work})

    def main_moves(self, files: dict[str, str]) -> None:
        commit_files(self.repo, files, "a human changes main")
        git(self.repo, "push", "-q", "origin", "main")

    def branch_head(self) -> str:
        return git(self.repo, "ls-remote", "origin", f"refs/heads/{BRANCH}").split()[0]


@pytest.fixture
def night(tmp_path: Path) -> Iterator[Night]:
    packages = tmp_path / "packages"
    packages.mkdir()
    build_wheel(packages, "alpha", "1.0.0", "VALUE = 1\n", age_days=100)
    build_wheel(packages, "alpha", "1.0.1", "VALUE = 1\nNEW = True\n", age_days=10)
    build_wheel(packages, "beta", "1.0.0", "VALUE = 1\n", age_days=100)
    repo = tmp_path / "repo"
    commit_files(repo, {"requirements.txt": REQUIREMENTS, "check.py": CHECK, "README": "app\n"})
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    git(repo, "remote", "add", "origin", str(origin))
    git(repo, "push", "-q", "origin", "main")
    with pypiserver(packages, tmp_path / "pypiserver.log") as index:
        yield Night(repo, index)


def _first_night(night: Night) -> tuple[ProposedChange, Memory]:
    first = night.run(Memory())
    (change,) = first.changes
    assert change.branch == BRANCH and change.verified
    return change, night.publish(change)


@pytest.mark.slow  # installs into fresh virtual environments: several seconds
def test_a_branch_that_merges_cleanly_is_left_alone(night: Night) -> None:
    _, memory = _first_night(night)
    pushed = night.branch_head()
    night.main_moves({"README": "app, now behind\n"})

    later = night.run(memory)
    assert later.changes == ()  # nothing to gate, so nothing is written
    assert (
        Skipped(
            "update_deps (pypi)",
            f"{BRANCH}: same versions and it merges cleanly: left as it is",
        )
        in later.skipped
    )
    assert night.branch_head() == pushed


@pytest.mark.slow  # installs into fresh virtual environments: several seconds
def test_a_conflicting_branch_is_rebuilt_on_the_base_and_verified_again(night: Night) -> None:
    first, memory = _first_night(night)
    night.main_moves({"requirements.txt": REQUIREMENTS.replace("the core", "the core, v1")})
    assert not merges_cleanly(Git(night.repo), night.base, night.branch_head())

    later = night.run(memory)
    (change,) = later.changes
    assert change.base_sha == night.base != first.base_sha
    assert change.identity == first.identity  # the same versions, on the new base
    assert change.verified and "test run(s)" in change.checks[0].detail
    assert change.summary.endswith("(it conflicts with the base: regenerated on it)")

    night.publish(change)
    assert merges_cleanly(Git(night.repo), night.base, night.branch_head())
    git(night.repo, "fetch", "-q", "origin")
    shown = git(night.repo, "show", f"origin/{BRANCH}:requirements.txt") + "\n"  # git() strips
    assert shown == REQUIREMENTS.replace("alpha==1.0.0  # the core", "alpha==1.0.1  # the core, v1")


@pytest.mark.slow  # installs into fresh virtual environments: several seconds
def test_a_rebuilt_branch_that_no_longer_verifies_is_not_proposed(night: Night) -> None:
    _, memory = _first_night(night)
    pushed = night.branch_head()
    night.main_moves(
        {
            "requirements.txt": REQUIREMENTS.replace("the core", "the core, v1"),
            "check.py": CHECK + "assert not hasattr(alpha, 'NEW'), 'alpha.NEW is not wanted'\n",
        }
    )

    later = night.run(memory)
    assert later.changes == ()
    (why,) = [s.why for s in later.skipped if s.task == "update_deps (pypi)"]
    assert why.startswith("every member broke the install or the tests") and "alpha.NEW" in why
    assert night.branch_head() == pushed


@pytest.mark.slow  # installs into fresh virtual environments: several seconds
def test_a_branch_a_human_pushed_to_is_never_regenerated(night: Night) -> None:
    _, memory = _first_night(night)
    git(night.repo, "fetch", "-q", "origin")
    git(night.repo, "checkout", "-q", "-b", "mine", f"origin/{BRANCH}")
    commit_files(night.repo, {"NOTES": "mine\n"}, "a human's commit")
    git(night.repo, "push", "-q", "origin", f"mine:{BRANCH}")
    git(night.repo, "checkout", "-q", "main")
    night.main_moves({"requirements.txt": REQUIREMENTS.replace("the core", "the core, v1")})

    later = night.run(memory)
    assert later.changes == ()
    assert (
        Skipped(
            "update_deps (pypi)",
            f"{BRANCH}: someone else pushed to {BRANCH}: kairos stops updating it",
        )
        in later.skipped
    )
