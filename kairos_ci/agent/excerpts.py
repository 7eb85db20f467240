"""Numbered excerpts of repository files, as the fix prompt shows them.

Each line carries its number and a tab (as ``read_file`` shows lines), gaps between
spans are marked, and the header says why the excerpt is there.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

WINDOW = 12  # lines either side of a line when no definition holds it
HEAD_LINES = 60  # lines shown of a file when nothing points inside it


@dataclass(frozen=True)
class FileExcerpt:
    path: str
    spans: tuple[tuple[int, int], ...]  # 1-based, inclusive, sorted, not overlapping
    why: str  # "traceback frame", "imported by the test": for the header

    def render(self, rows: Sequence[str]) -> str:
        out = [f"--- {self.path} ({self.why}) ---"]
        last = 0
        for first, end in self.spans:
            if last and first > last + 1:
                out.append("...")
            out += [f"{n}\t{rows[n - 1]}" for n in range(first, min(end, len(rows)) + 1)]
            last = end
        return "\n".join(out)


def merged(spans: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Spans sorted, with overlapping and touching ones joined."""
    result: list[tuple[int, int]] = []
    for first, end in sorted(spans):
        if result and first <= result[-1][1] + 1:
            result[-1] = (result[-1][0], max(result[-1][1], end))
        else:
            result.append((first, end))
    return tuple(result)


def window(line: int, total: int, size: int = WINDOW) -> tuple[int, int]:
    return max(1, line - size), min(total, line + size)
