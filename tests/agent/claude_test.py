"""The Claude adapter against the sandbox, through the real SDK."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from kairos_ci.agent.claude import ClaudeLlm, ClaudeSettings
from kairos_ci.agent.records import LlmRequest, Text, ToolCall, ToolResult, ToolSpec, Turn
from kairos_ci.context import Secret
from kairos_ci.errors import ModelAuthFailed, ModelError, ModelRefused, ModelUnavailable
from kairos_ci.sandbox.anthropic.script import parse_script
from kairos_ci.sandbox.anthropic.server import Handle, running

KEY = Secret("sk-ant-adapter-test-0000")
FAST = {"retry-after-ms": "5"}
TOOL = ToolSpec(
    "finish", "Stop.", {"type": "object", "properties": {"summary": {"type": "string"}}}
)
TEXT = {"content": [{"type": "text", "text": "ok"}]}


def request(*turns: Turn, model: str = "claude-haiku-4-5") -> LlmRequest:
    turns = turns or (Turn("user", (Text("hello"),)),)
    return LlmRequest(
        model=model, system="You are terse.", turns=turns, max_tokens=64, tools=(TOOL,)
    )


@contextmanager
def adapter(
    *replies: Any, retries: int = 2, wait: float = 60.0
) -> Iterator[tuple[ClaudeLlm, Handle]]:
    with running(parse_script({"replies": list(replies)})) as handle:
        settings = ClaudeSettings(max_retries=retries, timeout_s=10, max_retry_wait_s=wait)
        yield ClaudeLlm(KEY, handle.base_url, settings), handle


def test_request_shape_caches_the_prefix_and_sends_no_sampling_parameters() -> None:
    use = ToolCall("toolu_1", "finish", {"summary": "x"})
    turns = (
        Turn("user", (Text("fix it"),)),
        Turn("assistant", (Text("reading"), use)),
        Turn("user", (ToolResult("toolu_1", "done", is_error=True),)),
    )
    with adapter(TEXT) as (llm, handle):
        llm.complete(request(*turns))
        [sent] = handle.requests()
    body = sent["body"]
    assert sent["headers"]["anthropic-version"] == "2026-10-21" and sent["auth"] == "bearer"
    assert not {"temperature", "top_p", "top_k"} & set(body)
    assert body["system"] == [
        {"type": "text", "text": "You are terse.", "cache_control": {"type": "ephemeral"}}
    ]
    assert body["tools"][0]["name"] == "finish" and body["tool_choice"] == {"type": "auto"}
    last = body["messages"][-1]["content"][-1]
    assert last["type"] == "tool_result" and last["is_error"] is True
    assert last["cache_control"] == {"type": "ephemeral"}
    assert body["messages"][1]["content"][1] == {
        "type": "tool_use",
        "id": "toolu_1",
        "name": "finish",
        "input": {"summary": "x"},
    }


def test_the_reply_is_mapped_with_usage_and_request_id() -> None:
    reply = {
        "model": "claude-haiku-4-5-20251001",
        "content": [
            {"type": "text", "text": "calling"},
            {"type": "thinking", "thinking": "hmm", "signature": "s"},
            {"type": "tool_use", "id": "toolu_9", "name": "finish", "input": {"summary": "s"}},
        ],
    }
    with adapter(reply, TEXT) as (llm, _):
        first = llm.complete(request())
        second = llm.complete(request())
    assert first.model == "claude-haiku-4-5-20251001"
    assert first.blocks == (Text("calling"), ToolCall("toolu_9", "finish", {"summary": "s"}))
    assert first.stop_reason == "tool_use" and first.request_id == "req_sandbox_000001"
    assert first.usage.cache_write_tokens > 0 and first.usage.output_tokens > 0
    assert second.usage.cache_read_tokens == first.usage.cache_write_tokens  # prefix reused


def test_529_and_429_are_retried_by_the_sdk() -> None:
    faults = [
        {"error": {"status": 529, "headers": FAST}},
        {"error": {"status": 429, "headers": {"retry-after": "0.2"}}},
    ]
    with adapter(*faults, TEXT) as (llm, handle):
        started = time.monotonic()
        assert llm.complete(request()).blocks == (Text("ok"),)
        assert time.monotonic() - started >= 0.2
        assert [r["retry_count"] for r in handle.requests()] == [0, 1, 2]


@pytest.mark.parametrize(
    ("fault", "error", "fragment", "attempts"),
    [
        ({"status": 529, "headers": FAST}, ModelUnavailable, "overloaded_error", 3),
        ({"status": 500, "headers": FAST}, ModelUnavailable, "api_error", 3),
        ({"status": 401}, ModelAuthFailed, "authentication_error", 1),
        ({"status": 403}, ModelAuthFailed, "permission_error", 1),
        ({"status": 402}, ModelAuthFailed, "billing_error", 1),
        ({"status": 400}, ModelRefused, "invalid_request_error", 1),
        ({"status": 413, "body": "Request Entity Too Large"}, ModelRefused, "HTTP 413", 1),
        ({"status": 418}, ModelError, "HTTP 418", 1),
    ],
)
def test_failures_map_to_kairos_errors(
    fault: dict[str, Any], error: type[ModelError], fragment: str, attempts: int
) -> None:
    with adapter(*[{"error": fault}] * attempts) as (llm, handle):
        with pytest.raises(error, match=fragment) as raised:
            llm.complete(request())
        assert type(raised.value) is error
        assert len(handle.requests()) == attempts
    assert "claude-haiku-4-5" in str(raised.value) and "req_sandbox_" in str(raised.value)


def test_a_long_retry_after_is_not_waited_for() -> None:
    with adapter({"error": {"status": 429, "headers": {"retry-after": "3600"}}}) as (llm, handle):
        started = time.monotonic()
        with pytest.raises(ModelUnavailable, match="retry-after 3600s"):
            llm.complete(request())
        assert time.monotonic() - started < 5 and len(handle.requests()) == 1


def test_an_exhausted_spend_limit_is_not_retried() -> None:
    body = {
        "type": "error",
        "error": {
            "type": "rate_limit_error",
            "message": "monthly spend limit reached",
            "details": {"error_code": "enforced_spend_limit_reached"},
        },
    }
    with adapter({"error": {"status": 429, "headers": FAST, "body": body}}) as (llm, handle):
        with pytest.raises(ModelAuthFailed, match="spend limit"):
            llm.complete(request())
        assert len(handle.requests()) == 1


def test_unknown_model_and_unreachable_api() -> None:
    with running(parse_script({"replies": {"claude-haiku-4-5": [TEXT]}})) as handle:
        llm = ClaudeLlm(KEY, handle.base_url, ClaudeSettings(max_retries=0))
        with pytest.raises(ModelRefused, match="not_found_error: model: claude-nope"):
            llm.complete(request(model="claude-nope"))
        dead = handle.base_url
    gone = ClaudeLlm(KEY, dead, ClaudeSettings(max_retries=0, timeout_s=2))
    with pytest.raises(ModelUnavailable, match="cannot reach the API"):
        gone.complete(request())


def test_the_key_is_never_in_an_error_message() -> None:
    with adapter({"error": {"status": 401}}) as (llm, _), pytest.raises(ModelAuthFailed) as raised:
        llm.complete(request())
    assert KEY.reveal() not in str(raised.value)


def test_importing_the_agent_does_not_import_anthropic() -> None:
    modules = "kairos_ci.agent.claude, kairos_ci.agent.fix, kairos_ci.cli"
    code = f"import sys, {modules}; print('anthropic' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
