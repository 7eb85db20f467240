"""Spend: usage times prices, caps per run, day and month, and narrowing before a cap.

Pure functions over frozen values. The persisted form is memory's: ``to_journal``
turns this run's charges into the ``Journal.spend`` mapping, and ``BudgetView.from_memory``
reads what earlier runs spent today and this month from memory's ``SpendLedger``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from kairos_ci.agent.prices import cache_read_rate, cache_write_rate, price_for
from kairos_ci.agent.records import Charge, Tier, Usage
from kairos_ci.config.records import Budget, Price
from kairos_ci.memory.records import Spend, SpendLedger
from kairos_ci.policy.records import BudgetState

MILLION = 1_000_000
NEAR_FRACTION = 0.8  # past this share of any cap, new work narrows (policy: at most suggest)


def charge(model: str, usage: Usage, prices: Mapping[str, Price]) -> Charge:
    priced_as, price = price_for(model, prices)
    usd = (
        usage.input_tokens * price.input
        + usage.output_tokens * price.output
        + usage.cache_write_tokens * cache_write_rate(price)
        + usage.cache_read_tokens * cache_read_rate(price)
    ) / MILLION
    return Charge(model=model, usage=usage, usd=round(usd, 6), priced_as=priced_as)


def worst_case_usd(
    model: str, input_tokens: int, max_tokens: int, prices: Mapping[str, Price]
) -> float:
    """The most a call can cost: every input token at the dearer of input and cache write."""
    _, price = price_for(model, prices)
    input_rate = max(price.input, cache_write_rate(price))
    return (input_tokens * input_rate + max_tokens * price.output) / MILLION


def total_usd(charges: Iterable[Charge]) -> float:
    return round(sum(c.usd for c in charges), 6)


def to_journal(charges: Iterable[Charge]) -> dict[str, Spend]:
    """This run's spend by model, in memory's record (input counts every kind of input)."""
    by_model: dict[str, Spend] = {}
    for item in charges:
        spend = Spend(round(item.usd, 6), item.usage.total_input, item.usage.output_tokens)
        by_model[item.model] = by_model.get(item.model, Spend()) + spend
    return by_model


@dataclass(frozen=True)
class BudgetView:
    """Spend so far against each cap: earlier runs (from memory) plus this run."""

    budget: Budget
    day_usd: float = 0.0  # earlier runs today (UTC)
    month_usd: float = 0.0  # earlier runs this month (UTC)
    run_usd: float = 0.0  # this run so far

    @classmethod
    def from_memory(cls, budget: Budget, ledger: SpendLedger, now: datetime) -> BudgetView:
        day = now.strftime("%Y-%m-%d")
        month = now.strftime("%Y-%m")
        return cls(
            budget,
            day_usd=_sum(ledger.days.get(day, {})),
            month_usd=_sum(ledger.months.get(month, {})),
        )

    def plus(self, charges: Iterable[Charge]) -> BudgetView:
        return replace(self, run_usd=round(self.run_usd + total_usd(charges), 6))

    def _caps(self) -> Sequence[tuple[str, float, float]]:
        return (
            ("per_run_usd", self.run_usd, self.budget.per_run_usd),
            ("per_day_usd", self.day_usd + self.run_usd, self.budget.per_day_usd),
            ("per_month_usd", self.month_usd + self.run_usd, self.budget.per_month_usd),
        )

    def headroom_usd(self) -> float:
        return max(0.0, min(cap - spent for _, spent, cap in self._caps()))

    def state(self) -> BudgetState:
        if any(spent >= cap for _, spent, cap in self._caps()):
            return BudgetState.EXHAUSTED
        if any(spent >= cap * NEAR_FRACTION for _, spent, cap in self._caps()):
            return BudgetState.NEAR
        return BudgetState.OK

    def why(self) -> str:
        """The cap closest to being hit, in words."""
        name, spent, cap = max(self._caps(), key=lambda c: c[1] / c[2] if c[2] else float("inf"))
        return f"{name}: ${spent:.2f} spent of ${cap:.2f}"


@dataclass(frozen=True)
class Choice:
    tier: Tier
    model: str
    worst_case_usd: float


def choose_model(
    candidates: Sequence[tuple[Tier, str]],
    input_tokens: int,
    max_tokens: int,
    prices: Mapping[str, Price],
    view: BudgetView,
) -> Choice | None:
    """The first (most capable) candidate whose worst case fits the headroom, if any."""
    headroom = view.headroom_usd()
    for tier, model in candidates:
        cost = worst_case_usd(model, input_tokens, max_tokens, prices)
        if cost <= headroom:
            return Choice(tier, model, cost)
    return None


def _sum(by_model: Mapping[str, Spend]) -> float:
    return round(sum(spend.usd for spend in by_model.values()), 6)
