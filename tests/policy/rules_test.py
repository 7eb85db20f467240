from __future__ import annotations

from kairos_ci.config.load import parse_config
from kairos_ci.config.records import Level, TaskKind
from kairos_ci.policy.records import Subject
from kairos_ci.policy.rules import evaluate

CONFIG = parse_config(
    b"""
version: 1
rules:
  - when: {paths: ["src/payments/**"]}
    then: {autonomy: suggest, notify: [alice]}
  - when: {kind: [update_deps], labels: [Frozen]}
    then: {skip: true}
  - when: {tests: ["tests/integration/*"], authors: [Bob]}
    then: {autonomy: observe, notify: [alice, carol]}
  - when: {kind: [fix_lint]}
    then: {autonomy: auto}
""",
    "rules.yml",
)


def test_path_rule_caps_and_notifies() -> None:
    outcome = evaluate(CONFIG.rules, Subject(TaskKind.FIX_TESTS, paths=("src/payments/api/x.py",)))
    assert outcome.matched == (0,) and outcome.cap is Level.SUGGEST and outcome.notify == ("alice",)


def test_all_conditions_must_hold_and_labels_ignore_case() -> None:
    frozen = Subject(TaskKind.UPDATE_DEPS, labels=("frozen",))
    assert evaluate(CONFIG.rules, frozen).skip
    assert not evaluate(CONFIG.rules, Subject(TaskKind.FIX_LINT, labels=("frozen",))).skip
    assert not evaluate(CONFIG.rules, Subject(TaskKind.UPDATE_DEPS)).skip


def test_every_matching_rule_applies_and_the_lowest_cap_wins() -> None:
    subject = Subject(
        TaskKind.FIX_TESTS,
        paths=("src/payments/a.py",),
        tests=("tests/integration/test_pay.py::test_refund",),
        authors=("bob",),
    )
    outcome = evaluate(CONFIG.rules, subject)
    assert outcome.matched == (0, 2)
    assert outcome.cap is Level.OBSERVE
    assert outcome.notify == ("alice", "carol")


def test_a_condition_with_nothing_to_match_does_not_hold() -> None:
    assert evaluate(CONFIG.rules, Subject(TaskKind.FIX_TESTS)).matched == ()


def test_a_rule_may_name_a_higher_level_but_that_is_only_a_cap() -> None:
    outcome = evaluate(CONFIG.rules, Subject(TaskKind.FIX_LINT))
    assert outcome.cap is Level.AUTO  # autonomy.decide takes the minimum with the configured level


def test_escalating_rules_are_named_with_their_people() -> None:
    config = parse_config(
        b"""
version: 1
rules:
  - when: {paths: ["billing/**"]}
    then: {escalate: true, notify: ["@acme/security", "security-lead"]}
  - when: {kind: [fix_tests]}
    then: {notify: [Security-Lead, carol]}
""",
        "rules.yml",
    )
    billing = evaluate(config.rules, Subject(TaskKind.FIX_TESTS, paths=("billing/tax.py",)))
    assert billing.escalate == (0,)
    assert billing.notify == ("acme/security", "security-lead", "carol")  # each person once
    elsewhere = evaluate(config.rules, Subject(TaskKind.FIX_TESTS, paths=("src/a.py",)))
    assert elsewhere.escalate == () and elsewhere.notify == ("Security-Lead", "carol")
