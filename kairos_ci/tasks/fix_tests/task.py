"""Task ``fix_tests``: triage failing tests, let the agent fix the real ones, verify the fix.

The only model calls are the triage request and the agent loop; the PR's explanation
is the agent's ``finish`` summary. The fix is made in a scratch checkout of the base
and verified in another (``fix_tests_verify``). A change whose checks fail is not
proposed; a change the guard flagged, that touches a protected path, that met hidden
text, or that spent close to a cap carries a ceiling of ``suggest`` that the gate
applies, with the reason.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from kairos_ci.agent.attempt_summary import no_fix
from kairos_ci.agent.fix import FixJob, fix_failing_tests, guard_facts
from kairos_ci.agent.llm import Llm
from kairos_ci.agent.records import (
    AgentLimits,
    Charge,
    FailingTest,
    FixAttempt,
    UntrustedText,
)
from kairos_ci.agent.redact import Redactor
from kairos_ci.agent.spend import BudgetView, to_journal
from kairos_ci.config.records import Config
from kairos_ci.context import Secret
from kairos_ci.guard.records import GuardVerdict
from kairos_ci.memory.records import Backoff, Spend, StoredSuggestion, Task
from kairos_ci.policy.records import BudgetState
from kairos_ci.signals.records import TestResult
from kairos_ci.stages.evidence import Evidence
from kairos_ci.stages.records import ProposedChange, VerificationRun
from kairos_ci.tasks.fix_tests import body
from kairos_ci.tasks.fix_tests.triage import Triage, one_line, triage
from kairos_ci.tasks.fix_tests.verify import Verified, verify
from kairos_ci.workspace.commands import CommandRunner
from kairos_ci.workspace.scratch import scratch_checkout

KIND = "fix_tests"
BRANCH_PREFIX = "kairos/fix-tests/"
MAX_WHY_CHARS = 600


@dataclass(frozen=True)
class FixRequest:
    repo: Path
    base_sha: str
    config: Config
    runner: CommandRunner
    base: Evidence  # the full configured run on ``base_sha``
    targets: tuple[TestResult, ...]  # failing on the base, not judged flaky
    llm: Llm
    budget: BudgetView
    secrets: tuple[Secret, ...] = ()
    context: tuple[UntrustedText, ...] = ()
    pull_request: int | None = None  # the failures came from this pull request's CI run
    source: str = "the default branch"
    limits: AgentLimits | None = None
    # Test id -> the commit it last passed on, as memory knows it (``since_pass.last_passes``).
    passed: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FixOutcome:
    change: ProposedChange | None = None
    waiting: Mapping[str, str] = field(default_factory=dict)  # test id -> why no fix for it
    charges: tuple[Charge, ...] = ()
    decisions: tuple[tuple[str, str, str], ...] = ()  # (action, target, why) for memory
    fixed: tuple[str, ...] = ()  # test ids the proposed change fixes
    verification: VerificationRun | None = None  # what verifying the agent's fix saw
    # What the nightly learned around the task, for memory:
    flaky_on_rerun: tuple[str, ...] = ()  # first-seen failures that passed when rerun
    backoffs: tuple[Backoff, ...] = ()  # failed fixes, and when each may be tried again
    requests: tuple[Task, ...] = ()  # `/kairos fix` requests this run took, now done
    # Approved suggestions: their stored patches verified again, or stale, with why.
    replayed: tuple[ProposedChange, ...] = ()
    stale: tuple[StoredSuggestion, ...] = ()

    @property
    def verifications(self) -> tuple[VerificationRun, ...]:
        return (self.verification,) if self.verification is not None else ()

    @property
    def spend(self) -> dict[str, Spend]:
        return to_journal(self.charges)

    @property
    def changes(self) -> tuple[ProposedChange, ...]:
        return (*self.replayed, *((self.change,) if self.change is not None else ()))

    def waiting_after(self, waiting: Mapping[str, str]) -> dict[str, str]:
        """Failing tests still waiting, and why: this task's reasons win; fixed ones leave."""
        merged = {**waiting, **self.waiting}
        fixed = {*self.fixed, *(t for c in self.replayed if c.evidence for t in c.evidence.targets)}
        return {test_id: why for test_id, why in merged.items() if test_id not in fixed}


def fix_branch(test_ids: Sequence[str]) -> str:
    """A stable branch for a set of tests: the first test's name and a hash of them all."""
    ordered = sorted(set(test_ids))
    digest = hashlib.sha256("\n".join(ordered).encode()).hexdigest()[:10]
    name = re.split(r"[.:/]", ordered[0])[-1] if ordered else "tests"
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-")[:40] or "test"
    return f"{BRANCH_PREFIX}{slug}-{digest}"


def fix_tests(req: FixRequest) -> FixOutcome:
    ids = tuple(t.id for t in req.targets)
    if not ids:
        return FixOutcome()
    why = _cannot_start(req)
    if why:
        return FixOutcome(waiting=dict.fromkeys(ids, why), decisions=((KIND, ids[0], why),))
    redactor = Redactor.of(req.secrets)
    failing = tuple(_failing(t, req.passed.get(t.id)) for t in req.targets)
    sorted_out = triage(req.llm, req.config, failing, req.budget, redactor)
    decisions = [
        ("triage", c.test_id, f"{c.verdict}: {c.reason}") for c in sorted_out.verdicts.values()
    ]
    if sorted_out.error is not None:
        why = sorted_out.error
        decisions.append((KIND, ids[0], why))
        return FixOutcome(None, dict.fromkeys(ids, why), sorted_out.charges, tuple(decisions))
    waiting = {
        t.id: _not_real(sorted_out, t.id) for t in failing if sorted_out.verdict_of(t.id) != "real"
    }
    real = sorted_out.real(failing)
    if not real:
        return FixOutcome(None, waiting, sorted_out.charges, tuple(decisions))
    return _fix(req, real, sorted_out, waiting, decisions, redactor)


def _fix(
    req: FixRequest,
    real: tuple[FailingTest, ...],
    sorted_out: Triage,
    waiting: dict[str, str],
    decisions: list[tuple[str, str, str]],
    redactor: Redactor,
) -> FixOutcome:
    real_ids = tuple(t.id for t in real)
    branch = fix_branch(real_ids)
    with scratch_checkout(req.repo, req.base_sha) as scratch:
        job = FixJob(
            req.llm,
            req.config,
            scratch,
            real,
            req.budget.plus(sorted_out.charges),
            commands=req.runner,
            secrets=req.secrets,
            context=req.context,
            limits=req.limits or AgentLimits(),
            edit_tests=req.config.agent.edit_tests,
        )
        attempt = fix_failing_tests(job)
    charges = (*sorted_out.charges, *attempt.charges)
    why = no_fix(attempt)
    seen = None
    if not why:
        verified = verify(
            req.repo, req.base_sha, req.config, req.runner, req.base, attempt, real_ids
        )
        attempt = _with_crossed(attempt, verified.crossed)
        change = _change(req, branch, real_ids, attempt, verified, charges, sorted_out, redactor)
        seen = change.evidence
        if change.verified:
            decisions.append((KIND, branch, f"proposed: {attempt.reason}"))
            return FixOutcome(change, waiting, charges, tuple(decisions), real_ids, seen)
        why = "the agent's fix failed verification: " + "; ".join(
            f"{c.name}: {c.detail}" for c in change.checks if c.blocking and not c.passed
        )
    why = one_line(why, redactor, MAX_WHY_CHARS)
    decisions.append((KIND, branch, why))
    waiting = {**waiting, **dict.fromkeys(real_ids, why)}
    return FixOutcome(None, waiting, charges, tuple(decisions), verification=seen)


def _change(
    req: FixRequest,
    branch: str,
    real_ids: tuple[str, ...],
    attempt: FixAttempt,
    verified: Verified,
    charges: tuple[Charge, ...],
    sorted_out: Triage,
    redactor: Redactor,
) -> ProposedChange:
    names = [re.split(r"[.:/]", i)[-1] for i in real_ids]
    title = f"Fix failing test {names[0]}" if len(names) == 1 else f"Fix {len(names)} failing tests"
    section = body.details(
        real_ids, req.base, verified.after, req.base_sha, attempt.explanation, charges, redactor
    )
    for extra in (
        body.test_changes(attempt, redactor),
        body.refused_calls(attempt.denials, redactor),
    ):
        if extra:
            section += "\n\n" + "\n".join(extra)
    return ProposedChange(
        kind=KIND,
        branch=branch,
        title=one_line(title, redactor, 100),
        base_sha=req.base_sha,
        patch=attempt.patch,
        files=tuple(sorted(c.path for c in attempt.changed)),
        checks=verified.checks,
        summary=(
            f"kairos-ci fixed {len(real_ids)} test(s) failing on {req.source} at "
            f"{req.base_sha[:12]}; the model's fix is verified with the project's own tests."
        ),
        facts=replace(
            attempt.facts,
            injection_signals=tuple(
                dict.fromkeys((*sorted_out.signals, *attempt.injection_signals))
            ),
            pull_request=req.pull_request,
        ),
        details=section,
        evidence=_evidence(branch, req.base, verified, real_ids),
    )


def _with_crossed(attempt: FixAttempt, crossed: tuple[GuardVerdict, ...]) -> FixAttempt:
    """The attempt as the cross-runs judged its test changes: their verdicts join the
    guard's, in the Test changes section and in what policy caps."""
    if not crossed:
        return attempt
    guard = replace(attempt.guard, verdicts=(*attempt.guard.verdicts, *crossed))
    facts = guard_facts(attempt.facts, (v for v in crossed if v.flagged))
    return replace(attempt, guard=guard, facts=facts)


def _evidence(
    branch: str, base: Evidence, verified: Verified, targets: tuple[str, ...]
) -> VerificationRun | None:
    if verified.after is None:
        return None  # the patch did not apply: nothing ran
    after = verified.after.tests
    return VerificationRun(f"fix_tests ({branch})", base.tests, after, targets, base.flaky)


NO_JAIL = (
    "no working sandbox (bubblewrap) on this runner, and code the model writes never runs "
    "outside one: see `kairos-ci doctor`"
)


def _cannot_start(req: FixRequest) -> str:
    if req.config.tests.run is None:
        return "the config has no test command (tests.run), so a fix cannot be verified"
    if not req.runner.isolated:
        return NO_JAIL
    if req.budget.state() is BudgetState.EXHAUSTED:
        return f"the model budget is spent ({req.budget.why()})"
    return ""


def _failing(test: TestResult, passed_at: str | None) -> FailingTest:
    return FailingTest(
        test.id, test.path, test.message, test.details, test.classname, test.line, passed_at
    )


def _not_real(sorted_out: Triage, test_id: str) -> str:
    found = sorted_out.verdicts.get(test_id)
    if found is None:
        return "the triage model gave no verdict for it; it is not sent to the work model"
    return f"triage says {found.verdict}: {found.reason}"
