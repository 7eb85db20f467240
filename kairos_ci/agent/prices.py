"""Model prices in US dollars per million tokens, and how a model id finds its price.

The built-in table is Anthropic's public price list (the model pages and "Model
pricing" on platform.claude.com, read November 2026) for the default models and the
ones they replaced: base input, output, 5-minute cache writes and cache hits. Config
``budget.prices`` overrides or extends it. A model found in neither is priced as the
most expensive built-in model, so caps still hold.
"""

from __future__ import annotations

from collections.abc import Mapping

from kairos_ci.config.records import Price

DEFAULT_PRICES: Mapping[str, Price] = {
    "claude-haiku-4-5": Price(input=1.0, output=5.0, cache_write=1.25, cache_read=0.10),
    "claude-sonnet-5-5": Price(input=2.0, output=10.0, cache_write=2.50, cache_read=0.20),
    "claude-opus-5-5": Price(input=4.0, output=20.0, cache_write=5.00, cache_read=0.40),
    # Earlier defaults, still priced for configs that name them.
    "claude-sonnet-4-5": Price(input=3.0, output=15.0, cache_write=3.75, cache_read=0.30),
    "claude-opus-4-1": Price(input=15.0, output=75.0, cache_write=18.75, cache_read=1.50),
}
FALLBACK_MODEL = "claude-opus-4-1"
CACHE_WRITE_FACTOR = 1.25  # for configured prices that leave cache rates out
CACHE_READ_FACTOR = 0.1


def price_for(model: str, configured: Mapping[str, Price]) -> tuple[str, Price]:
    """(which entry priced it, the price). Dated ids match their alias by prefix."""
    table = {**DEFAULT_PRICES, **configured}
    if model in table:
        return model, table[model]
    matches = [name for name in table if model.startswith(name + "-")]
    if matches:
        name = max(matches, key=len)
        return name, table[name]
    return f"{FALLBACK_MODEL} (no price for {model})", DEFAULT_PRICES[FALLBACK_MODEL]


def cache_write_rate(price: Price) -> float:
    return price.cache_write if price.cache_write is not None else price.input * CACHE_WRITE_FACTOR


def cache_read_rate(price: Price) -> float:
    return price.cache_read if price.cache_read is not None else price.input * CACHE_READ_FACTOR
