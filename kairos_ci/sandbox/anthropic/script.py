"""Read a sandbox script: JSON with ``replies`` as a list or a map of model name to list,
and optional ``routes`` (``[{"when": text, "replies": [...]}]``) for conversations whose
first user message contains the text.

Every problem names where it is (``replies.claude-haiku-4-5[2].error.status``), so a
broken script fails with one clear line instead of a confusing 500 later.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kairos_ci.errors import InputError, InputTooLarge
from kairos_ci.sandbox.anthropic.records import (
    ANY_MODEL,
    Fault,
    JsonObject,
    Reply,
    Script,
    ScriptRoute,
)

MAX_SCRIPT_BYTES = 16 * 1024 * 1024


def load_script(path: Path) -> Script:
    try:
        size = path.stat().st_size
        if size > MAX_SCRIPT_BYTES:
            raise InputTooLarge(f"{path}: {size} bytes, more than {MAX_SCRIPT_BYTES}")
        raw = path.read_bytes()
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror}") from None
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as err:
        raise InputError(f"{path}: not valid JSON: {err}") from None
    return parse_script(data, str(path))


def parse_script(data: object, source: str = "script") -> Script:
    if not isinstance(data, dict):
        raise InputError(f"{source}: a script is a JSON object with a 'replies' key")
    unknown = sorted(set(data) - {"replies", "routes", "api_key", "min_cache_tokens"})
    if unknown:
        raise InputError(f"{source}: unknown key(s) {', '.join(unknown)}")
    replies = data.get("replies")
    if isinstance(replies, list):
        by_model = {ANY_MODEL: _replies(replies, f"{source}: replies")}
    elif isinstance(replies, dict):
        by_model = {
            str(model): _replies(items, f"{source}: replies.{model}")
            for model, items in replies.items()
        }
    else:
        raise InputError(f"{source}: 'replies' must be a list or an object of model -> list")
    api_key = data.get("api_key")
    if api_key is not None and not (isinstance(api_key, str) and api_key):
        raise InputError(f"{source}: api_key must be a non-empty string")
    min_cache = data.get("min_cache_tokens", 0)
    if not isinstance(min_cache, int) or isinstance(min_cache, bool) or min_cache < 0:
        raise InputError(f"{source}: min_cache_tokens must be a whole number >= 0")
    routes = _routes(data.get("routes", []), f"{source}: routes")
    return Script(by_model, routes, api_key=api_key, min_cache_tokens=min_cache)


def _routes(items: object, where: str) -> tuple[ScriptRoute, ...]:
    if not isinstance(items, list):
        raise InputError(f"{where}: expected a list of {{when, replies}} objects")
    routes = []
    for index, item in enumerate(items):
        here = f"{where}[{index}]"
        if not isinstance(item, dict) or set(item) != {"when", "replies"}:
            raise InputError(f"{here}: a route is an object with exactly 'when' and 'replies'")
        if not isinstance(item["when"], str) or not item["when"]:
            raise InputError(f"{here}.when: expected a non-empty string")
        routes.append(ScriptRoute(item["when"], _replies(item["replies"], f"{here}.replies")))
    return tuple(routes)


def _replies(items: object, where: str) -> tuple[Reply, ...]:
    if not isinstance(items, list):
        raise InputError(f"{where}: expected a list of replies")
    return tuple(_reply(item, f"{where}[{index}]") for index, item in enumerate(items))


def _reply(item: object, where: str) -> Reply:
    if not isinstance(item, dict):
        raise InputError(f"{where}: a reply is a JSON object")
    if "error" in item and "content" not in item:
        return _fault(item["error"], f"{where}.error")
    content = item.get("content")
    if not isinstance(content, list) or not all(_is_block(b) for b in content):
        raise InputError(f"{where}: 'content' must be a list of blocks with a 'type'")
    return dict(item)


def _is_block(block: object) -> bool:
    return isinstance(block, dict) and isinstance(block.get("type"), str)


def _fault(spec: object, where: str) -> Fault:
    if not isinstance(spec, dict):
        raise InputError(f"{where}: expected an object with status, headers and body")
    status = spec.get("status")
    if not isinstance(status, int) or isinstance(status, bool) or not 400 <= status <= 599:
        raise InputError(f"{where}.status: expected an HTTP error status (400-599)")
    headers = spec.get("headers", {})
    if not isinstance(headers, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str | int | float) for k, v in headers.items()
    ):
        raise InputError(f"{where}.headers: expected an object of header name -> value")
    body: Any = spec.get("body")
    if body is not None and not isinstance(body, dict | str):
        raise InputError(f"{where}.body: expected a JSON object or a string")
    clean_headers = {str(k).lower(): str(v) for k, v in headers.items()}
    return Fault(status=status, headers=clean_headers, body=_copy(body))


def _copy(body: JsonObject | str | None) -> JsonObject | str | None:
    return dict(body) if isinstance(body, dict) else body
