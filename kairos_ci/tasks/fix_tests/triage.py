"""Triage: one request to the triage-tier model sorts failing tests into real, flaky, infra.

The model answers with one ``classify_failure`` call per test. Only tests it calls
``real`` go on to the work model; a test it gives no verdict for is not sent either
(the next run asks again). The test text is untrusted: it reaches the model normalised,
redacted and fenced, and the model's reasons come back the same way before anyone
stores or shows them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from kairos_ci.agent import prompts
from kairos_ci.agent.llm import Llm, model_for
from kairos_ci.agent.loop import estimate_tokens
from kairos_ci.agent.records import (
    Charge,
    FailingTest,
    LlmReply,
    LlmRequest,
    Text,
    Tier,
    ToolSpec,
    Turn,
)
from kairos_ci.agent.redact import Redactor
from kairos_ci.agent.spend import BudgetView, charge, choose_model
from kairos_ci.agent.untrusted import Envelope, Profile, cap, normalise
from kairos_ci.config.records import Config
from kairos_ci.errors import ModelError

Verdict = Literal["real", "flaky", "infra"]
VERDICTS: tuple[Verdict, ...] = ("real", "flaky", "infra")
MAX_TESTS = 20  # one request; more would crowd the prompt (the rest wait for the next run)
MAX_TEST_CHARS = 3000
MAX_REASON_CHARS = 300

CLASSIFY = ToolSpec(
    "classify_failure",
    "Classify one failing test. Call once per test.",
    {
        "type": "object",
        "properties": {
            "test_id": {"type": "string", "description": "The test id exactly as given."},
            "verdict": {"type": "string", "enum": list(VERDICTS)},
            "reason": {"type": "string", "maxLength": 500},
        },
        "required": ["test_id", "verdict", "reason"],
        "additionalProperties": False,
    },
)


@dataclass(frozen=True)
class Classification:
    test_id: str
    verdict: Verdict
    reason: str  # the model's words: normalised, redacted, one line, capped


@dataclass(frozen=True)
class Triage:
    verdicts: Mapping[str, Classification]
    charges: tuple[Charge, ...]
    signals: tuple[str, ...]  # hidden content stripped from the test text
    error: str | None = None  # why there are no verdicts: budget, model unavailable

    def real(self, tests: Sequence[FailingTest]) -> tuple[FailingTest, ...]:
        return tuple(t for t in tests if self.verdict_of(t.id) == "real")

    def verdict_of(self, test_id: str) -> Verdict | None:
        found = self.verdicts.get(test_id)
        return found.verdict if found else None


def triage(
    llm: Llm, config: Config, tests: Sequence[FailingTest], budget: BudgetView, redactor: Redactor
) -> Triage:
    """Ask the triage model about ``tests`` (the first ``MAX_TESTS``) in one request."""
    tests = tests[:MAX_TESTS]
    envelope = Envelope.fresh()
    opening, signals = _opening(tests, envelope, redactor)
    request = LlmRequest(
        model=model_for(Tier.TRIAGE, config.models),
        system=prompts.render("triage", nonce=envelope.nonce),
        turns=(Turn("user", (Text(opening),)),),
        max_tokens=min(4096, 300 + 200 * len(tests)),
        tools=(CLASSIFY,),
        tool_choice="any",
    )
    size = estimate_tokens(request.system, request.tools, request.turns)
    candidates = ((Tier.TRIAGE, request.model),)
    if choose_model(candidates, size, request.max_tokens, config.budget.prices, budget) is None:
        return Triage({}, (), signals, f"no model call fits the budget ({budget.why()})")
    try:
        reply = llm.complete(redactor.request(request))
    except ModelError as err:
        return Triage({}, (), signals, f"the triage model failed: {err}")
    charges = (charge(request.model, reply.usage, config.budget.prices),)
    verdicts = _verdicts(reply, {t.id for t in tests}, redactor)
    return Triage(verdicts, charges, signals)


def _opening(
    tests: Sequence[FailingTest], envelope: Envelope, redactor: Redactor
) -> tuple[str, tuple[str, ...]]:
    blocks, signals = [], []
    for number, test in enumerate(tests, 1):
        text = (
            f"test id: {test.id}\nfile: {test.path or 'unknown'}\n"
            f"message: {test.message or ''}\ndetails:\n{test.details or ''}"
        )
        clean = normalise(text, Profile.TEXT)
        signals += [f"{kind} stripped from failing test output" for kind in clean.stripped]
        body = cap(redactor.text(clean.text), MAX_TEST_CHARS)
        blocks.append(f"Test {number} of {len(tests)}:\n" + envelope.wrap("failing test", body))
    return "\n\n".join(blocks), tuple(dict.fromkeys(signals))


def _verdicts(reply: LlmReply, known: set[str], redactor: Redactor) -> dict[str, Classification]:
    found: dict[str, Classification] = {}
    for call in reply.tool_calls:
        if call.name != CLASSIFY.name:
            continue
        test_id, verdict, reason = (call.input.get(k) for k in ("test_id", "verdict", "reason"))
        if test_id not in known or test_id in found or verdict not in VERDICTS:
            continue  # an unknown id, a second verdict, or a made-up verdict: ignored
        found[str(test_id)] = Classification(
            str(test_id), verdict, one_line(str(reason or ""), redactor, MAX_REASON_CHARS)
        )
    return found


def one_line(text: str, redactor: Redactor, limit: int) -> str:
    """Model or test text made fit for a summary line or memory: visible, secret-free, short."""
    flat = " ".join(redactor.text(normalise(text, Profile.TEXT).text).split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."
