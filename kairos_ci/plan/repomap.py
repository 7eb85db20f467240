"""The ranked repository map: the definitions most worth showing, fitted to a token budget.

Files refer to names other files define; each such pair is an edge from the referring file
to the defining one, weighted by the name: more for names the goal mentions and for long,
specific names; less for private names and for names defined in many places; damped by
the square root of the reference count. A PageRank personalised towards files that match
the goal ranks the files; each file's rank flows along its edges to the definitions it uses.
The rendered map lists the best definitions, grouped by file, as many as fit the budget.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kairos_ci.plan.codeindex import CodeIndex

CHARS_PER_TOKEN = 4  # a rough, stable estimate: the map is sized, not billed, by it
MAX_DEFINERS = 20  # a name defined in more files than this says nothing about any of them
_DAMPING = 0.85
_ITERATIONS = 40
_TOLERANCE = 1e-9
_SPECIFIC = re.compile(r"^(?=.{8,})(?:[a-z0-9]+(?:[_-][a-z0-9]+)+|[a-z]+(?:[A-Z][a-z0-9]*)+)$")


@dataclass(frozen=True)
class RankedDefinition:
    path: str
    name: str
    line: int
    signature: str
    rank: float


@dataclass(frozen=True)
class RepoMap:
    text: str
    tokens: int  # estimated
    shown: int  # definitions in the text
    ranked: tuple[RankedDefinition, ...]  # every definition with rank > 0, best first


def name_weight(name: str, terms: frozenset[str], definers: int) -> float:
    weight = 1.0
    if name.lower() in terms:
        weight *= 10
    if _SPECIFIC.match(name):
        weight *= 10
    if name.startswith("_"):
        weight *= 0.1
    if definers > 5:
        weight *= 0.1
    return weight


def rank_definitions(index: CodeIndex, terms: Iterable[str]) -> tuple[RankedDefinition, ...]:
    wanted = frozenset(t.lower() for t in terms)
    edges = _edges(index, wanted)
    ranks = _pagerank(list(index.files), edges, _personal(index, wanted))
    flow: dict[tuple[str, str], float] = defaultdict(float)
    out_weight: dict[str, float] = defaultdict(float)
    for (source, _, _), weight in edges.items():
        out_weight[source] += weight
    for (source, target, name), weight in edges.items():
        flow[(target, name)] += ranks[source] * weight / out_weight[source]
    for path, symbols in index.files.items():  # what the goal names ranks even unreferenced
        for definition in symbols.defines:
            if definition.name.lower() in wanted:
                flow[(path, definition.name)] += ranks[path]
    found = []
    for (path, name), rank in flow.items():
        definition = {d.name: d for d in index.files[path].defines}[name]
        found.append(RankedDefinition(path, name, definition.line, definition.signature, rank))
    found.sort(key=lambda d: (-d.rank, d.path, d.line))
    return tuple(found)


def fit_map(ranked: tuple[RankedDefinition, ...], token_budget: int) -> RepoMap:
    """The longest prefix of ``ranked`` whose rendering fits ``token_budget`` (binary search)."""
    low, high = 0, len(ranked)
    while low < high:
        middle = (low + high + 1) // 2
        if _tokens(render(ranked[:middle])) <= token_budget:
            low = middle
        else:
            high = middle - 1
    text = render(ranked[:low])
    return RepoMap(text, _tokens(text), low, ranked)


def repository_map(index: CodeIndex, terms: Iterable[str], token_budget: int) -> RepoMap:
    return fit_map(rank_definitions(index, terms), token_budget)


def render(chosen: Iterable[RankedDefinition]) -> str:
    """Definitions grouped by file, files in order of their best definition."""
    by_file: dict[str, list[RankedDefinition]] = {}
    for definition in chosen:
        by_file.setdefault(definition.path, []).append(definition)
    blocks = []
    for path, definitions in by_file.items():
        lines = [f"{d.line}: {d.signature}" for d in sorted(definitions, key=lambda d: d.line)]
        blocks.append(f"{path}:\n" + "\n".join(f"  {line}" for line in lines))
    return "\n".join(blocks) + ("\n" if blocks else "")


def _tokens(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN)


Edges = Mapping[tuple[str, str, str], float]  # (referring file, defining file, name) -> weight


def _edges(index: CodeIndex, wanted: frozenset[str]) -> Edges:
    usable = {n: d for n, d in index.definers.items() if len(d) <= MAX_DEFINERS}
    weights = {name: name_weight(name, wanted, len(d)) for name, d in usable.items()}
    edges: dict[tuple[str, str, str], float] = {}
    for source, symbols in index.files.items():
        for name, count in symbols.references.items():
            definers = usable.get(name)
            if not definers:
                continue
            weight = weights[name] * math.sqrt(count)
            for target in definers:
                if target != source:
                    edges[(source, target, name)] = weight
    return edges


def _personal(index: CodeIndex, wanted: frozenset[str]) -> dict[str, float]:
    """Files whose path, definitions or imports match the goal; everyone when none do."""
    chosen: dict[str, float] = {}
    for path, symbols in index.files.items():
        path_words = set(re.split(r"[/._-]", path.lower()))
        names = {d.name.lower() for d in symbols.defines}
        imported = {i.spec.lower() for i in symbols.imports}
        if wanted & (path_words | names | imported):
            chosen[path] = 1.0
    if not chosen:
        chosen = dict.fromkeys(index.files, 1.0)
    total = sum(chosen.values())
    return {path: value / total for path, value in chosen.items()}


def _pagerank(nodes: list[str], edges: Edges, personal: Mapping[str, float]) -> dict[str, float]:
    out: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for (source, target, _), weight in edges.items():
        out[source][target] += weight
    totals = {source: sum(targets.values()) for source, targets in out.items()}
    rank = {node: personal.get(node, 0.0) for node in nodes}
    for _ in range(_ITERATIONS):
        dangling = sum(rank[n] for n in nodes if n not in out)
        spread = _DAMPING * dangling
        fresh = {n: (1 - _DAMPING + spread) * personal.get(n, 0.0) for n in nodes}
        for source, targets in out.items():
            share = _DAMPING * rank[source] / totals[source]
            for target, weight in targets.items():
                fresh[target] += share * weight
        change = sum(abs(fresh[n] - rank[n]) for n in nodes)
        rank = fresh
        if change < _TOLERANCE:
            break
    return rank
