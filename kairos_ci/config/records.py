"""The typed, frozen configuration every later stage receives."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass


class Level(enum.IntEnum):
    """Autonomy levels, ordered so that ``min()`` is the safer one."""

    OBSERVE = 0
    SUGGEST = 1
    APPROVE = 2
    AUTO = 3

    @classmethod
    def parse(cls, name: str) -> Level:
        return cls[name.upper()]

    def __str__(self) -> str:
        return self.name.lower()


class TaskKind(enum.StrEnum):
    FIX_LINT = "fix_lint"
    FIX_TESTS = "fix_tests"
    UPDATE_DEPS = "update_deps"
    REVIEW = "review"
    REPORT_FLAKY = "report_flaky"
    PLAN = "plan"


# Paths kairos never changes, whatever the config says. Users may add to these,
# never remove them (SECURITY.md R7).
BUILTIN_PROTECTED_PATHS: tuple[str, ...] = (
    ".github/**",
    "**/action.yml",
    "**/action.yaml",
    "CODEOWNERS",
    "**/CODEOWNERS",
    ".kairos.yml",
    ".kairos.yaml",
    ".git/**",
    "**/.gitattributes",
    "**/.gitmodules",
    ".pre-commit-config.yaml",
    "**/AGENTS.md",
    "**/CLAUDE.md",
    ".claude/**",
    ".gemini/**",
    ".mcp.json",
)

# The source of the config a repository without a kairos config file runs with.
BUILT_IN_DEFAULTS = "(built-in defaults)"


@dataclass(frozen=True)
class Command:
    """A command line from the config: ``argv`` is what runs, without a shell."""

    text: str
    argv: tuple[str, ...]


@dataclass(frozen=True)
class TestsConfig:
    run: Command | None
    junit: tuple[str, ...]
    reruns: int = 2  # a first-seen failure is rerun this often before a model is asked
    broken_commits: int = 3  # failing on this many latest distinct commits is broken


@dataclass(frozen=True)
class LinterConfig:
    name: str
    run: Command
    format: str
    report: str | None
    fix: Command | None


@dataclass(frozen=True)
class AutonomyConfig:
    default: Level
    per_kind: Mapping[TaskKind, Level]

    def level_for(self, kind: TaskKind) -> Level:
        return self.per_kind.get(kind, self.default)


@dataclass(frozen=True)
class RuleWhen:
    kinds: tuple[TaskKind, ...] = ()
    paths: tuple[str, ...] = ()
    tests: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()


@dataclass(frozen=True)
class RuleThen:
    autonomy: Level | None = None
    notify: tuple[str, ...] = ()  # logins and ``org/team`` handles, without the ``@``
    skip: bool = False
    escalate: bool = False  # kairos does not act on matching work; it alerts ``notify``


@dataclass(frozen=True)
class Rule:
    index: int
    when: RuleWhen
    then: RuleThen


@dataclass(frozen=True)
class Models:
    triage: str
    work: str
    plan: str
    critic: str | None = None  # reviews each valid plan draft once (ULTRAPLAN); None: off


@dataclass(frozen=True)
class Price:
    """US dollars per million tokens."""

    input: float
    output: float
    cache_write: float | None = None
    cache_read: float | None = None


@dataclass(frozen=True)
class Budget:
    per_run_usd: float
    per_day_usd: float
    per_month_usd: float
    prices: Mapping[str, Price]
    value_of_time_usd_per_hour: float = 0.0  # a critical-path step's hour saved, in USD


@dataclass(frozen=True)
class MemoryConfig:
    branch: str


@dataclass(frozen=True)
class DashboardConfig:
    enabled: bool
    labels: tuple[str, ...]

    @property
    def label(self) -> str:
        """The label the dashboard issue is found by (with its marker), never its title."""
        return self.labels[0] if self.labels else "kairos"


@dataclass(frozen=True)
class Limits:
    max_open_prs: int
    max_new_prs_per_run: int
    max_review_comments: int
    command_timeout_minutes: int


@dataclass(frozen=True)
class DepGroup:
    name: str  # stable key: the branch is kairos/deps/<name>
    match: tuple[str, ...]  # name globs, optionally prefixed "pypi:" or "npm:"


@dataclass(frozen=True)
class UpdateDepsConfig:
    update_types: tuple[str, ...] = ("patch",)
    cooldown_days: int = 3
    ignore: tuple[str, ...] = ()
    groups: tuple[DepGroup, ...] = ()
    index_url: str | None = None
    npm_registry_url: str | None = None


@dataclass(frozen=True)
class ReviewConfig:
    drafts: bool = False  # review draft PRs too


@dataclass(frozen=True)
class ChatConfig:
    allowed_bots: tuple[str, ...] = ()  # exact bot logins whose commands run (at most suggest)


@dataclass(frozen=True)
class AgentConfig:
    edit_tests: bool = False  # tests are the oracle: read-only for fix_tests unless allowed


@dataclass(frozen=True)
class Config:
    source: str
    version: int
    tests: TestsConfig
    linters: tuple[LinterConfig, ...]
    autonomy: AutonomyConfig
    rules: tuple[Rule, ...]
    protected_paths: tuple[str, ...]  # built-in first, then the configured ones
    models: Models
    budget: Budget
    memory: MemoryConfig
    dashboard: DashboardConfig
    limits: Limits
    update_deps: UpdateDepsConfig = UpdateDepsConfig()
    review: ReviewConfig = ReviewConfig()
    chat: ChatConfig = ChatConfig()
    agent: AgentConfig = AgentConfig()
