"""Plan records <-> plan JSON (schemas/plan.schema.json), with errors that name the JSON path.

Reading checks the schema first, then that ``plan_hash`` is the hash of the content: a
stored plan whose content changed after it was hashed is refused, so an approval can never
be moved onto other content. ``seal`` is how a new or revised plan gets its hash.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from kairos_ci.agent.records import Tier
from kairos_ci.config.schema import load_schema
from kairos_ci.errors import InputError, InputTooLarge
from kairos_ci.plan.canonical import content_hash
from kairos_ci.plan.records import (
    SCHEMA_VERSION,
    Approval,
    Baseline,
    CheckKind,
    CommandKind,
    Criterion,
    CriterionCheck,
    DecisionOption,
    DecisionPoint,
    DesignChoice,
    Estimates,
    FileChanges,
    Goal,
    GoalKind,
    ImpactEntry,
    Language,
    Plan,
    PlanContext,
    PlanStatus,
    ProjectCommand,
    RejectedAlternative,
    Risk,
    RiskLevel,
    Step,
    StepEstimate,
    StepVerification,
    TestStrategy,
    UserClass,
)

PLAN_LIMIT_BYTES = 4 * 1024 * 1024
_SHOWN_PROBLEMS = 10

Json = dict[str, Any]


@dataclass(frozen=True)
class PlanProblem:
    path: str  # "$.steps[2].files.modify[0]"
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class PlanInvalid(InputError):
    """A plan document breaks the schema or its hash; ``problems`` names each JSON path."""

    def __init__(self, source: str, problems: tuple[PlanProblem, ...]) -> None:
        self.problems = problems
        lines = [str(p) for p in problems[:_SHOWN_PROBLEMS]]
        if len(problems) > _SHOWN_PROBLEMS:
            lines.append(f"... and {len(problems) - _SHOWN_PROBLEMS} more")
        super().__init__(f"{source}: not a valid plan:\n  " + "\n  ".join(lines))


def json_path(parts: Iterable[str | int]) -> str:
    text = "$"
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def schema_problems(document: Any) -> tuple[PlanProblem, ...]:
    """Every place ``document`` breaks the schema, in document order."""
    errors = sorted(
        _validator().iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path]
    )
    return tuple(PlanProblem(json_path(e.absolute_path), e.message[:300]) for e in errors)


def load_plan(raw: bytes | str, source: str = "plan") -> Plan:
    """Parse plan JSON text; refuses oversized input, bad JSON, schema breaks, a wrong hash."""
    size = len(raw.encode() if isinstance(raw, str) else raw)
    if size > PLAN_LIMIT_BYTES:
        raise InputTooLarge(f"{source}: plan is {size} bytes, over {PLAN_LIMIT_BYTES}")
    try:
        document = json.loads(raw)
    except ValueError as err:
        raise PlanInvalid(source, (PlanProblem("$", f"not JSON: {err}"),)) from None
    return plan_from_json(document, source)


def plan_from_json(document: Any, source: str = "plan", *, check_hash: bool = True) -> Plan:
    problems = schema_problems(document)
    if problems:
        raise PlanInvalid(source, problems)
    plan = _plan(document)
    if check_hash and plan.plan_hash != content_hash(document):
        message = "does not match the plan's content (edited after it was hashed?)"
        raise PlanInvalid(source, (PlanProblem("$.plan_hash", message),))
    return plan


def dump_plan(plan: Plan) -> str:
    """Plan JSON text; refuses a plan that would not load back."""
    document = plan_to_json(plan)
    plan_from_json(document, "the plan being written")
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def seal(plan: Plan) -> Plan:
    """``plan`` with ``plan_hash`` computed from its content."""
    return replace(plan, plan_hash=content_hash(plan_to_json(plan)))


def plan_to_json(plan: Plan) -> Json:
    return {
        "schema_version": SCHEMA_VERSION,
        "plan_id": plan.plan_id,
        "version": plan.version,
        "repository": plan.repository,
        "issue": plan.issue,
        "base_sha": plan.base_sha,
        "created_at": plan.created_at,
        "status": plan.status.value,
        "plan_hash": plan.plan_hash,
        "goal": _goal_json(plan.goal),
        "context": _context_json(plan.context),
        "design_choices": [_choice_json(c) for c in plan.design_choices],
        "decision_points": [_decision_json(d) for d in plan.decision_points],
        "steps": [_step_json(s) for s in plan.steps],
        "risks": [_risk_json(r) for r in plan.risks],
        "test_strategy": _strategy_json(plan.test_strategy),
        "estimates": estimates_json(plan.estimates),
        "missing": list(plan.missing),
        "approvals": [_approval_json(a) for a in plan.approvals],
    }


def estimates_json(estimates: Estimates) -> Json:
    return {
        "total_work_minutes": estimates.total_work_minutes,
        "critical_path_minutes": estimates.critical_path_minutes,
        "makespan_lower_bound_minutes": {
            str(k): v for k, v in sorted(estimates.makespan_lower_bound.items())
        },
    }


def _goal_json(goal: Goal) -> Json:
    return {
        "summary": goal.summary,
        "kind": goal.kind.value,
        "acceptance_criteria": [
            {"id": c.id, "text": c.text, "check": _check_json(c.check)}
            for c in goal.acceptance_criteria
        ],
        "non_goals": list(goal.non_goals),
    }


def _check_json(check: CriterionCheck | None) -> Json | None:
    if check is None:
        return None
    data: Json = {"kind": check.kind.value}
    optional = {"command": check.command, "pattern": check.pattern, "glob": check.glob}
    data.update({key: value for key, value in optional.items() if value is not None})
    return data


def _context_json(context: PlanContext) -> Json:
    return {
        "languages": languages_json(context.languages),
        "commands": commands_json(context.commands),
        "baseline": baseline_json(context.baseline),
        "impact_set": impact_json(context.impact_set),
    }


def languages_json(languages: Iterable[Language]) -> list[Json]:
    return [{"name": x.name, "files": x.files, "bytes": x.bytes} for x in languages]


def commands_json(commands: Iterable[ProjectCommand]) -> list[Json]:
    return [{"kind": c.kind.value, "command": c.command, "source": c.source} for c in commands]


def baseline_json(baseline: Baseline | None) -> Json | None:
    if baseline is None:
        return None
    return {
        "command": baseline.command,
        "passed": baseline.passed,
        "failed": baseline.failed,
        "skipped": baseline.skipped,
        "failing_ids": list(baseline.failing_ids),
    }


def impact_json(entries: Iterable[ImpactEntry]) -> list[Json]:
    return [
        {
            "path": i.path,
            "reason": i.reason,
            "references": i.references,
            "hops": i.hops,
            "excluded": i.excluded,
        }
        for i in entries
    ]


def _choice_json(choice: DesignChoice) -> Json:
    return {
        "id": choice.id,
        "choice": choice.choice,
        "rationale": choice.rationale,
        "rejected": [{"option": r.option, "why": r.why} for r in choice.rejected],
    }


def _decision_json(point: DecisionPoint) -> Json:
    return {
        "id": point.id,
        "question": point.question,
        "options": [
            {"key": o.key, "label": o.label, "consequence": o.consequence} for o in point.options
        ],
        "default": point.default,
        "blocks_steps": list(point.blocks_steps),
        "required": point.required,
    }


def _step_json(step: Step) -> Json:
    return {
        "id": step.id,
        "title": step.title,
        "description": step.description,
        "files": {
            "modify": list(step.files.modify),
            "create": list(step.files.create),
            "delete": list(step.files.delete),
        },
        "depends_on": list(step.depends_on),
        "risk": step.risk.value,
        "verification": {
            "commands": list(step.verification.commands),
            "expected_tests": list(step.verification.expected_tests),
            "guard_scope": list(step.verification.guard_scope),
        },
        "estimate": {
            "p50_minutes": step.estimate.p50_minutes,
            "p90_minutes": step.estimate.p90_minutes,
            "tier": step.estimate.tier.value,
        },
        "agent_prompt": step.agent_prompt,
        "acceptance": list(step.acceptance),
        # Written only when set, so a plan from before classes hashes as it did.
        **({"class": step.user_class.value} if step.user_class is not UserClass.P2 else {}),
    }


def _risk_json(risk: Risk) -> Json:
    return {
        "id": risk.id,
        "description": risk.description,
        "likelihood": risk.likelihood.value,
        "impact": risk.impact.value,
        "mitigation": risk.mitigation,
        "steps": list(risk.steps),
        "uncovered": list(risk.uncovered),
    }


def _strategy_json(strategy: TestStrategy) -> Json:
    return {
        "baseline": strategy.baseline,
        "per_step": strategy.per_step,
        "final_gate": strategy.final_gate,
        "new_tests": list(strategy.new_tests),
        "guard": strategy.guard,
    }


def _approval_json(approval: Approval) -> Json:
    return {
        "approver": approval.approver,
        "at": approval.at,
        "plan_hash": approval.plan_hash,
        "choices": dict(sorted(approval.choices.items())),
    }


# Reading: the schema has been checked, so shapes and enum values are known to be right.


def _plan(d: Json) -> Plan:
    return Plan(
        plan_id=d["plan_id"],
        version=d["version"],
        repository=d["repository"],
        issue=d["issue"],
        base_sha=d["base_sha"],
        created_at=d["created_at"],
        status=PlanStatus(d["status"]),
        plan_hash=d["plan_hash"],
        goal=_goal(d["goal"]),
        context=_context(d["context"]),
        design_choices=tuple(_choice(c) for c in d["design_choices"]),
        decision_points=tuple(_decision(p) for p in d["decision_points"]),
        steps=tuple(_step(s) for s in d["steps"]),
        risks=tuple(_risk(r) for r in d["risks"]),
        test_strategy=_strategy(d["test_strategy"]),
        estimates=estimates_from_json(d["estimates"]),
        missing=tuple(d["missing"]),
        approvals=tuple(_approval(a) for a in d["approvals"]),
    )


def estimates_from_json(d: Json) -> Estimates:
    bounds: Mapping[str, float] = d["makespan_lower_bound_minutes"]
    return Estimates(
        float(d["total_work_minutes"]),
        float(d["critical_path_minutes"]),
        {int(k): float(v) for k, v in bounds.items()},
    )


def _goal(d: Json) -> Goal:
    criteria = tuple(
        Criterion(c["id"], c["text"], _check(c["check"])) for c in d["acceptance_criteria"]
    )
    return Goal(d["summary"], GoalKind(d["kind"]), criteria, tuple(d["non_goals"]))


def _check(d: Json | None) -> CriterionCheck | None:
    if d is None:
        return None
    return CriterionCheck(CheckKind(d["kind"]), d.get("command"), d.get("pattern"), d.get("glob"))


def _context(d: Json) -> PlanContext:
    return PlanContext(
        languages=languages_from_json(d["languages"]),
        commands=commands_from_json(d["commands"]),
        baseline=baseline_from_json(d["baseline"]),
        impact_set=impact_from_json(d["impact_set"]),
    )


def languages_from_json(items: list[Json]) -> tuple[Language, ...]:
    return tuple(Language(x["name"], x["files"], x["bytes"]) for x in items)


def commands_from_json(items: list[Json]) -> tuple[ProjectCommand, ...]:
    return tuple(ProjectCommand(CommandKind(c["kind"]), c["command"], c["source"]) for c in items)


def baseline_from_json(d: Json | None) -> Baseline | None:
    if d is None:
        return None
    return Baseline(d["command"], d["passed"], d["failed"], d["skipped"], tuple(d["failing_ids"]))


def impact_from_json(items: list[Json]) -> tuple[ImpactEntry, ...]:
    return tuple(
        ImpactEntry(i["path"], i["reason"], i["references"], i["hops"], i["excluded"])
        for i in items
    )


def _choice(d: Json) -> DesignChoice:
    rejected = tuple(RejectedAlternative(r["option"], r["why"]) for r in d["rejected"])
    return DesignChoice(d["id"], d["choice"], d["rationale"], rejected)


def _decision(d: Json) -> DecisionPoint:
    options = tuple(DecisionOption(o["key"], o["label"], o["consequence"]) for o in d["options"])
    return DecisionPoint(
        d["id"], d["question"], options, d["default"], tuple(d["blocks_steps"]), d["required"]
    )


def _step(d: Json) -> Step:
    files, check, estimate = d["files"], d["verification"], d["estimate"]
    return Step(
        id=d["id"],
        title=d["title"],
        description=d["description"],
        files=FileChanges(tuple(files["modify"]), tuple(files["create"]), tuple(files["delete"])),
        depends_on=tuple(d["depends_on"]),
        risk=RiskLevel(d["risk"]),
        verification=StepVerification(
            tuple(check["commands"]), tuple(check["expected_tests"]), tuple(check["guard_scope"])
        ),
        estimate=StepEstimate(
            float(estimate["p50_minutes"]), float(estimate["p90_minutes"]), Tier(estimate["tier"])
        ),
        agent_prompt=d["agent_prompt"],
        acceptance=tuple(d["acceptance"]),
        user_class=UserClass(d.get("class", UserClass.P2.value)),
    )


def _risk(d: Json) -> Risk:
    return Risk(
        d["id"],
        d["description"],
        RiskLevel(d["likelihood"]),
        RiskLevel(d["impact"]),
        d["mitigation"],
        tuple(d["steps"]),
        tuple(d["uncovered"]),
    )


def _strategy(d: Json) -> TestStrategy:
    return TestStrategy(
        d["baseline"], d["per_step"], d["final_gate"], d["guard"], tuple(d["new_tests"])
    )


def _approval(d: Json) -> Approval:
    return Approval(d["approver"], d["at"], d["plan_hash"], dict(d["choices"]))


@cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(load_schema("plan"))
