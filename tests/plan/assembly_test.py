from __future__ import annotations

from dataclasses import replace

import pytest

from kairos_ci.errors import InputError
from kairos_ci.plan.assembly import PlanIdentity, PlanPieces, assemble
from kairos_ci.plan.canonical import content_hash
from kairos_ci.plan.codec import plan_to_json
from kairos_ci.plan.intake import take_in
from kairos_ci.plan.records import ImpactEntry, PlanStatus
from tests.plan.express_app import GOAL
from tests.plan.migration_script import DESIGN, DRAFT, STEPS

IDENTITY = PlanIdentity("shop-7", 1, "octo/shop", 7, "b" * 40, "2026-11-27T03:00:00Z")
IMPACT = (
    ImpactEntry("src/app.js", "imports express", 3),
    ImpactEntry("README.md", "mentions express", 1),
)


def pieces(**changes: object) -> PlanPieces:
    base = {
        "identity": IDENTITY,
        "intake": take_in(GOAL),
        "survey": None,
        "impact": IMPACT,
        "design": DESIGN,
        "draft": {**DRAFT, "exclusions": [{"path": "README.md", "reason": "prose only"}]},
    }
    return PlanPieces(**{**base, **changes})  # type: ignore[arg-type]


def test_a_complete_set_of_pieces_waits_for_approval_with_computed_estimates() -> None:
    plan = assemble(pieces())
    assert plan.status is PlanStatus.AWAITING_APPROVAL and plan.missing == ()
    assert plan.estimates.total_work_minutes == 50.0
    assert plan.context.impact_set[1].excluded == "prose only"
    assert plan.decision_points[0].blocks_steps == ("S3",)


def test_missing_pieces_make_an_incomplete_plan_that_still_fits_the_schema() -> None:
    plan = assemble(pieces(design=None, draft=None, missing=("design: spend cap: $5 of $5",)))
    assert plan.status is PlanStatus.INCOMPLETE
    assert plan.missing == ("design: spend cap: $5 of $5", "draft: not done")
    assert plan.goal.summary.startswith("Migrate the backend")
    assert [c.id for c in plan.goal.acceptance_criteria] == ["AC1"]


def test_a_dependency_cycle_still_assembles_for_validation_to_refuse() -> None:
    cyclic = [{**STEPS[0], "depends_on": ["S4"]}, *STEPS[1:]]
    plan = assemble(pieces(draft={**DRAFT, "steps": cyclic}))
    assert plan.estimates.critical_path_minutes == plan.estimates.total_work_minutes == 50.0


def test_a_piece_breaking_the_schema_is_refused_by_path() -> None:
    broken = {**DRAFT, "steps": [{**STEPS[0], "risk": "extreme"}]}
    with pytest.raises(InputError, match=r"\$\.steps\[0\]\.risk"):
        assemble(pieces(draft=broken))


def test_the_plan_is_sealed_and_its_hash_ignores_when_it_was_drafted() -> None:
    plan = assemble(pieces())
    assert plan.plan_hash == content_hash(plan_to_json(plan))
    later = replace(IDENTITY, created_at="2026-11-28T09:00:00Z")
    assert assemble(pieces(identity=later)).plan_hash == plan.plan_hash
    revised = replace(IDENTITY, version=2)
    assert assemble(pieces(identity=revised)).plan_hash != plan.plan_hash
