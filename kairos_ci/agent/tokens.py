"""Token estimates for prompt text, and trimming text to a token budget.

The estimate is the loop's own (a quarter of the UTF-8 bytes, rounded up): generous for
code and English, so a budget met here is met by the real tokenizer too.
"""

from __future__ import annotations

BYTES_PER_TOKEN = 4


def estimate(text: str) -> int:
    """Estimated tokens in ``text``."""
    size = len(text.encode())
    return -(-size // BYTES_PER_TOKEN)


def trim(text: str, tokens: int) -> str:
    """``text`` cut at a line end to fit ``tokens``, saying how many lines were cut."""
    if estimate(text) <= tokens:
        return text
    lines = text.split("\n")
    kept: list[str] = []
    room = tokens * BYTES_PER_TOKEN - 60  # the note at the end takes about this much
    for line in lines:
        size = len(line.encode()) + 1
        if size > room:
            break
        kept.append(line)
        room -= size
    if not kept:
        return ""
    return "\n".join([*kept, f"[... {len(lines) - len(kept)} more lines cut to fit]"])
