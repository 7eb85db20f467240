"""Every combination of trigger x trust x configured level x budget state."""

from __future__ import annotations

import itertools
from types import MappingProxyType

import pytest

from kairos_ci.config.records import AutonomyConfig, Level, TaskKind
from kairos_ci.policy.autonomy import approved, decide, escalation
from kairos_ci.policy.records import (
    Actor,
    BudgetState,
    ChangeFacts,
    Permission,
    RuleOutcome,
    Situation,
    Trigger,
)

# The specification, stated independently of the implementation.
TRUST: dict[str, tuple[Actor | None, bool, Level]] = {
    # name: (actor, from_fork, the most this trust allows)
    "scheduled (no actor)": (None, False, Level.AUTO),
    "admin": (Actor("owner", Permission.ADMIN), False, Level.AUTO),
    "maintainer": (Actor("maint", Permission.MAINTAIN), False, Level.AUTO),
    "writer": (Actor("dev", Permission.WRITE), False, Level.AUTO),
    "triager": (Actor("helper", Permission.TRIAGE), False, Level.SUGGEST),
    "read-only collaborator": (Actor("reader", Permission.READ), False, Level.SUGGEST),
    "outsider": (Actor("stranger", Permission.NONE), False, Level.SUGGEST),
    "bot with write": (Actor("renovate[bot]", Permission.WRITE, is_bot=True), False, Level.SUGGEST),
    "writer on a fork PR": (Actor("dev", Permission.WRITE), True, Level.SUGGEST),
}
TRIGGER_CEILING = dict.fromkeys(Trigger, Level.AUTO) | {Trigger.PULL_REQUEST_TARGET: Level.SUGGEST}
BUDGET_CEILING = {
    BudgetState.OK: Level.AUTO,
    BudgetState.NEAR: Level.SUGGEST,
    BudgetState.EXHAUSTED: Level.OBSERVE,
}

CODE_TASKS = (TaskKind.FIX_LINT, TaskKind.FIX_TESTS, TaskKind.UPDATE_DEPS, TaskKind.PLAN)


def configured(level: Level) -> AutonomyConfig:
    return AutonomyConfig(default=level, per_kind=MappingProxyType({}))


def test_every_combination_of_trigger_trust_level_and_budget() -> None:
    mismatches = []
    combinations = itertools.product(Trigger, TRUST, Level, BudgetState, CODE_TASKS)
    for trigger, trust, level, budget, kind in combinations:
        actor, fork, trust_ceiling = TRUST[trust]
        situation = Situation(trigger, actor, from_fork=fork, budget=budget)
        decision = decide(kind, configured(level), RuleOutcome(), situation)
        expected = min(level, trust_ceiling, TRIGGER_CEILING[trigger], BUDGET_CEILING[budget])
        if decision.level is not expected or not decision.why():
            mismatches.append((trigger, trust, level, budget, kind, decision.level, expected))
    assert mismatches == []


@pytest.mark.parametrize("kind", [TaskKind.REVIEW, TaskKind.REPORT_FLAKY])
def test_speech_tasks_never_go_above_suggest(kind: TaskKind) -> None:
    decision = decide(
        kind, configured(Level.AUTO), RuleOutcome(), Situation(Trigger.SCHEDULE, None)
    )
    assert decision.level is Level.SUGGEST


def test_injection_signal_caps_at_suggest_and_says_why() -> None:
    situation = Situation(Trigger.SCHEDULE, None, injection_signals=("html comment stripped",))
    decision = decide(TaskKind.FIX_TESTS, configured(Level.AUTO), RuleOutcome(), situation)
    assert decision.level is Level.SUGGEST
    assert "prompt injection" in decision.why() and "html comment stripped" in decision.why()


def test_rules_lower_but_never_raise() -> None:
    schedule = Situation(Trigger.SCHEDULE, None)
    lowered = decide(
        TaskKind.FIX_LINT,
        configured(Level.AUTO),
        RuleOutcome(matched=(1,), cap=Level.SUGGEST),
        schedule,
    )
    assert lowered.level is Level.SUGGEST and "config rule #2" in lowered.why()
    not_raised = decide(
        TaskKind.FIX_LINT,
        configured(Level.OBSERVE),
        RuleOutcome(matched=(0,), cap=Level.AUTO),
        schedule,
    )
    assert not_raised.level is Level.OBSERVE


def test_per_kind_level_overrides_default_and_why_names_it() -> None:
    autonomy = AutonomyConfig(Level.OBSERVE, MappingProxyType({TaskKind.FIX_LINT: Level.APPROVE}))
    decision = decide(TaskKind.FIX_LINT, autonomy, RuleOutcome(), Situation(Trigger.SCHEDULE, None))
    assert decision.level is Level.APPROVE
    assert decision.why() == "approve: configured autonomy.fix_lint"


def test_the_binding_reason_is_the_lowest_cap() -> None:
    situation = Situation(
        Trigger.PULL_REQUEST, Actor("reader", Permission.READ), budget=BudgetState.EXHAUSTED
    )
    decision = decide(TaskKind.FIX_TESTS, configured(Level.AUTO), RuleOutcome(), situation)
    assert decision.level is Level.OBSERVE
    assert decision.why() == "observe: a budget cap is reached"
    assert any("read permission" in cap.reason for cap in decision.caps)


def test_skip_rule_is_reported() -> None:
    decision = decide(
        TaskKind.UPDATE_DEPS,
        configured(Level.AUTO),
        RuleOutcome(matched=(0,), skip=True),
        Situation(Trigger.SCHEDULE, None),
    )
    assert decision.skip and decision.why() == "skipped by a config rule"


def test_an_escalating_rule_keeps_kairos_from_acting_and_owes_an_alert() -> None:
    configured = AutonomyConfig(Level.AUTO, MappingProxyType({}))
    rules = RuleOutcome((0, 2), notify=("acme/security", "security-lead"), escalate=(2,))
    decision = decide(TaskKind.FIX_TESTS, configured, rules, Situation(Trigger.SCHEDULE, None))
    assert decision.level is Level.OBSERVE
    assert decision.why() == "escalated to a human by config rule #3"
    # A maintainer's tick on the dashboard does not lift escalated work either.
    assert approved(decision, ChangeFacts())[0] is Level.OBSERVE
    owed = escalation(decision, "fix_tests `kairos/fix/x`")
    assert owed is not None
    assert owed.alert() == (
        "fix_tests `kairos/fix/x`: escalated by config rule #3; kairos did not act. "
        "For @acme/security @security-lead."
    )


def test_a_skip_rule_wins_over_escalate_and_no_rule_owes_nothing() -> None:
    configured = AutonomyConfig(Level.AUTO, MappingProxyType({}))
    situation = Situation(Trigger.SCHEDULE, None)
    skipped = decide(
        TaskKind.FIX_TESTS, configured, RuleOutcome((0,), skip=True, escalate=(0,)), situation
    )
    assert escalation(skipped, "x") is None
    plain = decide(TaskKind.FIX_TESTS, configured, RuleOutcome(), situation)
    assert plain.level is Level.AUTO and escalation(plain, "x") is None
