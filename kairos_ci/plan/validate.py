"""Deterministic plan validation: a plan that fails any rule is never posted as ready.

Each refusal names its rule. The schema rule runs first (nothing else can be read from a
document that breaks it); the others all run, so a repair round sees every problem at once.
"""

from __future__ import annotations

import enum
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from kairos_ci.plan.canonical import content_hash
from kairos_ci.plan.codec import plan_from_json, plan_to_json, schema_problems
from kairos_ci.plan.coverage import THRESHOLD, ImpactCoverage, impact_coverage
from kairos_ci.plan.dag import ancestors, find_cycle, graph_of
from kairos_ci.plan.estimates import PRECISION, expected_estimates
from kairos_ci.plan.records import CheckKind, Plan

MAX_REFUSALS_PER_RULE = 20


class PlanRule(enum.StrEnum):
    SCHEMA = "schema"  # matches the schema; ids unique; references inside a record resolve
    FILES_EXIST = "files-exist"  # every referenced file exists at the base or is created
    DAG = "dag"  # depends_on names existing steps, without a cycle
    SAME_FILE_ORDER = "same-file-order"  # steps touching one file are ordered by dependencies
    IMPACT_COVERAGE = "impact-coverage"  # >= 95% by references, or the rest accepted by a risk
    VERIFICATION = "verification"  # every step has a verification command
    DECISION_BLOCKS = "decision-blocks"  # every decision point blocks at least one step
    ESTIMATES = "estimates"  # the estimates add up


@dataclass(frozen=True)
class Refusal:
    rule: PlanRule
    message: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


@dataclass(frozen=True)
class ValidationReport:
    refusals: tuple[Refusal, ...]
    coverage: ImpactCoverage | None  # None when the document could not be read

    @property
    def ok(self) -> bool:
        return not self.refusals

    def rules_broken(self) -> tuple[PlanRule, ...]:
        return tuple(dict.fromkeys(r.rule for r in self.refusals))


def validate_document(document: Any, base_files: frozenset[str]) -> ValidationReport:
    """Every rule over plan JSON; ``base_files`` are the paths tracked at the plan's base."""
    problems = schema_problems(document)
    if problems:
        refusals = tuple(Refusal(PlanRule.SCHEMA, str(p)) for p in problems)
        return ValidationReport(refusals[:MAX_REFUSALS_PER_RULE], None)
    return validate_plan(plan_from_json(document, check_hash=False), base_files)


def validate_plan(plan: Plan, base_files: frozenset[str]) -> ValidationReport:
    """Every rule but the JSON schema over plan records (see ``validate_document``)."""
    checks: Sequence[tuple[PlanRule, Callable[[Plan, frozenset[str]], Iterator[str]]]] = (
        (PlanRule.SCHEMA, _integrity),
        (PlanRule.SCHEMA, _hash_matches),
        (PlanRule.FILES_EXIST, _files_exist),
        (PlanRule.DAG, _dag),
        (PlanRule.SAME_FILE_ORDER, _same_file_order),
        (PlanRule.IMPACT_COVERAGE, _impact_coverage),
        (PlanRule.VERIFICATION, _verification),
        (PlanRule.DECISION_BLOCKS, _decision_blocks),
        (PlanRule.ESTIMATES, _estimates),
    )
    refusals: list[Refusal] = []
    for rule, check in checks:
        messages = list(check(plan, base_files))
        refusals.extend(Refusal(rule, m) for m in messages[:MAX_REFUSALS_PER_RULE])
        if len(messages) > MAX_REFUSALS_PER_RULE:
            more = len(messages) - MAX_REFUSALS_PER_RULE
            refusals.append(Refusal(rule, f"... and {more} more"))
    return ValidationReport(tuple(refusals), impact_coverage(plan))


def _integrity(plan: Plan, _: frozenset[str]) -> Iterator[str]:
    groups = {
        "step": [s.id for s in plan.steps],
        "decision point": [d.id for d in plan.decision_points],
        "risk": [r.id for r in plan.risks],
        "design choice": [c.id for c in plan.design_choices],
        "acceptance criterion": [c.id for c in plan.goal.acceptance_criteria],
        "impact-set path": [i.path for i in plan.context.impact_set],
    }
    for kind, ids in groups.items():
        for value, count in sorted(Counter(ids).items()):
            if count > 1:
                yield f"{kind} {value} appears {count} times"
    for point in plan.decision_points:
        keys = [o.key for o in point.options]
        if len(set(keys)) != len(keys):
            yield f"decision point {point.id} repeats an option key"
        if point.default is not None and point.default not in keys:
            yield f"decision point {point.id}: default {point.default!r} is not an option"
    for criterion in plan.goal.acceptance_criteria:
        yield from _check_problems(criterion.id, criterion.check)


def _check_problems(criterion_id: str, check: Any) -> Iterator[str]:
    if check is None or check.kind is not CheckKind.NO_MATCH:
        return
    try:
        re.compile(check.pattern or "")
    except re.error as err:
        yield f"acceptance criterion {criterion_id}: pattern does not compile: {err}"


def _hash_matches(plan: Plan, _: frozenset[str]) -> Iterator[str]:
    if plan.plan_hash != content_hash(plan_to_json(plan)):
        yield "plan_hash does not match the plan's content"


def _files_exist(plan: Plan, base: frozenset[str]) -> Iterator[str]:
    created = {path for s in plan.steps for path in s.files.create}
    for step in plan.steps:
        for path in (*step.files.modify, *step.files.delete):
            if path not in base and path not in created:
                yield f"step {step.id}: {path} does not exist at the base and no step creates it"
        for path in step.files.create:
            if path in base:
                yield f"step {step.id}: creates {path}, which already exists at the base"
    for risk in plan.risks:
        for path in risk.uncovered:
            if path not in base:
                yield f"risk {risk.id}: {path} does not exist at the base"


def _dag(plan: Plan, _: frozenset[str]) -> Iterator[str]:
    known = {s.id for s in plan.steps}
    for step in plan.steps:
        for dep in step.depends_on:
            if dep == step.id:
                yield f"step {step.id} depends on itself"
            elif dep not in known:
                yield f"step {step.id} depends on {dep}, which is not a step"
    cycle = find_cycle(graph_of(plan.steps))
    if cycle and len(cycle) > 2:  # a self-loop was reported above
        yield f"the steps have a dependency cycle: {' -> '.join(cycle)}"


def _same_file_order(plan: Plan, _: frozenset[str]) -> Iterator[str]:
    graph = graph_of(plan.steps)
    if find_cycle(graph):
        return  # the dag rule has refused; order is undefined
    before = ancestors(graph)
    by_file: dict[str, list[str]] = defaultdict(list)
    for step in plan.steps:
        for path in sorted(step.files.touched):
            by_file[path].append(step.id)
    for path, ids in sorted(by_file.items()):
        for i, first in enumerate(ids):
            for second in ids[i + 1 :]:
                if first not in before[second] and second not in before[first]:
                    yield f"steps {first} and {second} both touch {path}, in no set order"


def _impact_coverage(plan: Plan, _: frozenset[str]) -> Iterator[str]:
    coverage = impact_coverage(plan)
    if coverage.enough:
        return
    accepted = {path for r in plan.risks for path in r.uncovered}
    unaccepted = [p for p in coverage.uncovered_paths if p not in accepted]
    if unaccepted:
        shown = ", ".join(unaccepted[:10]) + (" ..." if len(unaccepted) > 10 else "")
        yield (
            f"steps cover {coverage.share:.1%} of the impact set's {coverage.references} "
            f"references (needs {THRESHOLD:.0%}), and no risk records these files: {shown}"
        )


def _verification(plan: Plan, _: frozenset[str]) -> Iterator[str]:
    for step in plan.steps:
        if not any(c.strip() for c in step.verification.commands):
            yield f"step {step.id} has no verification command"


def _decision_blocks(plan: Plan, _: frozenset[str]) -> Iterator[str]:
    known = {s.id for s in plan.steps}
    for point in plan.decision_points:
        if not point.blocks_steps:
            yield f"decision point {point.id} blocks no step"
        for step_id in point.blocks_steps:
            if step_id not in known:
                yield f"decision point {point.id} blocks {step_id}, which is not a step"


def _estimates(plan: Plan, _: frozenset[str]) -> Iterator[str]:
    for step in plan.steps:
        if step.estimate.p90_minutes < step.estimate.p50_minutes:
            yield f"step {step.id}: p90 is below p50"
    if find_cycle(graph_of(plan.steps)):
        return  # no critical path to compare with
    stated, expected = plan.estimates, expected_estimates(plan.steps)
    pairs: list[tuple[str, float | None, float]] = [
        ("total work", stated.total_work_minutes, expected.total_work_minutes),
        ("critical path", stated.critical_path_minutes, expected.critical_path_minutes),
    ]
    for workers, bound in expected.makespan_lower_bound.items():
        given = stated.makespan_lower_bound.get(workers)
        pairs.append((f"makespan lower bound for {workers} workers", given, bound))
    for name, given, want in pairs:
        if given is None or round(given, PRECISION) != want:
            yield f"{name} is {given} minutes; the steps give {want}"
