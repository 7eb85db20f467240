from __future__ import annotations

from kairos_ci.plan.coverage import impact_coverage
from kairos_ci.plan.records import ImpactEntry, PlanContext
from tests.plan.sample import sample_plan

COVERED = sample_plan().context.impact_set


def with_impact(*extra: ImpactEntry) -> PlanContext:
    return PlanContext(impact_set=(*COVERED, *extra))


def test_every_impacted_file_a_step_touches_counts_by_its_references() -> None:
    coverage = impact_coverage(sample_plan())
    assert (coverage.references, coverage.covered) == (14, 14)
    assert coverage.share == 1.0 and coverage.enough and coverage.uncovered_paths == ()


def test_what_no_step_touches_is_listed_most_references_first() -> None:
    extra = (ImpactEntry("docs/a.md", "mentions it", 1), ImpactEntry("README.md", "mentions", 6))
    coverage = impact_coverage(sample_plan(context=with_impact(*extra)))
    assert (coverage.references, coverage.covered) == (21, 14)
    assert coverage.uncovered_paths == ("README.md", "docs/a.md")
    assert not coverage.enough


def test_an_exclusion_with_a_reason_covers_a_file_and_an_empty_set_is_covered() -> None:
    excluded = ImpactEntry("README.md", "mentions", 6, excluded="prose only")
    assert impact_coverage(sample_plan(context=with_impact(excluded))).share == 1.0
    assert impact_coverage(sample_plan(context=PlanContext(impact_set=()))).share == 1.0
