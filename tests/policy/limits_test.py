from __future__ import annotations

from kairos_ci.config.records import Limits
from kairos_ci.policy.limits import pr_slots

LIMITS = Limits(
    max_open_prs=5, max_new_prs_per_run=2, max_review_comments=20, command_timeout_minutes=20
)


def test_per_run_limit_binds_when_few_are_open() -> None:
    slots = pr_slots(LIMITS, open_kairos_prs=1, opened_this_run=1)
    assert slots.available == 1 and "max_new_prs_per_run is 2" in slots.why


def test_open_limit_binds_when_many_are_open() -> None:
    slots = pr_slots(LIMITS, open_kairos_prs=5, opened_this_run=0)
    assert slots.available == 0 and "max_open_prs is 5 and 5 are open" in slots.why


def test_never_negative() -> None:
    assert pr_slots(LIMITS, open_kairos_prs=9, opened_this_run=4).available == 0
