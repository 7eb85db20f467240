"""The Claude adapter: the only module that imports ``anthropic``, and only when called.

The SDK's own retries run (408, 409, 429, 5xx and 529, honouring ``retry-after``);
what still fails afterwards becomes a ``ModelError`` the caller turns into a skipped
task. Two answers are not worth waiting for, so a middleware tells the SDK not to
retry them: a ``retry-after`` longer than ``max_retry_wait_s`` (the SDK would sleep
for any length) and a 429 for an exhausted spend limit (retrying cannot clear it).

Sampling parameters (temperature, top_p, top_k) are never sent: API version
2026-10-21, which this SDK speaks, rejects them.
"""

from __future__ import annotations

import email.utils
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from kairos_ci.agent.records import Block, LlmReply, LlmRequest, Text, ToolCall, Usage
from kairos_ci.clock import Clock, utc_now
from kairos_ci.context import Context, Secret
from kairos_ci.errors import ModelAuthFailed, ModelError, ModelRefused, ModelUnavailable

DEFAULT_BASE_URL = "https://api.anthropic.com"
CACHE = {"type": "ephemeral"}
SPEND_LIMIT_CODE = "enforced_spend_limit_reached"
MAX_ERROR_CHARS = 300


@dataclass(frozen=True)
class ClaudeSettings:
    max_retries: int = 2  # the SDK's default: three attempts in all
    timeout_s: float = 300.0
    max_retry_wait_s: float = 60.0
    clock: Clock = utc_now  # reads a retry-after date; from_context hands in the run's


class ClaudeLlm:
    """``Llm`` over the Messages API. The SDK client is built on the first call."""

    def __init__(
        self, api_key: Secret, base_url: str | None = None, settings: ClaudeSettings | None = None
    ) -> None:
        self._api_key = api_key
        self._base_url = base_url or DEFAULT_BASE_URL
        self._settings = settings or ClaudeSettings()
        self._client: Any = None

    def complete(self, request: LlmRequest) -> LlmReply:
        import anthropic

        if self._client is None:
            self._client = anthropic.Anthropic(
                api_key=self._api_key.reveal(),
                base_url=self._base_url,
                max_retries=self._settings.max_retries,
                timeout=self._settings.timeout_s,
                middleware=[_retry_guard(self._settings)],
            )
        try:
            message = self._client.messages.create(**request_params(request))
        except anthropic.APIStatusError as err:
            raise _status_error(request.model, err) from None
        except anthropic.APIConnectionError as err:
            raise ModelUnavailable(f"{request.model}: cannot reach the API: {err}") from None
        except ValueError as err:  # the SDK's local checks, before any request is sent
            raise ModelRefused(f"{request.model}: {err}") from None
        return _reply(message)


NO_KEY = "no ANTHROPIC_API_KEY is set: model tasks are skipped"


def from_context(context: Context, settings: ClaudeSettings | None = None) -> ClaudeLlm | None:
    """The adapter for this run, or None without an API key (report ``NO_KEY`` as the skip)."""
    if context.anthropic_api_key is None:
        return None
    settings = replace(settings or ClaudeSettings(), clock=context.clock)
    return ClaudeLlm(context.anthropic_api_key, context.anthropic_base_url, settings)


def request_params(request: LlmRequest) -> dict[str, Any]:
    """The ``messages.create`` keywords: cache breakpoints on the stable prefix and the
    newest user turn, so each call reads the previous call's prefix from the cache."""
    params: dict[str, Any] = {
        "model": request.model,
        "max_tokens": request.max_tokens,
        "system": [{"type": "text", "text": request.system, "cache_control": CACHE}],
        "messages": [_turn(turn.role, turn.blocks) for turn in request.turns],
    }
    if request.tools:
        params["tools"] = [
            {"name": t.name, "description": t.description, "input_schema": dict(t.input_schema)}
            for t in request.tools
        ]
        params["tool_choice"] = {"type": request.tool_choice}
    last = params["messages"][-1] if params["messages"] else None
    if last is not None and last["role"] == "user" and last["content"]:
        last["content"][-1]["cache_control"] = CACHE
    return params


def _turn(role: str, blocks: tuple[Block, ...]) -> dict[str, Any]:
    return {"role": role, "content": [_block(b) for b in blocks]}


def _block(block: Block) -> dict[str, Any]:
    if isinstance(block, Text):
        return {"type": "text", "text": block.text}
    if isinstance(block, ToolCall):
        return {"type": "tool_use", "id": block.id, "name": block.name, "input": dict(block.input)}
    result: dict[str, Any] = {
        "type": "tool_result",
        "tool_use_id": block.tool_use_id,
        "content": block.content,
    }
    if block.is_error:
        result["is_error"] = True
    return result


def _reply(message: Any) -> LlmReply:
    blocks: list[Text | ToolCall] = []
    for block in message.content:
        if block.type == "text":
            blocks.append(Text(block.text))
        elif block.type == "tool_use":
            blocks.append(ToolCall(block.id, block.name, dict(block.input or {})))
    usage = message.usage
    return LlmReply(
        model=message.model,
        blocks=tuple(blocks),
        stop_reason=str(message.stop_reason),
        usage=Usage(
            input_tokens=usage.input_tokens or 0,
            output_tokens=usage.output_tokens or 0,
            cache_write_tokens=usage.cache_creation_input_tokens or 0,
            cache_read_tokens=usage.cache_read_input_tokens or 0,
        ),
        request_id=getattr(message, "_request_id", None),
    )


def _status_error(model: str, err: Any) -> ModelError:
    status = int(err.status_code)
    detail = _detail(err)
    text = f"{model}: HTTP {status} {detail} (request {err.request_id or 'unknown'})"
    if status in (401, 402, 403) or _error_code(err) == SPEND_LIMIT_CODE:
        return ModelAuthFailed(text)
    if status in (408, 409, 429) or status >= 500:
        return ModelUnavailable(f"{text}, after the SDK's retries")
    if status in (400, 404, 413, 422):
        return ModelRefused(text)
    return ModelError(text)


def _detail(err: Any) -> str:
    error = _error_object(err)
    kind = str(error.get("type") or "error")
    message = str(error.get("message") or "")[:MAX_ERROR_CHARS]
    wait = err.response.headers.get("retry-after") if err.response is not None else None
    suffix = f"; retry-after {wait}s" if wait else ""
    return f"{kind}: {message}{suffix}" if message else f"{kind}{suffix}"


def _error_code(err: Any) -> str | None:
    details = _error_object(err).get("details")
    code = details.get("error_code") if isinstance(details, dict) else None
    return str(code) if code else None


def _error_object(err: Any) -> dict[str, Any]:
    """The ``error`` object of the API's envelope, or empty when the body is not one."""
    body = err.body if isinstance(err.body, dict) else {}
    error = body.get("error")
    return error if isinstance(error, dict) else {}


def _retry_guard(settings: ClaudeSettings) -> Callable[[Any, Callable[[Any], Any]], Any]:
    """Middleware: mark answers not worth retrying with ``x-should-retry: false``."""

    def guard(request: Any, call_next: Callable[[Any], Any]) -> Any:
        response = call_next(request)
        http = response.http_response
        if http.status_code < 400:
            return response
        wait = _retry_after_s(http.headers, settings.clock)
        if (wait is not None and wait > settings.max_retry_wait_s) or _spend_limit(http):
            http.headers["x-should-retry"] = "false"
        return response

    return guard


def _retry_after_s(headers: Any, clock: Clock) -> float | None:
    """The wait the SDK would take, read the way it reads it (ms, seconds, or a date)."""
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if not value:
            continue
        try:
            return float(value) * scale
        except ValueError:
            pass
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return (when - clock()).total_seconds()
    return None


def _spend_limit(http: Any) -> bool:
    return bool(http.status_code == 429 and SPEND_LIMIT_CODE.encode() in http.read())
