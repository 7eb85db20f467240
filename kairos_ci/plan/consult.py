"""One planning phase's conversation with the plan model: read-only tools, then a submission.

The model explores with the read-only tools and ends by calling the phase's submit tool,
whose input is the phase's result. A submission that breaks the tool's schema, or that the
caller's check refuses, goes back as an error; the check may refuse at most ``max_repairs``
times, after which the last submission is returned with its problems. Before every call
the meter is read: the phase's deadline, the spend and token caps (against the worst case
of the next call), the tool-call cap; after every round the stuck detector. Whatever stops
the phase early is a ``BoundHit``; nothing is presented as finished that was not.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kairos_ci.agent.llm import Llm
from kairos_ci.agent.loop import estimate_tokens
from kairos_ci.agent.records import (
    Charge,
    LlmRequest,
    Text,
    ToolCall,
    ToolResult,
    ToolSpec,
    Turn,
)
from kairos_ci.agent.redact import Redactor
from kairos_ci.agent.spend import charge, worst_case_usd
from kairos_ci.clock import Clock
from kairos_ci.config.records import Price
from kairos_ci.errors import ModelError
from kairos_ci.memory.records import Spend
from kairos_ci.plan.bounds import (
    BoundHit,
    BoundKind,
    PlanBounds,
    calls_hit,
    spend_hit,
    spend_of,
)
from kairos_ci.plan.readonly_tools import ReadOnlyTools, input_problem
from kairos_ci.plan.stuck import Exchange, stuck

NUDGE = "Use the tools if you need to, then call {name} with the result."


@dataclass(frozen=True)
class Checked:
    """What a check found with a submission, and the model calls it made (a critic's)."""

    problems: tuple[str, ...]
    charges: tuple[Charge, ...] = ()


# A submission and what the run has spent so far -> what is wrong with it.
Check = Callable[[Mapping[str, Any], Spend], Checked]


@dataclass(frozen=True)
class Consultation:
    system: str
    opening: str
    submit: ToolSpec
    model: str
    max_tokens: int = 8192


@dataclass(frozen=True)
class Meter:
    """What the phase may still use: the run's totals so far, the bounds, the phase's end."""

    clock: Clock
    ends: datetime
    bounds: PlanBounds
    prices: Mapping[str, Price]
    spent: Spend  # by earlier phases
    calls: int  # tool calls made by earlier phases


@dataclass(frozen=True)
class Consulted:
    submitted: Mapping[str, Any] | None
    problems: tuple[str, ...]  # what the check still found when repairs ran out
    hit: BoundHit | None
    charges: tuple[Charge, ...]
    calls: int  # tool calls made in this phase


@dataclass
class _Talk:
    """The running state of one consultation (local to ``consult``)."""

    turns: list[Turn]
    charges: list[Charge]
    history: list[Exchange]
    earlier: Spend  # by earlier phases: a check spends from what is left after them and this
    calls: int = 0
    repairs: int = 0
    nudged: bool = False

    def spend(self) -> Spend:
        return spend_of(self.charges)

    def stop(self, hit: BoundHit) -> Consulted:
        return Consulted(None, (), hit, tuple(self.charges), self.calls)


def consult(
    llm: Llm,
    consultation: Consultation,
    tools: ReadOnlyTools,
    meter: Meter,
    redactor: Redactor,
    check: Check | None = None,
    max_repairs: int = 2,
) -> Consulted:
    talk = _Talk([Turn("user", (Text(consultation.opening),))], [], [], meter.spent)
    specs = (*tools.specs, consultation.submit)
    while True:
        hit = _meter_hit(meter, talk, consultation, specs)
        if hit is not None:
            return talk.stop(hit)
        request = LlmRequest(
            consultation.model,
            consultation.system,
            tuple(talk.turns),
            consultation.max_tokens,
            specs,
        )
        try:
            reply = llm.complete(redactor.request(request))
        except ModelError as err:
            return talk.stop(BoundHit(BoundKind.MODEL_ERROR, str(err)))
        talk.charges.append(charge(request.model, reply.usage, meter.prices))
        talk.turns.append(Turn("assistant", reply.blocks or (Text("(no content)"),)))
        if not reply.tool_calls:
            if talk.nudged:
                detail = f"the model stopped without calling {consultation.submit.name}"
                return talk.stop(BoundHit(BoundKind.NO_RESULT, detail))
            talk.nudged = True
            nudge = NUDGE.format(name=consultation.submit.name)
            talk.turns.append(Turn("user", (Text(nudge),)))
            continue
        done = _answer(talk, reply.tool_calls, tools, consultation.submit, (check, max_repairs))
        if done is not None:
            return done
        found = stuck(talk.history)
        if found is not None:
            return talk.stop(BoundHit(BoundKind.STUCK, str(found).removeprefix("stuck: ")))


def _meter_hit(
    meter: Meter, talk: _Talk, consultation: Consultation, specs: tuple[ToolSpec, ...]
) -> BoundHit | None:
    if meter.clock() >= meter.ends:
        return BoundHit(BoundKind.DEADLINE, "the phase's share of the deadline is used up")
    spent = meter.spent + talk.spend()
    hit = spend_hit(spent, meter.bounds) or calls_hit(meter.calls + talk.calls, meter.bounds)
    if hit is not None:
        return hit
    size = estimate_tokens(consultation.system, specs, talk.turns)
    worst = worst_case_usd(consultation.model, size, consultation.max_tokens, meter.prices)
    if spent.usd + worst > meter.bounds.usd:
        detail = f"${spent.usd:.2f} spent; the next call could cost ${worst:.2f} more"
        return BoundHit(BoundKind.USD, f"{detail}, past ${meter.bounds.usd:.2f}")
    tokens = spent.input_tokens + spent.output_tokens + size + consultation.max_tokens
    if tokens > meter.bounds.tokens:
        detail = f"the next call could pass {meter.bounds.tokens:,} tokens"
        return BoundHit(BoundKind.TOKENS, detail)
    return None


def _answer(
    talk: _Talk,
    calls: tuple[ToolCall, ...],
    tools: ReadOnlyTools,
    submit: ToolSpec,
    checking: tuple[Check | None, int],
) -> Consulted | None:
    """Run the round's tool calls; a Consulted when an accepted submission is among them."""
    check, max_repairs = checking
    results: list[ToolResult] = []
    accepted: tuple[Mapping[str, Any], tuple[str, ...]] | None = None
    for call in calls:
        if call.name != submit.name:
            result = tools.run(call)
            talk.calls += 1
            talk.history.append(Exchange(_action(call), result.content, result.is_error))
            results.append(result)
            continue
        problem = input_problem(submit.input_schema, call.input)
        if problem:
            results.append(ToolResult(call.id, f"invalid input: {problem}", True))
            continue
        checked = check(call.input, talk.earlier + talk.spend()) if check else Checked(())
        talk.charges.extend(checked.charges)
        problems = checked.problems
        if problems and talk.repairs < max_repairs:
            talk.repairs += 1
            listed = "\n".join(f"- {p}" for p in problems)
            text = f"not accepted; fix these and call {submit.name} again:\n{listed}"
            results.append(ToolResult(call.id, text, True))
            continue
        accepted = accepted or (call.input, problems)
        results.append(ToolResult(call.id, "received"))
    talk.turns.append(Turn("user", tuple(results)))
    if accepted is None:
        return None
    return Consulted(accepted[0], accepted[1], None, tuple(talk.charges), talk.calls)


def _action(call: ToolCall) -> str:
    return f"{call.name} {json.dumps(dict(call.input), sort_keys=True, default=str)}"
