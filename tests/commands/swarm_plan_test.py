"""``kairos-ci swarm plan`` on a real memory branch: the outputs the swarm workflow's
matrix is built from (``slots``, ``has-work``), and nothing written to memory."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kairos_ci.cli import main
from kairos_ci.coordinator.records import TaskStatus
from kairos_ci.coordinator.seed import Budgets, board_for
from kairos_ci.coordinator.store import BoardStore
from kairos_ci.git import Git
from kairos_ci.plan.checkpoints import DirectoryCheckpoints
from kairos_ci.plan.current import keep_current, with_approval
from kairos_ci.plan.records import Approval, Plan
from kairos_ci.plan.remembered import remember
from tests.commands.swarm_checkout import Checkout, make_checkout
from tests.plan.sample import commit, sample_plan, step
from tests.swarm.histories import T0

# Three roots, two steps after S1 and S2, one after those: at most 3 run at once.
SIX = (
    step("S1", ("src/s1.js",)),
    step("S2", ("src/s2.js",)),
    step("S3", ("src/s3.js",)),
    step("S4", ("src/s4.js",), "S1"),
    step("S5", ("src/s5.js",), "S2"),
    step("S6", ("src/s6.js",), "S4", "S5"),
)


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Checkout:
    return make_checkout(tmp_path, monkeypatch)


def six_step_plan(checkout: Checkout) -> Plan:
    base = sample_plan()
    return sample_plan(
        plan_id="issue-7",
        issue=7,
        base_sha=Git(checkout.work).text("rev-parse", "HEAD"),
        steps=SIX,
        decision_points=(),
        risks=(),
        context=replace(base.context, impact_set=()),
    )


def put_plan(checkout: Checkout, plan: Plan, tmp_path: Path, *, approved: bool) -> Approval:
    """What the planning workflow leaves on the memory branch (approved or not)."""
    approval = Approval("maria", "2026-12-07T09:00:00Z", plan.plan_hash, {})
    state = tmp_path / "plans"
    keep_current(DirectoryCheckpoints(state), with_approval(plan, approval) if approved else plan)
    remember(checkout.memory(), state, Git(checkout.work).text("rev-parse", "HEAD"))
    return approval


def swarm_plan(checkout: Checkout, *extra: str) -> dict[str, str]:
    argv = ["swarm", "plan", "--issue", "7", "--repo", str(checkout.work), *extra]
    assert main(argv) == 0
    return checkout.outputs_written()


def test_without_a_plan_there_is_no_work(checkout: Checkout) -> None:
    outputs = swarm_plan(checkout)
    assert (outputs["slots"], outputs["has-work"]) == ('{"slot":[]}', "false")
    assert "#7 has no plan" in checkout.summary.read_text()
    assert checkout.memory_tip() == ""  # nothing written, not even an empty memory


def test_an_unapproved_plan_starts_no_leg(checkout: Checkout, tmp_path: Path) -> None:
    plan = six_step_plan(checkout)
    put_plan(checkout, plan, tmp_path, approved=False)
    outputs = swarm_plan(checkout)
    assert (outputs["slots"], outputs["has-work"]) == ('{"slot":[]}', "false")
    assert f"plan {plan.hash8} has no approval" in checkout.summary.read_text()


def test_an_approved_six_step_plan_gets_its_ready_width_capped_by_max_workers(
    checkout: Checkout, tmp_path: Path
) -> None:
    put_plan(checkout, six_step_plan(checkout), tmp_path, approved=True)
    tip = checkout.memory_tip()
    outputs = swarm_plan(checkout)
    assert (outputs["slots"], outputs["has-work"]) == ('{"slot":[1,2,3]}', "true")
    summary = checkout.summary.read_text()
    assert "| ready width over the next 60 min | 3 |" in summary
    assert "| the plan's maximum parallelism | 3 |" in summary
    assert "| concurrency allowance (--max-workers) | 4 |" in summary
    assert "= 40 |" in summary  # 1,000 API requests an hour / 25 a task
    assert "$10.00 left (today, this month, the plan's cap) / $2.00 per leg-hour" in summary
    outputs = swarm_plan(checkout, "--max-workers", "2")
    assert (outputs["slots"], outputs["has-work"]) == ('{"slot":[1,2]}', "true")
    assert checkout.memory_tip() == tip  # read only: no board was written


def test_a_stale_plan_starts_no_leg(checkout: Checkout, tmp_path: Path) -> None:
    plan = six_step_plan(checkout)
    put_plan(checkout, plan, tmp_path, approved=True)
    (checkout.work / "src").mkdir()
    (checkout.work / "src" / "s1.js").write_text("// changed since the plan\n")
    commit(Git(checkout.work), "S1's file, by someone else")
    outputs = swarm_plan(checkout)
    assert (outputs["slots"], outputs["has-work"]) == ('{"slot":[]}', "false")
    assert f"plan {plan.hash8} is stale: 1 of its files changed" in checkout.summary.read_text()


def test_a_plan_whose_every_task_ended_has_no_work(checkout: Checkout, tmp_path: Path) -> None:
    plan = six_step_plan(checkout)
    approval = put_plan(checkout, plan, tmp_path, approved=True)
    made = board_for(plan, approval, T0, Budgets())
    ended = tuple(replace(task, state=TaskStatus.DONE) for task in made.tasks)
    assert BoardStore(checkout.memory(), "issue-7").create(replace(made, tasks=ended)).value
    outputs = swarm_plan(checkout)
    assert (outputs["slots"], outputs["has-work"]) == ('{"slot":[]}', "false")
    assert "every task has ended" in checkout.summary.read_text()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--max-workers", "21"), "--max-workers must be 1 to 20, not 21"),
        (("--max-workers", "0"), "--max-workers must be 1 to 20, not 0"),
        (("--horizon", "0"), "--horizon must be above 0"),
    ],
)
def test_an_allowance_out_of_bounds_is_a_usage_error(
    checkout: Checkout, extra: tuple[str, ...], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["swarm", "plan", "--issue", "7", "--repo", str(checkout.work), *extra]
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_the_action_runs_it_with_the_issue_and_max_workers_inputs(
    checkout: Checkout, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    put_plan(checkout, six_step_plan(checkout), tmp_path, approved=True)
    monkeypatch.setenv("KAIROS_COMMAND", "swarm-plan")
    monkeypatch.setenv("KAIROS_ISSUE", "7")
    monkeypatch.setenv("KAIROS_MAX_WORKERS", "1")
    assert main(["action", "--repo", str(checkout.work)]) == 0
    outputs = checkout.outputs_written()
    assert (outputs["slots"], outputs["has-work"]) == ('{"slot":[1]}', "true")
