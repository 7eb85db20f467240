"""Each wired alert says what happened, in one line."""

from __future__ import annotations

from kairos_ci.notify import alerts
from kairos_ci.notify.records import Event
from kairos_ci.policy.records import Escalation


def test_escalated_work_names_the_rule_and_mentions_the_people() -> None:
    alert = alerts.escalated(Escalation("fix_tests `kairos/fix/b`", (1,), ("acme/security",)))
    assert alert.event is Event.ESCALATED and alert.mentions == ("acme/security",)
    assert "config rule #2" in alert.text and "@acme/security" in alert.text


def test_budget_and_memory_alerts_say_why() -> None:
    budget = alerts.budget_exhausted("per_month_usd: $50.00 spent of $50.00")
    assert budget.event is Event.BUDGET_EXHAUSTED and "per_month_usd" in budget.text
    memory = alerts.memory_unreadable(("journals/x.json: bad MAC", "snapshot unreadable"))
    assert memory.text == "memory needs a maintainer: journals/x.json: bad MAC; snapshot unreadable"
