from __future__ import annotations

import pytest

from kairos_ci.plan.dag import ancestors, find_cycle, topological


def test_a_cycle_is_reported_as_a_closed_path() -> None:
    assert find_cycle({"S1": ("S3",), "S2": ("S1",), "S3": ("S2",)}) == ("S1", "S3", "S2", "S1")
    assert find_cycle({"S1": (), "S2": ("S1",)}) is None


def test_dependencies_come_first_and_a_cycle_has_no_order() -> None:
    order = topological({"S3": ("S1", "S2"), "S2": ("S1",), "S1": ()})
    assert order == ("S1", "S2", "S3")
    with pytest.raises(ValueError, match="S1 -> S1"):
        topological({"S1": ("S1",)})


def test_ancestors_follow_chains() -> None:
    found = ancestors({"S1": (), "S2": ("S1",), "S3": ("S2",), "S4": ()})
    assert found["S3"] == {"S1", "S2"}
    assert found["S4"] == frozenset()
