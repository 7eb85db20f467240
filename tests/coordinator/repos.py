"""Real repositories and plans for the integration tests: a base commit, step branches
made from it, and a board whose tasks finished on those branches."""

from __future__ import annotations

import os
import shlex
import sys
from dataclasses import replace
from pathlib import Path

from kairos_ci.coordinator.records import Board, TaskStatus, WorkResult
from kairos_ci.coordinator.seed import Budgets, board_for
from kairos_ci.git import Git
from kairos_ci.plan.records import Approval, Plan, StepVerification
from kairos_ci.workspace.commands import CommandRunner
from tests.coordinator.boards import T0
from tests.plan.sample import commit, sample_plan, step

BASE = {
    "lib.py": 'def greet():\n    return "hi"\n',
    "README.md": "# app\n\nIt greets.\n",
}


def python(code: str) -> str:
    """A verification command: this interpreter running ``code`` in the merged tree."""
    return f"{shlex.quote(sys.executable)} -c {shlex.quote(code)}"


def runner() -> CommandRunner:
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONDONTWRITEBYTECODE": "1"}
    return CommandRunner(env=env, timeout_s=60.0, jail=None)


def base_repo(root: Path) -> Git:
    root.mkdir()
    git = Git(root)
    git.run("init", "-q", "-b", "main")
    write(root, BASE)
    commit(git, "base")
    return git


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def step_branch(git: Git, name: str, files: dict[str, str], start: str = "main") -> str:
    """A step's branch from ``start`` with ``files`` written; the repo goes back to main."""
    git.run("checkout", "-q", "-b", name, start)
    write(git.repo, files)
    head = commit(git, f"work on {name}")
    git.run("checkout", "-q", "main")
    return head


def plan_of(*steps: tuple[str, tuple[str, ...], tuple[str, ...], str]) -> Plan:
    """A sealed plan of (id, files, depends on, verification command) steps."""
    built = tuple(
        replace(step(step_id, files, *deps), verification=StepVerification((command,)))
        for step_id, files, deps, command in steps
    )
    return sample_plan(steps=built, decision_points=())


def finished(plan: Plan, heads: dict[str, str]) -> Board:
    """The plan's board with each task in ``heads`` done on its branch at that commit."""
    board = board_for(
        plan, Approval("maria", "2026-11-27T02:00:00Z", plan.plan_hash), T0, Budgets()
    )
    tasks = tuple(
        replace(
            task,
            state=TaskStatus.DONE,
            result=WorkResult(ok=True, branch=f"kairos/plan-{plan.plan_id}/{task.id}", head=head),
        )
        if (head := heads.get(task.id))
        else task
        for task in board.tasks
    )
    return replace(board, tasks=tasks)
