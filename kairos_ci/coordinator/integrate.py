"""Integrating one slice: its finished tasks merged one by one onto the default branch's
head, each merge verified before the next, so the first failing merge names its culprit.

Merges happen in a scratch clone (``workspace.scratch``), never in the user's checkout:
``git merge-tree --write-tree`` merges without touching a working tree and reports
textual conflicts by path; a clean merge is committed, checked out in the scratch, and
the task's own verification commands (the plan step's) run on it. Each verified merge
moves the local branch ``kairos/plan-<id>/slice-<n>``, so after a stop it holds the
verified prefix, which the repair task starts from. ``merge-tree --write-tree`` needs
git 2.38 or newer.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from kairos_ci.coordinator.lineage import origin_of
from kairos_ci.coordinator.outcomes import Conflict, Merged, Outcome, Stopped, TestsFailed
from kairos_ci.coordinator.records import Board, BoardTask
from kairos_ci.coordinator.slices import Slice, slice_branch, unfinished
from kairos_ci.errors import GitError, InputError
from kairos_ci.git import Git
from kairos_ci.plan.records import Plan
from kairos_ci.workspace.commands import CommandResult, CommandRunner
from kairos_ci.workspace.scratch import Scratch

_TREE = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")
_TAIL_LINES = 40
_TAIL_CHARS = 4000


@dataclass(frozen=True)
class Integration:
    """One slice of an approved plan's board, and how its tests run."""

    board: Board
    plan: Plan  # the board's plan: its steps hold the verification commands
    part: Slice
    runner: CommandRunner  # in the jail: the merged code was written by a model


@dataclass(frozen=True)
class _Merge:
    task: BoardTask
    head: str  # the task's verified commit, found in the scratch
    commands: tuple[tuple[str, ...], ...]  # its verification commands as argv


def integrate(scratch: Scratch, job: Integration) -> Outcome:
    """Merge the slice's tasks in order onto ``scratch.base_sha`` (the default branch's
    head): merged, or stopped at the first task whose merge conflicts or fails its tests."""
    merges = [_prepared(scratch.git, job, task) for task in _finished(job)]
    branch = slice_branch(job.board.plan_id, job.part.number)
    git = scratch.git
    git.run("update-ref", f"refs/heads/{branch}", scratch.base_sha)
    current, merged = scratch.base_sha, list[str]()
    for merge in merges:
        tree = merge_tree(git, current, merge.head)
        if isinstance(tree, Conflict):
            return Stopped(merge.task.id, tree, branch, current, tuple(merged))
        candidate = _commit_merge(git, tree, (current, merge.head), _message(job, merge.task))
        failed = _verify(scratch, candidate, merge.commands, job.runner)
        if failed is not None:
            return Stopped(merge.task.id, failed, branch, current, tuple(merged))
        git.run("update-ref", f"refs/heads/{branch}", candidate, current)
        current = candidate
        merged.append(merge.task.id)
    return Merged(branch, current, tuple(merged))


def merge_tree(git: Git, ours: str, theirs: str) -> str | Conflict:
    """The merged tree of two commits, or the paths that conflict; no checkout needed.

    Exit status 0 is a clean merge and 1 a conflicted one, but git 2.39 also exits 1
    when it cannot merge at all, so a conflict needs a tree id on the first line."""
    done = git.run(
        "merge-tree",
        "--write-tree",
        "-z",
        "--name-only",
        "--no-messages",
        ours,
        theirs,
        check=False,
    )
    fields = done.stdout.decode("utf-8", "surrogateescape").split("\0")
    if done.returncode in (0, 1) and _TREE.match(fields[0]):
        if done.returncode == 0:
            return fields[0]
        return Conflict(tuple(dict.fromkeys(path for path in fields[1:] if path)))
    why = done.stderr.decode("utf-8", "replace").strip().splitlines()
    raise GitError(
        f"git merge-tree --write-tree {ours[:12]} {theirs[:12]} failed: "
        f"{why[-1] if why else f'exit status {done.returncode}'} (it needs git 2.38 or newer)"
    )


def commands_for(plan: Plan, board: Board, task_id: str) -> tuple[str, ...]:
    """The verification commands of the task's plan step (a repair runs its original's).
    A task without a step (the hot-files task) runs those of the steps it follows."""
    step = plan.step(origin_of(task_id))
    if step is not None:
        commands = step.verification.commands
    else:
        steps = (plan.step(origin_of(dep)) for dep in board.task(task_id).depends_on)
        commands = tuple(c for s in steps if s is not None for c in s.verification.commands)
    commands = tuple(dict.fromkeys(c for c in commands if c.strip()))
    if not commands:
        raise InputError(f"plan {plan.plan_id}: task {task_id} has no verification commands")
    return commands


def _finished(job: Integration) -> list[BoardTask]:
    board, part = job.board, job.part
    if board.plan_hash != job.plan.plan_hash:
        raise InputError(
            f"board {board.plan_id} is for plan {board.plan_hash[:8]}, not {job.plan.hash8}"
        )
    waiting = unfinished(board, part)
    if waiting:
        states = ", ".join(f"{t} ({board.task(t).state})" for t in waiting)
        raise InputError(f"slice {part.number} of plan {board.plan_id} is not done: {states}")
    tasks = [board.task(task_id) for task_id in part.task_ids]
    headless = [t.id for t in tasks if t.result is None or not t.result.head]
    if headless:
        raise InputError(f"tasks {', '.join(headless)} are done but name no head commit")
    return tasks


def _prepared(git: Git, job: Integration, task: BoardTask) -> _Merge:
    """Everything a merge needs, checked before the first one: a bad plan or a missing
    commit fails the run up front, not halfway."""
    assert task.result is not None  # _finished checked it
    head = task.result.head
    found = git.run(
        "rev-parse", "--verify", "--quiet", "--end-of-options", f"{head}^{{commit}}", check=False
    )
    if found.returncode != 0:
        raise GitError(
            f"task {task.id}'s head {head[:12]} is not in the repository "
            f"(fetch {task.result.branch or 'its branch'} first)"
        )
    commands = commands_for(job.plan, job.board, task.id)
    return _Merge(task, found.stdout.decode().strip(), tuple(_argv(c) for c in commands))


def _commit_merge(git: Git, tree: str, parents: tuple[str, str], message: str) -> str:
    return git.text("commit-tree", tree, "-p", parents[0], "-p", parents[1], "-m", message)


def _message(job: Integration, task: BoardTask) -> str:
    branch = task.result.branch if task.result is not None else ""
    where = f"Plan {job.board.plan_id}, slice {job.part.number}" + (f"; {branch}" if branch else "")
    return f"Merge {task.id}: {task.title}\n\n{where}.\n"


def _verify(
    scratch: Scratch, commit: str, commands: tuple[tuple[str, ...], ...], runner: CommandRunner
) -> TestsFailed | None:
    """The first of ``commands`` that fails on a clean checkout of ``commit``, if any."""
    git = scratch.git
    git.run("checkout", "--quiet", "--force", "--detach", commit)
    # What the previous merge's tests left behind must not pass or fail this one's;
    # ignored files (installed dependencies) stay.
    git.run("clean", "-ffdq")
    for argv in commands:
        ran = runner.run(argv, scratch.path)
        if not ran.ok:
            return TestsFailed(shlex.join(argv), _tail(ran))
    return None


def _argv(command: str) -> tuple[str, ...]:
    try:
        return tuple(shlex.split(command))
    except ValueError as err:
        raise InputError(f"verification command {command!r}: {err}") from None


def _tail(ran: CommandResult) -> str:
    """Why the command failed, in its last lines of output (stderr last: tracebacks)."""
    if ran.error:
        return ran.error
    output = "\n".join(part.rstrip("\n") for part in (ran.stdout, ran.stderr) if part.strip())
    lines = output.splitlines()[-_TAIL_LINES:]
    tail = "\n".join(lines)[-_TAIL_CHARS:]
    if ran.timed_out:
        return f"timed out after {ran.duration_s:.0f} s\n{tail}".rstrip()
    return tail or f"exit status {ran.exit_code}, no output"
