"""The optional critic pass: a second model reads a draft that passed every deterministic
rule, and its problems go back to the planner as one more repair round.

Off unless the config names a critic model (``models.critic``). It never blocks a plan on
its own: a critic that fails, or whose call could pass the planning run's USD or token
cap, is skipped, and its problems are only ever fed back within the repair rounds the
draft phase allows. Its calls are charged to the run like every other.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kairos_ci.agent.llm import Llm
from kairos_ci.agent.loop import estimate_tokens
from kairos_ci.agent.records import LlmRequest, Text, ToolSpec, Turn
from kairos_ci.agent.redact import Redactor
from kairos_ci.agent.spend import charge, worst_case_usd
from kairos_ci.agent.untrusted import Envelope
from kairos_ci.config.records import Price
from kairos_ci.errors import ModelError
from kairos_ci.memory.records import Spend
from kairos_ci.plan.bounds import PlanBounds
from kairos_ci.plan.consult import Checked
from kairos_ci.plan.prompting import prompt

CRITIQUE = "submit_critique"
MAX_TOKENS = 2048
MAX_PROBLEMS = 20
CRITIQUE_TOOL = ToolSpec(
    CRITIQUE,
    "Hand in the problems you found in the plan; an empty list when there are none.",
    {
        "type": "object",
        "additionalProperties": False,
        "required": ["problems"],
        "properties": {
            "problems": {
                "type": "array",
                "maxItems": MAX_PROBLEMS,
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["step", "problem"],
                    "properties": {
                        "step": {"type": "string", "minLength": 1, "maxLength": 40},
                        "problem": {"type": "string", "minLength": 1, "maxLength": 600},
                    },
                },
            }
        },
    },
)


@dataclass(frozen=True)
class Critic:
    llm: Llm
    model: str
    prices: Mapping[str, Price]
    bounds: PlanBounds
    redactor: Redactor


def critique(critic: Critic, goal: str, draft: Mapping[str, Any], spent: Spend) -> Checked:
    """The critic's problems with ``draft``, as repair feedback, and what its call cost."""
    envelope = Envelope.fresh()
    document = {"goal": goal, "plan": draft}
    text = envelope.wrap("the draft plan", json.dumps(document, ensure_ascii=False, indent=1))
    opening = prompt("critic", nonce=envelope.nonce, plan=text)
    turns = (Turn("user", (Text(opening),)),)
    request = LlmRequest(critic.model, "", turns, MAX_TOKENS, (CRITIQUE_TOOL,), "any")
    if _over(critic, request, spent):
        return Checked(())
    try:
        reply = critic.llm.complete(critic.redactor.request(request))
    except ModelError:
        return Checked(())  # the deterministic rules passed: a critic's outage blocks nothing
    cost = (charge(request.model, reply.usage, critic.prices),)
    found = [call.input for call in reply.tool_calls if call.name == CRITIQUE][:1]
    items = found[0].get("problems", []) if found else []
    problems = tuple(_problem(item) for item in items[:MAX_PROBLEMS] if isinstance(item, dict))
    return Checked(tuple(p for p in problems if p), cost)


def _over(critic: Critic, request: LlmRequest, spent: Spend) -> bool:
    size = estimate_tokens(request.system, request.tools, request.turns)
    worst = worst_case_usd(request.model, size, request.max_tokens, critic.prices)
    tokens = spent.input_tokens + spent.output_tokens + size + request.max_tokens
    return spent.usd + worst > critic.bounds.usd or tokens > critic.bounds.tokens


def _problem(item: Mapping[str, Any]) -> str:
    step, problem = str(item.get("step", "plan"))[:40], str(item.get("problem", ""))[:600]
    return f"critic, {step}: {problem}" if problem.strip() else ""
