"""A board from an approved plan: priorities by critical path, hot files in one task,
decisions from the approval."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kairos_ci.coordinator.records import TaskStatus
from kairos_ci.coordinator.seed import HOT_TASK, Budgets, board_for, is_hot, task_class
from kairos_ci.coordinator.track import Pace, Track
from kairos_ci.errors import InputError
from kairos_ci.plan.records import Approval, FileChanges, RiskLevel, UserClass
from tests.coordinator.boards import T0
from tests.plan.sample import STEPS, sample_plan


def approved(plan_hash: str, **choices: str) -> Approval:
    return Approval("maria", "2026-11-27T02:00:00Z", plan_hash, choices)


def test_each_step_becomes_a_task_ranked_by_its_longest_chain() -> None:
    plan = sample_plan()
    board = board_for(plan, approved(plan.plan_hash, D1="b"), T0, Budgets(per_task_usd=1.5))
    assert [t.id for t in board.tasks] == ["S1", "S2", "S3", "S4"]
    # S1 (10) -> S2 (20) -> S3 (10) or S4 (15): the chains are 45, 35, 10 and 15 minutes.
    assert {t.id: t.priority for t in board.tasks} == {"S1": 45, "S2": 35, "S3": 10, "S4": 15}
    assert board.task("S3").write_set == ("src/middleware/auth.js", "src/routes/users.js")
    assert board.task("S3").decisions == ("D1",) and board.decisions == {"D1": "b"}
    assert {t.state for t in board.tasks} == {TaskStatus.PENDING}
    assert board.task("S1").budget_usd == 1.5 and board.plan_hash == plan.plan_hash


def test_each_task_keeps_its_class_and_the_urgency_its_plan_gave_it() -> None:
    steps = (replace(STEPS[0], user_class=UserClass.P0), *STEPS[1:])
    plan = sample_plan(steps=steps)
    board = board_for(plan, approved(plan.plan_hash, D1="b"), T0, Budgets())
    assert board.task("S1").user_class is UserClass.P0
    assert board.task("S2").user_class is UserClass.P2
    assert board.task("S1").task_class == f"{plan.goal.kind.value}/{STEPS[0].risk.value}"


def test_the_chains_use_the_p50s_as_the_track_record_paces_their_class() -> None:
    plan = sample_plan(steps=(*STEPS[:3], replace(STEPS[3], risk=RiskLevel.HIGH)))
    risky = task_class(plan, plan.steps[3])
    assert risky != task_class(plan, plan.steps[0])
    track = Track(pace={risky: Pace(2.0, 3)})
    board = board_for(plan, approved(plan.plan_hash, D1="b"), T0, Budgets(), track)
    # S4 takes 30 minutes at twice its class's pace: S1's chain is now 10 + 20 + 30
    assert {t.id: t.priority for t in board.tasks} == {"S1": 60, "S2": 50, "S3": 10, "S4": 30}
    assert board.task("S4").estimate_minutes == 15  # the board keeps the plan's p50


def test_hot_files_leave_every_step_for_one_task_after_them() -> None:
    steps = (
        replace(STEPS[0], files=FileChanges(modify=("package.json", "package-lock.json"))),
        replace(STEPS[1], files=FileChanges(modify=("src/app.js", "CHANGELOG.md"))),
        *STEPS[2:],
    )
    plan = sample_plan(steps=steps)
    board = board_for(plan, approved(plan.plan_hash, D1="a"), T0, Budgets())
    assert board.task("S1").write_set == ("package.json",)
    assert board.task("S2").write_set == ("src/app.js",)
    hot = board.task(HOT_TASK)
    assert hot.write_set == ("CHANGELOG.md", "package-lock.json")
    assert hot.depends_on == ("S1", "S2")
    assert is_hot("web/yarn.lock") and not is_hot("src/lock.py")


def test_an_approval_of_another_version_makes_no_board() -> None:
    plan = sample_plan()
    with pytest.raises(InputError, match="the approval is for plan 00000000"):
        board_for(plan, approved("0" * 64), T0, Budgets())
