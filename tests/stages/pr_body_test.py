"""Pull-request bodies: evidence, and the people a config rule asks to notify."""

from __future__ import annotations

from kairos_ci.stages.pr_body import pr_body
from kairos_ci.stages.records import Check, ProposedChange

CHANGE = ProposedChange(
    "fix_lint", "kairos/lint/x", "Fix lint", "0" * 40, "patch", ("a.py",),
    (Check("ruff", True, "0 findings"),), "Fixed 2 findings",
)  # fmt: skip


def test_the_people_to_notify_are_mentioned_once_at_the_end() -> None:
    body = pr_body(CHANGE, "approve: configured", ("acme/security", "security-lead"))
    assert body.endswith("For @acme/security @security-lead, as the config's rules ask.")
    assert body.count("@acme/security") == 1


def test_the_body_is_the_same_on_every_push() -> None:
    # Rewritten idempotently, the mention is never added again, so nobody hears twice.
    first = pr_body(CHANGE, "approve: configured", ("alice",))
    assert pr_body(CHANGE, "approve: configured", ("alice",)) == first


def test_no_rule_no_mention() -> None:
    body = pr_body(CHANGE, "approve: configured")
    assert "@" not in body and "| ruff | passed | 0 findings |" in body
