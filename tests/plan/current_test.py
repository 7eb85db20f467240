"""The issue's current plan: kept, read back, and its approvals never lost or doubled."""

from __future__ import annotations

from pathlib import Path

from kairos_ci.plan.checkpoints import DirectoryCheckpoints
from kairos_ci.plan.current import current_plan, keep_current, with_approval
from kairos_ci.plan.records import Approval
from kairos_ci.plan.review import current_approvals
from tests.plan.sample import sample_plan

AT = "2026-11-27T05:00:00Z"


def test_a_plan_kept_reads_back_and_a_rerun_keeps_its_approvals(tmp_path: Path) -> None:
    store = DirectoryCheckpoints(tmp_path)
    plan = sample_plan(plan_id="issue-7")
    assert current_plan(store, "issue-7") is None
    keep_current(store, plan)
    assert current_plan(store, "issue-7") == plan
    approval = Approval("maria", AT, plan.plan_hash, {"D1": "b"})
    keep_current(store, with_approval(plan, approval))
    keep_current(store, plan)  # the same version posted again, without approvals
    kept = current_plan(store, "issue-7")
    assert kept is not None and kept.approvals == (approval,)


def test_the_same_approval_is_kept_once_and_a_new_version_leaves_it_behind(
    tmp_path: Path,
) -> None:
    plan = sample_plan(plan_id="issue-7")
    approval = Approval("maria", AT, plan.plan_hash, {"D1": "b"})
    later = Approval("maria", "2026-11-27T06:00:00Z", plan.plan_hash, {"D1": "b"})
    assert with_approval(with_approval(plan, approval), later).approvals == (approval,)
    other = Approval("maria", AT, plan.plan_hash, {"D1": "a"})
    assert len(with_approval(with_approval(plan, approval), other).approvals) == 2

    store = DirectoryCheckpoints(tmp_path)
    keep_current(store, with_approval(plan, approval))
    revised = sample_plan(plan_id="issue-7", version=2)
    keep_current(store, revised)
    kept = current_plan(store, "issue-7")
    assert kept is not None and kept.version == 2 and kept.plan_hash != plan.plan_hash
    assert kept.approvals == (approval,) and current_approvals(kept) == ()
