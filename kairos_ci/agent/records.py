"""What crosses the ``Llm`` port, and what one agent attempt produces."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from kairos_ci.guard.records import GuardReport
from kairos_ci.policy.autonomy import change_ceiling
from kairos_ci.policy.records import Cap, ChangeFacts, PathChange, Violation


class Stop(enum.StrEnum):
    """Why an agent attempt ended."""

    FINISHED = "finished"
    SKIPPED = "skipped"  # never started: nothing to do, no test command, no budget
    TURNS = "turn limit"
    TOKENS = "token limit"
    WALL_TIME = "wall-time limit"
    BUDGET = "budget"
    MODEL_ERROR = "model error"
    NO_FINISH = "stopped without finish"
    REFUSED = "model refused"


class Tier(enum.StrEnum):
    """Which configured model a request is for (config ``models``)."""

    TRIAGE = "triage"
    WORK = "work"
    PLAN = "plan"


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    input: Mapping[str, Any]


@dataclass(frozen=True)
class ToolResult:
    tool_use_id: str
    content: str
    is_error: bool = False


Block = Text | ToolCall | ToolResult


@dataclass(frozen=True)
class Turn:
    role: Literal["user", "assistant"]
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    input_schema: Mapping[str, Any]


@dataclass(frozen=True)
class LlmRequest:
    """One model call. ``system`` and ``tools`` are the stable, cached prefix."""

    model: str
    system: str
    turns: tuple[Turn, ...]
    max_tokens: int
    tools: tuple[ToolSpec, ...] = ()
    tool_choice: Literal["auto", "any"] = "auto"


@dataclass(frozen=True)
class Usage:
    input_tokens: int = 0  # not served from or written to the cache
    output_tokens: int = 0
    cache_write_tokens: int = 0
    cache_read_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cache_write_tokens + other.cache_write_tokens,
            self.cache_read_tokens + other.cache_read_tokens,
        )

    @property
    def total_input(self) -> int:
        return self.input_tokens + self.cache_write_tokens + self.cache_read_tokens


@dataclass(frozen=True)
class LlmReply:
    model: str  # the model that answered (may be a dated id)
    blocks: tuple[Text | ToolCall, ...]
    stop_reason: str
    usage: Usage
    request_id: str | None = None

    @property
    def tool_calls(self) -> tuple[ToolCall, ...]:
        return tuple(b for b in self.blocks if isinstance(b, ToolCall))


@dataclass(frozen=True)
class Charge:
    """One model call's usage, priced."""

    model: str
    usage: Usage
    usd: float
    priced_as: str  # the price-table entry used (or a fallback, named)


@dataclass(frozen=True)
class FailingTest:
    """A test to fix, as ``kairos-ci parse`` reports it (its text is untrusted)."""

    id: str
    path: str | None = None  # the JUnit report's file attribute, when it has one
    message: str | None = None
    details: str | None = None
    classname: str | None = None  # the JUnit classname (else read from ``id``)
    line: int | None = None
    # The commit of the latest run where it passed, from memory (``since_pass.last_passes``).
    passed_at: str | None = None


@dataclass(frozen=True)
class ContextBudget:
    """Estimated tokens each part of the fix prompt's gathered context may take."""

    test_source: int = 2_000  # the failing tests' own code
    code_under_test: int = 4_000  # what their tracebacks and imports point at
    since_pass: int = 2_500  # the diff since the tests last passed
    symbols: int = 1_000  # the ranked map of relevant symbols

    @classmethod
    def nothing(cls) -> ContextBudget:
        """No gathered context: the prompt names the failing tests and nothing more."""
        return cls(0, 0, 0, 0)


@dataclass(frozen=True)
class UntrustedText:
    """Text from outside (PR or issue body, a log): only ever shown to the model as data."""

    source: str  # a fixed label chosen by kairos, never taken from the text itself
    text: str


# What kind of action each tool is, for reports of refused calls.
TOOL_KINDS = {
    "replace_in_file": "edit",
    "write_file": "edit",
    "read_file": "read",
    "list_files": "read",
    "search_code": "read",
    "git_history": "read",
    "run_tests": "test run",
}


@dataclass(frozen=True)
class Denial:
    """A tool call the policy refused."""

    tool: str
    target: str  # what the call aimed at, quoted, for logs
    reason: str
    path: str = ""  # the path the call named, redacted and flattened ("" when none)

    @property
    def kind(self) -> str:
        """ "edit", "read", "test run", or "call" for a tool that does not exist."""
        return TOOL_KINDS.get(self.tool, "call")


@dataclass(frozen=True)
class AgentLimits:
    max_turns: int = 30
    max_tokens_per_turn: int = 4096
    max_total_tokens: int = 600_000  # input (all kinds) plus output, over the whole loop
    wall_time_s: float = 900.0
    test_timeout_s: float = 600.0
    max_test_runs: int = 12
    tool_output_chars: int = 20_000
    context: ContextBudget = field(default_factory=ContextBudget)


@dataclass(frozen=True)
class FixAttempt:
    """What one ``fix_failing_tests`` call produced, for verify, gate and the PR body."""

    stop: Stop
    reason: str  # one human line: why it stopped
    explanation: str | None  # the model's ``finish`` summary: redacted, normalised, capped
    patch: str  # ``git diff --binary`` of the scratch against its base; "" when none
    changed: tuple[PathChange, ...]
    charges: tuple[Charge, ...]
    guard: GuardReport
    protected: tuple[Violation, ...]  # protected paths the final patch touches
    denials: tuple[Denial, ...]  # tool calls the policy refused
    facts: ChangeFacts  # what policy needs to know to cap it
    turns: int = 0
    test_runs: int = 0
    models: tuple[str, ...] = ()
    discarded: tuple[str, ...] = ()  # files test runs changed, reverted out of the patch
    test_notes: Mapping[str, str] = field(default_factory=dict)  # test file -> the model's why

    @property
    def spend_usd(self) -> float:
        return round(sum(c.usd for c in self.charges), 6)

    @property
    def injection_signals(self) -> tuple[str, ...]:
        """Hidden content met on the way: a fact policy caps the attempt by."""
        return self.facts.injection_signals

    @property
    def ceiling(self) -> Cap | None:
        """The highest level policy lets this attempt be published at, and why."""
        return change_ceiling(self.facts)

    @property
    def publishable(self) -> bool:
        """A finished, non-empty patch with no guard flag and no protected path."""
        return (
            self.stop is Stop.FINISHED
            and bool(self.changed)
            and self.guard.ok
            and not self.protected
        )
