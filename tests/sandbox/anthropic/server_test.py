"""The sandbox over real HTTP, driven by the real anthropic SDK."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import anthropic
import pytest

from kairos_ci.errors import InputError
from kairos_ci.sandbox.anthropic.script import parse_script
from kairos_ci.sandbox.anthropic.server import Handle, running, spawned

FAST = {"retry-after-ms": "5"}  # keeps the SDK's retry waits short
pytestmark = pytest.mark.filterwarnings("ignore:The model .* is deprecated:DeprecationWarning")
TEXT = {"content": [{"type": "text", "text": "hello"}]}
KEY = "sk-ant-sandbox-test-key"


def client(handle: Handle, retries: int = 2) -> anthropic.Anthropic:
    return anthropic.Anthropic(api_key=KEY, base_url=handle.base_url, max_retries=retries)


def ask(sdk: anthropic.Anthropic, model: str = "claude-haiku-4-5", **extra: Any) -> Any:
    messages = [{"role": "user", "content": "hi"}]
    return sdk.messages.create(model=model, max_tokens=32, messages=messages, **extra)


def test_replies_are_served_in_order_with_computed_usage() -> None:
    second = {"content": [{"type": "tool_use", "name": "finish", "input": {"summary": "done"}}]}
    with running(parse_script({"replies": [TEXT, second]})) as handle:
        sdk = client(handle)
        first = ask(sdk)
        reply = ask(sdk)
        assert first.content[0].text == "hello" and first.stop_reason == "end_turn"
        assert first.usage.input_tokens > 0 and first.usage.output_tokens == 2
        assert reply.stop_reason == "tool_use"
        assert reply.content[0].input == {"summary": "done"}
        assert first._request_id == "req_sandbox_000001"
        assert [r["status"] for r in handle.requests()] == [200, 200]


def test_replies_per_model_with_a_fallback() -> None:
    other = {"content": [{"type": "text", "text": "from the fallback"}]}
    script = parse_script({"replies": {"claude-haiku-4-5": [TEXT], "*": [other]}})
    with running(script) as handle:
        sdk = client(handle)
        assert ask(sdk, "claude-sonnet-4-5").content[0].text == "from the fallback"
        assert ask(sdk).content[0].text == "hello"


def test_unknown_model_and_exhausted_script() -> None:
    with running(parse_script({"replies": {"claude-haiku-4-5": [TEXT]}})) as handle:
        sdk = client(handle)
        with pytest.raises(anthropic.NotFoundError, match="claude-nope"):
            ask(sdk, "claude-nope")
        ask(sdk)
        with pytest.raises(anthropic.InternalServerError, match="no reply left"):
            ask(sdk)
        # x-should-retry: false means the SDK asked once, not three times.
        assert [r["status"] for r in handle.requests()] == [404, 200, 500]


def test_the_sdk_retries_529_and_429_with_retry_after() -> None:
    replies = [
        {"error": {"status": 529, "headers": FAST}},
        {"error": {"status": 429, "headers": {"retry-after": "0.3"}}},
        TEXT,
    ]
    with running(parse_script({"replies": replies})) as handle:
        assert ask(client(handle)).content[0].text == "hello"
        log = handle.requests()
    assert [r["status"] for r in log] == [529, 429, 200]
    assert [r["retry_count"] for r in log] == [0, 1, 2]
    assert log[2]["at"] - log[1]["at"] >= 0.29  # the SDK waited as retry-after said


def test_error_bodies_carry_the_envelope_and_request_id() -> None:
    custom = {"type": "error", "error": {"type": "billing_error", "message": "pay up"}}
    replies = [{"error": {"status": 402, "body": custom}}, {"error": {"status": 403}}]
    with running(parse_script({"replies": replies})) as handle:
        sdk = client(handle, retries=0)
        with pytest.raises(anthropic.APIStatusError) as billing:
            ask(sdk)
        assert billing.value.status_code == 402 and "pay up" in str(billing.value)
        with pytest.raises(anthropic.PermissionDeniedError) as denied:
            ask(sdk)
        assert denied.value.request_id == "req_sandbox_000002"
        assert denied.value.body["error"]["type"] == "permission_error"  # type: ignore[index]


def test_invalid_requests_get_400_without_using_a_reply() -> None:
    with running(parse_script({"replies": [TEXT]})) as handle:
        sdk = client(handle)
        with pytest.raises(anthropic.BadRequestError, match="temperature"):
            ask(sdk, extra_body={"temperature": 0.1})
        assert ask(sdk).content[0].text == "hello"


def raw_post(handle: Handle, headers: dict[str, str], body: Any) -> tuple[int, dict[str, str]]:
    data = json.dumps(body).encode()
    request = urllib.request.Request(handle.base_url + "/v1/messages?beta=true", data, headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, dict(answer.headers)
    except urllib.error.HTTPError as failure:
        return failure.code, dict(failure.headers)


def test_both_auth_styles_and_a_missing_key() -> None:
    plain = {"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}]}
    version = {"anthropic-version": "2023-06-01", "content-type": "application/json"}
    script = parse_script({"replies": [TEXT, TEXT], "api_key": KEY})
    with running(script) as handle:
        status, headers = raw_post(handle, {**version, "x-api-key": KEY}, plain)
        assert status == 200 and headers["request-id"]
        assert raw_post(handle, {**version, "authorization": f"Bearer {KEY}"}, plain)[0] == 200
        status, headers = raw_post(handle, version, plain)
        assert status == 401 and headers["request-id"]
        assert raw_post(handle, {**version, "x-api-key": "sk-ant-wrong"}, plain)[0] == 401
        log = handle.requests()
    assert [r["auth"] for r in log] == ["x-api-key", "bearer", None, "x-api-key"]
    assert KEY not in json.dumps(log)  # credentials are never logged


def test_streaming_and_count_tokens() -> None:
    reply = {"content": [{"type": "text", "text": "a longer streamed answer " * 3}]}
    with running(parse_script({"replies": [reply]})) as handle:
        sdk = client(handle)
        messages = [{"role": "user", "content": "hi"}]
        with sdk.messages.stream(model="m", max_tokens=64, messages=messages) as events:
            final = events.get_final_message()
        assert final.content[0].text == reply["content"][0]["text"]  # type: ignore[index]
        assert final.usage.output_tokens > 1
        counted = sdk.messages.count_tokens(model="m", messages=messages)
        assert counted.input_tokens > 0


def test_the_command_prints_its_url_and_stops_on_sigterm(tmp_path: Path) -> None:
    script = tmp_path / "script.json"
    script.write_text(json.dumps({"replies": [TEXT]}))
    with spawned(script) as handle:
        assert ask(client(handle)).content[0].text == "hello"
        assert [r["status"] for r in handle.requests()] == [200]
    argv = [sys.executable, "-m", "kairos_ci", "sandbox", "anthropic", "--script", str(script)]
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    assert process.stdout.readline().startswith("http://127.0.0.1:")
    process.send_signal(signal.SIGTERM)
    started = time.monotonic()
    assert process.wait(timeout=10) == 0
    assert time.monotonic() - started < 5
    process.stdout.close()


def test_a_broken_script_is_one_clear_line(tmp_path: Path) -> None:
    script = tmp_path / "script.json"
    script.write_text(json.dumps({"replies": [{"content": "no"}]}))
    argv = [sys.executable, "-m", "kairos_ci", "sandbox", "anthropic", "--script", str(script)]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"kairos-ci: error: {script}: replies[0]: 'content' must be a list of blocks with a 'type'"
    ]


def test_a_route_serves_the_conversations_that_open_with_its_text() -> None:
    def said(text: str) -> dict[str, Any]:
        return {"content": [{"type": "text", "text": text}]}

    script = {
        "replies": [said("anyone")],
        "routes": [
            {"when": "step A1 ", "replies": [said("a1 first"), said("a1 second")]},
            {"when": "step B1 ", "replies": [said("b1")]},
        ],
    }
    with running(parse_script(script)) as handle:
        sdk = client(handle)

        def opening(text: str) -> str:
            blocks = [{"type": "text", "text": text}]
            messages = [{"role": "user", "content": blocks}]
            reply = sdk.messages.create(model="claude-x", max_tokens=32, messages=messages)
            return str(reply.content[0].text)

        assert opening("carry out step B1 now") == "b1"
        assert opening("carry out step A1 now") == "a1 first"
        assert opening("something else") == "anyone"
        assert opening("carry out step A1 again") == "a1 second"


def test_a_route_without_its_two_keys_is_refused() -> None:
    with pytest.raises(InputError, match=r"routes\[0\]: a route is an object with exactly"):
        parse_script({"replies": [], "routes": [{"when": "x"}]})
