"""How much of the impact set a plan's steps cover, weighted by reference count.

A file counts as covered when some step modifies, creates or deletes it, or when the impact
set excludes it with a reason. What is left must be accepted by a risk (``Risk.uncovered``)
once coverage falls below the threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

from kairos_ci.plan.records import Plan

THRESHOLD = 0.95


@dataclass(frozen=True)
class ImpactCoverage:
    references: int  # over the whole impact set
    covered: int
    uncovered_paths: tuple[str, ...]  # most references first

    @property
    def share(self) -> float:
        return 1.0 if self.references == 0 else self.covered / self.references

    @property
    def enough(self) -> bool:
        return self.share >= THRESHOLD


def impact_coverage(plan: Plan) -> ImpactCoverage:
    touched = frozenset().union(*(s.files.touched for s in plan.steps))
    total = covered = 0
    left: list[tuple[int, str]] = []
    for entry in plan.context.impact_set:
        total += entry.references
        if entry.path in touched or entry.excluded:
            covered += entry.references
        else:
            left.append((entry.references, entry.path))
    left.sort(key=lambda item: (-item[0], item[1]))
    return ImpactCoverage(total, covered, tuple(path for _, path in left))
