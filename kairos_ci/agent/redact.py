"""Secrets never leave: known values (and their common disguises) and token shapes.

Applied on every outbound path: each request to the model, tool results, and the
explanation that becomes a PR body. Known values are also matched reversed,
base64-, base32- and hex-encoded, and with whitespace between their characters
(SECURITY.md EXF-02).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from kairos_ci.agent.records import Block, LlmRequest, Text, ToolCall, ToolResult, Turn
from kairos_ci.context import Secret

MARK = "[REDACTED]"
MIN_SECRET_CHARS = 8
TOKEN_SHAPES = (
    r"gh[pousr]_[A-Za-z0-9]{30,255}",
    r"github_pat_[A-Za-z0-9_]{22,255}",
    r"sk-ant-[A-Za-z0-9_-]{8,}",
    r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b",
    r"\bxox[abeprs]-[A-Za-z0-9-]{10,}",
    r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----",
)


@dataclass(frozen=True)
class Redactor:
    pattern: re.Pattern[str]

    @classmethod
    def of(cls, secrets: Iterable[Secret] = ()) -> Redactor:
        forms: set[str] = set()
        for secret in secrets:
            value = secret.reveal()
            if len(value) >= MIN_SECRET_CHARS:
                forms.update(re.escape(form) for form in _disguises(value))
                forms.add(r"\s*".join(re.escape(c) for c in value))  # spaced out
        alternatives = sorted(forms, key=len, reverse=True) + list(TOKEN_SHAPES)
        return cls(re.compile("|".join(alternatives)))

    def text(self, text: str) -> str:
        return self.pattern.sub(MARK, text)

    def finds(self, text: str) -> bool:
        return self.pattern.search(text) is not None

    def value(self, value: Any) -> Any:
        """Redact every string inside a JSON-like value."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {key: self.value(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.value(item) for item in value]
        return value

    def request(self, request: LlmRequest) -> LlmRequest:
        turns = tuple(Turn(t.role, tuple(self._block(b) for b in t.blocks)) for t in request.turns)
        return replace(request, system=self.text(request.system), turns=turns)

    def _block(self, block: Block) -> Block:
        if isinstance(block, Text):
            return Text(self.text(block.text))
        if isinstance(block, ToolCall):
            return ToolCall(block.id, block.name, self.value(block.input))
        return ToolResult(block.tool_use_id, self.text(block.content), block.is_error)


def _disguises(value: str) -> set[str]:
    raw = value.encode()
    encoded = {
        base64.b64encode(raw).decode(),
        base64.urlsafe_b64encode(raw).decode(),
        base64.b32encode(raw).decode(),
        raw.hex(),
        raw.hex().upper(),
    }
    return {value, value[::-1]} | encoded | {e.rstrip("=") for e in encoded}
