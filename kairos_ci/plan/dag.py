"""The steps' dependency graph: cycles, order and reachability (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kairos_ci.plan.records import Step

Graph = Mapping[str, tuple[str, ...]]  # step id -> the ids it depends on


def graph_of(steps: Sequence[Step]) -> Graph:
    """Dependencies that name a step of the plan; dangling ids are the validator's to report."""
    known = {s.id for s in steps}
    return {s.id: tuple(d for d in s.depends_on if d in known) for s in steps}


def find_cycle(graph: Graph) -> tuple[str, ...] | None:
    """One dependency cycle as ``(a, b, ..., a)``, or None when the graph is a DAG."""
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    for start in sorted(graph):
        if state.get(start):
            continue
        path: list[str] = [start]
        iterators = [iter(graph[start])]
        state[start] = 1
        while iterators:
            nxt = next(iterators[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                iterators.pop()
            elif state.get(nxt) == 1:
                return (*path[path.index(nxt) :], nxt)
            elif not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                iterators.append(iter(graph[nxt]))
    return None


def topological(graph: Graph) -> tuple[str, ...]:
    """Ids with every dependency before its dependents; ``ValueError`` on a cycle."""
    cycle = find_cycle(graph)
    if cycle:
        raise ValueError(f"the steps have a dependency cycle: {' -> '.join(cycle)}")
    order: list[str] = []
    placed: set[str] = set()
    for start in sorted(graph):
        stack = [(start, False)]
        while stack:
            node, expanded = stack.pop()
            if node in placed:
                continue
            if expanded:
                placed.add(node)
                order.append(node)
                continue
            stack.append((node, True))
            stack.extend((d, False) for d in sorted(graph[node], reverse=True) if d not in placed)
    return tuple(order)


def longest_chains(graph: Graph, minutes: Mapping[str, float]) -> dict[str, float]:
    """Each id's minutes plus the longest chain of minutes that depends on it (its upward
    rank: the critical-path priority); ``ValueError`` on a cycle."""
    dependents: dict[str, list[str]] = {node: [] for node in graph}
    for node, deps in graph.items():
        for dep in deps:
            dependents[dep].append(node)
    ranks: dict[str, float] = {}
    for node in reversed(topological(graph)):
        ranks[node] = minutes[node] + max((ranks[d] for d in dependents[node]), default=0.0)
    return ranks


def ancestors(graph: Graph) -> dict[str, frozenset[str]]:
    """For each step, every step it depends on directly or through others (graph is a DAG)."""
    found: dict[str, frozenset[str]] = {}
    for node in topological(graph):
        reach: set[str] = set()
        for dep in graph[node]:
            reach.add(dep)
            reach.update(found[dep])
        found[node] = frozenset(reach)
    return found
