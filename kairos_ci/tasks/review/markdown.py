"""Text from outside (linter messages, file names, the model's words) as inert markdown.

It cannot become a link, an image, raw HTML, a mention, an issue reference (and so no
closing keyword), a checkbox or a hidden marker (SECURITY.md OUT-01, OUT-02, OUT-04):
markdown punctuation is escaped and every URL, address, mention or reference is shown
as inline code.
"""

from __future__ import annotations

import re

from kairos_ci.agent.untrusted import hidden_kind

# Tokens GitHub would turn into links or notifications.
_ACTIVE = re.compile(
    r"(?i)"
    r"(?:\b(?:https?|ftp|file|mailto|data|javascript|vbscript):[^\s`|<>]+)"
    r"|(?:\bwww\.[^\s`|<>]+)"
    r"|(?:[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
    r"|(?:(?<![\w`])@[a-z0-9][a-z0-9-]*(?:/[\w.-]+)?)"
    r"|(?:(?:\b[\w.-]+/[\w.-]+)?#\d+\b)"
    r"|(?:\bGH-\d+\b)"
)
_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()<>#+!|~&])")
_LEADING = re.compile(r"^(\d*)([-=.)])")  # would start a list item or a heading rule


def visible(text: str) -> str:
    """``text`` without invisible or control characters (newlines and tabs kept)."""
    return "".join(c for c in text if hidden_kind(c) is None)


def code(text: str, limit: int = 200) -> str:
    """Inline code that stays inline code, whatever ``text`` holds."""
    flat = " ".join(visible(text).split()).replace("`", "'")
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    return f"`{flat}`" if flat else "`(empty)`"


def inert(text: str, limit: int = 1000) -> str:
    """One paragraph of plain text: active tokens as code, punctuation escaped."""
    flat = " ".join(visible(text).split())
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    parts, last = [], 0
    for match in _ACTIVE.finditer(flat):
        parts.append(_PUNCTUATION.sub(r"\\\1", flat[last : match.start()]))
        parts.append(code(match.group(0)))
        last = match.end()
    parts.append(_PUNCTUATION.sub(r"\\\1", flat[last:]))
    return _LEADING.sub(r"\1\\\2", "".join(parts))


def fence(text: str) -> str:
    """A fence longer than any run of backticks in ``text``, so it cannot close early."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)
