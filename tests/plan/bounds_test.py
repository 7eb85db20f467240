from __future__ import annotations

from kairos_ci.memory.records import Spend
from kairos_ci.plan.bounds import BoundKind, PlanBounds, calls_hit, spend_hit

BOUNDS = PlanBounds(usd=2.0, tokens=1000, tool_calls=10)


def test_spend_and_tokens_are_capped() -> None:
    assert spend_hit(Spend(1.99, 400, 500), BOUNDS) is None
    usd = spend_hit(Spend(2.0, 0, 0), BOUNDS)
    assert usd is not None and usd.kind is BoundKind.USD
    assert str(usd) == "spend cap: $2.00 of $2.00 spent"
    tokens = spend_hit(Spend(0.1, 600, 400), BOUNDS)
    assert tokens is not None and str(tokens) == "token cap: 1,000 of 1,000 tokens used"


def test_tool_calls_are_capped() -> None:
    assert calls_hit(9, BOUNDS) is None
    hit = calls_hit(10, BOUNDS)
    assert hit is not None and hit.kind is BoundKind.TOOL_CALLS
