"""The claim order: rank with a bonus for time waited, then class, then cost, then id."""

from __future__ import annotations

from kairos_ci.coordinator.urgency import urgency
from kairos_ci.plan.records import UserClass


def test_rank_then_class_then_cost_then_id_and_waiting_gains_rank() -> None:
    keys = {
        "long": urgency(30.0, 0.0, UserClass.P3, 9.0, "long"),
        "waited": urgency(29.5, 60.0, UserClass.P3, 9.0, "waited"),  # +1 rank an hour
        "urgent": urgency(29.5, 0.0, UserClass.P0, 9.0, "urgent"),
        "cheap": urgency(29.5, 0.0, UserClass.P0, 1.0, "cheap"),
        "b": urgency(1.0, 0.0, UserClass.P2, 1.0, "b"),
        "a": urgency(1.0, -5.0, UserClass.P2, 1.0, "a"),  # a clock skew gains nothing
    }
    assert sorted(keys, key=keys.__getitem__) == ["waited", "long", "cheap", "urgent", "a", "b"]
