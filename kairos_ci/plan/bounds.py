"""The planning run's bounds besides time: spend, tokens and tool calls.

USD and tokens are what the spend ledger counts (``Spend``). Whatever stops a phase short
(a bound, a stuck model, a model error) is a ``BoundHit``, which makes the plan
``incomplete`` with the reason, never silently partial. The caller sets ``usd`` no higher
than the run's headroom under the configured per-run, per-day and per-month caps.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from kairos_ci.agent.records import Charge
from kairos_ci.memory.records import Spend


class BoundKind(enum.StrEnum):
    DEADLINE = "deadline"
    USD = "spend cap"
    TOKENS = "token cap"
    TOOL_CALLS = "tool-call cap"
    STUCK = "stuck"
    MODEL_ERROR = "model error"  # the model could not be used (after the SDK's retries)
    NO_RESULT = "no result"  # the model stopped without submitting the phase's result
    NO_MODEL = "no model"  # no API key: what needs the model is skipped, and says so


@dataclass(frozen=True)
class PlanBounds:
    usd: float = 5.0
    tokens: int = 2_000_000  # input (all kinds) plus output
    tool_calls: int = 150


@dataclass(frozen=True)
class BoundHit:
    kind: BoundKind
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.detail}"


def spend_hit(spent: Spend, bounds: PlanBounds) -> BoundHit | None:
    if spent.usd >= bounds.usd:
        return BoundHit(BoundKind.USD, f"${spent.usd:.2f} of ${bounds.usd:.2f} spent")
    tokens = spent.input_tokens + spent.output_tokens
    if tokens >= bounds.tokens:
        return BoundHit(BoundKind.TOKENS, f"{tokens:,} of {bounds.tokens:,} tokens used")
    return None


def calls_hit(calls: int, bounds: PlanBounds) -> BoundHit | None:
    if calls >= bounds.tool_calls:
        return BoundHit(BoundKind.TOOL_CALLS, f"{calls} of {bounds.tool_calls} tool calls made")
    return None


def spend_of(charges: Iterable[Charge]) -> Spend:
    """What ``charges`` add up to, as the spend ledger counts it (input of every kind)."""
    total = Spend()
    for item in charges:
        total += Spend(item.usd, item.usage.total_input, item.usage.output_tokens)
    return total
