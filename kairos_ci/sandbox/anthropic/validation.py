"""Check a request the way the Messages API would, answering with its error envelope.

Covered: auth (``X-Api-Key`` or ``Authorization: Bearer``), ``anthropic-version``,
required fields, alternating roles, every ``tool_result`` answering a ``tool_use``
of the previous assistant turn (and every ``tool_use`` answered), tool definitions,
at most four cache breakpoints, and sampling parameters under ``2026-10-21``.
Unknown optional fields are ignored, as the contract advises.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from kairos_ci.sandbox.anthropic.records import JsonObject

VERSIONS = ("2023-06-01", "2026-10-21")
SAMPLING = ("temperature", "top_p", "top_k")
MAX_BREAKPOINTS = 4
_TOOL_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


def auth_style(headers: Mapping[str, str]) -> str | None:
    if headers.get("x-api-key", "").strip():
        return "x-api-key"
    if headers.get("authorization", "").startswith("Bearer ") and headers["authorization"][7:]:
        return "bearer"
    return None


def auth_problem(headers: Mapping[str, str], api_key: str | None) -> str | None:
    style = auth_style(headers)
    if style is None:
        return "x-api-key header is required"
    if api_key is None:
        return None
    given = headers["x-api-key"] if style == "x-api-key" else headers["authorization"][7:]
    return None if given.strip() == api_key else "invalid x-api-key"


def version_problem(headers: Mapping[str, str]) -> str | None:
    version = headers.get("anthropic-version")
    if version is None:
        return "anthropic-version: header is required"
    if version not in VERSIONS:
        return f"anthropic-version: {version!r} is not a valid version"
    return None


def body_problem(body: object, version: str, counting: bool = False) -> str | None:
    """The first thing wrong with a create (or count_tokens) body, as the API words it."""
    if not isinstance(body, dict):
        return "request body must be a JSON object"
    return next(_problems(body, version, counting), None)


def _problems(body: JsonObject, version: str, counting: bool) -> Iterator[str]:
    if not isinstance(body.get("model"), str) or not body["model"]:
        yield "model: Field required"
    if not counting:
        tokens = body.get("max_tokens")
        if not isinstance(tokens, int) or isinstance(tokens, bool) or tokens < 1:
            yield "max_tokens: Field required (an integer >= 1)"
    if version == "2026-10-21":
        for name in SAMPLING:
            if name in body:
                yield f"{name}: Extra inputs are not permitted"
    yield from _system_problems(body.get("system"))
    yield from _tool_problems(body.get("tools"))
    yield from _message_problems(body.get("messages"))
    if _breakpoints(body) > MAX_BREAKPOINTS:
        yield f"A maximum of {MAX_BREAKPOINTS} blocks with cache_control may be provided."


def _system_problems(system: object) -> Iterator[str]:
    if system is None or isinstance(system, str):
        return
    if not isinstance(system, list) or not all(_is_text_block(b) for b in system):
        yield "system: must be a string or a list of text blocks"


def _tool_problems(tools: object) -> Iterator[str]:
    if tools is None:
        return
    if not isinstance(tools, list):
        yield "tools: Input should be a valid list"
        return
    names: set[str] = set()
    for index, tool in enumerate(tools):
        if not isinstance(tool, dict):
            yield f"tools.{index}: Input should be an object"
            continue
        name = tool.get("name")
        if not isinstance(name, str) or not _TOOL_NAME.match(name):
            yield f"tools.{index}.name: String should match pattern '^[a-zA-Z0-9_-]{{1,64}}$'"
        elif name in names:
            yield f"tools: Tool names must be unique ({name!r})"
        names.add(str(name))
        schema = tool.get("input_schema")
        custom = "type" not in tool or tool.get("type") == "custom"
        if custom and (not isinstance(schema, dict) or schema.get("type") != "object"):
            yield f"tools.{index}.input_schema: type must be 'object'"


def _message_problems(messages: object) -> Iterator[str]:
    if not isinstance(messages, list) or not messages:
        yield "messages: at least one message is required"
        return
    previous: JsonObject | None = None
    for index, message in enumerate(messages):
        problem = _shape_problem(message, index)
        if problem:
            yield problem
            return
        if previous is None and message["role"] != "user":
            yield 'messages: first message must use the "user" role'
            return
        if previous is not None and previous["role"] == message["role"]:
            role = message["role"]
            yield (
                'messages: roles must alternate between "user" and "assistant", '
                f'but found multiple "{role}" roles in a row'
            )
            return
        yield from _tool_pairing(previous, message, index)
        previous = message


def _shape_problem(message: object, index: int) -> str | None:
    if not isinstance(message, dict) or message.get("role") not in ("user", "assistant"):
        return f"messages.{index}.role: Input should be 'user' or 'assistant'"
    content = message.get("content")
    if isinstance(content, str):
        return None
    if not isinstance(content, list) or not all(_is_block(b) for b in content):
        return f"messages.{index}.content: Input should be a string or a list of blocks"
    if message["role"] == "user" and any(b["type"] == "tool_use" for b in content):
        return f"messages.{index}.content: tool_use blocks are only allowed in assistant turns"
    if message["role"] == "assistant" and any(b["type"] == "tool_result" for b in content):
        return f"messages.{index}.content: tool_result blocks are only allowed in user turns"
    return None


def _tool_pairing(previous: JsonObject | None, message: JsonObject, index: int) -> Iterator[str]:
    if message["role"] != "user":
        return
    asked = [b.get("id") for b in _blocks(previous) if b["type"] == "tool_use"]
    blocks = _blocks(message)
    results = [b for b in blocks if b["type"] == "tool_result"]
    leading = 0
    while leading < len(blocks) and blocks[leading]["type"] == "tool_result":
        leading += 1
    if leading != len(results):
        yield f"messages.{index}.content: tool_result blocks must come before any other content"
        return
    for block in results:
        if block.get("tool_use_id") not in asked:
            yield (
                f"messages.{index}.content: unexpected `tool_use_id` found in `tool_result` "
                f"blocks: {block.get('tool_use_id')}. Each `tool_result` block must have a "
                "corresponding `tool_use` block in the previous message."
            )
            return
    answered = {b.get("tool_use_id") for b in results}
    missing = [tool_id for tool_id in asked if tool_id not in answered]
    if missing:
        yield (
            f"messages.{index}: `tool_use` ids were found without `tool_result` blocks "
            f"immediately after: {', '.join(map(str, missing))}. Each `tool_use` block must "
            "have a corresponding `tool_result` block in the next message."
        )


def _blocks(message: JsonObject | None) -> list[JsonObject]:
    if message is None or isinstance(message["content"], str):
        return []
    return list(message["content"])


def _is_block(block: object) -> bool:
    return isinstance(block, dict) and isinstance(block.get("type"), str)


def _is_text_block(block: object) -> bool:
    return (
        isinstance(block, dict)
        and block.get("type") == "text"
        and isinstance(block.get("text"), str)
    )


def _breakpoints(body: JsonObject) -> int:
    count = 0
    for part in _cacheable(body):
        count += isinstance(part, dict) and "cache_control" in part
    return count


def _cacheable(body: JsonObject) -> Iterator[Any]:
    for key in ("tools", "system"):
        if isinstance(body.get(key), list):
            yield from body[key]
    for message in body.get("messages") or []:
        if isinstance(message, dict) and isinstance(message.get("content"), list):
            yield from message["content"]
