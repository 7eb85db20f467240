"""Co-failure: which changed paths have gone with which tests failing. Pure functions.

``support`` is the number of runs that changed the path and saw the test fail;
``confidence`` is support over the runs that changed the path. A PR touching a path
with a confident co-failure can be warned before its tests even finish.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Protocol

from kairos_ci.verdicts.records import CoFailure, RunChanges, Thresholds


class PathCounts(Protocol):
    """What memory keeps per path (``memory.records.PathStats`` has this shape)."""

    @property
    def changes(self) -> int: ...

    @property
    def failures(self) -> Mapping[str, int]: ...


def from_runs(
    runs: Iterable[RunChanges], thresholds: Thresholds | None = None
) -> tuple[CoFailure, ...]:
    """Co-failures from per-run samples, each carrying the run ids behind it."""
    changes: defaultdict[str, int] = defaultdict(int)
    together: defaultdict[tuple[str, str], list[str]] = defaultdict(list)
    for run in runs:
        for path in run.changed:
            changes[path] += 1
            for test_id in run.failing:
                together[(path, test_id)].append(run.run_id)
    found = (
        CoFailure(path, test_id, len(ids), len(ids) / changes[path], tuple(ids))
        for (path, test_id), ids in together.items()
    )
    return _strong(found, thresholds or Thresholds())


def from_counts(
    counts: Mapping[str, PathCounts], thresholds: Thresholds | None = None
) -> tuple[CoFailure, ...]:
    """Co-failures from aggregated counts (no run ids: memory keeps only the counts)."""
    found = (
        CoFailure(path, test_id, support, support / stats.changes)
        for path, stats in counts.items()
        if stats.changes > 0
        for test_id, support in stats.failures.items()
    )
    return _strong(found, thresholds or Thresholds())


def warnings_for(changed: Iterable[str], known: Iterable[CoFailure]) -> tuple[CoFailure, ...]:
    """The known co-failures a change touching ``changed`` should be warned about."""
    paths = set(changed)
    return tuple(c for c in known if c.path in paths)


def _strong(found: Iterable[CoFailure], limits: Thresholds) -> tuple[CoFailure, ...]:
    kept = [
        c
        for c in found
        if c.support >= limits.cofailure_support and c.confidence >= limits.cofailure_confidence
    ]
    return tuple(sorted(kept, key=lambda c: (-c.confidence, -c.support, c.path, c.test_id)))
