"""A valid, sealed plan for a small Express app, and the files at its base.

Tests derive broken plans from it with ``dataclasses.replace`` (records) or by editing
its JSON (for the schema), so each fixture differs from a valid plan in one place.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from kairos_ci.agent.records import Tier
from kairos_ci.git import Git
from kairos_ci.plan.codec import plan_to_json, seal
from kairos_ci.plan.estimates import expected_estimates
from kairos_ci.plan.records import (
    CheckKind,
    Criterion,
    CriterionCheck,
    DecisionOption,
    DecisionPoint,
    DesignChoice,
    FileChanges,
    Goal,
    GoalKind,
    ImpactEntry,
    Plan,
    PlanContext,
    PlanStatus,
    Risk,
    RiskLevel,
    Step,
    StepEstimate,
    StepVerification,
    TestStrategy,
)

BASE_SHA = "a" * 40
BASE_FILES = frozenset(
    {
        "package.json",
        "src/app.js",
        "src/middleware/auth.js",
        "src/routes/users.js",
        "test/app.test.js",
        "README.md",
    }
)


def step(step_id: str, modify: tuple[str, ...], *deps: str, p50: float = 10.0) -> Step:
    return Step(
        id=step_id,
        title=f"Step {step_id}",
        description=f"Do step {step_id}.",
        files=FileChanges(modify=modify),
        depends_on=deps,
        risk=RiskLevel.MEDIUM,
        verification=StepVerification(("npm test",), ("test/app.test.js",), ("test/**",)),
        estimate=StepEstimate(p50, p50 * 2, Tier.WORK),
        agent_prompt=f"Carry out step {step_id}.",
        acceptance=("npm test passes",),
    )


STEPS = (
    step("S1", ("package.json",)),
    step("S2", ("src/app.js",), "S1", p50=20.0),
    step("S3", ("src/middleware/auth.js", "src/routes/users.js"), "S2"),
    step("S4", ("test/app.test.js",), "S2", p50=15.0),
)


def sample_plan(**changes: Any) -> Plan:
    """The valid plan, with ``changes`` applied, estimates recomputed, and sealed."""
    plan = replace(_base(), **changes)
    if "estimates" not in changes:
        plan = replace(plan, estimates=expected_estimates(plan.steps))
    return seal(plan)


def sample_document(**changes: Any) -> dict[str, Any]:
    return plan_to_json(sample_plan(**changes))


def _base() -> Plan:
    return Plan(
        plan_id="plan-7",
        version=1,
        repository="octo/app",
        issue=7,
        base_sha=BASE_SHA,
        created_at="2026-11-27T03:00:00Z",
        status=PlanStatus.AWAITING_APPROVAL,
        plan_hash="0" * 64,
        goal=Goal(
            summary="Migrate the backend from Express to Fastify, keeping the API.",
            kind=GoalKind.MIGRATION,
            acceptance_criteria=(
                Criterion(
                    "AC1",
                    "WHEN the suite runs THEN every test that passed at base SHALL pass",
                    CriterionCheck(CheckKind.BASELINE_KEPT),
                ),
                Criterion(
                    "AC2",
                    "No source file SHALL require express",
                    CriterionCheck(CheckKind.NO_MATCH, pattern=r"require\('express'\)"),
                ),
            ),
            non_goals=("Changing the API's routes.",),
        ),
        context=PlanContext(
            impact_set=(
                ImpactEntry("src/app.js", "requires express", 5),
                ImpactEntry("src/middleware/auth.js", "express middleware signature", 2),
                ImpactEntry("src/routes/users.js", "express.Router", 3, hops=0),
                ImpactEntry("test/app.test.js", "imports src/app.js", 3, hops=1),
                ImpactEntry("package.json", "depends on express", 1),
            )
        ),
        design_choices=(DesignChoice("C1", "Use fastify-express as a bridge", "Smaller steps."),),
        decision_points=(
            DecisionPoint(
                "D1",
                "Keep express-style middleware through a bridge?",
                (
                    DecisionOption("a", "Bridge", "Faster, keeps a dependency."),
                    DecisionOption("b", "Rewrite", "Slower, no bridge."),
                ),
                "a",
                ("S3",),
            ),
        ),
        steps=STEPS,
        risks=(
            Risk("R1", "Middleware order changes.", RiskLevel.LOW, RiskLevel.HIGH, "Test order."),
        ),
        test_strategy=TestStrategy(
            "Record the baseline.", "npm test after each step.", "Full suite.", "Guard on test/**."
        ),
        estimates=expected_estimates(STEPS),
    )


def base_repo(root: Path) -> Git:
    """A repository holding the sample plan's base files, at one commit."""
    root.mkdir()
    git = Git(root)
    git.run("init", "-q", "-b", "main")
    for name in sorted(BASE_FILES):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(f"// {name}\n")
    commit(git, "base")
    return git


def commit(git: Git, message: str) -> str:
    git.run("add", "-A")
    git.run("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", message)
    return git.text("rev-parse", "HEAD")
