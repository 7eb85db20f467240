"""A plan as frozen records (the shape of schemas/plan.schema.json).

The JSON form is flat and snake_case; ``plan.codec`` maps between the two and checks the
schema on the way in. Minutes are floats; ids are ``S1`` (steps), ``D1`` (decision points),
``R1`` (risks), ``C1`` (design choices) and ``AC1`` (acceptance criteria).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from kairos_ci.agent.records import Tier

SCHEMA_VERSION = 1
WORKER_COUNTS = (1, 2, 4, 8)  # the makespan lower bound is given for these pool sizes


class PlanStatus(enum.StrEnum):
    DRAFT = "draft"
    AWAITING_APPROVAL = "awaiting_approval"
    APPROVED = "approved"
    REJECTED = "rejected"
    STALE = "stale"  # a file of the impact set changed since the base: re-validate
    EXECUTING = "executing"
    DONE = "done"
    FAILED = "failed"
    INCOMPLETE = "incomplete"  # a bound was hit: ``Plan.missing`` says what is lacking


class Phase(enum.StrEnum):
    """The planning run's phases, in order. Each is checkpointed when it finishes."""

    INTAKE = "intake"
    SURVEY = "survey"
    IMPACT = "impact"
    LOCALISE = "localise"
    DESIGN = "design"
    DRAFT = "draft"
    VALIDATE = "validate"
    PUBLISH = "publish"


class RiskLevel(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class UserClass(enum.StrEnum):
    """How urgent people say a step is: p0 first. It orders claims after the critical
    path (``coordinator.urgency``)."""

    P0 = "p0"
    P1 = "p1"
    P2 = "p2"
    P3 = "p3"


class GoalKind(enum.StrEnum):
    MIGRATION = "migration"
    REFACTOR = "refactor"
    FEATURE = "feature"
    FIX = "fix"


class CheckKind(enum.StrEnum):
    """How a machine decides an acceptance criterion."""

    COMMAND = "command"  # the command exits 0
    BASELINE_KEPT = "baseline_kept"  # every test that passed at the base still passes
    NO_MATCH = "no_match"  # the pattern matches nothing in the tracked files


class CommandKind(enum.StrEnum):
    INSTALL = "install"
    BUILD = "build"
    TEST = "test"
    LINT = "lint"


@dataclass(frozen=True)
class CriterionCheck:
    kind: CheckKind
    command: str | None = None  # for COMMAND
    pattern: str | None = None  # for NO_MATCH: a Python regular expression
    glob: str | None = None  # for NO_MATCH: only files matching it


@dataclass(frozen=True)
class Criterion:
    id: str
    text: str
    check: CriterionCheck | None  # None: a human judges it


@dataclass(frozen=True)
class Goal:
    summary: str
    kind: GoalKind
    acceptance_criteria: tuple[Criterion, ...]
    non_goals: tuple[str, ...] = ()


@dataclass(frozen=True)
class Language:
    name: str
    files: int
    bytes: int


@dataclass(frozen=True)
class ProjectCommand:
    kind: CommandKind
    command: str
    source: str  # where it was found, e.g. "package.json#scripts.test"


@dataclass(frozen=True)
class Baseline:
    command: str
    passed: int
    failed: int
    skipped: int
    failing_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImpactEntry:
    path: str
    reason: str
    references: int
    hops: int = 0  # 0: refers to the target itself; n: n import edges away
    excluded: str | None = None  # why no step needs to touch it


@dataclass(frozen=True)
class PlanContext:
    languages: tuple[Language, ...] = ()
    commands: tuple[ProjectCommand, ...] = ()
    baseline: Baseline | None = None
    impact_set: tuple[ImpactEntry, ...] = ()


@dataclass(frozen=True)
class RejectedAlternative:
    option: str
    why: str


@dataclass(frozen=True)
class DesignChoice:
    id: str
    choice: str
    rationale: str
    rejected: tuple[RejectedAlternative, ...] = ()


@dataclass(frozen=True)
class DecisionOption:
    key: str
    label: str
    consequence: str


@dataclass(frozen=True)
class DecisionPoint:
    id: str
    question: str
    options: tuple[DecisionOption, ...]
    default: str | None
    blocks_steps: tuple[str, ...]
    required: bool = True


@dataclass(frozen=True)
class FileChanges:
    modify: tuple[str, ...] = ()
    create: tuple[str, ...] = ()
    delete: tuple[str, ...] = ()

    @property
    def touched(self) -> frozenset[str]:
        return frozenset((*self.modify, *self.create, *self.delete))


@dataclass(frozen=True)
class StepVerification:
    commands: tuple[str, ...]
    expected_tests: tuple[str, ...] = ()
    guard_scope: tuple[str, ...] = ()  # globs the test-integrity guard watches


@dataclass(frozen=True)
class StepEstimate:
    p50_minutes: float
    p90_minutes: float
    tier: Tier


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    description: str
    files: FileChanges
    depends_on: tuple[str, ...]
    risk: RiskLevel
    verification: StepVerification
    estimate: StepEstimate
    agent_prompt: str
    acceptance: tuple[str, ...]
    user_class: UserClass = UserClass.P2  # "class" in the plan's JSON: the issue's urgency


@dataclass(frozen=True)
class Risk:
    id: str
    description: str
    likelihood: RiskLevel
    impact: RiskLevel
    mitigation: str
    steps: tuple[str, ...] = ()
    uncovered: tuple[str, ...] = ()  # impact-set files no step touches, accepted here


@dataclass(frozen=True)
class TestStrategy:
    baseline: str
    per_step: str
    final_gate: str
    guard: str
    new_tests: tuple[str, ...] = ()


@dataclass(frozen=True)
class Estimates:
    total_work_minutes: float
    critical_path_minutes: float
    makespan_lower_bound: Mapping[int, float]  # worker count -> minutes


@dataclass(frozen=True)
class Approval:
    """A maintainer's approval, bound to the hash of the plan they saw."""

    approver: str
    at: str
    plan_hash: str
    choices: Mapping[str, str] = field(default_factory=dict)  # decision point id -> option key


@dataclass(frozen=True)
class Plan:
    plan_id: str
    version: int
    repository: str
    issue: int
    base_sha: str
    created_at: str
    status: PlanStatus
    plan_hash: str
    goal: Goal
    context: PlanContext
    design_choices: tuple[DesignChoice, ...]
    decision_points: tuple[DecisionPoint, ...]
    steps: tuple[Step, ...]
    risks: tuple[Risk, ...]
    test_strategy: TestStrategy
    estimates: Estimates
    missing: tuple[str, ...] = ()
    approvals: tuple[Approval, ...] = ()

    @property
    def hash8(self) -> str:
        return self.plan_hash[:8]

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)
