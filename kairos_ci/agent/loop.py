"""The agent loop: ask, run the tools asked for, repeat; bounded in every direction.

It stops on ``finish``, or when a bound is reached: turns, tokens, wall time, budget
(checked before every call against the worst case of that call, after narrowing to a
cheaper tier), or a model error (the SDK has already retried what is worth retrying).
Every request passes the redactor on its way out, the one choke point for secrets.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from kairos_ci.agent.llm import Llm
from kairos_ci.agent.records import (
    AgentLimits,
    Block,
    Charge,
    Denial,
    LlmReply,
    LlmRequest,
    Stop,
    Text,
    Tier,
    ToolResult,
    ToolSpec,
    Turn,
)
from kairos_ci.agent.redact import Redactor
from kairos_ci.agent.spend import BudgetView, charge, choose_model
from kairos_ci.agent.tools.dispatch import Toolbox
from kairos_ci.config.records import Price
from kairos_ci.errors import ModelError

NUDGE = "Continue with the tools. Call finish when you are done, or to explain why you cannot."
MAX_NUDGES = 1


@dataclass(frozen=True)
class Session:
    system: str
    opening: str
    tools: tuple[ToolSpec, ...]
    candidates: tuple[tuple[Tier, str], ...]  # most capable first: narrowing falls back along it
    prices: Mapping[str, Price]
    budget: BudgetView
    limits: AgentLimits


@dataclass(frozen=True)
class LoopOutcome:
    stop: Stop
    reason: str
    summary: str | None
    charges: tuple[Charge, ...]
    turns: int
    denials: tuple[Denial, ...]
    signals: tuple[str, ...]
    models: tuple[str, ...]  # every model asked, in order of first use


@dataclass
class _State:
    """The loop's running tallies (local to one ``run_loop`` call)."""

    turns: list[Turn]
    charges: list[Charge]
    denials: list[Denial]
    signals: list[str]
    models: list[str]
    tokens: int = 0
    last_input: int = 0  # the previous call's input: the next one is at least as long
    nudges: int = 0
    asked: int = 0

    def outcome(self, stop: Stop, reason: str, summary: str | None = None) -> LoopOutcome:
        return LoopOutcome(
            stop,
            reason,
            summary,
            tuple(self.charges),
            self.asked,
            tuple(self.denials),
            tuple(dict.fromkeys(self.signals)),
            tuple(dict.fromkeys(self.models)),
        )


def run_loop(
    llm: Llm,
    session: Session,
    toolbox: Toolbox,
    redactor: Redactor,
    clock: Callable[[], float],
    deadline: float,
) -> LoopOutcome:
    state = _State([Turn("user", (Text(session.opening),))], [], [], [], [])
    limits = session.limits
    while True:
        bound = _bound(state, limits, clock, deadline)
        if bound is not None:
            return state.outcome(*bound)
        request = _next_request(state, session, redactor)
        if isinstance(request, LoopOutcome):
            return request
        try:
            reply = llm.complete(request)
        except ModelError as err:
            return state.outcome(Stop.MODEL_ERROR, str(err))
        _record(state, session, request.model, reply)
        if reply.stop_reason == "refusal":
            return state.outcome(Stop.REFUSED, "the model declined the task")
        ended = _act(state, reply, toolbox)
        if ended is not None:
            return ended


def _bound(
    state: _State, limits: AgentLimits, clock: Callable[[], float], deadline: float
) -> tuple[Stop, str] | None:
    if state.asked >= limits.max_turns:
        return Stop.TURNS, f"{limits.max_turns} model turns used without finishing"
    if state.tokens >= limits.max_total_tokens:
        return Stop.TOKENS, f"{state.tokens} tokens used (limit {limits.max_total_tokens})"
    if clock() >= deadline:
        return Stop.WALL_TIME, f"the {limits.wall_time_s:.0f}s wall-time budget is spent"
    return None


def _next_request(state: _State, session: Session, redactor: Redactor) -> LlmRequest | LoopOutcome:
    size = max(estimate_tokens(session.system, session.tools, state.turns), state.last_input)
    max_tokens = session.limits.max_tokens_per_turn
    if state.tokens + size + max_tokens > session.limits.max_total_tokens:
        return state.outcome(
            Stop.TOKENS, f"the next call would pass {session.limits.max_total_tokens} tokens"
        )
    view = session.budget.plus(state.charges)
    choice = choose_model(session.candidates, size, max_tokens, session.prices, view)
    if choice is None:
        return state.outcome(Stop.BUDGET, f"no model call fits the budget ({view.why()})")
    request = LlmRequest(
        choice.model, session.system, tuple(state.turns), max_tokens, session.tools
    )
    return redactor.request(request)


def _record(state: _State, session: Session, model: str, reply: LlmReply) -> None:
    state.asked += 1
    state.models.append(model)
    state.charges.append(charge(model, reply.usage, session.prices))
    state.tokens += reply.usage.total_input + reply.usage.output_tokens
    state.last_input = reply.usage.total_input
    blocks: tuple[Block, ...] = reply.blocks or (Text("(no content)"),)
    state.turns.append(Turn("assistant", blocks))


def _act(state: _State, reply: LlmReply, toolbox: Toolbox) -> LoopOutcome | None:
    calls = reply.tool_calls
    if not calls:
        if state.nudges >= MAX_NUDGES:
            return state.outcome(Stop.NO_FINISH, "the model stopped without calling finish")
        state.nudges += 1
        state.turns.append(Turn("user", (Text(NUDGE),)))
        return None
    results: list[ToolResult] = []
    summary = None
    for call in calls:
        outcome = toolbox.run(call)
        results.append(outcome.result)
        state.signals.extend(outcome.signals)
        if outcome.denial is not None:
            state.denials.append(outcome.denial)
        if outcome.summary is not None and summary is None:
            summary = outcome.summary
    state.turns.append(Turn("user", tuple(results)))
    if summary is not None:
        return state.outcome(Stop.FINISHED, "the model called finish", summary)
    return None


def estimate_tokens(system: str, tools: Sequence[ToolSpec], turns: Sequence[Turn]) -> int:
    """A generous estimate of a request's input tokens: a quarter of its UTF-8 bytes."""
    size = len(system.encode()) + sum(len(json.dumps(t.input_schema)) + 100 for t in tools)
    for turn in turns:
        for block in turn.blocks:
            size += len(json.dumps(block.__dict__, default=str).encode())
    return size // 4 + 1
