"""Price lookup: configured over built-in, dated ids by prefix, unknown models priced high."""

from __future__ import annotations

from kairos_ci.agent.prices import (
    DEFAULT_PRICES,
    FALLBACK_MODEL,
    cache_read_rate,
    cache_write_rate,
    price_for,
)
from kairos_ci.config.records import Price


def test_the_default_models_have_prices() -> None:
    for model in ("claude-haiku-4-5", "claude-sonnet-4-5", "claude-opus-4-1"):
        assert price_for(model, {}) == (model, DEFAULT_PRICES[model])


def test_dated_ids_use_their_alias() -> None:
    name, price = price_for("claude-sonnet-4-5-20250929", {})
    assert name == "claude-sonnet-4-5" and price.output == 15.0


def test_configured_prices_win_and_fill_cache_rates() -> None:
    own = Price(input=2.0, output=8.0)
    assert price_for("claude-haiku-4-5", {"claude-haiku-4-5": own}) == ("claude-haiku-4-5", own)
    assert cache_write_rate(own) == 2.5 and cache_read_rate(own) == 0.2


def test_unknown_models_are_priced_as_the_dearest_default() -> None:
    name, price = price_for("claude-mystery-9", {})
    assert price == DEFAULT_PRICES[FALLBACK_MODEL]
    assert "no price for claude-mystery-9" in name
    assert price.output == max(p.output for p in DEFAULT_PRICES.values())


def test_every_default_model_has_a_built_in_price() -> None:
    from kairos_ci.agent.prices import DEFAULT_PRICES
    from kairos_ci.config.load import parse_config

    models = parse_config(b"version: 1\n", "x").models
    assert {models.triage, models.work, models.plan} <= set(DEFAULT_PRICES)
