"""``fix_failing_tests``: the one call the ``fix_tests`` task makes to the model side.

It checks there is something to do and money to do it, runs the agent loop in the
scratch worktree, then builds the final patch (only what the agent wrote) and checks
it: the test-integrity guard, protected paths. The result says how far it may be
published (``ceiling``) and why; policy takes the minimum with everything else.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from kairos_ci.agent import prompts
from kairos_ci.agent.briefing import Briefing, brief
from kairos_ci.agent.llm import Llm, model_for
from kairos_ci.agent.loop import LoopOutcome, Session, run_loop
from kairos_ci.agent.patch import FinalPatch, final_patch
from kairos_ci.agent.paths import WritePolicy
from kairos_ci.agent.records import (
    AgentLimits,
    FailingTest,
    FixAttempt,
    Stop,
    Tier,
    UntrustedText,
)
from kairos_ci.agent.redact import Redactor
from kairos_ci.agent.spend import BudgetView
from kairos_ci.agent.tools import specs
from kairos_ci.agent.tools.context import ToolContext
from kairos_ci.agent.tools.dispatch import Toolbox
from kairos_ci.agent.untrusted import Envelope, Profile
from kairos_ci.config.records import Config
from kairos_ci.context import Secret
from kairos_ci.guard.records import GuardReport, GuardVerdict
from kairos_ci.policy.records import BudgetState, ChangeFacts
from kairos_ci.workspace.commands import CommandRunner
from kairos_ci.workspace.scratch import Scratch, symlinks_at

MAX_FAILING = 20
NOT_FOUND = "not found (no JUnit file attribute, no file for its class name, no unique match)"
GATHERED = (
    "What kairos gathered from the repository (each part cut to a budget; read more with "
    "the tools):\n\n"
)
READ_ONLY_TESTS = "Test files and test configuration are read-only here: the tools refuse them."
EDITABLE_TESTS = (
    "You may edit a test only if the test itself is wrong; every test change is reviewed."
)


@dataclass(frozen=True)
class FixJob:
    """One fix attempt's inputs: the model, the config, the scratch worktree it works in,
    the tests to fix, the money, and how its tools run."""

    llm: Llm
    config: Config
    scratch: Scratch
    failing: Sequence[FailingTest]
    budget: BudgetView
    commands: CommandRunner
    secrets: Sequence[Secret] = ()
    context: Sequence[UntrustedText] = ()
    limits: AgentLimits = field(default_factory=AgentLimits)
    edit_tests: bool = False  # config.agent.edit_tests
    clock: Callable[[], float] = time.monotonic


def fix_failing_tests(job: FixJob) -> FixAttempt:
    config, failing, limits = job.config, job.failing, job.limits
    reason = _reason_to_skip(config, failing, job.budget)
    if reason:
        return skipped(reason)
    redactor = Redactor.of(job.secrets)
    ctx = _tool_context(job, redactor)
    briefing = brief(job.scratch.path, job.scratch.base_sha, failing[:MAX_FAILING], limits.context)
    opening, input_signals = opening_message(ctx, failing, job.context, briefing)
    session = Session(
        system=prompts.render(
            "system",
            nonce=ctx.envelope.nonce,
            edit_tests_rule=EDITABLE_TESTS if job.edit_tests else READ_ONLY_TESTS,
        ),
        opening=opening,
        tools=specs.ALL,
        candidates=(
            (Tier.WORK, model_for(Tier.WORK, config.models)),
            (Tier.TRIAGE, model_for(Tier.TRIAGE, config.models)),
        ),
        prices=config.budget.prices,
        budget=job.budget,
        limits=limits,
    )
    toolbox = Toolbox(ctx)
    outcome = run_loop(job.llm, session, toolbox, redactor, job.clock, ctx.deadline)
    final = final_patch(job.scratch, config, toolbox.written)
    return _attempt(outcome, final, input_signals, toolbox, job.budget)


def _tool_context(job: FixJob, redactor: Redactor) -> ToolContext:
    links = symlinks_at(job.scratch.path, job.scratch.base_sha)
    config = job.config
    return ToolContext(
        root=job.scratch.path,
        write_policy=WritePolicy(config.protected_paths, links, job.edit_tests),
        test_command=config.tests.run.argv if config.tests.run else None,
        commands=job.commands,
        envelope=Envelope.fresh(),
        redactor=redactor,
        limits=job.limits,
        deadline=job.clock() + job.limits.wall_time_s,
        clock=job.clock,
    )


def skipped(reason: str) -> FixAttempt:
    """An attempt that never started (also for the caller: no API key, model unavailable)."""
    return FixAttempt(
        stop=Stop.SKIPPED,
        reason=reason,
        explanation=None,
        patch="",
        changed=(),
        charges=(),
        guard=GuardReport((), 0),
        protected=(),
        denials=(),
        facts=ChangeFacts(unpublishable=f"no fix was attempted: {reason}"),
    )


def _reason_to_skip(config: Config, failing: Sequence[FailingTest], budget: BudgetView) -> str:
    if config.tests.run is None:
        return "the config has no test command (tests.run), so a fix cannot be verified"
    if not failing:
        return "no failing tests to fix"
    if budget.state() is BudgetState.EXHAUSTED:
        return f"the model budget is spent ({budget.why()})"
    return ""


def opening_message(
    ctx: ToolContext,
    failing: Sequence[FailingTest],
    context: Sequence[UntrustedText],
    briefing: Briefing,
) -> tuple[str, tuple[str, ...]]:
    """The task message: the failing tests, what kairos gathered, and the caller's context.
    Everything from the repository or the reports goes in as untrusted data."""
    blocks: list[str] = []
    signals: list[str] = []
    for test in failing[:MAX_FAILING]:
        found = briefing.found.get(test.id)
        where = f"{found.path} (found from {found.via})" if found else NOT_FOUND
        text = (
            f"test id: {test.id}\nfile: {where}\n"
            f"message: {test.message or ''}\ndetails:\n{test.details or ''}"
        )
        data = ctx.data("failing test", text, Profile.TEXT)
        blocks.append(data.text)
        signals.extend(data.signals)
    if len(failing) > MAX_FAILING:
        blocks.append(f"({len(failing) - MAX_FAILING} more failing tests are not shown.)")
    gathered = []
    for part in briefing.parts:
        data = ctx.data(part.source, part.text, Profile.CODE)
        gathered.append(f"{part.title}:\n{data.text}")
        signals.extend(data.signals)
    extra = []
    for item in context:
        data = ctx.data(item.source, item.text, Profile.TEXT)
        extra.append(data.text)
        signals.extend(data.signals)
    opening = prompts.render(
        "fix_tests",
        failing="\n\n".join(blocks),
        briefing=GATHERED + "\n\n".join(gathered) + "\n" if gathered else "",
        context="Context:\n" + "\n\n".join(extra) + "\n" if extra else "",
    )
    return opening, tuple(signals)


def _attempt(
    outcome: LoopOutcome,
    final: FinalPatch,
    input_signals: tuple[str, ...],
    toolbox: Toolbox,
    budget: BudgetView,
) -> FixAttempt:
    signals = tuple(dict.fromkeys((*input_signals, *outcome.signals)))
    return FixAttempt(
        stop=outcome.stop,
        reason=outcome.reason,
        explanation=outcome.summary,
        patch=final.text,
        changed=final.changes,
        charges=outcome.charges,
        guard=final.guard,
        protected=final.protected,
        denials=outcome.denials,
        facts=_facts(outcome, final, signals, budget.plus(outcome.charges)),
        turns=outcome.turns,
        test_runs=toolbox.test_runs,
        models=outcome.models,
        discarded=final.discarded,
        test_notes=dict(toolbox.test_notes),
    )


def guard_facts(facts: ChangeFacts, flagged: Iterable[GuardVerdict]) -> ChangeFacts:
    """``facts`` with the guard's findings added: a flag, or a change a human may accept.
    The first finding of each kind is the one named."""
    found = list(flagged)
    hard = [f"{v.rule}: {v.path}" for v in found if not v.acceptable]
    soft = [f"{v.rule}: {v.path}" for v in found if v.acceptable]
    return replace(
        facts,
        guard_flag=facts.guard_flag or (hard[0] if hard else ""),
        guard_to_accept=facts.guard_to_accept or (soft[0] if soft else ""),
    )


def _facts(
    outcome: LoopOutcome, final: FinalPatch, signals: tuple[str, ...], after: BudgetView
) -> ChangeFacts:
    """What the attempt found about its own patch; policy turns it into a cap."""
    if outcome.stop is not Stop.FINISHED or not final.changes:
        why = outcome.reason if outcome.stop is not Stop.FINISHED else "the patch is empty"
        return ChangeFacts(unpublishable=f"no fix to publish: {why}", injection_signals=signals)
    facts = ChangeFacts(
        protected=final.protected[0].reason if final.protected else "",
        injection_signals=signals,
        budget_near=after.why() if after.state() is not BudgetState.OK else "",
    )
    return guard_facts(facts, final.guard.flagged)
