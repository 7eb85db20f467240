"""Putting a plan together from what the phases produced (pure).

kairos supplies the identity, the context (languages, commands, baseline, impact set) and
the estimates, computed from the steps; the model supplies the design and the draft in the
plan schema's own shapes. The whole document then goes through the plan schema. Anything a
phase did not produce is listed in ``missing`` and the plan is ``incomplete``; a plan with
nothing missing waits for approval (validation decides whether it may be posted as ready).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kairos_ci.plan.codec import (
    baseline_json,
    commands_json,
    estimates_json,
    impact_json,
    languages_json,
    plan_from_json,
    seal,
)
from kairos_ci.plan.estimates import estimates_for
from kairos_ci.plan.intake import Intake
from kairos_ci.plan.records import (
    SCHEMA_VERSION,
    WORKER_COUNTS,
    Estimates,
    ImpactEntry,
    Plan,
    PlanStatus,
)
from kairos_ci.plan.survey import Survey

Json = dict[str, Any]
BASELINE_CRITERION = {
    "id": "AC1",
    "text": "WHEN the test suite runs THEN every test that passed at the base SHALL pass",
    "check": {"kind": "baseline_kept"},
}


@dataclass(frozen=True)
class PlanIdentity:
    plan_id: str
    version: int
    repository: str
    issue: int
    base_sha: str
    created_at: str


@dataclass(frozen=True)
class PlanPieces:
    identity: PlanIdentity
    intake: Intake
    survey: Survey | None
    impact: tuple[ImpactEntry, ...]
    design: Mapping[str, Any] | None  # what submit_design handed in
    draft: Mapping[str, Any] | None  # what submit_plan handed in
    missing: tuple[str, ...] = ()


def assemble(pieces: PlanPieces) -> Plan:
    """The sealed plan; ``InputError`` if a piece breaks the plan schema."""
    document = plan_document(pieces)
    return seal(plan_from_json(document, "the assembled plan", check_hash=False))


def plan_document(pieces: PlanPieces) -> Json:
    identity, draft, design = pieces.identity, pieces.draft, pieces.design
    missing = list(pieces.missing)
    if design is None and not any(m.startswith("design") for m in missing):
        missing.append("design: not done")
    if draft is None and not any(m.startswith("draft") for m in missing):
        missing.append("draft: not done")
    steps = list(draft["steps"]) if draft else []
    status = PlanStatus.INCOMPLETE if missing else PlanStatus.AWAITING_APPROVAL
    return {
        "schema_version": SCHEMA_VERSION,
        "plan_id": identity.plan_id,
        "version": identity.version,
        "repository": identity.repository,
        "issue": identity.issue,
        "base_sha": identity.base_sha,
        "created_at": identity.created_at,
        "status": status.value,
        "plan_hash": "0" * 64,
        "goal": dict(draft["goal"]) if draft else _intake_goal(pieces.intake),
        "context": _context(pieces),
        "design_choices": list(design["design_choices"]) if design else [],
        "decision_points": list(design["decision_points"]) if design else [],
        "steps": steps,
        "risks": list(design["risks"]) if design else [],
        "test_strategy": dict(draft["test_strategy"]) if draft else _no_strategy(),
        "estimates": estimates_json(_estimates(steps)),
        "missing": [m[:500] for m in missing[:50]],
        "approvals": [],
    }


def _context(pieces: PlanPieces) -> Json:
    survey = pieces.survey
    excluded = {item["path"]: item["reason"] for item in (pieces.draft or {}).get("exclusions", [])}
    impact = [
        e
        if e.path not in excluded
        else ImpactEntry(e.path, e.reason, e.references, e.hops, excluded[e.path])
        for e in pieces.impact
    ]
    return {
        "languages": languages_json(survey.languages) if survey else [],
        "commands": commands_json(survey.commands) if survey else [],
        "baseline": baseline_json(survey.baseline) if survey else None,
        "impact_set": impact_json(impact),
    }


def _intake_goal(intake: Intake) -> Json:
    return {
        "summary": intake.goal[:2000] or "(no goal text)",
        "kind": intake.kind.value,
        "acceptance_criteria": [BASELINE_CRITERION],
        "non_goals": [],
    }


def _no_strategy() -> Json:
    text = "Not drafted: the planning run stopped before the draft phase."
    return {"baseline": text, "per_step": text, "final_gate": text, "new_tests": [], "guard": text}


def _estimates(steps: Sequence[Json]) -> Estimates:
    """From the drafted steps; a cycle (which validation refuses) bounds nothing below total."""
    durations = {s["id"]: float(s["estimate"]["p50_minutes"]) for s in steps}
    graph = {s["id"]: tuple(d for d in s["depends_on"] if d in durations) for s in steps}
    try:
        return estimates_for(durations, graph)
    except ValueError:
        total = round(sum(durations.values()), 2)
        return Estimates(total, total, dict.fromkeys(WORKER_COUNTS, total))
