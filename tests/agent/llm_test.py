"""Tiers: narrowing falls back to cheaper ones; a failed attempt climbs to stronger ones."""

from __future__ import annotations

from kairos_ci.agent.llm import cheaper_tiers, escalated
from kairos_ci.agent.records import Tier


def test_narrowing_falls_back_most_capable_first() -> None:
    assert cheaper_tiers(Tier.PLAN) == (Tier.PLAN, Tier.WORK, Tier.TRIAGE)
    assert cheaper_tiers(Tier.WORK) == (Tier.WORK, Tier.TRIAGE)
    assert cheaper_tiers(Tier.TRIAGE) == (Tier.TRIAGE,)


def test_each_failed_attempt_climbs_one_tier_up_to_the_most_capable() -> None:
    assert [escalated(Tier.TRIAGE, n) for n in range(4)] == [
        Tier.TRIAGE,
        Tier.WORK,
        Tier.PLAN,
        Tier.PLAN,
    ]
    assert escalated(Tier.WORK, -1) is Tier.WORK
