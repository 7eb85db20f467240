"""A deterministic ``usage`` for every answer, with prompt caching modelled.

Token estimate: one token per four bytes of UTF-8, rounded up, per part, where a part
is a tool definition, a system text block, or a message content block (text blocks
count their text; other blocks their compact JSON), plus four tokens per message.
Output counts text and tool-use inputs the same way, at least one token.

Caching: the prompt is the parts in API order (tools, system, messages). At each
``cache_control`` breakpoint the sandbox hashes the prefix up to it. The longest
prefix seen before (same model) is a cache read; the last breakpoint's prefix, if
new, is a cache write of what the read did not cover. The rest is ``input_tokens``.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kairos_ci.sandbox.anthropic.records import JsonObject

PER_MESSAGE_TOKENS = 4


@dataclass(frozen=True)
class Part:
    tokens: int
    key: str  # what identifies the part for caching (cache_control itself excluded)
    breakpoint: bool


def estimate(text: str) -> int:
    return math.ceil(len(text.encode("utf-8")) / 4)


def input_usage(body: JsonObject, seen: set[str], min_cache_tokens: int = 0) -> JsonObject:
    """Usage of a request's input; records its cache prefixes in ``seen``."""
    parts = list(_parts(body))
    total = sum(p.tokens for p in parts)
    prefixes = _breakpoint_prefixes(str(body.get("model")), parts)
    eligible = [(tokens, digest) for tokens, digest in prefixes if tokens >= min_cache_tokens]
    read = max((tokens for tokens, digest in eligible if digest in seen), default=0)
    written = 0
    if eligible and eligible[-1][1] not in seen:
        written = eligible[-1][0] - read
    seen.update(digest for _, digest in eligible)
    return {
        "input_tokens": total - read - written,
        "cache_creation_input_tokens": written,
        "cache_read_input_tokens": read,
        "cache_creation": {"ephemeral_5m_input_tokens": written, "ephemeral_1h_input_tokens": 0},
        "service_tier": "standard",
    }


def output_tokens(content: list[Any]) -> int:
    tokens = 0
    for block in content:
        if not isinstance(block, dict):
            continue
        if block.get("type") == "text":
            tokens += estimate(str(block.get("text", "")))
        else:
            tokens += estimate(_compact({k: v for k, v in block.items() if k != "id"}))
    return max(1, tokens)


def counted_tokens(body: JsonObject) -> int:
    return sum(p.tokens for p in _parts(body))


def _parts(body: JsonObject) -> Iterator[Part]:
    last_marker = bool(body.get("cache_control"))
    parts = list(_raw_parts(body))
    for index, (tokens, key, marked) in enumerate(parts):
        yield Part(tokens, key, marked or (last_marker and index == len(parts) - 1))


def _raw_parts(body: JsonObject) -> Iterator[tuple[int, str, bool]]:
    for tool in body.get("tools") or []:
        yield _block_part(tool)
    system = body.get("system")
    if isinstance(system, str) and system:
        yield estimate(system), _compact(system), False
    elif isinstance(system, list):
        for block in system:
            yield _block_part(block)
    for message in body.get("messages") or []:
        content = message.get("content")
        blocks = [{"type": "text", "text": content}] if isinstance(content, str) else content
        for index, block in enumerate(blocks):
            tokens, key, marked = _block_part(block)
            overhead = PER_MESSAGE_TOKENS if index == 0 else 0
            yield tokens + overhead, f"{message.get('role')}:{key}", marked


def _block_part(block: JsonObject) -> tuple[int, str, bool]:
    bare = {k: v for k, v in block.items() if k != "cache_control"}
    key = _compact(bare)
    text = bare.get("text") if bare.get("type") == "text" else None
    tokens = estimate(text) if isinstance(text, str) else estimate(key)
    return tokens, key, "cache_control" in block


def _breakpoint_prefixes(model: str, parts: list[Part]) -> list[tuple[int, str]]:
    digest = hashlib.sha256(model.encode())
    tokens = 0
    prefixes = []
    for part in parts:
        digest.update(part.key.encode("utf-8", "surrogatepass") + b"\0")
        tokens += part.tokens
        if part.breakpoint:
            prefixes.append((tokens, digest.copy().hexdigest()))
    return prefixes


def _compact(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
