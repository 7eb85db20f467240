"""The gate under config rules: who is mentioned where, and escalated work left alone."""

from __future__ import annotations

from dataclasses import replace

from kairos_ci.bundle.intents import OpenPullRequest
from kairos_ci.config.load import parse_config
from kairos_ci.config.records import Config
from kairos_ci.memory.records import MAX_STORED_PATCH
from kairos_ci.policy.records import Situation, Trigger
from kairos_ci.stages import journal
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


def test_a_suggestion_whose_patch_is_over_the_cap_says_it_is_not_stored() -> None:
    small = change(("docs/a.md",), targets=("docs/test_a.py::test_a",))
    huge = replace(small, branch="kairos/fix/huge", patch="x" * (MAX_STORED_PATCH + 1))
    kept, dropped = gated(small, huge).suggestions
    assert "not stored" not in kept.why
    assert dropped.why.endswith(
        f"; its patch ({MAX_STORED_PATCH + 1} bytes) is over the {MAX_STORED_PATCH} bytes "
        "memory keeps and is not stored, so an approval cannot apply it"
    )
    first, second = journal.stored((kept, dropped), "2026-12-01T03:00:00Z")
    assert (first.key, first.patch, first.targets, first.base_sha) == (
        kept.key, "patch", ("docs/test_a.py::test_a",), "0" * 40,
    )  # fmt: skip
    assert second.patch == "" and second.not_stored in dropped.why


def test_a_patch_holding_a_token_is_never_stored() -> None:
    leaky = replace(change(("docs/a.md",)), patch="+token = 'ghp_" + "a" * 36 + "'\n")
    [suggestion] = gated(leaky).suggestions
    assert suggestion.why.endswith(
        "; its patch holds a token-shaped string and is not stored, so an approval cannot apply it"
    )
    [kept] = journal.stored((suggestion,), "2026-12-01T03:00:00Z")
    assert kept.patch == "" and "ghp_" not in repr(kept)
