"""The gate under config rules: who is mentioned where, and escalated work left alone."""

from __future__ import annotations

from kairos_ci.bundle.intents import OpenPullRequest
from kairos_ci.config.load import parse_config
from kairos_ci.config.records import Config
from kairos_ci.policy.records import Situation, Trigger
from kairos_ci.stages.gate import Gated, Known, gate, subject
from kairos_ci.stages.records import ProposedChange, VerificationRun

RULES = b"""
version: 1
autonomy: {default: approve}
rules:
  - when: {paths: ["billing/**"]}
    then: {escalate: true, notify: ["@acme/security", "security-lead"]}
  - when: {paths: ["src/**"]}
    then: {notify: ["@alice"]}
  - when: {paths: ["docs/**"]}
    then: {autonomy: suggest, notify: [bob]}
"""
NOTHING_KNOWN = Known({}, {}, frozenset(), 0)


def change(files: tuple[str, ...], targets: tuple[str, ...] = ()) -> ProposedChange:
    evidence = VerificationRun("fix_tests", (), (), targets=targets) if targets else None
    return ProposedChange(
        "fix_tests", f"kairos/fix/{files[0]}", "Fix it", "0" * 40, "patch", files, (), "fixed",
        evidence=evidence,
    )  # fmt: skip


def gated(*changes: ProposedChange, config: Config | None = None) -> Gated:
    config = config or parse_config(RULES, "kairos.yml")
    return gate(changes, config, Situation(Trigger.SCHEDULE, None), NOTHING_KNOWN, "main")


def test_a_fix_for_a_failing_billing_test_is_escalated_not_published() -> None:
    fix = change(("src/tax.py",), targets=("billing/test_tax.py::test_vat",))
    result = gated(fix)
    assert result.writes == () and result.suggestions == ()
    [escalation] = result.escalations
    assert escalation.rules == (0,)
    alert = escalation.alert()
    assert alert.count("@acme/security") == 1 and alert.count("@security-lead") == 1
    assert "config rule #1" in alert and "kairos did not act" in alert
    assert [s.why for s in result.skipped] == [
        "observe only: escalated to a human by config rule #1"
    ]


def test_a_published_pull_request_mentions_the_people_once() -> None:
    [write] = gated(change(("src/a.py",))).writes
    assert isinstance(write.intent, OpenPullRequest)
    assert write.intent.body.count("@alice") == 1
    assert "For @alice, as the config's rules ask." in write.intent.body


def test_a_suggestion_names_the_people_on_its_dashboard_entry() -> None:
    result = gated(change(("docs/a.md",)))
    [suggestion] = result.suggestions
    assert suggestion.why.endswith("; for @bob") and result.escalations == ()


def test_without_rules_nobody_is_mentioned() -> None:
    config = parse_config(b"version: 1\nautonomy: {default: approve}\n", "kairos.yml")
    [write] = gated(change(("src/a.py",)), config=config).writes
    assert isinstance(write.intent, OpenPullRequest) and "@" not in write.intent.body


def test_rules_match_a_fix_by_its_files_and_its_target_tests() -> None:
    matched = subject(change(("src/tax.py",), targets=("billing/test_tax.py::test_vat",)))
    assert matched.paths == ("src/tax.py", "billing/test_tax.py")
    assert matched.tests == ("billing/test_tax.py::test_vat",)
