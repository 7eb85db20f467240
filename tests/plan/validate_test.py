"""One failing fixture plan per rule; each differs from the valid sample in one place."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from kairos_ci.plan.codec import plan_to_json
from kairos_ci.plan.records import (
    Estimates,
    FileChanges,
    ImpactEntry,
    Plan,
    PlanContext,
    Risk,
    RiskLevel,
    StepVerification,
)
from kairos_ci.plan.validate import PlanRule, validate_document, validate_plan
from tests.plan.sample import BASE_FILES, STEPS, sample_document, sample_plan, step


def refusals(plan: Plan) -> list[str]:
    return [str(r) for r in validate_plan(plan, BASE_FILES).refusals]


def test_the_sample_plan_passes_every_rule() -> None:
    report = validate_document(sample_document(), BASE_FILES)
    assert report.refusals == ()
    assert report.coverage is not None and report.coverage.share == 1.0


def test_schema_a_document_breaking_the_schema_is_refused_by_path() -> None:
    document = sample_document()
    document["steps"][0]["files"]["modify"] = ["/etc/passwd"]
    report = validate_document(document, BASE_FILES)
    assert report.rules_broken() == (PlanRule.SCHEMA,)
    assert "$.steps[0].files.modify[0]" in str(report.refusals[0])
    assert report.coverage is None


def test_schema_repeated_ids_and_a_default_outside_the_options() -> None:
    point = replace(sample_plan().decision_points[0], default="z")
    plan = sample_plan(steps=(*STEPS, step("S4", ("README.md",), "S3")), decision_points=(point,))
    assert refusals(plan)[:2] == [
        "[schema] step S4 appears 2 times",
        "[schema] decision point D1: default 'z' is not an option",
    ]


def test_schema_a_hash_that_does_not_match_the_content() -> None:
    document: dict[str, Any] = sample_document()
    document["goal"]["summary"] = "Something else."
    report = validate_document(document, BASE_FILES)
    assert [str(r) for r in report.refusals] == [
        "[schema] plan_hash does not match the plan's content"
    ]


def test_schema_a_no_match_pattern_must_compile() -> None:
    goal = sample_plan().goal
    criterion = goal.acceptance_criteria[1]
    bad = replace(criterion, check=replace(criterion.check, pattern="require(("))  # type: ignore[arg-type]
    plan = sample_plan(goal=replace(goal, acceptance_criteria=(bad,)))
    (only,) = refusals(plan)
    assert only.startswith("[schema] acceptance criterion AC2: pattern does not compile: missing )")


def test_files_exist_a_modified_file_missing_at_base_and_a_create_that_exists() -> None:
    steps = (
        replace(STEPS[0], files=FileChanges(modify=("package.json", "src/gone.js"))),
        replace(STEPS[1], files=FileChanges(modify=("src/app.js",), create=("README.md",))),
        *STEPS[2:],
    )
    assert refusals(sample_plan(steps=steps)) == [
        "[files-exist] step S1: src/gone.js does not exist at the base and no step creates it",
        "[files-exist] step S2: creates README.md, which already exists at the base",
    ]


def test_files_exist_a_file_created_by_an_earlier_step_may_be_modified() -> None:
    creates = replace(step("S5", ()), files=FileChanges(create=("src/server.js",)))
    steps = (*STEPS, creates, step("S6", ("src/server.js",), "S5"))
    assert refusals(sample_plan(steps=steps)) == []


def test_dag_a_cycle_and_a_dependency_on_no_step() -> None:
    steps = (
        replace(STEPS[0], depends_on=("S4",)),
        STEPS[1],
        STEPS[2],
        replace(STEPS[3], depends_on=("S2", "S9")),
    )
    found = refusals(sample_plan(steps=steps, estimates=sample_plan().estimates))
    assert found == [
        "[dag] step S4 depends on S9, which is not a step",
        "[dag] the steps have a dependency cycle: S1 -> S4 -> S2 -> S1",
    ]


def test_same_file_order_two_unordered_steps_on_one_file() -> None:
    steps = (*STEPS, step("S5", ("src/app.js",), "S1"))
    assert refusals(sample_plan(steps=steps)) == [
        "[same-file-order] steps S2 and S5 both touch src/app.js, in no set order"
    ]


def test_same_file_order_is_satisfied_through_a_chain() -> None:
    steps = (*STEPS, step("S5", ("package.json",), "S4"))  # S1 -> S2 -> S4 -> S5
    assert refusals(sample_plan(steps=steps)) == []


def test_impact_coverage_below_the_threshold_without_a_risk() -> None:
    impact = (*sample_plan().context.impact_set, ImpactEntry("README.md", "mentions express", 1))
    assert refusals(sample_plan(context=PlanContext(impact_set=impact))) == [
        "[impact-coverage] steps cover 93.3% of the impact set's 15 references (needs 95%), "
        "and no risk records these files: README.md"
    ]


def test_impact_coverage_an_accepting_risk_or_an_exclusion_satisfies_it() -> None:
    impact = (*sample_plan().context.impact_set, ImpactEntry("README.md", "mentions express", 1))
    risk = Risk(
        "R2", "Docs lag.", RiskLevel.LOW, RiskLevel.LOW, "Follow-up.", uncovered=("README.md",)
    )
    accepted = sample_plan(context=PlanContext(impact_set=impact), risks=(risk,))
    assert refusals(accepted) == []
    excluded = (*impact[:-1], replace(impact[-1], excluded="prose, not code"))
    assert refusals(sample_plan(context=PlanContext(impact_set=excluded))) == []


def test_verification_a_step_with_only_a_blank_command() -> None:
    steps = (*STEPS[:3], replace(STEPS[3], verification=StepVerification(("  ",))))
    assert refusals(sample_plan(steps=steps)) == [
        "[verification] step S4 has no verification command"
    ]


def test_decision_blocks_a_decision_point_blocking_nothing_or_a_missing_step() -> None:
    point = sample_plan().decision_points[0]
    points = (replace(point, blocks_steps=()), replace(point, id="D2", blocks_steps=("S9",)))
    assert refusals(sample_plan(decision_points=points)) == [
        "[decision-blocks] decision point D1 blocks no step",
        "[decision-blocks] decision point D2 blocks S9, which is not a step",
    ]


def test_estimates_that_do_not_add_up_and_a_p90_below_p50() -> None:
    wrong = Estimates(50.0, 45.0, {1: 55.0, 2: 45.0, 4: 45.0})
    steps = (*STEPS[:3], replace(STEPS[3], estimate=replace(STEPS[3].estimate, p90_minutes=1.0)))
    assert refusals(sample_plan(steps=steps, estimates=wrong)) == [
        "[estimates] step S4: p90 is below p50",
        "[estimates] total work is 50.0 minutes; the steps give 55.0",
        "[estimates] makespan lower bound for 8 workers is None minutes; the steps give 45.0",
    ]


def _schema_break() -> dict[str, Any]:
    document = sample_document()
    document["steps"][0]["risk"] = "extreme"
    return document


def _missing_file() -> dict[str, Any]:
    return plan_to_json(sample_plan(steps=(*STEPS, step("S5", ("src/gone.js",), "S4"))))


def _cycle() -> dict[str, Any]:
    steps = (replace(STEPS[0], depends_on=("S4",)), *STEPS[1:])
    return plan_to_json(sample_plan(steps=steps, estimates=sample_plan().estimates))


def _unordered() -> dict[str, Any]:
    return plan_to_json(sample_plan(steps=(*STEPS, step("S5", ("package.json",)))))


def _uncovered() -> dict[str, Any]:
    impact = (*sample_plan().context.impact_set, ImpactEntry("README.md", "mentions it", 9))
    return plan_to_json(sample_plan(context=PlanContext(impact_set=impact)))


def _unverified() -> dict[str, Any]:
    steps = (replace(STEPS[0], verification=StepVerification(())), *STEPS[1:])
    return plan_to_json(sample_plan(steps=steps))


def _blocks_nothing() -> dict[str, Any]:
    point = replace(sample_plan().decision_points[0], blocks_steps=())
    return plan_to_json(sample_plan(decision_points=(point,)))


def _wrong_sum() -> dict[str, Any]:
    estimates = replace(sample_plan().estimates, critical_path_minutes=1.0)
    return plan_to_json(sample_plan(estimates=estimates))


FAILING = {
    PlanRule.SCHEMA: _schema_break,
    PlanRule.FILES_EXIST: _missing_file,
    PlanRule.DAG: _cycle,
    PlanRule.SAME_FILE_ORDER: _unordered,
    PlanRule.IMPACT_COVERAGE: _uncovered,
    PlanRule.VERIFICATION: _unverified,
    PlanRule.DECISION_BLOCKS: _blocks_nothing,
    PlanRule.ESTIMATES: _wrong_sum,
}


@pytest.mark.parametrize("rule", list(PlanRule))
def test_each_rule_has_a_fixture_refused_by_that_rule_alone(rule: PlanRule) -> None:
    report = validate_document(FAILING[rule](), BASE_FILES)
    assert report.rules_broken() == (rule,)
    assert all(str(r).startswith(f"[{rule}] ") for r in report.refusals)
