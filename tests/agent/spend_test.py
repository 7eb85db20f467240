"""Spend: charges, caps, budget state, narrowing, and memory's persisted form."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kairos_ci.agent.records import Tier, Usage
from kairos_ci.agent.spend import (
    BudgetView,
    charge,
    choose_model,
    to_journal,
    total_usd,
    worst_case_usd,
)
from kairos_ci.config.records import Budget
from kairos_ci.memory.records import Spend, SpendLedger
from kairos_ci.policy.records import BudgetState

BUDGET = Budget(per_run_usd=2.0, per_day_usd=10.0, per_month_usd=100.0, prices={})
WORK = (Tier.WORK, "claude-sonnet-4-5")
TRIAGE = (Tier.TRIAGE, "claude-haiku-4-5")


def test_a_charge_prices_every_kind_of_token() -> None:
    usage = Usage(
        input_tokens=1_000_000,
        output_tokens=100_000,
        cache_write_tokens=200_000,
        cache_read_tokens=1_000_000,
    )
    item = charge("claude-sonnet-4-5", usage, {})
    # 3.00 input + 1.50 output + 0.75 cache writes + 0.30 cache reads
    assert item.usd == pytest.approx(5.55)
    assert item.priced_as == "claude-sonnet-4-5"


def test_journal_spend_sums_per_model_in_memorys_record() -> None:
    small = Usage(input_tokens=10, output_tokens=5, cache_read_tokens=100)
    charges = [
        charge("claude-haiku-4-5", small, {}),
        charge("claude-haiku-4-5", small, {}),
        charge("claude-sonnet-4-5", small, {}),
    ]
    journal = to_journal(charges)
    assert set(journal) == {"claude-haiku-4-5", "claude-sonnet-4-5"}
    assert journal["claude-haiku-4-5"] == Spend(
        usd=round(2 * charges[0].usd, 6), input_tokens=220, output_tokens=10
    )
    assert sum(s.usd for s in journal.values()) == pytest.approx(total_usd(charges))


def test_the_view_reads_today_and_this_month_from_memory() -> None:
    ledger = SpendLedger(
        days={"2026-11-27": {"a": Spend(1.5), "b": Spend(0.5)}, "2026-11-26": {"a": Spend(9)}},
        months={"2026-11": {"a": Spend(40.0)}, "2026-10": {"a": Spend(99)}},
    )
    view = BudgetView.from_memory(BUDGET, ledger, datetime(2026, 11, 27, 3, tzinfo=UTC))
    assert (view.day_usd, view.month_usd, view.run_usd) == (2.0, 40.0, 0.0)
    assert view.headroom_usd() == 2.0  # the run cap binds first


@pytest.mark.parametrize(
    ("day", "month", "run", "state", "binding"),
    [
        (0.0, 0.0, 0.0, BudgetState.OK, "per_run_usd: $0.00 spent of $2.00"),
        (0.0, 0.0, 1.6, BudgetState.NEAR, "per_run_usd: $1.60 spent of $2.00"),
        (8.5, 0.0, 0.0, BudgetState.NEAR, "per_day_usd: $8.50 spent of $10.00"),
        (0.0, 0.0, 2.0, BudgetState.EXHAUSTED, "per_run_usd: $2.00 spent of $2.00"),
        (9.5, 0.0, 0.5, BudgetState.EXHAUSTED, "per_day_usd: $10.00 spent of $10.00"),
        (0.0, 99.9, 0.1, BudgetState.EXHAUSTED, "per_month_usd: $100.00 spent of $100.00"),
    ],
)
def test_budget_state_and_the_binding_cap(
    day: float, month: float, run: float, state: BudgetState, binding: str
) -> None:
    view = BudgetView(BUDGET, day_usd=day, month_usd=month, run_usd=run)
    assert view.state() is state
    assert view.why() == binding


def test_plus_adds_this_runs_charges() -> None:
    item = charge("claude-opus-4-1", Usage(output_tokens=20_000), {})
    view = BudgetView(BUDGET).plus([item, item])
    assert view.run_usd == pytest.approx(3.0)
    assert view.state() is BudgetState.EXHAUSTED and view.headroom_usd() == 0.0


def test_narrowing_drops_to_a_cheaper_tier_then_to_nothing() -> None:
    # Worst cases for 100k input tokens and 4096 output: sonnet 0.44, haiku 0.15.
    assert worst_case_usd("claude-sonnet-4-5", 100_000, 4096, {}) == pytest.approx(0.43644)
    assert worst_case_usd("claude-haiku-4-5", 100_000, 4096, {}) == pytest.approx(0.14548)
    roomy = choose_model([WORK, TRIAGE], 100_000, 4096, {}, BudgetView(BUDGET, run_usd=1.5))
    assert roomy is not None and roomy.tier is Tier.WORK
    tight = choose_model([WORK, TRIAGE], 100_000, 4096, {}, BudgetView(BUDGET, run_usd=1.7))
    assert tight is not None and tight.tier is Tier.TRIAGE and tight.model == "claude-haiku-4-5"
    assert choose_model([WORK, TRIAGE], 100_000, 4096, {}, BudgetView(BUDGET, run_usd=1.9)) is None
