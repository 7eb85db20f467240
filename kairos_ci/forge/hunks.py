"""Which lines of a PR file an inline comment may target: the lines inside its hunks.

GitHub rejects a whole review when one comment is outside the diff, so comments are
checked against the PR's own patches before the review is sent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kairos_ci.forge.records import InlineComment, PullFile

_HUNK = re.compile(r"^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@")


def commentable(files: Iterable[PullFile]) -> dict[tuple[str, str], frozenset[int]]:
    """(path, side) -> the lines a comment may land on (RIGHT: new file, LEFT: old)."""
    found: dict[tuple[str, str], frozenset[int]] = {}
    for file in files:
        right, left = _lines(file.patch or "")
        found[(file.filename, "RIGHT")] = right
        found[(file.filename, "LEFT")] = left
    return found


def placeable(comment: InlineComment, lines: dict[tuple[str, str], frozenset[int]]) -> bool:
    allowed = lines.get((comment.path, comment.side), frozenset())
    if comment.line not in allowed:
        return False
    if comment.start_line is None:
        return True
    span = range(comment.start_line, comment.line + 1)
    return comment.start_line < comment.line and all(n in allowed for n in span)


def _lines(patch: str) -> tuple[frozenset[int], frozenset[int]]:
    right: set[int] = set()
    left: set[int] = set()
    old = new = 0
    for line in patch.split("\n"):
        hunk = _HUNK.match(line)
        if hunk:
            old, new = int(hunk.group(1)), int(hunk.group(2))
        elif line.startswith("+"):
            right.add(new)
            new += 1
        elif line.startswith("-"):
            left.add(old)
            old += 1
        elif line.startswith(" "):
            right.add(new)
            left.add(old)
            old, new = old + 1, new + 1
    return frozenset(right), frozenset(left)
