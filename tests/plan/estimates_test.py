from __future__ import annotations

from kairos_ci.plan.dag import graph_of
from kairos_ci.plan.estimates import critical_path, expected_estimates
from tests.plan.sample import STEPS, step


def test_the_bound_is_the_largest_of_load_chain_and_longest_step() -> None:
    estimates = expected_estimates(STEPS)
    assert estimates.total_work_minutes == 55.0
    assert estimates.critical_path_minutes == 45.0  # S1 10 + S2 20 + S4 15
    assert estimates.makespan_lower_bound == {1: 55.0, 2: 45.0, 4: 45.0, 8: 45.0}


def test_independent_steps_are_bound_by_load_then_by_the_longest() -> None:
    steps = tuple(step(f"S{n}", (f"f{n}",), p50=float(n)) for n in range(1, 9))
    estimates = expected_estimates(steps)
    assert critical_path({s.id: s.estimate.p50_minutes for s in steps}, graph_of(steps)) == 8.0
    assert estimates.makespan_lower_bound == {1: 36.0, 2: 18.0, 4: 9.0, 8: 8.0}


def test_no_steps_no_work() -> None:
    assert expected_estimates(()).makespan_lower_bound == {1: 0.0, 2: 0.0, 4: 0.0, 8: 0.0}
