"""The sandbox's script and what it received."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

JsonObject = dict[str, Any]

ANY_MODEL = "*"


@dataclass(frozen=True)
class Fault:
    """A scripted error answer: status, extra headers and a body (JSON object or raw text)."""

    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: JsonObject | str | None = None  # None: the API's error envelope for the status


Reply = JsonObject | Fault  # a Messages API response body (filled in where partial), or a fault


@dataclass(frozen=True)
class ScriptRoute:
    """Replies for the conversations whose first user message contains ``when``: several
    callers at once (workers on different steps) each get their own story."""

    when: str
    replies: tuple[Reply, ...]


@dataclass(frozen=True)
class Script:
    """Replies per model name (``*`` for any model), each list served in order; a request
    that matches a route is served from the route instead."""

    replies: Mapping[str, tuple[Reply, ...]]
    routes: tuple[ScriptRoute, ...] = ()
    api_key: str | None = None  # when set, only this key (either header style) is accepted
    min_cache_tokens: int = 0  # prefixes shorter than this are not cached, as with the real API


@dataclass(frozen=True)
class ScriptedAnswer:
    """What the sandbox sends back for one request."""

    status: int
    body: JsonObject | str
    headers: Mapping[str, str] = field(default_factory=dict)
    stream: bool = False  # send ``body`` (a Message) as server-sent events
