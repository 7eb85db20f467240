"""Integrating a slice in a scratch clone of a real repository: clean merges, textual
conflicts by path, and the first merge whose tests fail named as the culprit."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from kairos_ci.coordinator.integrate import Integration, commands_for, integrate, merge_tree
from kairos_ci.coordinator.outcomes import Conflict, Merged, Stopped, TestsFailed
from kairos_ci.coordinator.records import Board, TaskStatus
from kairos_ci.coordinator.slices import slices
from kairos_ci.errors import GitError, InputError
from kairos_ci.git import Git
from kairos_ci.plan.records import Plan
from kairos_ci.workspace.scratch import scratch_checkout
from tests.coordinator.repos import base_repo, finished, plan_of, python, runner, step_branch

RENAMED = 'def hello():\n    return "hi"\n'
USES_HELLO = "import lib\n\nlib.hello()\n"
USES_GREET = "import lib\n\nlib.greet()\n"


def two_steps(s2_command: str = "import caller") -> Plan:
    return plan_of(
        ("S1", ("lib.py",), (), python("import lib; lib.hello()")),
        ("S2", ("caller.py",), ("S1",), python(s2_command)),
    )


@dataclass(frozen=True)
class Ran:
    outcome: Merged | Stopped
    files: dict[str, str]  # on the slice branch
    parents: dict[str, list[str]]  # of each commit on the slice branch


def run(repo: Git, plan: Plan, board: Board) -> Ran:
    """Integrate the board's only slice in a scratch clone, and read its branch there."""
    (part,) = slices(board)
    with scratch_checkout(repo.repo, "main") as scratch:
        outcome = integrate(scratch, Integration(board, plan, part, runner()))
        git = scratch.git
        listing = git.text("ls-tree", "-r", "--name-only", outcome.branch).split()
        files = {name: git.text("show", f"{outcome.branch}:{name}") for name in listing}
        lines = git.text("log", "--format=%H %P", outcome.branch).splitlines()
    parents = {line.split()[0]: line.split()[1:] for line in lines}
    return Ran(outcome, files, parents)


def test_two_clean_branches_merge_in_order_onto_the_default_branch(tmp_path: Path) -> None:
    repo = base_repo(tmp_path / "repo")
    base = repo.text("rev-parse", "main")
    heads = {
        "S1": step_branch(repo, "kairos/plan-plan-7/S1", {"lib.py": RENAMED}),
        "S2": step_branch(repo, "kairos/plan-plan-7/S2", {"caller.py": USES_HELLO}),
    }
    plan = two_steps()
    ran = run(repo, plan, finished(plan, heads))
    outcome = ran.outcome
    assert isinstance(outcome, Merged)
    assert outcome.branch == "kairos/plan-plan-7/slice-1" and outcome.merged == ("S1", "S2")
    assert ran.files["lib.py"] == RENAMED.rstrip() and ran.files["caller.py"] == USES_HELLO.rstrip()
    # Each task is one merge commit, its second parent the task's head: a readable history.
    first, second = ran.parents[outcome.head]
    assert second == heads["S2"] and ran.parents[first] == [base, heads["S1"]]
    # The user's repository is never written: its HEAD stays, and no slice branch appears.
    assert repo.text("rev-parse", "HEAD") == base
    assert repo.text("branch", "--list", "kairos/plan-plan-7/slice-*") == ""


def test_a_branch_built_on_its_dependencys_branch_merges_after_it(tmp_path: Path) -> None:
    repo = base_repo(tmp_path / "repo")
    s1 = step_branch(repo, "s1", {"lib.py": RENAMED})
    heads = {"S1": s1, "S2": step_branch(repo, "s2", {"caller.py": USES_HELLO}, start=s1)}
    plan = two_steps()
    ran = run(repo, plan, finished(plan, heads))
    assert isinstance(ran.outcome, Merged) and ran.outcome.merged == ("S1", "S2")
    assert ran.files["lib.py"] == RENAMED.rstrip() and "caller.py" in ran.files


def test_a_textual_conflict_stops_at_its_task_naming_the_paths(tmp_path: Path) -> None:
    repo = base_repo(tmp_path / "repo")
    heads = {
        "S1": step_branch(repo, "s1", {"lib.py": RENAMED, "README.md": "# app\n\nHello.\n"}),
        "S2": step_branch(
            repo, "s2", {"caller.py": USES_HELLO, "README.md": "# app\n\nIt calls.\n"}
        ),
    }
    plan = two_steps()
    ran = run(repo, plan, finished(plan, heads))
    outcome = ran.outcome
    assert isinstance(outcome, Stopped) and outcome.task_id == "S2"
    assert outcome.reason == Conflict(("README.md",)) and outcome.merged == ("S1",)
    # The branch keeps the verified prefix, the commit the repair will start from.
    assert ran.files["README.md"] == "# app\n\nHello." and "caller.py" not in ran.files
    assert ran.parents[outcome.onto][1] == heads["S1"]


def test_the_first_merge_whose_tests_fail_is_the_culprit(tmp_path: Path) -> None:
    repo = base_repo(tmp_path / "repo")
    # Each branch is fine on its own; together S2 calls what S1 renamed: no textual conflict.
    heads = {
        "S1": step_branch(repo, "s1", {"lib.py": RENAMED}),
        "S2": step_branch(repo, "s2", {"caller.py": USES_GREET}),
    }
    plan = two_steps()
    ran = run(repo, plan, finished(plan, heads))
    outcome = ran.outcome
    assert isinstance(outcome, Stopped) and outcome.task_id == "S2" and outcome.merged == ("S1",)
    assert isinstance(outcome.reason, TestsFailed)
    assert outcome.reason.command.endswith("-c 'import caller'")
    assert "AttributeError" in outcome.reason.tail and "greet" in outcome.reason.tail
    assert "caller.py" not in ran.files  # the failed merge never reached the branch


def test_a_first_task_failing_on_the_base_stops_with_nothing_merged(tmp_path: Path) -> None:
    repo = base_repo(tmp_path / "repo")
    heads = {"S1": step_branch(repo, "s1", {"README.md": "# app\n"})}  # lib keeps greet
    plan = plan_of(("S1", ("README.md",), (), python("import lib; lib.hello()")))
    outcome = run(repo, plan, finished(plan, heads)).outcome
    assert isinstance(outcome, Stopped) and (outcome.task_id, outcome.merged) == ("S1", ())
    assert outcome.onto == repo.text("rev-parse", "main")


def test_a_slice_with_unfinished_tasks_or_missing_commits_is_refused(tmp_path: Path) -> None:
    repo = base_repo(tmp_path / "repo")
    plan = two_steps()
    board = finished(plan, {"S1": step_branch(repo, "s1", {"lib.py": RENAMED})})
    with pytest.raises(InputError, match=r"slice 1 of plan plan-7 is not done: S2 \(pending\)"):
        run(repo, plan, board)
    board = finished(plan, {"S1": "1" * 40, "S2": "2" * 40})
    with pytest.raises(GitError, match="task S1's head 111111111111 is not in the repository"):
        run(repo, plan, board)
    other = replace(plan, plan_hash="e" * 64)
    with pytest.raises(InputError, match="is for plan"):
        run(repo, other, board)


def test_merge_tree_lists_every_conflicted_path_and_refuses_what_is_not_a_commit(
    tmp_path: Path,
) -> None:
    repo = base_repo(tmp_path / "repo")
    one = step_branch(repo, "one", {"lib.py": "one\n", "docs/a b.md": "one\n"})
    two = step_branch(repo, "two", {"lib.py": "two\n", "docs/a b.md": "two\n", "new.txt": "x\n"})
    assert merge_tree(repo, one, two) == Conflict(("docs/a b.md", "lib.py"))
    clean = merge_tree(repo, "main", one)
    assert isinstance(clean, str) and clean == repo.text("rev-parse", f"{one}^{{tree}}")
    with pytest.raises(GitError, match="merge-tree"):
        merge_tree(repo, "main", "no-such-branch")


def test_a_task_without_a_step_runs_the_checks_of_the_steps_it_follows() -> None:
    plan = two_steps()
    board = finished(plan, {})
    hot = replace(board.tasks[0], id="hot-files", depends_on=("S1", "S2"))
    board = replace(board, tasks=(*board.tasks, hot))
    assert commands_for(plan, board, "hot-files") == (
        *commands_for(plan, board, "S1"),
        *commands_for(plan, board, "S2"),
    )
    assert commands_for(plan, board, "S2-r1") == commands_for(plan, board, "S2")
    lonely = replace(hot, id="orphan", depends_on=())
    board = replace(board, tasks=(*board.tasks, lonely))
    with pytest.raises(InputError, match="task orphan has no verification commands"):
        commands_for(plan, board, "orphan")
    assert board.task("S1").state is TaskStatus.PENDING


def test_a_check_that_cannot_run_is_a_failure_not_a_pass(tmp_path: Path) -> None:
    repo = base_repo(tmp_path / "repo")
    heads = {"S1": step_branch(repo, "s1", {"lib.py": RENAMED})}
    plan = plan_of(("S1", ("lib.py",), (), "kairos-no-such-program --check"))
    outcome = run(repo, plan, finished(plan, heads)).outcome
    assert isinstance(outcome, Stopped) and isinstance(outcome.reason, TestsFailed)
    assert outcome.reason.tail == "cannot run 'kairos-no-such-program': No such file or directory"
