"""The gate: what may be published of each proposed change, at its effective autonomy.

observe: only the summary. suggest: a dashboard entry with an approve box (a
maintainer's tick promotes it to a PR on the next run). approve: a PR. auto: a PR
with auto-merge. A change a human closed unmerged is never proposed again; a
change already open with the same patch is left alone. Work a config rule escalates
is not acted on: it becomes an alert for the people the rule names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kairos_ci.agent.redact import Redactor
from kairos_ci.bundle.intents import ChangeToPush, EnableAutoMerge, Kind, OpenPullRequest
from kairos_ci.bundle.records import Write
from kairos_ci.config.records import Config, Level, TaskKind
from kairos_ci.memory.records import MAX_STORED_PATCH, Rejection, Work, WorkState
from kairos_ci.policy import autonomy, rules
from kairos_ci.policy.limits import pr_slots
from kairos_ci.policy.records import Decision, Escalation, Situation, Subject, mentions
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
    escalations: tuple[Escalation, ...] = ()  # work a config rule hands to a human


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
    suggestions, left, skipped, decisions, escalations = [], [], [], [], []
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
        escalated = autonomy.escalation(decision, f"{change.kind} `{change.branch}`")
        if escalated is not None:
            escalations.append(escalated)
        if level is Level.OBSERVE:
            skipped.append(Skipped(change.kind, f"observe only: {why}"))
        elif level is Level.SUGGEST:
            shown = _cc(why, decision)
            missing = not_stored(change)
            shown = f"{shown}; {missing}" if missing else shown
            suggestions.append(Suggestion(change, approval_key(change), shown, level))
        elif len([w for w in writes if w.kind is Kind.PULL_REQUEST]) >= slots.available:
            skipped.append(Skipped(change.kind, f"no PR slot left: {slots.why}"))
        else:
            body = pr_body(change, why, decision.notify)
            writes.extend(_pr_writes(change, (level, why, body), base, approved, config))
    return Gated(
        tuple(writes), tuple(suggestions), tuple(left), tuple(skipped), tuple(decisions),
        tuple(escalations),
    )  # fmt: skip


def not_stored(change: ProposedChange) -> str:
    """Why memory cannot keep this suggestion's patch for its approval ("" when it can)."""
    if change.kind != TaskKind.FIX_TESTS.value:
        return ""
    size = len(change.patch.encode())
    if size > MAX_STORED_PATCH:
        return (
            f"its patch ({size} bytes) is over the {MAX_STORED_PATCH} bytes memory keeps "
            "and is not stored, so an approval cannot apply it"
        )
    if Redactor.of().finds(change.patch):  # secrets never reach memory
        return (
            "its patch holds a token-shaped string and is not stored, "
            "so an approval cannot apply it"
        )
    return ""


def _cc(why: str, decision: Decision) -> str:
    """A suggestion's dashboard entry names the people a rule asks to notify. The
    dashboard shows mentions as code, so this names them without notifying: they are
    notified once, by the pull request body, when the suggestion is approved."""
    return f"{why}; for {mentions(decision.notify)}" if decision.notify else why


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
    matched = rules.evaluate(config.rules, subject(change))
    return autonomy.decide(kind, config.autonomy, matched, situation, change.facts)


def subject(change: ProposedChange) -> Subject:
    """What config rules match a change by: the files it changes and, for a test fix, the
    tests it targets and their files ("a failing billing test" matches ``billing/**``)."""
    targets = tuple(sorted(change.evidence.targets)) if change.evidence is not None else ()
    test_files = (test_id.split("::", 1)[0] for test_id in targets)
    paths = tuple(dict.fromkeys((*change.files, *test_files)))
    return Subject(TaskKind(change.kind), paths=paths, tests=targets)


def _pr_writes(
    change: ProposedChange,
    verdict: tuple[Level, str, str],
    base: str,
    approved: bool,
    config: Config,
) -> list[Write]:
    level, why, body = verdict
    intent = OpenPullRequest(
        branch=change.branch,
        base=base,
        title=change.title,
        body=body,
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
