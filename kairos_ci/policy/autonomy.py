"""The one effective-autonomy table: the minimum of every cap that applies.

configured level x task ceiling x rules x trust (fork, actor permission, bot,
trigger) x budget x injection signals. The model can request; only this grants.
"""

from __future__ import annotations

from dataclasses import replace

from kairos_ci.config.records import AutonomyConfig, Level, TaskKind
from kairos_ci.policy.records import (
    Actor,
    BudgetState,
    Cap,
    ChangeFacts,
    Decision,
    Escalation,
    RuleOutcome,
    Situation,
    Trigger,
    rule_numbers,
)

# Reviews and flaky-test reports are speech, never code changes: kairos neither
# approves a PR nor applies a quarantine on its own.
TASK_CEILINGS = {
    TaskKind.REVIEW: Cap(Level.SUGGEST, "reviews are comments; kairos never approves a PR"),
    TaskKind.REPORT_FLAKY: Cap(Level.SUGGEST, "quarantines are only ever suggested"),
}


# The least each kind of write needs, keyed by the bundle's write kinds. An approved
# suggestion becomes a pull request at ``suggest``: the maintainer's tick is the approval.
PUBLISH_LEVELS = {
    "pull_request": Level.APPROVE,
    "auto_merge": Level.AUTO,
    "review": Level.SUGGEST,
    "comment": Level.SUGGEST,
    "dashboard": Level.SUGGEST,
    "label": Level.SUGGEST,
    "labels": Level.SUGGEST,
}
APPROVED_SUGGESTION = Level.SUGGEST

NO_FACTS = ChangeFacts()


def decide(
    kind: TaskKind,
    configured: AutonomyConfig,
    rules: RuleOutcome,
    situation: Situation,
    facts: ChangeFacts = NO_FACTS,
) -> Decision:
    """The effective level: the lowest of every cap the configuration, the rules, the
    run's situation and the change's own facts impose."""
    caps = [Cap(configured.level_for(kind), _configured_reason(kind, configured))]
    if kind in TASK_CEILINGS:
        caps.append(TASK_CEILINGS[kind])
    if rules.cap is not None:
        caps.append(Cap(rules.cap, f"config rule {rule_numbers(rules.matched)}"))
    caps.extend(trust_caps(situation))
    caps.extend(budget_caps(situation.budget))
    if situation.injection_signals:
        signals = ", ".join(situation.injection_signals)
        caps.append(Cap(Level.SUGGEST, f"possible prompt injection in the input ({signals})"))
    ceiling = change_ceiling(facts)
    if ceiling is not None:
        caps.append(ceiling)
    if rules.skip:
        caps.append(Cap(Level.OBSERVE, "skipped by a config rule"))
    if rules.escalate:
        reason = f"config rule {rule_numbers(rules.escalate)} hands this work to a human"
        caps.append(Cap(Level.OBSERVE, reason))
    level = min(cap.level for cap in caps)
    return Decision(kind, level, tuple(caps), rules.skip, rules.notify, escalated_by=rules.escalate)


def escalation(decision: Decision, target: str) -> Escalation | None:
    """The alert owed for work a config rule escalates, or None. A skip rule wins: it
    asks for nothing at all, not even an alert."""
    if not decision.escalated_by or decision.skip:
        return None
    return Escalation(target, decision.escalated_by, decision.notify)


def trust_caps(situation: Situation) -> list[Cap]:
    caps = []
    if situation.from_fork:
        caps.append(Cap(Level.SUGGEST, "the pull request comes from a fork"))
    if situation.trigger is Trigger.PULL_REQUEST_TARGET:
        caps.append(Cap(Level.SUGGEST, "pull_request_target runs with secrets: comments only"))
    actor = situation.actor
    if actor is not None and actor.is_bot:
        caps.append(Cap(Level.SUGGEST, f"{actor.login} is a bot"))
    elif actor is not None and not actor.permission.can_write:
        reason = f"{actor.login} has {actor.permission} permission, not write"
        caps.append(Cap(Level.SUGGEST, reason))
    return caps


def change_ceiling(facts: ChangeFacts) -> Cap | None:
    """The highest level a change may be published at, from what its task found."""
    if facts.unpublishable:
        return Cap(Level.OBSERVE, facts.unpublishable)
    reasons = []
    if facts.protected:
        reasons.append(f"the patch touches a protected path ({facts.protected})")
    if facts.guard_flag:
        reasons.append(f"the test-integrity guard flagged it ({facts.guard_flag})")
    if facts.guard_to_accept:
        reasons.append(
            f"a test change waits for a maintainer to accept it ({facts.guard_to_accept})"
        )
    if facts.injection_signals:
        reasons.append(f"possible prompt injection ({facts.injection_signals[0]})")
    if facts.budget_near:
        reasons.append(f"spend is near a budget cap ({facts.budget_near})")
    if facts.pull_request is not None:
        number = facts.pull_request
        reasons.append(f"the failure came from pull request #{number}: the fix is a comment there")
    return Cap(Level.SUGGEST, "; ".join(reasons)) if reasons else None


def approved(decision: Decision, facts: ChangeFacts) -> tuple[Level, str]:
    """A maintainer's approval (a dashboard tick, ``/kairos approve``) lifts a suggestion to
    a pull request, and accepts the test changes the guard left to a human; it never lifts
    a guard flag, a protected path or an injection signal."""
    level, why = decision.level, decision.why()
    if level is Level.SUGGEST and not decision.skip:
        level, why = Level.APPROVE, f"approved by a maintainer on the dashboard ({why})"
    ceiling = change_ceiling(replace(facts, guard_to_accept=""))
    if ceiling is not None and ceiling.level < level:
        return ceiling.level, f"{ceiling.level}: {ceiling.reason}"
    return level, why


def actor_ceiling(actor: Actor, trigger: Trigger) -> Level:
    """The most an actor's request may lead to, before any task's own caps."""
    caps = trust_caps(Situation(trigger, actor))
    return min((cap.level for cap in caps), default=Level.AUTO)


def admitted(requested: Level, kind: TaskKind | None, configured: AutonomyConfig | None) -> Level:
    """Where a bundle is applied (the two-job setup): the level the bundle asks for, never
    above this repository's configured level or the task's own ceiling."""
    level = requested
    if configured is not None and kind is not None:
        level = min(level, configured.level_for(kind))
    if kind in TASK_CEILINGS:
        level = min(level, TASK_CEILINGS[kind].level)
    return level


def required_level(write_kind: str, approved: bool) -> Level:
    if write_kind == "pull_request" and approved:
        return APPROVED_SUGGESTION
    return PUBLISH_LEVELS[write_kind]


def memory_refusal(situation: Situation) -> str:
    """Why this run must not write memory, or "": a run a fork's pull request caused
    (its review, its failed CI run) is handled read-only, whoever's token it holds."""
    if situation.from_fork:
        return "a fork's pull request is handled read-only: memory not written"
    return ""


def budget_caps(state: BudgetState) -> list[Cap]:
    if state is BudgetState.NEAR:
        return [Cap(Level.SUGGEST, "spend is near a budget cap")]
    if state is BudgetState.EXHAUSTED:
        return [Cap(Level.OBSERVE, "a budget cap is reached")]
    return []


def _configured_reason(kind: TaskKind, configured: AutonomyConfig) -> str:
    key = kind.value if kind in configured.per_kind else "default"
    return f"configured autonomy.{key}"
