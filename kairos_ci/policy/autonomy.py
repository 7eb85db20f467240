"""The one effective-autonomy table: the minimum of every cap that applies.

configured level x task ceiling x rules x trust (fork, actor permission, bot,
trigger) x budget x injection signals. The model can request; only this grants.
"""

from __future__ import annotations

from kairos_ci.config.records import AutonomyConfig, Level, TaskKind
from kairos_ci.policy.records import (
    BudgetState,
    Cap,
    Decision,
    RuleOutcome,
    Situation,
    Trigger,
)

# Reviews and flaky-test reports are speech, never code changes: kairos neither
# approves a PR nor applies a quarantine on its own.
TASK_CEILINGS = {
    TaskKind.REVIEW: Cap(Level.SUGGEST, "reviews are comments; kairos never approves a PR"),
    TaskKind.REPORT_FLAKY: Cap(Level.SUGGEST, "quarantines are only ever suggested"),
}


def decide(
    kind: TaskKind, configured: AutonomyConfig, rules: RuleOutcome, situation: Situation
) -> Decision:
    caps = [Cap(configured.level_for(kind), _configured_reason(kind, configured))]
    if kind in TASK_CEILINGS:
        caps.append(TASK_CEILINGS[kind])
    if rules.cap is not None:
        numbers = ", ".join(f"#{i + 1}" for i in rules.matched)
        caps.append(Cap(rules.cap, f"config rule {numbers}"))
    caps.extend(trust_caps(situation))
    caps.extend(budget_caps(situation.budget))
    if situation.injection_signals:
        signals = ", ".join(situation.injection_signals)
        caps.append(Cap(Level.SUGGEST, f"possible prompt injection in the input ({signals})"))
    level = min(cap.level for cap in caps)
    return Decision(kind, level, tuple(caps), skip=rules.skip, notify=rules.notify)


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


def budget_caps(state: BudgetState) -> list[Cap]:
    if state is BudgetState.NEAR:
        return [Cap(Level.SUGGEST, "spend is near a budget cap")]
    if state is BudgetState.EXHAUSTED:
        return [Cap(Level.OBSERVE, "a budget cap is reached")]
    return []


def _configured_reason(kind: TaskKind, configured: AutonomyConfig) -> str:
    key = kind.value if kind in configured.per_kind else "default"
    return f"configured autonomy.{key}"
