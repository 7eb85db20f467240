"""The sandbox's behaviour, apart from HTTP: pick the scripted reply, validate, log.

One lock makes each request atomic, so replies are served strictly in order even
when the SDK retries on another connection.
"""

from __future__ import annotations

import collections
import itertools
import json
import threading
import time
from collections.abc import Mapping
from typing import Any

from kairos_ci.sandbox.anthropic import usage, validation
from kairos_ci.sandbox.anthropic.records import ANY_MODEL, Fault, JsonObject, Script, ScriptedAnswer

ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    504: "timeout_error",
    529: "overloaded_error",
}
DEFAULT_MESSAGES = {
    400: "Invalid request",
    401: "invalid x-api-key",
    402: "Your credit balance is too low to access the Anthropic API.",
    403: "Your API key does not have permission to use the specified resource.",
    404: "Not found",
    413: "Request exceeds the maximum allowed number of bytes.",
    429: "Number of request tokens has exceeded your per-minute rate limit",
    500: "Internal server error",
    504: "Request timed out",
    529: "Overloaded",
}
MESSAGES = "/v1/messages"
COUNT = "/v1/messages/count_tokens"
LOG = "/_sandbox/requests"
SECRET_HEADERS = ("x-api-key", "authorization")


class Sandbox:
    def __init__(self, script: Script) -> None:
        self._script = script
        self._queues = {model: collections.deque(items) for model, items in script.replies.items()}
        self._routes = [(route.when, collections.deque(route.replies)) for route in script.routes]
        self._lock = threading.Lock()
        self._received: list[JsonObject] = []
        self._cached: set[str] = set()
        self._numbers = itertools.count(1)
        self._started = time.monotonic()

    def received(self) -> list[JsonObject]:
        with self._lock:
            return json.loads(json.dumps(self._received))  # type: ignore[no-any-return]

    def handle(
        self, method: str, target: str, headers: Mapping[str, str], raw: bytes
    ) -> ScriptedAnswer:
        path = target.split("?", 1)[0]
        if method == "GET" and path == LOG:
            return ScriptedAnswer(200, {"requests": self.received()})
        with self._lock:
            number = next(self._numbers)
            request_id = f"req_sandbox_{number:06d}"
            answer = self._answer(method, path, headers, raw, number)
            body = answer.body
            if isinstance(body, dict) and body.get("type") == "error":
                body = {**body, "request_id": request_id}
            answer = ScriptedAnswer(
                answer.status, body, {**answer.headers, "request-id": request_id}, answer.stream
            )
            self._log(method, target, headers, raw, answer, request_id)
            return answer

    def _answer(
        self, method: str, path: str, headers: Mapping[str, str], raw: bytes, number: int
    ) -> ScriptedAnswer:
        if method != "POST" or path not in (MESSAGES, COUNT):
            return error(404, f"{method} {path}: not found")
        problem = validation.auth_problem(headers, self._script.api_key)
        if problem:
            return error(401, problem)
        problem = validation.version_problem(headers)
        if problem:
            return error(400, problem)
        try:
            body = json.loads(raw or b"null")
        except ValueError:
            return error(400, "There was an error parsing the body of your request as JSON")
        version = headers["anthropic-version"]
        problem = validation.body_problem(body, version, counting=path == COUNT)
        if problem:
            return error(400, problem)
        if path == COUNT:
            return ScriptedAnswer(200, {"input_tokens": usage.counted_tokens(body)})
        return self._reply(body, number)

    def _reply(self, body: JsonObject, number: int) -> ScriptedAnswer:
        model = body["model"]
        opening = _first_user_text(body)
        routed = next((queue for when, queue in self._routes if when in opening), None)
        queue = (
            routed if routed is not None else self._queues.get(model, self._queues.get(ANY_MODEL))
        )
        if queue is None:
            return error(404, f"model: {model}")
        if not queue:
            why = f"sandbox script has no reply left for model {model}"
            return ScriptedAnswer(500, _envelope(500, why), {"x-should-retry": "false"})
        reply = queue.popleft()
        if isinstance(reply, Fault):
            fault_body = reply.body if reply.body is not None else _envelope(reply.status, None)
            return ScriptedAnswer(reply.status, fault_body, reply.headers)
        message = _complete(reply, body, number)
        scripted_usage = reply.get("usage") or {}
        computed = usage.input_usage(body, self._cached, self._script.min_cache_tokens)
        computed["output_tokens"] = usage.output_tokens(message["content"])
        message["usage"] = {**computed, **scripted_usage}
        return ScriptedAnswer(200, message, stream=bool(body.get("stream")))

    def _log(
        self,
        method: str,
        target: str,
        headers: Mapping[str, str],
        raw: bytes,
        answer: ScriptedAnswer,
        request_id: str,
    ) -> None:
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        retry = headers.get("x-stainless-retry-count")
        self._received.append(
            {
                "method": method,
                "path": target,
                # Credentials are never logged: only which header style carried them.
                "headers": {k: v for k, v in headers.items() if k not in SECRET_HEADERS},
                "auth": validation.auth_style(headers),
                "retry_count": int(retry) if retry and retry.isdigit() else None,
                "at": round(time.monotonic() - self._started, 4),
                "body": body,
                "status": answer.status,
                "request_id": request_id,
            }
        )


def error(status: int, message: str) -> ScriptedAnswer:
    return ScriptedAnswer(status, _envelope(status, message))


def _envelope(status: int, message: str | None) -> JsonObject:
    kind = ERROR_TYPES.get(status, "api_error" if status >= 500 else "invalid_request_error")
    return {
        "type": "error",
        "error": {"type": kind, "message": message or DEFAULT_MESSAGES.get(status, kind)},
    }


def _complete(reply: JsonObject, body: JsonObject, number: int) -> JsonObject:
    """Fill what a partial scripted reply leaves out, as the API would send it."""
    content = [dict(block) for block in reply["content"]]
    for index, block in enumerate(content):
        if block["type"] == "tool_use":
            block.setdefault("id", f"toolu_sandbox_{number:04d}_{index}")
            block.setdefault("input", {})
    uses_tools = any(block["type"] == "tool_use" for block in content)
    message: JsonObject = {
        "id": f"msg_sandbox_{number:06d}",
        "type": "message",
        "role": "assistant",
        "model": body["model"],
        "content": content,
        "stop_reason": "tool_use" if uses_tools else "end_turn",
        "stop_sequence": None,
    }
    message.update({k: v for k, v in reply.items() if k not in ("content", "usage")})
    return message


def _first_user_text(body: JsonObject) -> str:
    """The text of the conversation's first user message: what a route is matched on."""
    messages = body.get("messages") or []
    first = messages[0] if messages and isinstance(messages[0], dict) else {}
    content = first.get("content", "")
    if isinstance(content, str):
        return content
    return "".join(
        b.get("text", "") for b in content if isinstance(b, dict) and b.get("type") == "text"
    )
