"""Render a complete Message as the server-sent events the streaming API sends."""

from __future__ import annotations

import json
from collections.abc import Iterator

from kairos_ci.sandbox.anthropic.records import JsonObject

CHUNK = 24  # characters per delta: small enough that clients must concatenate


def events(message: JsonObject) -> Iterator[bytes]:
    usage = dict(message["usage"])
    start = {**message, "content": [], "stop_reason": None, "stop_sequence": None}
    start["usage"] = {**usage, "output_tokens": 1}
    yield _event("message_start", {"type": "message_start", "message": start})
    for index, block in enumerate(message["content"]):
        yield from _block(index, block)
    delta = {"stop_reason": message["stop_reason"], "stop_sequence": message["stop_sequence"]}
    yield _event(
        "message_delta",
        {
            "type": "message_delta",
            "delta": delta,
            "usage": {"output_tokens": usage["output_tokens"]},
        },
    )
    yield _event("message_stop", {"type": "message_stop"})


def _block(index: int, block: JsonObject) -> Iterator[bytes]:
    kind = block["type"]
    if kind == "text":
        opening: JsonObject = {"type": "text", "text": ""}
        pieces = [{"type": "text_delta", "text": p} for p in _chunks(block.get("text", ""))]
    elif kind == "tool_use":
        opening = {"type": "tool_use", "id": block["id"], "name": block["name"], "input": {}}
        text = json.dumps(block.get("input", {}))
        pieces = [{"type": "input_json_delta", "partial_json": p} for p in ["", *_chunks(text)]]
    else:
        opening, pieces = block, []
    yield _event(
        "content_block_start",
        {"type": "content_block_start", "index": index, "content_block": opening},
    )
    for piece in pieces:
        yield _event(
            "content_block_delta", {"type": "content_block_delta", "index": index, "delta": piece}
        )
    yield _event("content_block_stop", {"type": "content_block_stop", "index": index})


def _chunks(text: str) -> list[str]:
    return [text[i : i + CHUNK] for i in range(0, len(text), CHUNK)]


def _event(name: str, data: JsonObject) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()
