"""`kairos-ci work` end to end: an approved two-step plan on the memory branch, a scripted
model, the real jail and pytest; each step lands on its own branch, the second built on
the first, and the board's journal replays clean."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from kairos_ci.cli import main
from kairos_ci.clock import utc_now
from kairos_ci.coordinator.journal import replay
from kairos_ci.coordinator.records import TaskStatus
from kairos_ci.git import Git
from kairos_ci.memory.store import MemoryStore
from kairos_ci.plan.checkpoints import DirectoryCheckpoints
from kairos_ci.plan.current import keep_current, with_approval
from kairos_ci.plan.records import Approval, FileChanges, Plan, StepVerification
from kairos_ci.plan.remembered import remember
from kairos_ci.sandbox.anthropic.server import Handle
from tests.e2e.fix_tests_test import github, model, sample_world, use
from tests.plan.sample import STEPS, sample_plan
from tests.sandbox.github.world import World

pytestmark = pytest.mark.slow

SUITE = "python -m pytest -q -p no:cacheprovider tests"
OLD = "    return sum(values) / len(values)"
NEW = "    if not values:\n        return 0.0\n    return sum(values) / len(values)"
SPREAD = "def spread(values):\n    return max(values) - min(values) if values else 0\n"
SCRIPT = [
    use("replace_in_file", path="calc/stats.py", old=OLD, new=NEW),
    use("finish", summary="mean() of an empty list is 0.0 now."),
    use("write_file", path="calc/spread.py", content=SPREAD),
    use("finish", summary="spread() gives the range of the values."),
]


def two_step_plan(world: World) -> Plan:
    fix, spread = STEPS[0], STEPS[1]
    steps = (
        replace(
            fix,
            title="Make mean() of nothing 0.0",
            files=FileChanges(modify=("calc/stats.py",)),
            verification=StepVerification((f"{SUITE}/test_stats.py",)),
        ),
        replace(
            spread,
            title="Add spread()",
            files=FileChanges(create=("calc/spread.py",)),
            verification=StepVerification((SUITE,)),
        ),
    )
    base = sample_plan()
    return sample_plan(
        plan_id="issue-7",
        repository="octo/app",
        base_sha=world.git("rev-parse", "HEAD"),
        steps=steps,
        decision_points=(),
        context=replace(base.context, impact_set=()),
    )


def approve_on_memory(world: World, plan: Plan, state: Path) -> None:
    """What the planning workflow leaves behind once a maintainer approved the plan."""
    approval = Approval("maria", "2026-12-07T09:00:00Z", plan.plan_hash, {})
    keep_current(DirectoryCheckpoints(state), with_approval(plan, approval))
    memory = MemoryStore(world.work, clock=utc_now)
    remember(memory, state, world.git("rev-parse", "HEAD"))


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch) -> Iterator[Handle]:
    with model(monkeypatch, SCRIPT) as handle:  # type: ignore[arg-type]
        yield handle


def work(world: World) -> int:
    return main(["work", "--issue", "7", "--repo", str(world.work), "--minutes", "10"])


def test_an_approved_plan_is_carried_out_step_by_step_on_branches(
    tmp_path: Path, env: Path, monkeypatch: pytest.MonkeyPatch, scripted: Handle
) -> None:
    world = sample_world(tmp_path)
    plan = two_step_plan(world)
    approve_on_memory(world, plan, tmp_path / "plans")
    with github(world, monkeypatch):
        assert work(world) == 0, env.read_text()
    assert len(scripted.requests()) == len(SCRIPT)
    origin = Git(world.origin)
    first = origin.text("rev-parse", "refs/heads/kairos/plan-issue-7/S1")
    second = origin.text("rev-parse", "refs/heads/kairos/plan-issue-7/S2")
    assert "return 0.0" in origin.text("show", f"{first}:calc/stats.py")
    assert "return 0.0" in origin.text("show", f"{second}:calc/stats.py")  # built on S1
    assert "def spread" in origin.text("show", f"{second}:calc/spread.py")
    journal = replay(origin, "refs/heads/kairos/memory", "issue-7")
    assert journal.violations == ()
    assert journal.final is not None
    assert {t.id: t.state for t in journal.final.tasks} == {
        "S1": TaskStatus.DONE,
        "S2": TaskStatus.DONE,
    }
    assert journal.final.task("S2").result is not None
    assert journal.final.task("S2").result.head == second
    summary = env.read_text()
    assert f"plan {plan.hash8}: 2 done, 0 failed; every task has ended" in summary
    assert world.git("status", "--porcelain") == ""


def test_a_plan_without_an_approval_runs_nothing(
    tmp_path: Path, env: Path, monkeypatch: pytest.MonkeyPatch, scripted: Handle
) -> None:
    world = sample_world(tmp_path)
    plan = two_step_plan(world)
    state = tmp_path / "plans"
    keep_current(DirectoryCheckpoints(state), plan)
    remember(MemoryStore(world.work, clock=utc_now), state, world.git("rev-parse", "HEAD"))
    with github(world, monkeypatch):
        assert work(world) == 0
    assert scripted.requests() == []
    assert f"plan {plan.hash8} has no approval" in env.read_text()
    assert "kairos/plan-issue-7" not in Git(world.origin).text("branch", "--all")
