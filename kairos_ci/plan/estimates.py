"""What a plan's estimates must say: total work, critical path and makespan lower bounds.

For m workers no schedule finishes before max(total / m, critical path, longest step)
(the average load, the longest chain, the biggest task), all on p50 minutes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kairos_ci.plan.dag import Graph, graph_of, topological
from kairos_ci.plan.records import WORKER_COUNTS, Estimates, Step

PRECISION = 2  # minutes are compared and stored to two decimals


def expected_estimates(steps: Sequence[Step]) -> Estimates:
    """The estimates ``steps`` imply; ``ValueError`` when their dependencies have a cycle."""
    return estimates_for({s.id: s.estimate.p50_minutes for s in steps}, graph_of(steps))


def estimates_for(durations: Mapping[str, float], graph: Graph) -> Estimates:
    total = sum(durations.values())
    critical = critical_path(durations, graph)
    longest = max(durations.values(), default=0.0)
    bounds = {m: round(max(total / m, critical, longest), PRECISION) for m in WORKER_COUNTS}
    return Estimates(round(total, PRECISION), round(critical, PRECISION), bounds)


def critical_path(durations: Mapping[str, float], graph: Graph) -> float:
    """The longest chain of dependencies, weighted by duration."""
    finish: dict[str, float] = {}
    for node in topological(graph):
        start = max((finish[d] for d in graph[node]), default=0.0)
        finish[node] = start + durations[node]
    return max(finish.values(), default=0.0)
