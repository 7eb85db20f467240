"""The step runner workers use: the agent carries out one plan step on its own branch,
and the project's own checks judge it before anything is reported.

1. Base: the plan's base commit, with the branches of the steps it depends on merged
   in (``git merge-tree``: no checkout), so a step sees the work it builds on.
2. The agent works in a scratch checkout of that base, with the same tools and limits
   as a test fix; its opening is the step, the plan's decisions and the write set, all
   fenced as data (the plan was written by a model, then approved by a person).
3. Judged: only what the agent wrote is kept; paths beyond the write set must be
   granted through the board (all or nothing) or the attempt ends asking for them;
   the guard must not flag the tests; every verification command of the step must
   pass in the jail; and the whole configured suite must keep every test that passed
   at the plan's baseline passing.
4. Published: one commit on ``kairos/plan-<plan id>/<step id>``, pushed; the result
   names the branch and the commit, for integration.
"""

from __future__ import annotations

import shlex
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kairos_ci.agent import prompts
from kairos_ci.agent.llm import Llm, model_for
from kairos_ci.agent.loop import LoopOutcome, Session, run_loop
from kairos_ci.agent.patch import FinalPatch, final_patch
from kairos_ci.agent.paths import WritePolicy
from kairos_ci.agent.records import AgentLimits, Stop
from kairos_ci.agent.redact import Redactor
from kairos_ci.agent.spend import BudgetView, total_usd
from kairos_ci.agent.tools import specs
from kairos_ci.agent.tools.context import ToolContext
from kairos_ci.agent.tools.dispatch import Toolbox
from kairos_ci.agent.untrusted import Envelope, Profile
from kairos_ci.config.records import Config
from kairos_ci.context import Secret
from kairos_ci.coordinator.contradictions import contradicts
from kairos_ci.coordinator.evidence import AttemptEvidence, KeepEvidence, SuiteRun
from kairos_ci.coordinator.integrate import merge_tree
from kairos_ci.coordinator.lineage import origin_of
from kairos_ci.coordinator.moves import FINISHED, Grant
from kairos_ci.coordinator.outcomes import Conflict
from kairos_ci.coordinator.paths import conflicts
from kairos_ci.coordinator.records import Asked, Board, BoardTask, TaskStatus, WorkResult
from kairos_ci.coordinator.track import Track, hurry_for
from kairos_ci.coordinator.worker import LeaseHandle
from kairos_ci.errors import GitError
from kairos_ci.forge.branches import Branches
from kairos_ci.git import Git
from kairos_ci.guard.classify import is_protected_test_path
from kairos_ci.plan.records import Plan, Step
from kairos_ci.workspace.commands import CommandRunner
from kairos_ci.workspace.scratch import Scratch, scratch_checkout, symlinks_at

MAX_NOTE_CHARS = 600
HOT_STEP = (
    "Bring the files below up to date after the plan's other steps: regenerate lock "
    "files with the project's own tools where the tests can run them, and add one entry "
    "per finished step to a changelog."
)


def step_branch(plan_id: str, task_id: str) -> str:
    return f"kairos/plan-{plan_id}/{task_id}"


Suite = Callable[[Path], SuiteRun]


@dataclass(frozen=True)
class StepWiring:
    repo: Path  # the worker's checkout; only objects are written there, never its tree
    plan: Plan
    config: Config
    llm: Llm
    commands: CommandRunner  # the jail, with the tree under test seen at the checkout
    branches: Branches  # fetches dependencies' branches, pushes the step's
    budget: BudgetView
    default_branch: str = "main"
    suite: Suite | None = None  # the configured tests on a tree; None: no tests configured
    secrets: tuple[Secret, ...] = ()
    flaky: frozenset[str] = frozenset()  # tests memory's last nightly judged flaky
    limits: AgentLimits = field(default_factory=AgentLimits)
    clock: Callable[[], float] = time.monotonic
    evidence: KeepEvidence | None = None  # each attempt's suite runs, diff and verdict
    track: Track = field(default_factory=Track)  # every board's attempts: picks the tier


class StepFailed(Exception):
    """The attempt ends here, with a note for people and for the next attempt."""


class AgentSteps:
    """A ``worker.StepRunner`` over the real agent loop and the project's checks."""

    def __init__(self, wiring: StepWiring) -> None:
        self.wiring = wiring

    def run(self, claimed: Grant, board: Board, held: LeaseHandle) -> WorkResult | Asked:
        trace = _Trace()
        ended = self._attempt(claimed.task, board, held, trace)
        if isinstance(ended, WorkResult):
            ended = replace(ended, tier=trace.tier)  # the tier's record: only if it ran
        if self.wiring.evidence is not None:
            self.wiring.evidence(_evidence(claimed, ended, trace))
        return ended

    def _attempt(
        self, task: BoardTask, board: Board, held: LeaseHandle, trace: _Trace
    ) -> WorkResult | Asked:
        spent: list[float] = []
        try:
            base = self._base(board, task)
            with scratch_checkout(self.wiring.repo, base) as scratch:
                attempt = self._agent(scratch, task, board, trace)
                spent.append(total_usd(attempt.outcome.charges))
                trace.patch = attempt.final.text
                settled = _settled(attempt, board, task, spent[0])
                if settled is not None:
                    return settled
                held.progress(TaskStatus.VERIFYING)
                return self._judged(scratch, task, attempt, held, trace)
        except (StepFailed, GitError) as failed:
            return WorkResult(ok=False, usd=sum(spent), note=str(failed)[:MAX_NOTE_CHARS])

    def _base(self, board: Board, task: BoardTask) -> str:
        """The plan's base with every dependency's branch merged in."""
        git = Git(self.wiring.repo)
        base = self.wiring.plan.base_sha
        for dep in task.depends_on:
            result = board.task(dep).result
            if result is None or not result.head:
                raise StepFailed(f"dependency {dep} has no branch to build on")
            self.wiring.branches.fetch(result.branch)
            base = _merged(git, base, result.head, f"merge {dep} for {task.id}")
        return base

    def _agent(self, scratch: Scratch, task: BoardTask, board: Board, trace: _Trace) -> _Attempt:
        wiring = self.wiring
        edit_tests = any(is_protected_test_path(path) for path in task.write_set)
        ctx = ToolContext(
            root=scratch.path,
            write_policy=WritePolicy(
                wiring.config.protected_paths,
                symlinks_at(scratch.path, scratch.base_sha),
                edit_tests,
            ),
            test_command=wiring.config.tests.run.argv if wiring.config.tests.run else None,
            commands=wiring.commands,
            envelope=Envelope.fresh(),
            redactor=Redactor.of(wiring.secrets),
            limits=wiring.limits,
            deadline=wiring.clock() + wiring.limits.wall_time_s,
            clock=wiring.clock,
        )
        hurry = hurry_for(board, task, wiring.config.budget.value_of_time_usd_per_hour)
        tier = wiring.track.tier(task, hurry)
        session = Session(
            system=prompts.render(
                "step_system", nonce=ctx.envelope.nonce, edit_tests_rule=_tests_rule(edit_tests)
            ),
            opening=self._opening(ctx, task, board),
            tools=specs.STEP,
            candidates=((tier, model_for(tier, wiring.config.models)),),
            prices=wiring.config.budget.prices,
            budget=wiring.budget,
            limits=wiring.limits,
        )
        toolbox = Toolbox(ctx, specs.STEP)
        trace.tier = tier.value
        outcome = run_loop(wiring.llm, session, toolbox, ctx.redactor, wiring.clock, ctx.deadline)
        patch = final_patch(scratch, wiring.config, toolbox.written)
        return _Attempt(outcome, patch, toolbox.finished)

    def _opening(self, ctx: ToolContext, task: BoardTask, board: Board) -> str:
        plan = self.wiring.plan
        step = _step(plan, origin_of(task.id))
        text = _step_text(step) if step is not None else f"{HOT_STEP}\n\n{task.title}"
        if task.id != origin_of(task.id):  # a repair: what went wrong when it was merged
            text += "\n\nThis attempt repairs the step: " + task.history[0].note
        earlier = _last_failure(task)
        if earlier:
            text += "\n\nThe previous attempt of this step ended: " + earlier
        return prompts.render(
            "plan_step",
            step_id=task.id,
            plan_hash8=plan.hash8,
            step=ctx.data("the approved plan's step", text, Profile.TEXT).text,
            decisions=ctx.data(
                "the plan's decisions", decisions_text(plan, board), Profile.TEXT
            ).text,
            write_set=", ".join(task.write_set) or "(none)",
        )

    def _judged(
        self, scratch: Scratch, task: BoardTask, attempt: _Attempt, held: LeaseHandle, trace: _Trace
    ) -> WorkResult:
        outcome, final = attempt.outcome, attempt.final
        usd = total_usd(outcome.charges)
        if outcome.stop is not Stop.FINISHED or not final.changes:
            raise StepFailed(f"the agent stopped without a change: {outcome.reason}")
        undeclared = _undeclared(final, task.write_set)
        refused = held.extend(undeclared) if undeclared else ""
        if refused:
            return WorkResult(ok=False, usd=usd, note=refused[:MAX_NOTE_CHARS], needs=undeclared)
        _checked(final)
        checks = self._verified(scratch, task, trace)
        head = self._published(scratch, task, final, outcome.summary or task.title)
        plan = self.wiring.plan
        baseline = plan.context.baseline
        before = f"{baseline.passed} passed, {baseline.failed} failed" if baseline else ""
        return WorkResult(
            ok=True,
            branch=step_branch(plan.plan_id, task.id),
            head=head,
            tests_before=before,
            tests_after=checks,
            guard="no test weakened",
            usd=usd,
            note=(outcome.summary or "")[:MAX_NOTE_CHARS],
        )

    def _verified(self, scratch: Scratch, task: BoardTask, trace: _Trace) -> str:
        step = _step(self.wiring.plan, origin_of(task.id))
        commands = step.verification.commands if step is not None else ()
        if not commands and self.wiring.config.tests.run is not None:
            commands = (shlex.join(self.wiring.config.tests.run.argv),)
        for command in commands:
            ran = self.wiring.commands.run(shlex.split(command), scratch.path)
            if not ran.ok:
                why = ran.error or ran.stderr.strip()[-300:] or ran.stdout.strip()[-300:]
                raise StepFailed(f"`{command}` failed: {why or f'exit {ran.exit_code}'}")
        kept = self._suite_kept(scratch, trace)
        count = f"{len(commands)} verification command" + ("" if len(commands) == 1 else "s")
        return f"{count} passed{kept}"

    def _suite_kept(self, scratch: Scratch, trace: _Trace) -> str:
        """Every test that passed at the plan's base still passes on the step's tree. A
        test memory judged flaky proves nothing by failing; any other that fails is run
        again with the suite, and only failing twice counts."""
        suite = self.wiring.suite
        if suite is None:
            return ""
        baseline = self.wiring.plan.context.baseline
        known = frozenset(baseline.failing_ids if baseline is not None else ())
        run = _ran(trace.ran(suite(scratch.path)))
        found = run.failures(known, self.wiring.flaky)
        flaky, broken = list(found.flaky), list(found.new)
        if broken:
            again = _ran(trace.ran(suite(scratch.path))).failures(known, self.wiring.flaky)
            flaky += [test for test in broken if test not in again.new]
            broken = [test for test in broken if test in again.new]
        if broken:
            raise StepFailed(f"tests that passed at the base fail: {', '.join(broken[:5])}")
        shaky = f"; flaky here: {', '.join(sorted(flaky)[:5])}" if flaky else ""
        return f"; suite: {run.passed} passed, {found.at_base} failing as at the base{shaky}"

    def _published(self, scratch: Scratch, task: BoardTask, final: FinalPatch, summary: str) -> str:
        plan = self.wiring.plan
        message = f"{task.title}\n\nStep {task.id} of plan {plan.hash8}.\n\n{summary}"
        built = self.wiring.branches.build(scratch.base_sha, final.text, message)
        branch = step_branch(plan.plan_id, task.id)
        return self.wiring.branches.push(branch, built, self.wiring.default_branch).sha


@dataclass(frozen=True)
class _Attempt:
    outcome: LoopOutcome
    final: FinalPatch
    finished: Mapping[str, Any]  # finish's input: "assumed" decisions, a "question"


@dataclass
class _Trace:
    """What an attempt leaves as evidence, gathered as it goes: it may end at any check."""

    patch: str = ""
    suites: list[SuiteRun] = field(default_factory=list)
    tier: str = ""  # the model tier the agent ran; none when it never started

    def ran(self, run: SuiteRun) -> SuiteRun:
        self.suites.append(run)
        return run


def _evidence(claimed: Grant, ended: WorkResult | Asked, trace: _Trace) -> AttemptEvidence:
    verdict = "asked" if isinstance(ended, Asked) else "done" if ended.ok else "failed"
    task = claimed.task
    return AttemptEvidence(
        task.id, task.attempts, claimed.fence, verdict, ended.note, trace.patch, tuple(trace.suites)
    )


def _settled(
    attempt: _Attempt, board: Board, task: BoardTask, usd: float
) -> Asked | WorkResult | None:
    """The attempt's end before any check, when the agent asked a question the plan left
    open or built on an option people did not choose; None when it goes to verification."""
    question = attempt.finished.get("question")
    if isinstance(question, Mapping):
        options = tuple(str(option) for option in question.get("options", ()))
        note = (attempt.outcome.summary or "")[:MAX_NOTE_CHARS]
        return Asked(str(question.get("text", "")), options, usd, note)
    assumed = attempt.finished.get("assumed")
    if not isinstance(assumed, Mapping):
        return None
    found = contradicts(board, task.id, {str(k): str(v) for k, v in assumed.items()})
    if not found:
        return None
    note = "rejected: " + "; ".join(contradiction.quote() for contradiction in found)
    return WorkResult(ok=False, usd=usd, note=note[:MAX_NOTE_CHARS])


def decisions_text(plan: Plan, board: Board) -> str:
    """Each decided point with its question and the option chosen, key and label."""
    Labels = tuple[str, dict[str, str]]  # the question, and each option key's label
    asked: dict[str, Labels] = {
        q.id: (q.text, dict(zip(q.option_keys(), q.options, strict=True))) for q in board.questions
    }
    for planned in plan.decision_points:
        asked[planned.id] = (planned.question, {o.key: o.label for o in planned.options})
    unknown: Labels = ("", {})  # a point the board holds and the plan does not
    lines = []
    for point, key in sorted(board.decisions.items()):
        if key is not None:
            question, labels = asked.get(point, unknown)
            label = f" ({labels[key]})" if key in labels else ""
            lines.append(f"- {point}: {question} -> {key}{label}")
    return "\n".join(lines) or "(none)"


def _last_failure(task: BoardTask) -> str:
    """Why the previous attempt failed, when it did: the next one is told."""
    ended = [e for e in task.history if e.what in FINISHED]
    return ended[-1].note if ended and ended[-1].what == FINISHED[1] else ""


def _merged(git: Git, base: str, head: str, message: str) -> str:
    """``head`` merged onto ``base`` as integration merges (``integrate.merge_tree``)."""
    tree = merge_tree(git, base, head)
    if isinstance(tree, Conflict):
        raise StepFailed(f"the dependencies do not merge cleanly: {tree.quote()}")
    return git.text("commit-tree", tree, "-p", base, "-p", head, "-m", message)


def _ran(run: SuiteRun) -> SuiteRun:
    if run.problem:
        raise StepFailed(f"the project's tests did not run: {run.problem}")
    return run


def _undeclared(final: FinalPatch, write_set: Sequence[str]) -> tuple[str, ...]:
    paths = {side for change in final.changes for side in (change.path, change.old_path) if side}
    return tuple(sorted(p for p in paths if not conflicts([p], write_set)))


def _checked(final: FinalPatch) -> None:
    hard = [f"{v.rule}: {v.path}" for v in final.guard.flagged if not v.acceptable]
    if hard:
        raise StepFailed(f"the guard flagged the change ({hard[0]})")
    if final.protected:
        raise StepFailed(f"the change touches a protected path ({final.protected[0].reason})")


def _step(plan: Plan, step_id: str) -> Step | None:
    return next((step for step in plan.steps if step.id == step_id), None)


def _step_text(step: Step) -> str:
    files = step.files
    lines = [
        f"{step.id}: {step.title}",
        step.description,
        f"Modify: {', '.join(files.modify) or '-'}; create: {', '.join(files.create) or '-'}; "
        f"delete: {', '.join(files.delete) or '-'}",
        f"Instructions: {step.agent_prompt}",
        "Done when: " + "; ".join(step.acceptance),
    ]
    return "\n".join(lines)


def _tests_rule(edit_tests: bool) -> str:
    if edit_tests:
        return (
            "This step names test files: change them only as the step says; "
            "every test change is checked."
        )
    return "Test files are read-only in this step: the tools refuse them."
