"""Acceptance: dependency updates against a real PyPI-compatible index on loopback.

Pinned: alpha (a patch release, cooled down), beta (a patch release that breaks
the tests), gamma (a patch release younger than the cooldown) and delta (only a
minor release). Expected: one group proposing exactly alpha, with beta dropped
and explained; the same again on a rerun; nothing once that exact set was
rejected; a newer alpha patch proposed after that; a clear failure in an outage.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kairos_ci.config.load import parse_config
from kairos_ci.config.records import Config
from kairos_ci.context import Secret, tool_environment
from kairos_ci.stages.records import ProposedChange, Skipped
from kairos_ci.tasks.deps.body import report_lines
from kairos_ci.tasks.deps.manifests import read_manifests
from kairos_ci.tasks.deps.plan import plan_updates
from kairos_ci.tasks.deps.records import GroupUpdate, UpdatePlan
from kairos_ci.tasks.deps.registry import Registries, open_registries
from kairos_ci.tasks.deps.task import update_group
from kairos_ci.workspace.commands import CommandRunner
from tests.tasks.deps.gitrepo import commit_files, git
from tests.tasks.deps.pypi_server import Index, build_wheel, pypiserver

REQUIREMENTS = """\
# Pinned by hand; keep the comments.
alpha==1.0.0  # the core
beta == 1.0.0 ; python_version >= "3.8"
gamma==1.0.0

delta==1.0.0\t# minor only
"""
CHECK = """\
import alpha, beta, gamma, delta
assert beta.VALUE == 1, f"beta.VALUE is {beta.VALUE}, expected 1"
print("ok")
"""
KAIROS = "version: 1\ntests:\n  run: python check.py\n"


@dataclass
class World:
    repo: Path
    base: str
    index: Index
    packages: Path
    config: Config
    runner: CommandRunner

    def registries(self) -> Registries:
        return open_registries(None, Secret(self.index.url), None)

    def plan(self, rejected: frozenset[tuple[str, str]] = frozenset()) -> UpdatePlan:
        found = read_manifests(self.repo)
        now = datetime.now(UTC)
        return plan_updates(self.config.update_deps, found, self.registries(), rejected, now)

    def update(
        self, plan: UpdatePlan, rejected: frozenset[tuple[str, str]] = frozenset()
    ) -> GroupUpdate:
        (group,) = plan.groups
        registries = self.registries()
        return update_group(
            self.repo, self.base, group, self.config, self.runner, registries, rejected
        )


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    packages = tmp_path / "packages"
    packages.mkdir()
    for name in ("alpha", "beta", "gamma", "delta"):
        build_wheel(packages, name, "1.0.0", "VALUE = 1\n", age_days=100)
    build_wheel(packages, "alpha", "1.0.1", "VALUE = 1\n", age_days=10)
    build_wheel(packages, "beta", "1.0.1", "VALUE = 2\n", age_days=10)
    build_wheel(packages, "gamma", "1.0.1", "VALUE = 1\n", age_days=1)
    build_wheel(packages, "delta", "1.1.0", "VALUE = 1\n", age_days=10)
    repo = tmp_path / "repo"
    base = commit_files(
        repo,
        {"requirements.txt": REQUIREMENTS, "check.py": CHECK, ".github/kairos.yml": KAIROS},
    )
    config = parse_config(KAIROS.encode(), "kairos.yml")
    runner = CommandRunner(env=tool_environment(), timeout_s=120)
    with pypiserver(packages, tmp_path / "pypiserver.log") as index:
        yield World(repo, base, index, packages, config, runner)


def test_one_group_with_the_allowed_verified_bumps_and_the_dropped_member_explained(
    world: World,
) -> None:
    plan = world.plan()
    assert [str(b) for b in plan.groups[0].bumps] == ["alpha 1.0.0 -> 1.0.1", "beta 1.0.0 -> 1.0.1"]
    held = {h.name: h.why for h in plan.held}
    assert held["gamma"].startswith("1.0.1 was released ") and "cooldown is 3 days" in held["gamma"]
    assert held["delta"] == "minor update to 1.1.0 not allowed (update_types: patch)"
    assert plan.failures == ()

    done = world.update(plan)
    change = done.result
    assert isinstance(change, ProposedChange), change
    assert change.verified and change.branch == "kairos/deps/pypi" and change.kind == "update_deps"
    assert change.title == "Update alpha from 1.0.0 to 1.0.1"
    assert change.files == ("requirements.txt",)
    assert [str(d.bump) for d in done.dropped] == ["beta 1.0.0 -> 1.0.1"]
    assert "beta.VALUE is 2, expected 1" in done.dropped[0].why
    assert change.details == done.body
    assert (
        "beta" in done.body
        and "beta.VALUE is 2" in done.body
        and "| alpha | 1.0.0 | 1.0.1 |" in done.body
    )

    patched = _apply(world, change)
    assert patched == REQUIREMENTS.replace("alpha==1.0.0", "alpha==1.0.1")  # all else byte-exact


@pytest.mark.slow  # over 5 s: the full suite runs it, the fast lane does not
def test_a_rerun_proposes_the_same_change(world: World) -> None:
    first, second = world.update(world.plan()), world.update(world.plan())
    assert world.plan() == world.plan()
    assert isinstance(first.result, ProposedChange) and isinstance(second.result, ProposedChange)
    assert first.result == second.result and first.rejection_key == second.rejection_key


@pytest.mark.slow  # over 5 s: the full suite runs it, the fast lane does not
def test_a_rejected_set_is_not_proposed_again_but_a_newer_patch_is(world: World) -> None:
    first = world.update(world.plan())
    assert first.rejection_key is not None
    rejected = frozenset({first.rejection_key})

    again = world.update(world.plan(rejected), rejected)
    assert again.result == Skipped(
        "update_deps (pypi)", "a pull request with exactly these versions was closed unmerged"
    )

    build_wheel(world.packages, "alpha", "1.0.2", "VALUE = 1\n", age_days=5)
    newer = world.update(world.plan(rejected), rejected)
    assert isinstance(newer.result, ProposedChange)
    assert newer.result.title == "Update alpha from 1.0.0 to 1.0.2"
    assert newer.rejection_key not in rejected


def test_a_registry_outage_is_reported_and_the_plan_completes(world: World) -> None:
    world.index.stop()
    plan = world.plan()
    assert plan.groups == ()
    assert {f.package for f in plan.failures} == {"alpha", "beta", "gamma", "delta"}
    assert {f.registry for f in plan.failures} == {world.index.url}
    assert "cannot connect: Connection refused" in plan.failures[0].error
    assert "not tried: the host failed 3 times" in plan.failures[-1].error
    assert report_lines(plan)[0] == (
        f"Registry {world.index.url} failed for 4 package(s) (alpha, beta, delta, gamma): "
        "cannot connect: Connection refused"
    )


def _apply(world: World, change: ProposedChange) -> str:
    subprocess.run(
        ["git", "apply", "--index"], input=change.patch.encode(), cwd=world.repo, check=True
    )
    try:
        return (world.repo / "requirements.txt").read_text()
    finally:
        git(world.repo, "reset", "-q", "--hard", world.base)


def test_tests_that_fail_before_any_update_propose_nothing(world: World) -> None:
    (world.repo / "check.py").write_text("raise SystemExit('broken on main')\n")
    git(world.repo, "commit", "-qam", "break main")
    world.base = git(world.repo, "rev-parse", "HEAD")
    done = world.update(world.plan())
    assert isinstance(done.result, Skipped)
    assert done.result.why == (
        "the tests fail before any update, so nothing can be verified: "
        "the test command exited 1: broken on main"
    )


def test_without_a_test_command_nothing_is_proposed(world: World) -> None:
    world.config = parse_config(b"version: 1\n", "kairos.yml")
    done = world.update(world.plan())
    assert isinstance(done.result, Skipped) and "tests.run is not configured" in done.result.why


def test_a_member_under_a_lockfile_kairos_cannot_update_is_left_out(world: World) -> None:
    commit_files(world.repo, {"pyproject.toml": PYPROJECT_PINNED, "uv.lock": "version = 1\n"})
    (world.repo / "requirements.txt").unlink()
    git(world.repo, "commit", "-qam", "pyproject only")
    world.base = git(world.repo, "rev-parse", "HEAD")
    done = world.update(world.plan())
    assert isinstance(done.result, Skipped)
    assert done.result.why == (
        "no member can be updated here: alpha 1.0.0 -> 1.0.1: "
        "uv.lock would go stale and kairos cannot update it yet"
    )


def test_a_protected_manifest_fails_the_gate_check(world: World) -> None:
    world.config = parse_config(
        (KAIROS + "protected_paths: [requirements.txt]\n").encode(), "kairos.yml"
    )
    change = world.update(world.plan()).result
    assert isinstance(change, ProposedChange) and not change.verified
    assert change.checks[1].name == "no protected path touched" and not change.checks[1].passed


PYPROJECT_PINNED = '[project]\nname = "demo"\ndependencies = ["alpha==1.0.0"]\n'


def test_pins_are_found_again_in_the_base_when_the_plan_read_another_copy(world: World) -> None:
    requirements = world.repo / "requirements.txt"
    requirements.write_text("# a local edit that moves every offset\n" + REQUIREMENTS)
    plan = world.plan()  # read from the working tree, not from the base commit
    git(world.repo, "checkout", "--", "requirements.txt")
    change = world.update(plan).result
    assert isinstance(change, ProposedChange), change
    assert _apply(world, change) == REQUIREMENTS.replace("alpha==1.0.0", "alpha==1.0.1")
