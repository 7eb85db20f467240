"""Approvals that stick: a ticked ``fix_tests`` suggestion publishes its stored patch.

The model writes a new patch each night, so an approval bound to last night's patch
would never match. Memory keeps each suggestion's exact patch (``StoredSuggestion``);
when a maintainer ticks it, the next run re-verifies THAT patch on the current base,
as a fix the agent just made (``verify``: the project's tests, linters, the guard and
the cross-runs), and proposes it again with the same patch, so the same approval key,
which the gate turns into a pull request. No model is asked for its tests.

A patch that no longer applies, whose tests no longer fail, or that no longer
verifies is marked stale in memory, with the reason; the dashboard says so.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from kairos_ci.agent.fix import guard_facts
from kairos_ci.agent.patch import final_patch
from kairos_ci.agent.records import FixAttempt, Stop
from kairos_ci.agent.redact import Redactor
from kairos_ci.config.records import Config
from kairos_ci.context import Secret
from kairos_ci.memory.records import Memory, StoredSuggestion
from kairos_ci.policy.records import ChangeFacts
from kairos_ci.stages.evidence import Evidence
from kairos_ci.stages.records import ProposedChange, VerificationRun
from kairos_ci.tasks.fix_tests import body
from kairos_ci.tasks.fix_tests.verify import Verified, verify
from kairos_ci.workspace.commands import CommandRunner
from kairos_ci.workspace.scratch import changed_paths, scratch_checkout

KIND = "fix_tests"
MAX_WHY = 300


@dataclass(frozen=True)
class Base:
    """The commit a stored patch is tried on, and what its own test run showed."""

    repo: Path
    sha: str
    config: Config
    runner: CommandRunner
    evidence: Evidence  # the full configured run on ``sha``
    secrets: tuple[Secret, ...] = ()


@dataclass(frozen=True)
class Replayed:
    changes: tuple[ProposedChange, ...] = ()
    stale: tuple[StoredSuggestion, ...] = ()  # each with its ``stale`` reason
    fixed: tuple[str, ...] = ()  # the tests the changes fix: no model is asked for them


def approved(memory: Memory, approvals: Collection[str]) -> tuple[StoredSuggestion, ...]:
    """The stored, live patches a maintainer ticked on the dashboard."""
    return tuple(
        s
        for key, s in sorted(memory.suggestions.items())
        if key in approvals and s.patch and not s.stale
    )


def replay(base: Base, suggestions: Iterable[StoredSuggestion]) -> Replayed:
    changes: list[ProposedChange] = []
    stale: list[StoredSuggestion] = []
    fixed: list[str] = []
    for suggestion in suggestions:
        change = one(base, suggestion)
        if isinstance(change, str):
            stale.append(replace(suggestion, stale=change[:MAX_WHY]))
        else:
            changes.append(change)
            fixed.extend(change.evidence.targets if change.evidence else ())
    return Replayed(tuple(changes), tuple(stale), tuple(dict.fromkeys(fixed)))


def one(base: Base, suggestion: StoredSuggestion) -> ProposedChange | str:
    """The stored patch, verified on ``base``: a change to gate, or why it is stale."""
    failing = {t.id for t in base.evidence.failing()}
    targets = tuple(t for t in suggestion.targets if t in failing)
    if not targets:
        return f"its tests no longer fail on {base.sha[:12]}"
    attempt = _attempt(base, suggestion)
    if isinstance(attempt, str):
        return attempt
    verified = verify(
        base.repo, base.sha, base.config, base.runner, base.evidence, attempt, targets
    )
    failed = [f"{c.name}: {c.detail}" for c in verified.checks if c.blocking and not c.passed]
    if failed:
        return f"it no longer verifies on {base.sha[:12]}: " + "; ".join(failed)
    return _change(base, suggestion, attempt, verified, targets)


def _attempt(base: Base, suggestion: StoredSuggestion) -> FixAttempt | str:
    """The stored patch as an attempt on ``base``: what the guard and the protected-path
    check find in it now, exactly as for a patch the agent just wrote."""
    with scratch_checkout(base.repo, base.sha) as scratch:
        data = suggestion.patch.encode()
        checked = scratch.git.run("apply", "--check", "--binary", "-", input=data, check=False)
        if checked.returncode != 0:
            why = " ".join(checked.stderr.decode("utf-8", "replace").split())
            return f"the patch no longer applies on {base.sha[:12]}: {why}"
        scratch.git.run("apply", "--index", "--binary", "-", input=data)
        written = {side for c in changed_paths(scratch) for side in (c.path, c.old_path) if side}
        final = final_patch(scratch, base.config, written)
    facts = ChangeFacts(protected=final.protected[0].reason if final.protected else "")
    return FixAttempt(
        stop=Stop.FINISHED,
        reason="a maintainer approved this stored patch",
        explanation=None,
        patch=suggestion.patch,  # the exact patch approved: its key must not change
        changed=final.changes,
        charges=(),
        guard=final.guard,
        protected=final.protected,
        denials=(),
        facts=guard_facts(facts, final.guard.flagged),
    )


def _change(
    base: Base,
    suggestion: StoredSuggestion,
    attempt: FixAttempt,
    verified: Verified,
    targets: tuple[str, ...],
) -> ProposedChange:
    redactor = Redactor.of(base.secrets)
    details = body.details(targets, base.evidence, verified.after, base.sha, None, (), redactor)
    flagged = (v for v in verified.crossed if v.flagged)
    after = verified.after.tests if verified.after is not None else ()
    run = VerificationRun(
        f"fix_tests ({suggestion.branch})", base.evidence.tests, after, targets, base.evidence.flaky
    )
    return ProposedChange(
        kind=KIND,
        branch=suggestion.branch,
        title=suggestion.title,
        base_sha=base.sha,
        patch=suggestion.patch,
        files=tuple(sorted(c.path for c in attempt.changed)),
        checks=verified.checks,
        summary=(
            f"kairos-ci applied the fix a maintainer approved on the dashboard, first "
            f"verified on {suggestion.base_sha[:12]} and verified again on {base.sha[:12]} "
            "with the project's own tests."
        ),
        facts=guard_facts(attempt.facts, flagged),
        details=details,
        evidence=run,
    )
