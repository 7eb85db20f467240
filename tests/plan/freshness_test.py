"""A plan is stale when its own files moved on the default branch since its base, and
only then; a stale plan is re-validated at the new head."""

from __future__ import annotations

from pathlib import Path

from kairos_ci.git import Git
from kairos_ci.plan.freshness import freshness, plan_files
from kairos_ci.plan.records import Plan
from kairos_ci.plan.validate import PlanRule
from tests.plan.sample import base_repo, commit, sample_plan


def planned_at_head(git: Git, **changes: object) -> Plan:
    return sample_plan(base_sha=git.text("rev-parse", "HEAD"), **changes)


def test_a_plan_at_the_head_is_fresh(tmp_path: Path) -> None:
    git = base_repo(tmp_path / "app")
    fresh = freshness(planned_at_head(git), git)
    assert not fresh.stale and fresh.changed == ()


def test_changes_outside_the_plan_s_files_leave_it_fresh(tmp_path: Path) -> None:
    git = base_repo(tmp_path / "app")
    plan = planned_at_head(git)
    (git.repo / "docs.md").write_text("unrelated\n")
    (git.repo / "README.md").write_text("reworded\n")  # in the repository, not in the plan
    commit(git, "docs")
    assert "README.md" not in plan_files(plan)
    assert not freshness(plan, git).stale


def test_a_changed_file_of_the_plan_makes_it_stale_and_still_valid(tmp_path: Path) -> None:
    git = base_repo(tmp_path / "app")
    plan = planned_at_head(git)
    (git.repo / "src/routes/users.js").write_text("// rewritten upstream\n")
    head = commit(git, "users")
    fresh = freshness(plan, git)
    assert fresh.stale and fresh.head == head and fresh.changed == ("src/routes/users.js",)
    assert fresh.revalidated is not None and fresh.revalidated.ok
    assert fresh.why() == (
        "1 of its files changed since the base (src/routes/users.js); its rules still hold"
    )


def test_a_deleted_file_of_the_plan_breaks_its_rules_at_the_new_head(tmp_path: Path) -> None:
    git = base_repo(tmp_path / "app")
    plan = planned_at_head(git)
    (git.repo / "src/middleware/auth.js").unlink()
    commit(git, "auth moved")
    fresh = freshness(plan, git)
    assert fresh.stale and fresh.revalidated is not None
    assert fresh.revalidated.rules_broken() == (PlanRule.FILES_EXIST,)
    assert "at the new head it breaks files-exist" in fresh.why()


def test_a_base_the_clone_lacks_is_stale_by_not_knowing(tmp_path: Path) -> None:
    git = base_repo(tmp_path / "app")
    fresh = freshness(sample_plan(base_sha="b" * 40), git)
    assert fresh.stale and fresh.why() == "the plan's base bbbbbbbbbbbb is not in this clone"
