"""Secrets never leave: known values (and their common disguises) and token shapes.

Applied on every outbound path: each request to the model, tool results, and the
explanation that becomes a PR body; and, in kairos_ci.bundle.secrets, everything a
bundle would publish. Known values are also matched reversed, base64-, base32-, hex- and
URL-encoded, and spelled out: separators (spaces, quotes, ``+``, ``-``...) between their
characters, any of which may be percent-escaped (SECURITY.md EXF-02).
"""

from __future__ import annotations

import base64
import re
import urllib.parse
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
# What may stand between the characters of a secret spelled out: spaces, line breaks,
# and the quotes, plus signs, commas and backslashes that split a string literal.
SEPARATORS = " \t\r\n\f\v\"'`+,._-\\"
_PERCENT = re.compile("%[0-9A-F]{2}")


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
                forms.update(_spelled_out(form) for form in (value, value[::-1]))
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
    forms = {value, value[::-1]} | encoded | {e.rstrip("=") for e in encoded}
    return forms | {url for form in forms for url in _url_encoded(form)}


def _url_encoded(text: str) -> set[str]:
    """Percent-encoded as ``quote`` and ``quote_plus`` write it, in either hex case."""
    upper = {urllib.parse.quote(text, safe=""), urllib.parse.quote_plus(text, safe="")}
    return upper | {_PERCENT.sub(lambda m: m.group().lower(), form) for form in upper}


def _spelled_out(value: str) -> str:
    """A pattern for ``value`` with separators between its characters, any of which may be
    percent-encoded: "ab" matches ``a b``, ``"a" + "b"``, ``a-b`` and ``%61%62``.

    A gap never holds what may start the next character, so it cannot give back what
    it took: the match never backtracks more than one gap's length.
    """
    pattern = _character(value[0])
    for char in value[1:]:
        starts = {char, "+"} if char == " " else {char}  # quote_plus writes a space as +
        gap = "".join(re.escape(s) for s in SEPARATORS if s not in starts)
        pattern += f"[{gap}]*" + _character(char)
    return pattern


def _character(char: str) -> str:
    escaped = "".join(f"%{_hex(byte)}" for byte in char.encode())
    plus = r"|\+" if char == " " else ""
    return f"(?:{re.escape(char)}|{escaped}{plus})"


def _hex(byte: int) -> str:
    return "".join(f"[{d.lower()}{d}]" if d.isalpha() else d for d in f"{byte:02X}")
