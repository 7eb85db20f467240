from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from kairos_ci.agent.records import LlmReply, LlmRequest, ToolSpec
from kairos_ci.agent.redact import Redactor
from kairos_ci.agent.untrusted import Envelope
from kairos_ci.context import Secret
from kairos_ci.errors import ModelUnavailable
from kairos_ci.memory.records import Spend
from kairos_ci.plan.bounds import BoundKind, PlanBounds
from kairos_ci.plan.consult import Checked, Consultation, Meter, consult
from kairos_ci.plan.inventory import InventoryLimits, take_inventory
from kairos_ci.plan.readonly_tools import ReadOnlyTools
from tests.plan.express_app import build_express_app
from tests.plan.fakes import START, ScriptedLlm, TickingClock, say, use

SUBMIT = ToolSpec(
    "submit_answer",
    "Hand in the answer.",
    {
        "type": "object",
        "properties": {"answer": {"type": "integer"}},
        "required": ["answer"],
        "additionalProperties": False,
    },
)
ASK = Consultation("You plan.", "What is the answer?", SUBMIT, "claude-opus-5-5", 1000)


def meter(**changes: object) -> Meter:
    base = Meter(
        clock=TickingClock(),
        ends=START + timedelta(minutes=10),
        bounds=PlanBounds(),
        prices={},
        spent=Spend(),
        calls=0,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def tools(root: Path) -> ReadOnlyTools:
    return ReadOnlyTools(
        take_inventory(build_express_app(root)), InventoryLimits(), Envelope("n" * 16)
    )


def test_a_submission_breaking_its_schema_goes_back_then_one_that_fits_ends_it(
    tmp_path: Path,
) -> None:
    model = ScriptedLlm(use("submit_answer", answer="many"), use("submit_answer", answer=42))
    done = consult(model, ASK, tools(tmp_path), meter(), Redactor.of())
    assert done.submitted == {"answer": 42} and done.hit is None
    first_result = model.requests[1].turns[-1].blocks[0]
    assert (
        first_result.is_error and "answer: 'many' is not of type 'integer'" in first_result.content
    )  # type: ignore[union-attr]
    assert len(done.charges) == 2


def test_the_check_refuses_at_most_max_repairs_times(tmp_path: Path) -> None:
    model = ScriptedLlm(*(use("submit_answer", answer=n) for n in (1, 2, 3)))
    refuse = lambda submitted, spent: Checked(("wrong",))  # noqa: E731
    done = consult(model, ASK, tools(tmp_path), meter(), Redactor.of(), refuse, 2)
    assert done.submitted == {"answer": 3} and done.problems == ("wrong",)
    assert len(model.requests) == 3


def test_tool_calls_count_against_the_cap(tmp_path: Path) -> None:
    model = ScriptedLlm(use("read_file", path="src/app.js"), use("read_file", path="src/server.js"))
    done = consult(
        model, ASK, tools(tmp_path), meter(calls=8, bounds=PlanBounds(tool_calls=10)), Redactor.of()
    )
    assert done.hit is not None and done.hit.kind is BoundKind.TOOL_CALLS
    assert done.calls == 2 and len(model.requests) == 2


def test_spend_before_the_phase_counts_and_the_deadline_stops_it(tmp_path: Path) -> None:
    readonly = tools(tmp_path)
    cases = {
        BoundKind.USD: meter(spent=Spend(5.0, 0, 0)),
        BoundKind.DEADLINE: meter(ends=START),
        BoundKind.TOKENS: meter(bounds=PlanBounds(tokens=500)),
    }
    for kind, limits in cases.items():
        done = consult(ScriptedLlm(), ASK, readonly, limits, Redactor.of())
        assert done.hit is not None and done.hit.kind is kind


class FailingLlm:
    def complete(self, request: LlmRequest) -> LlmReply:
        raise ModelUnavailable("overloaded after 3 retries")


def test_a_model_error_stops_the_phase_with_the_reason(tmp_path: Path) -> None:
    done = consult(FailingLlm(), ASK, tools(tmp_path), meter(), Redactor.of())
    assert done.hit is not None and str(done.hit) == "model error: overloaded after 3 retries"


def test_secrets_are_redacted_from_what_the_model_is_sent(tmp_path: Path) -> None:
    secret = Secret("ghs_" + "S" * 36)
    asked = Consultation("You plan.", f"token {secret.reveal()}", SUBMIT, "claude-opus-5-5", 1000)
    model = ScriptedLlm(use("submit_answer", answer=1))
    consult(model, asked, tools(tmp_path), meter(), Redactor.of((secret,)))
    assert secret.reveal() not in str(model.requests[0])


def test_a_reply_without_a_tool_call_is_nudged_once_then_a_submission_ends_it(
    tmp_path: Path,
) -> None:
    model = ScriptedLlm(say("Let me think."), use("submit_answer", answer=7))
    done = consult(model, ASK, tools(tmp_path), meter(), Redactor.of())
    assert done.submitted == {"answer": 7} and done.hit is None
    nudge = model.requests[1].turns[-1].blocks[0]
    assert nudge.text == "Use the tools if you need to, then call submit_answer with the result."  # type: ignore[union-attr]


def test_a_repaired_submission_is_accepted_with_no_problems_left(tmp_path: Path) -> None:
    model = ScriptedLlm(use("submit_answer", answer=1), use("submit_answer", answer=42))

    def must_be_42(submitted: Mapping[str, Any], spent: Spend) -> Checked:
        return Checked(() if submitted["answer"] == 42 else ("the answer is 42",))

    done = consult(model, ASK, tools(tmp_path), meter(), Redactor.of(), must_be_42)
    assert done.submitted == {"answer": 42} and done.problems == ()
    refusal = model.requests[1].turns[-1].blocks[0]
    assert refusal.is_error  # type: ignore[union-attr]
    assert refusal.content == (  # type: ignore[union-attr]
        "not accepted; fix these and call submit_answer again:\n- the answer is 42"
    )


def test_reads_go_back_fenced_and_count_as_tool_calls(tmp_path: Path) -> None:
    model = ScriptedLlm(use("read_file", path="src/app.js"), use("submit_answer", answer=3))
    done = consult(model, ASK, tools(tmp_path), meter(), Redactor.of())
    assert done.calls == 1 and done.submitted == {"answer": 3}
    read = model.requests[1].turns[-1].blocks[0]
    assert "<untrusted-nnnnnnnnnnnnnnnn" in read.content  # type: ignore[union-attr]
    assert "require('express')" in read.content  # type: ignore[union-attr]


def test_the_same_failing_call_three_times_is_stuck(tmp_path: Path) -> None:
    model = ScriptedLlm(*(use("read_file", path="no/such.js") for _ in range(3)))
    done = consult(model, ASK, tools(tmp_path), meter(), Redactor.of())
    assert done.hit is not None and done.hit.kind is BoundKind.STUCK
    assert str(done.hit).startswith("stuck: repeated error (read_file ")
    assert done.calls == 3 and done.submitted is None
