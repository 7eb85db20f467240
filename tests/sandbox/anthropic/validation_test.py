"""Request validation: what the Messages API rejects, the sandbox rejects."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kairos_ci.sandbox.anthropic.validation import (
    auth_problem,
    auth_style,
    body_problem,
    version_problem,
)

V2 = "2026-10-21"


def body(*messages: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"model": "claude-haiku-4-5", "max_tokens": 64, "messages": list(messages), **extra}


def user(content: Any) -> dict[str, Any]:
    return {"role": "user", "content": content}


def assistant(content: Any) -> dict[str, Any]:
    return {"role": "assistant", "content": content}


USE = {"type": "tool_use", "id": "toolu_1", "name": "read_file", "input": {"path": "a"}}
RESULT = {"type": "tool_result", "tool_use_id": "toolu_1", "content": "text"}


def test_a_plain_request_is_valid() -> None:
    assert body_problem(body(user("hi")), V2) is None


@pytest.mark.parametrize(
    ("request_body", "fragment"),
    [
        ([], "JSON object"),
        ({"max_tokens": 5, "messages": [user("x")]}, "model: Field required"),
        ({"model": "m", "messages": [user("x")]}, "max_tokens"),
        (body(user("x"), max_tokens=0), "max_tokens"),
        (body(), "at least one message"),
        (body(assistant("x")), "first message"),
        (body(user("a"), user("b")), 'multiple "user" roles'),
        (body({"role": "system", "content": "x"}), "role"),
        (body(user([{"text": "no type"}])), "content"),
        (body(user("x"), system=[{"type": "image"}]), "system"),
        (body(user("x"), tools=[{"name": "bad name", "input_schema": {"type": "object"}}]), "name"),
        (body(user("x"), tools=[{"name": "t", "input_schema": {"type": "string"}}]), "object"),
        (body(user("x"), temperature=0.2), "temperature: Extra inputs"),
        (body(user("x"), top_k=5), "top_k"),
    ],
)
def test_invalid_requests_are_rejected(request_body: Any, fragment: str) -> None:
    problem = body_problem(request_body, V2)
    assert problem is not None and fragment in problem


def test_sampling_parameters_are_fine_under_the_old_version() -> None:
    assert body_problem(body(user("x"), temperature=0.2), "2023-06-01") is None


def test_tool_results_must_answer_the_previous_tool_use() -> None:
    good = body(user("go"), assistant([USE]), user([RESULT, {"type": "text", "text": "more"}]))
    assert body_problem(good, V2) is None
    stray = dict(RESULT, tool_use_id="toolu_other")
    problem = body_problem(body(user("go"), assistant([USE]), user([stray])), V2)
    assert problem and "unexpected `tool_use_id`" in problem
    problem = body_problem(body(user("go"), assistant([USE]), user("no result")), V2)
    assert problem and "without `tool_result`" in problem
    problem = body_problem(body(user([RESULT])), V2)
    assert problem and "unexpected `tool_use_id`" in problem


def test_tool_results_come_first_in_their_turn() -> None:
    late = user([{"type": "text", "text": "first"}, RESULT])
    problem = body_problem(body(user("go"), assistant([USE]), late), V2)
    assert problem and "before any other content" in problem


def test_blocks_belong_to_their_roles() -> None:
    assert "assistant turns" in str(body_problem(body(user([USE])), V2))
    problem = body_problem(body(user("x"), assistant([RESULT]), user("y")), V2)
    assert "user turns" in str(problem)


def test_at_most_four_cache_breakpoints() -> None:
    marked = {"type": "text", "text": "x", "cache_control": {"type": "ephemeral"}}
    assert body_problem(body(user([marked] * 4)), V2) is None
    assert "maximum of 4" in str(body_problem(body(user([marked] * 5)), V2))


def test_count_tokens_needs_no_max_tokens() -> None:
    request = {"model": "m", "messages": [user("x")]}
    assert body_problem(request, V2, counting=True) is None


def test_auth_accepts_both_header_styles() -> None:
    assert auth_style({"x-api-key": "k"}) == "x-api-key"
    assert auth_style({"authorization": "Bearer k"}) == "bearer"
    assert auth_style({"authorization": "Basic k"}) is None
    assert auth_problem({}, None) == "x-api-key header is required"
    assert auth_problem({"authorization": "Bearer k"}, "k") is None
    assert auth_problem({"x-api-key": "wrong"}, "k") == "invalid x-api-key"


def test_version_header_is_required_and_known() -> None:
    assert version_problem({"anthropic-version": "2023-06-01"}) is None
    assert version_problem({"anthropic-version": V2}) is None
    assert "required" in str(version_problem({}))
    assert "not a valid version" in str(version_problem({"anthropic-version": "2020-01-01"}))


def test_the_contract_examples_are_valid(shared_dir: Path) -> None:
    folder = shared_dir / "contracts" / "anthropic"
    for name in ("request.basic.json", "request.tools.json", "request.tool_result.json"):
        example = json.loads((folder / name).read_text())
        assert body_problem(example, "2023-06-01") is None, name
    counting = json.loads((folder / "count_tokens.request.json").read_text())
    assert body_problem(counting, V2, counting=True) is None
