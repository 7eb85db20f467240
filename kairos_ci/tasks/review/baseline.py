"""Which lint findings a pull request introduced: the head's, less those the base had.

A finding's identity survives line shifts: linter and rule, the file's path (its head
path when the pull request renamed it) and the text of the finding's first line with
whitespace collapsed; never the line number. One identity can occur several times (two
identical lines, one rule): when the head has ``h`` of them and the base ``b``, ``h - b``
are new, and the ones on added lines are taken as the new ones first. So a re-indented
or moved finding is not said again, and a copy of a flagged line is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kairos_ci.forge.markers import fingerprint

MAX_FILE_BYTES = 1024 * 1024  # a bigger file is compared by rule and path alone


@dataclass(frozen=True)
class Spot:
    """One finding in one tree: what identifies it, and where it lies."""

    rule: str  # "ruff/F401": the linter's name and its rule
    path: str  # the head's name for the file
    text: str  # the first line's text, whitespace collapsed ("" when unknown)
    line: int | None
    added: bool = False  # on a line the pull request added (head side only)

    @property
    def identity(self) -> str:
        return fingerprint(self.rule, self.path, self.text, prefix="lintline")


def introduced(head: Sequence[Spot], base: Iterable[Spot]) -> frozenset[int]:
    """Indices into ``head`` of the findings on added lines that the base did not have."""
    had = Counter(spot.identity for spot in base)
    groups: dict[str, list[int]] = {}
    for index, spot in enumerate(head):
        groups.setdefault(spot.identity, []).append(index)
    new: set[int] = set()
    for identity, indices in groups.items():
        fresh = len(indices) - had[identity]
        if fresh <= 0:
            continue
        on_added = sorted((i for i in indices if head[i].added), key=lambda i: _where(head[i]))
        new.update(on_added[:fresh])
    return frozenset(new)


def _where(spot: Spot) -> tuple[int, str]:
    return (spot.line or 0, spot.path)


def collapsed(text: str) -> str:
    return " ".join(text.split())


class TreeLines:
    """The lines of files in one checkout, read once each, never outside it."""

    def __init__(self, root: Path) -> None:
        self._root = root.resolve()
        self._rows: dict[str, list[str]] = {}

    def text(self, path: str, line: int | None) -> str:
        rows = self._rows.get(path)
        if rows is None:
            rows = self._rows[path] = self._read(path)
        if line is None or not 1 <= line <= len(rows):
            return ""
        return collapsed(rows[line - 1])

    def _read(self, path: str) -> list[str]:
        target = (self._root / path).resolve()
        if not target.is_relative_to(self._root) or not target.is_file():
            return []
        if target.stat().st_size > MAX_FILE_BYTES:
            return []
        return target.read_text("utf-8", "replace").split("\n")
