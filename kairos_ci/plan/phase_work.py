"""The phases that need no model: intake, survey, impact, localise, validate."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kairos_ci.clock import to_iso
from kairos_ci.plan.assembly import PlanIdentity, PlanPieces, assemble
from kairos_ci.plan.codec import impact_json, plan_to_json
from kairos_ci.plan.goalterms import goal_terms
from kairos_ci.plan.impact import analyse_impact, find_targets
from kairos_ci.plan.intake import take_in
from kairos_ci.plan.inventory import files_at
from kairos_ci.plan.records import Phase
from kairos_ci.plan.runstate import PhaseOutcome, RunState
from kairos_ci.plan.survey import reader, survey_repository, survey_to_json
from kairos_ci.plan.validate import validate_plan


def intake_phase(run: RunState) -> PhaseOutcome:
    intake = take_in(run.job.request.goal)
    data = {
        "goal": intake.goal,
        "kind": intake.kind.value,
        "terms": list(intake.terms),
        "signals": list(intake.signals),
        "created_at": to_iso(run.job.ports.clock()),
    }
    names = ", ".join(intake.terms[:5]) or "none"
    return PhaseOutcome(data, f"goal: a {intake.kind.value}; names in it: {names}")


def survey_phase(run: RunState) -> PhaseOutcome:
    job = run.job
    terms = run.intake().terms
    surveyed = survey_repository(job.ports.git, terms, job.ports.baseline, job.settings.survey)
    run.code = (surveyed.inventory, surveyed.index)
    survey = surveyed.survey
    test = survey.test_command()
    baseline = survey.baseline
    tests = (
        f"baseline {baseline.passed} passed, {baseline.failed} failing"
        if baseline
        else "no baseline"
    )
    finding = (
        f"survey: {survey.files} files, test command {test.command if test else 'none'}, {tests}"
    )
    return PhaseOutcome({"survey": survey_to_json(survey)}, finding)


def impact_phase(run: RunState) -> PhaseOutcome:
    inventory, index = run.inventory_and_index()
    targets = find_targets(index, run.intake().terms)
    read = reader(inventory, run.job.settings.survey.index)
    impact = analyse_impact(index, targets, read, run.job.settings.hops)
    data = {
        "packages": list(targets.packages),
        "names": list(targets.names),
        "entries": impact_json(impact.entries),
        "ambiguous": list(impact.ambiguous),
        "truncated": impact.truncated,
    }
    return PhaseOutcome(data, impact.finding())


def localise_phase(run: RunState) -> PhaseOutcome:
    """Which files the design must look at closely: those the impact set holds only through
    a name several files define, or, when it found nothing, the files the goal names."""
    impact = run.data(Phase.IMPACT) or {}
    files = list(impact.get("ambiguous", []))
    if not impact.get("entries"):
        inventory, _ = run.inventory_and_index()
        wanted = set(goal_terms(run.intake().goal))
        files = [p for p in sorted(inventory.paths) if _named(p, wanted)][:50]
    return PhaseOutcome({"files": files}, f"localise: {len(files)} files to examine closely")


def _named(path: str, wanted: set[str]) -> bool:
    lowered = path.lower()
    return any(term in lowered for term in wanted if len(term) >= 4)


def validate_phase(run: RunState) -> PhaseOutcome:
    plan = assemble(plan_pieces(run, tuple(run.missing)))
    report = validate_plan(plan, files_at(run.job.ports.git, run.base))
    refusals = tuple(f"validation: {r}" for r in report.refusals)
    if refusals:
        plan = assemble(plan_pieces(run, (*run.missing, *refusals)))
    coverage = report.coverage
    share = f", impact coverage {coverage.share:.0%}" if coverage else ""
    broken = ", ".join(report.rules_broken())
    verdict = f"{len(refusals)} validation problems ({broken})" if refusals else "valid"
    finding = f"plan {plan.hash8}: {len(plan.steps)} steps, {verdict}{share}"
    return PhaseOutcome({"plan": plan_to_json(plan)}, finding)


def plan_pieces(
    run: RunState, missing: tuple[str, ...], draft: Mapping[str, Any] | None = None
) -> PlanPieces:
    """What the run has so far; ``draft`` stands in for the draft phase's (a candidate)."""
    request = run.job.request
    intake_data = run.data(Phase.INTAKE) or {}
    identity = PlanIdentity(
        plan_id=request.plan_id,
        version=request.version,
        repository=request.repository,
        issue=request.issue,
        base_sha=run.base,
        created_at=str(intake_data.get("created_at") or to_iso(run.job.ports.clock())),
    )
    design = run.data(Phase.DESIGN)
    drafted = run.data(Phase.DRAFT)
    if draft is None and drafted is not None:
        draft = drafted["draft"]
    return PlanPieces(
        identity=identity,
        intake=run.intake(),
        survey=run.survey(),
        impact=run.impact(),
        design=design["design"] if design else None,
        draft=draft,
        missing=missing,
    )
