"""The ``Llm`` port: one method, one request in, one reply out.

Adapters raise ``kairos_ci.errors.ModelError`` subclasses and nothing else.
"""

from __future__ import annotations

from typing import Protocol

from kairos_ci.agent.records import LlmReply, LlmRequest, Tier
from kairos_ci.config.records import Models


class Llm(Protocol):
    def complete(self, request: LlmRequest) -> LlmReply: ...


def model_for(tier: Tier, models: Models) -> str:
    """The configured model for a tier."""
    return {Tier.TRIAGE: models.triage, Tier.WORK: models.work, Tier.PLAN: models.plan}[tier]


CAPABILITY = (Tier.TRIAGE, Tier.WORK, Tier.PLAN)  # cheapest first


def cheaper_tiers(tier: Tier) -> tuple[Tier, ...]:
    """``tier`` and the tiers below it, most capable first: where narrowing may fall back to."""
    return CAPABILITY[CAPABILITY.index(tier) :: -1]


def escalated(tier: Tier, failures: int) -> Tier:
    """One tier more capable per failed attempt, up to the most capable: a step that
    failed tries again with a stronger model (issue 20's policy)."""
    return CAPABILITY[min(CAPABILITY.index(tier) + max(0, failures), len(CAPABILITY) - 1)]
