"""Caps on how many pull requests kairos keeps open and opens per run."""

from __future__ import annotations

from dataclasses import dataclass

from kairos_ci.config.records import Limits


@dataclass(frozen=True)
class PrSlots:
    available: int
    why: str


def pr_slots(limits: Limits, open_kairos_prs: int, opened_this_run: int) -> PrSlots:
    """How many more PRs this run may open, and what limits it."""
    by_run = limits.max_new_prs_per_run - opened_this_run
    by_open = limits.max_open_prs - open_kairos_prs
    if by_run <= by_open:
        why = f"limits.max_new_prs_per_run is {limits.max_new_prs_per_run}"
    else:
        why = f"limits.max_open_prs is {limits.max_open_prs} and {open_kairos_prs} are open"
    return PrSlots(max(0, min(by_run, by_open)), why)
