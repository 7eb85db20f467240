"""A plan's steps verified on real project shapes: the suite check and integration's full
suite run the step's tree, not an installed copy, and a suite that stopped before any
test ran verifies nothing (both passed broken code before: a new user's trial found them).

Each project is installed into a job venv first on PATH (``layouts_test.project``), with
real git, the real jail and pytest, the GitHub sandbox and a scripted model."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from kairos_ci.coordinator.journal import replay
from kairos_ci.git import Git
from kairos_ci.plan.records import Baseline, FileChanges, Plan, StepVerification
from kairos_ci.sandbox.anthropic.script import parse_script
from kairos_ci.sandbox.anthropic.server import running
from tests.e2e.fix_tests_test import API_KEY, github, pulls, use
from tests.e2e.layouts_test import SRC_LAYOUT, job_path, project
from tests.e2e.work_test import approve_on_memory, integrate, plan_of, work
from tests.plan.sample import step
from tests.sandbox.github.world import World, client

pytestmark = pytest.mark.slow

CONFIG = """version: 1
tests:
  run: python -m pytest -q -p no:cacheprovider --junitxml=reports/junit.xml
  junit: ["reports/junit.xml"]
models:
  work: claude-sonnet-4-5
"""
FIXED = "def add(a, b):\n    return a + b\n\n\ndef double(a):\n    return add(a, a)\n"
ITS_CHECK = "tests/test_ops.py::test_double_of_zero"
BROKEN_IMPORT = "import missing_module\n\n\ndef test_legacy():\n    assert True\n"


def world_of(tmp_path: Path, extra: dict[str, str], *, editable: bool) -> World:
    files = {**SRC_LAYOUT, ".github/kairos.yml": CONFIG, **extra}
    return project(tmp_path, files, editable=editable)


def fix_plan(world: World, issue: int, baseline: Baseline) -> Plan:
    """One step: make add() add. Its own check passes on any copy of calc; only the
    whole suite's check on the step's tree can tell."""
    made = replace(
        step("S1", ()),
        title="Make add() add",
        files=FileChanges(modify=("src/calc/ops.py",)),
        verification=StepVerification((f"python -m pytest -q -p no:cacheprovider {ITS_CHECK}",)),
    )
    return plan_of(world, issue, (made,), baseline)


@dataclass(frozen=True)
class CarriedOut:
    worked: int  # `kairos-ci work`'s exit code
    integrated: int
    proposed: dict[str, Any]  # the pull requests, by head branch
    note: str  # why S1's last attempt ended, from the board


def carry_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, world: World, baseline: Baseline
) -> CarriedOut:
    """The approved one-step plan through `work` and `integrate`: the same change on
    each attempt, should the first be refused."""
    job_path(tmp_path, monkeypatch)
    monkeypatch.setenv("GITHUB_RUN_ID", "4242")
    replies = [
        use("write_file", path="src/calc/ops.py", content=FIXED),
        use("finish", summary="add() adds."),
    ]
    script = parse_script(
        {"replies": [], "routes": [{"when": "carry out step S1 of", "replies": replies * 2}]}
    )
    with running(script) as handle, github(world, monkeypatch) as sandbox:
        monkeypatch.setenv("ANTHROPIC_API_KEY", API_KEY)
        monkeypatch.setenv("ANTHROPIC_BASE_URL", handle.base_url)
        issue = client(sandbox).get_repo("octo/app").create_issue("Fix add", "Plan it.")
        plan = fix_plan(world, issue.number, baseline)
        approve_on_memory(world, plan, tmp_path / "plans")
        worked = work(world, issue.number)
        integrated = integrate(world, issue.number)
        proposed = pulls(sandbox)
    journal = replay(Git(world.origin), "refs/heads/kairos/memory", plan.plan_id)
    assert journal.violations == () and journal.final is not None
    result = journal.final.task("S1").result
    return CarriedOut(worked, integrated, proposed, result.note if result else "")


def test_a_step_is_never_verified_against_an_installed_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: Path
) -> None:
    world = world_of(tmp_path, {}, editable=False)  # `pip install .`, not -e
    baseline = Baseline("pytest", 2, 1, 0, ("tests.test_ops::test_add",))
    done = carry_out(tmp_path, monkeypatch, world, baseline)
    assert (done.worked, done.integrated) == (1, 0), env.read_text()
    assert "the tests would import calc from " in done.note
    assert "site-packages/calc/__init__.py, not the tree under test" in done.note
    assert done.proposed == {}  # nothing verified, nothing proposed
    # The job summary says why, not only that the step failed.
    assert "failed this attempt: the project's tests did not run: the tests would import" in (
        env.read_text()
    )


def test_the_same_step_on_an_editable_install_is_verified_and_proposed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: Path
) -> None:
    world = world_of(tmp_path, {}, editable=True)
    baseline = Baseline("pytest", 2, 1, 0, ("tests.test_ops::test_add",))
    done = carry_out(tmp_path, monkeypatch, world, baseline)
    assert (done.worked, done.integrated) == (0, 0), env.read_text()
    assert "suite: 3 passed, 0 failing as at the base" in done.note or done.proposed, done.note
    assert list(done.proposed) == ["kairos/plan-issue-1/slice-1"]
    assert "Full suite on slice 1: 3 passed, 0 new failures" in env.read_text()


def test_a_suite_that_stopped_at_collection_verifies_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: Path
) -> None:
    # A module that does not import stops pytest before any test runs, at the base too.
    world = world_of(tmp_path, {"tests/test_legacy.py": BROKEN_IMPORT}, editable=True)
    baseline = Baseline("pytest", 0, 1, 0, ("pytest::tests.test_legacy",))
    done = carry_out(tmp_path, monkeypatch, world, baseline)
    assert done.worked == 1, env.read_text()
    assert "the test run stopped while collecting tests.test_legacy: no test ran" in done.note
    assert done.proposed == {}
