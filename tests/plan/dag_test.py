from __future__ import annotations

import pytest

from kairos_ci.plan.dag import ancestors, find_cycle, longest_chains, topological


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


def test_longest_chains_are_each_node_plus_its_heaviest_line_of_dependents() -> None:
    graph = {"a": (), "b": ("a",), "c": ("a",), "d": ("b", "c")}
    minutes = {"a": 1.0, "b": 5.0, "c": 2.0, "d": 3.0}
    assert longest_chains(graph, minutes) == {"a": 9.0, "b": 8.0, "c": 5.0, "d": 3.0}
    with pytest.raises(ValueError, match="cycle: x -> y -> x"):
        longest_chains({"x": ("y",), "y": ("x",)}, {"x": 1.0, "y": 1.0})
