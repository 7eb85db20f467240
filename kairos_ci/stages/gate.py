"""The gate: what may be published of each proposed change, at its effective autonomy.

observe: only the summary. suggest: a dashboard entry with an approve box (a
maintainer's tick promotes it to a PR on the next run). approve: a PR. auto: a PR
with auto-merge. A change a human closed unmerged is never proposed again; a
change already open with the same patch is left alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kairos_ci.bundle.intents import ChangeToPush, EnableAutoMerge, Kind, OpenPullRequest
from kairos_ci.bundle.records import Write
from kairos_ci.config.records import Config, Level, TaskKind
from kairos_ci.memory.records import Rejection, Work, WorkState
from kairos_ci.policy import autonomy, rules
from kairos_ci.policy.limits import pr_slots
from kairos_ci.policy.records import Decision, Situation, Subject
from kairos_ci.stages.pr_body import pr_body
from kairos_ci.stages.records import ProposedChange, Skipped


@dataclass(frozen=True)
class Suggestion:
    """A change waiting for a maintainer's approval on the dashboard."""

    change: ProposedChange
    key: str
    why: str
    level: Level  # what policy allowed: suggest, or observe in a dry run's preview


@dataclass(frozen=True)
class Gated:
    writes: tuple[Write, ...]
    suggestions: tuple[Suggestion, ...]
    left_alone: tuple[str, ...]  # already published, unchanged: nothing to write
    skipped: tuple[Skipped, ...]
    decisions: tuple[tuple[str, str], ...]  # (target, why) for memory


@dataclass(frozen=True)
class Known:
    """What memory and GitHub say about earlier work, after reconciling."""

    work: Mapping[str, Work]
    rejections: Mapping[str, Rejection]
    approvals: frozenset[str]  # dashboard keys a maintainer ticked "approve"
    open_prs: int


def approval_key(change: ProposedChange) -> str:
    """Binds an approval to this exact patch: a different fix needs a new approval."""
    return f"{change.kind}.{change.branch.rsplit('/', 1)[-1]}.{change.patch_hash}"


def gate(
    changes: Iterable[ProposedChange], config: Config, situation: Situation, known: Known, base: str
) -> Gated:
    writes: list[Write] = []
    suggestions, left, skipped, decisions = [], [], [], []
    slots = pr_slots(config.limits, known.open_prs, 0)
    for change in changes:
        target = change.branch
        verdict = _refusal(change, known)
        if verdict is not None:
            skipped.append(Skipped(change.kind, verdict))
            decisions.append((target, verdict))
            continue
        work = known.work.get(change.branch)
        if work is not None and work.state is WorkState.OPEN and work.patch_hash == change.identity:
            left.append(f"{change.branch}: PR #{work.pr} already has this change")
            continue
        decision = _decide(change, config, situation)
        approved = approval_key(change) in known.approvals
        if approved:
            level, why = autonomy.approved(decision, change.facts)
        else:
            level, why = decision.level, decision.why()
        decisions.append((target, why))
        if level is Level.OBSERVE:
            skipped.append(Skipped(change.kind, f"observe only: {why}"))
        elif level is Level.SUGGEST:
            suggestions.append(Suggestion(change, approval_key(change), why, level))
        elif len([w for w in writes if w.kind is Kind.PULL_REQUEST]) >= slots.available:
            skipped.append(Skipped(change.kind, f"no PR slot left: {slots.why}"))
        else:
            writes.extend(_pr_writes(change, level, why, base, approved, config))
    return Gated(tuple(writes), tuple(suggestions), tuple(left), tuple(skipped), tuple(decisions))


def _refusal(change: ProposedChange, known: Known) -> str | None:
    if not change.verified:
        failed = "; ".join(
            f"{c.name}: {c.detail}" for c in change.checks if c.blocking and not c.passed
        )
        return f"{change.branch}: verification failed ({failed})"
    rejection = known.rejections.get(change.identity)
    if rejection is not None:
        return f"{change.branch}: {rejection.by} rejected this exact change ({rejection.reason})"
    return None


def _decide(change: ProposedChange, config: Config, situation: Situation) -> Decision:
    kind = TaskKind(change.kind)
    matched = rules.evaluate(config.rules, Subject(kind, paths=change.files))
    return autonomy.decide(kind, config.autonomy, matched, situation, change.facts)


def _pr_writes(
    change: ProposedChange, level: Level, why: str, base: str, approved: bool, config: Config
) -> list[Write]:
    intent = OpenPullRequest(
        branch=change.branch,
        base=base,
        title=change.title,
        body=pr_body(change, why),
        change=ChangeToPush(change.base_sha, change.patch, change.title),
        labels=config.dashboard.labels,
        approval=approval_key(change) if approved else None,
    )
    kind = TaskKind(change.kind)
    pr = Write(f"{change.kind}:{change.branch}:{change.identity}", level, why, intent, kind)
    if level < Level.AUTO:
        return [pr]
    auto_merge = EnableAutoMerge("squash", branch=change.branch)
    merge = Write(f"{change.kind}:{change.branch}:auto-merge", level, why, auto_merge, kind)
    return [pr, merge]
