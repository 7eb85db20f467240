"""``kairos-ci integrate``, as its table of contents: the plan's board -> each slice whose
steps are all done -> merged and checked in a scratch clone (``coordinator.integrate``)
-> pushed and proposed as one pull request per slice, or, at the first failing merge, a
repair task on the board that the workers pick up -> each pull request kept on the board
-> the project's whole suite run once on every proposed slice merged together
(``coordinator.union``) -> the progress shown once more, with the links and that line.

A slice still in progress is left for a later run. Nothing is merged into the default
branch: each slice is a pull request a maintainer reviews, never one giant one. A union
that breaks a test is reported, and its slices' pull requests stay open: each is
verified on its own, and people need to know they break together.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from kairos_ci.clock import Clock, to_iso
from kairos_ci.coordinator.integrate import Integration, integrate
from kairos_ci.coordinator.outcomes import Merged, Stopped
from kairos_ci.coordinator.records import Board, FullSuite
from kairos_ci.coordinator.repairs import repair
from kairos_ci.coordinator.slices import Slice, proposed, slices, unfinished
from kairos_ci.coordinator.store import BoardStore
from kairos_ci.coordinator.union import (
    NO_SUITE,
    SameTrees,
    SliceHead,
    UnionJob,
    UnionVerdict,
    union_evidence,
    union_key,
    union_suite,
)
from kairos_ci.forge.branches import Branches
from kairos_ci.forge.records import Ensured, PullRequestSpec
from kairos_ci.git import Git
from kairos_ci.plan.plaintext import plain, plain_cell
from kairos_ci.plan.records import Plan
from kairos_ci.stages.step_evidence import StepEvidence
from kairos_ci.workspace.commands import CommandRunner
from kairos_ci.workspace.scratch import scratch_checkout

if TYPE_CHECKING:
    from kairos_ci.coordinator.agent_step import Suite

UnionResult = UnionVerdict | SameTrees  # a verdict run now, or the board's on the same trees


class PullRequests(Protocol):
    def ensure_pull_request(self, spec: PullRequestSpec) -> Ensured: ...


class SliceStep(enum.StrEnum):
    WAITING = "waiting"  # some of its steps are not done yet
    PROPOSED = "proposed"  # merged, checked, pushed, and its pull request is up
    REPAIRING = "repairing"  # a merge failed: a repair task is on the board


@dataclass(frozen=True)
class SliceReply:
    number: int
    step: SliceStep
    why: str
    head: str = ""  # the slice's verified commit, once proposed


@dataclass(frozen=True)
class IntegrateWiring:
    plan: Plan | None  # the current plan
    boards: BoardStore
    repo: Path  # the default branch, checked out: only objects are written there
    branches: Branches
    pulls: PullRequests
    runner: Callable[[], CommandRunner]  # the jail: the merged code was written by a model
    clock: Clock
    default_branch: str
    # The configured suite in the jail, made only when a slice was proposed; None
    # from it: no test command is configured.
    suite: Callable[[], Suite | None] | None = None
    flaky: frozenset[str] = frozenset()  # tests memory's last nightly judged flaky
    # Progress, with the PR links and the full suite's line ("" when it did not run).
    on_proposed: Callable[[Board, str], None] | None = None
    # The dashboard's plans section brought up to date; says what it did.
    dashboard: Callable[[], str] | None = None
    evidence: StepEvidence | None = None  # the full suite's JUnit and verdict, for upload


@dataclass(frozen=True)
class IntegrateReply:
    refused: str  # "" when the slices were looked at
    slices: tuple[SliceReply, ...] = ()
    union: UnionResult | None = None  # None: no slice was proposed, no suite ran
    dashboard: str = ""  # the dashboard's plans section updated; "": left as it was


def integrate_plan(wiring: IntegrateWiring) -> IntegrateReply:
    board = wiring.boards.load()
    plan = wiring.plan
    if board is None or plan is None:
        return IntegrateReply("no plan with a board on the memory branch: nothing to integrate")
    if board.plan_hash != plan.plan_hash:
        return IntegrateReply(f"the board is for plan {board.plan_hash[:8]}, not {plan.hash8}")
    parts = slices(board)
    replies = tuple(_slice(board, plan, part, len(parts), wiring) for part in parts)
    union = _full_suite(board, plan, replies, wiring)
    return IntegrateReply("", replies, union, _show(board, union, wiring))


def _show(before: Board, union: UnionResult | None, wiring: IntegrateWiring) -> str:
    """The progress once more, and the dashboard's plans section, when a pull request or
    a repair changed the board or the full suite ran; never for a run that changed
    nothing. What became of the dashboard ("" when it was left as it was)."""
    shown = wiring.boards.load()
    if shown is None or (shown == before and union is None):
        return ""
    if wiring.on_proposed is not None:
        wiring.on_proposed(shown, union.line() if union is not None else "")
    return wiring.dashboard() if wiring.dashboard is not None else ""


def _full_suite(
    board: Board, plan: Plan, replies: tuple[SliceReply, ...], wiring: IntegrateWiring
) -> UnionResult | None:
    """The suite once on every slice proposed this run, merged together, or the board's
    verdict on the very same trees; None when nothing was proposed. Each head is in the
    repository's objects (``_slice``)."""
    heads = tuple(SliceHead(r.number, r.head) for r in replies if r.step is SliceStep.PROPOSED)
    if not heads:
        return None
    git = Git(wiring.repo)
    head = git.text("rev-parse", "--verify", f"{wiring.default_branch}^{{commit}}")
    key = union_key(git, head, heads, wiring.flaky)
    if board.full_suite is not None and board.full_suite.key == key:
        return SameTrees(board.full_suite)  # before the jail is set up: nothing will run
    suite = wiring.suite() if wiring.suite is not None else None
    if suite is None:
        return UnionVerdict(tuple(part.number for part in heads), skipped=NO_SUITE)
    baseline = plan.context.baseline
    known = frozenset(baseline.failing_ids if baseline is not None else ())
    job = UnionJob(board.plan_id, heads, suite, known, wiring.flaky, plan.base_sha)
    with scratch_checkout(wiring.repo, head) as scratch:
        verdict = union_suite(scratch, job)
    if wiring.evidence is not None:
        wiring.evidence(union_evidence(verdict))
    kept = FullSuite(key, verdict.line(), verdict.ok, to_iso(wiring.clock()))

    def keep(current: Board) -> tuple[Board | None, None, str]:
        return replace(current, full_suite=kept), None, f"board {current.plan_id}: full suite"

    wiring.boards.apply(keep)
    return verdict


def _slice(
    board: Board, plan: Plan, part: Slice, count: int, wiring: IntegrateWiring
) -> SliceReply:
    waiting = unfinished(board, part)
    if waiting:
        return SliceReply(part.number, SliceStep.WAITING, f"waiting for {', '.join(waiting)}")
    for task_id in part.task_ids:
        result = board.task(task_id).result
        if result is not None and result.branch:
            wiring.branches.fetch(result.branch)
    with scratch_checkout(wiring.repo, wiring.default_branch) as scratch:
        outcome = integrate(scratch, Integration(board, plan, part, wiring.runner()))
        if isinstance(outcome, Stopped):
            return _repairing(part, outcome, wiring)
        Git(wiring.repo).run(
            "fetch",
            "--quiet",
            "--no-tags",
            "--no-write-fetch-head",
            str(scratch.path),
            outcome.branch,
        )
    return _proposed(board, plan, (part, count), outcome, wiring)


def _repairing(part: Slice, stopped: Stopped, wiring: IntegrateWiring) -> SliceReply:
    """The culprit's repair goes on the board (or it fails, out of repairs)."""

    def move(board: Board) -> tuple[Board, None, str]:
        changed = repair(board, stopped.task_id, stopped.reason, wiring.clock())
        return changed, None, f"board {board.plan_id}: repair {stopped.task_id}"

    wiring.boards.apply(move)
    why = f"{stopped.task_id}: {stopped.reason.quote()}"
    return SliceReply(part.number, SliceStep.REPAIRING, why)


def _proposed(
    board: Board, plan: Plan, where: tuple[Slice, int], merged: Merged, wiring: IntegrateWiring
) -> SliceReply:
    part, count = where
    base = Git(wiring.repo).text("rev-parse", "--verify", f"{wiring.default_branch}^{{commit}}")
    built = wiring.branches.describe(base, merged.head)
    wiring.branches.push(merged.branch, built, wiring.default_branch)
    spec = PullRequestSpec(
        head=merged.branch,
        base=wiring.default_branch,
        title=f"{plain(plan.goal.summary, 60)} (part {part.number} of {count})",
        body=_body(board, plan, merged),
        fingerprint=f"plan.{plan.plan_id}.slice-{part.number}",
    )
    ensured = wiring.pulls.ensure_pull_request(spec)
    if ensured.url:
        url = ensured.url

        def keep(current: Board) -> tuple[Board | None, None, str]:
            after = proposed(current, part, url)
            return (None if after == current else after), None, f"board {current.plan_id}: {url}"

        wiring.boards.apply(keep)
    why = f"{merged.branch}: {ensured.change}"
    return SliceReply(part.number, SliceStep.PROPOSED, why, merged.head)


def _body(board: Board, plan: Plan, merged: Merged) -> str:
    lines = [
        f"Part of plan `{plan.hash8}` (issue #{plan.issue}), approved in the issue. Each "
        "step below was carried out on its own branch, checked there, then merged here "
        "in order, its checks run again after its merge.",
        "",
        "| step | title | checks |",
        "|---|---|---|",
    ]
    for task_id in merged.merged:
        task = board.task(task_id)
        checks = task.result.tests_after if task.result else ""
        lines.append(f"| {task_id} | {plain_cell(task.title, 120)} | {plain_cell(checks, 80)} |")
    return "\n".join(lines) + "\n"
