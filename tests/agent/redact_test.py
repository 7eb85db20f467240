"""Secrets and token shapes never leave, including in disguise."""

from __future__ import annotations

import base64

from kairos_ci.agent.records import LlmRequest, Text, ToolCall, ToolResult, Turn
from kairos_ci.agent.redact import MARK, Redactor
from kairos_ci.context import Secret

KEY = "s3cr3t-value-not-shaped-like-a-token"


def test_known_values_and_their_disguises() -> None:
    redactor = Redactor.of([Secret(KEY), Secret("short")])
    disguises = [
        KEY,
        KEY[::-1],
        base64.b64encode(KEY.encode()).decode(),
        base64.b32encode(KEY.encode()).decode().rstrip("="),
        KEY.encode().hex(),
        " ".join(KEY),
    ]
    for text in disguises:
        assert redactor.text(f"before {text} after") == f"before {MARK} after", text
    assert redactor.text("short stays") == "short stays"  # too short to match safely


def test_token_shapes_without_knowing_the_value() -> None:
    redactor = Redactor.of()
    samples = [
        "ghp_" + "a1" * 18,
        "xghs_" + "B" * 36,
        "github_pat_" + "C" * 30,
        "sk-ant-api03-abcdefgh",
        "AKIAABCDEFGHIJKLMNOP",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N",
        "-----BEGIN OPENSSH PRIVATE KEY-----",
    ]
    for sample in samples:
        assert MARK in redactor.text(sample), sample
    assert redactor.text("ghp_short and sk-ant-") == "ghp_short and sk-ant-"


def test_every_string_in_a_request_is_redacted() -> None:
    redactor = Redactor.of([Secret(KEY)])
    request = LlmRequest(
        model="m",
        system=f"system {KEY}",
        max_tokens=5,
        turns=(
            Turn("user", (Text(KEY),)),
            Turn("assistant", (ToolCall("t1", "write_file", {"content": [KEY, {"x": KEY}]}),)),
            Turn("user", (ToolResult("t1", KEY, is_error=True),)),
        ),
    )
    clean = redactor.request(request)
    assert KEY not in repr(clean)
    assert clean.turns[1].blocks[0] == ToolCall(
        "t1", "write_file", {"content": [MARK, {"x": MARK}]}
    )
    assert clean.turns[2].blocks[0] == ToolResult("t1", MARK, is_error=True)
