"""Usage is deterministic, and prompt caching is modelled per breakpoint prefix."""

from __future__ import annotations

from typing import Any

from kairos_ci.sandbox.anthropic.usage import counted_tokens, estimate, input_usage, output_tokens

MARK = {"type": "ephemeral"}


def request(question: str, *, marked: bool = True, model: str = "m") -> dict[str, Any]:
    system: dict[str, Any] = {"type": "text", "text": "stable instructions " * 50}
    if marked:
        system["cache_control"] = MARK
    return {
        "model": model,
        "max_tokens": 10,
        "system": [system],
        "messages": [{"role": "user", "content": question}],
    }


def test_estimate_is_a_quarter_of_the_utf8_bytes_rounded_up() -> None:
    assert estimate("") == 0
    assert estimate("abcd") == 1
    assert estimate("abcde") == 2
    assert estimate("é") == 1  # two bytes


def test_without_breakpoints_everything_is_plain_input() -> None:
    seen: set[str] = set()
    usage = input_usage(request("hi", marked=False), seen)
    assert usage["cache_creation_input_tokens"] == usage["cache_read_input_tokens"] == 0
    assert usage["input_tokens"] == counted_tokens(request("hi", marked=False))
    assert seen == set()


def test_first_call_writes_the_prefix_and_the_next_reads_it() -> None:
    seen: set[str] = set()
    first = input_usage(request("first question"), seen)
    second = input_usage(request("a different question"), seen)
    assert first["cache_creation_input_tokens"] == 250
    assert first["cache_read_input_tokens"] == 0
    assert second["cache_read_input_tokens"] == 250
    assert second["cache_creation_input_tokens"] == 0
    assert second["input_tokens"] == counted_tokens(request("a different question")) - 250
    assert first["cache_creation"]["ephemeral_5m_input_tokens"] == 250


def test_the_cache_is_per_model_and_respects_the_minimum() -> None:
    seen: set[str] = set()
    input_usage(request("q"), seen)
    other = input_usage(request("q", model="other"), seen)
    assert other["cache_read_input_tokens"] == 0
    small: set[str] = set()
    usage = input_usage(request("q"), small, min_cache_tokens=1_000)
    assert usage["cache_creation_input_tokens"] == 0 and small == set()


def test_a_moving_breakpoint_reads_the_old_prefix_and_writes_the_new_part() -> None:
    seen: set[str] = set()
    turn = {"type": "text", "text": "x" * 400, "cache_control": MARK}
    first = request("q")
    input_usage(first, seen)
    grown = request("q")
    grown["messages"] += [
        {"role": "assistant", "content": "ok"},
        {"role": "user", "content": [turn]},
    ]
    usage = input_usage(grown, seen)
    assert usage["cache_read_input_tokens"] == 250
    assert usage["cache_creation_input_tokens"] == counted_tokens(grown) - 250


def test_output_counts_text_and_tool_inputs() -> None:
    content = [
        {"type": "text", "text": "a" * 8},
        {"type": "tool_use", "id": "toolu_9", "name": "finish", "input": {"summary": "s"}},
    ]
    assert output_tokens(content) == 2 + estimate(
        '{"input":{"summary":"s"},"name":"finish","type":"tool_use"}'
    )
    assert output_tokens([]) == 1
