"""Matching paths printed by tools (absolute, from another machine, package-relative)
against the repository's tracked files, the way dorny/test-reporter does with ``git ls-files``.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Iterable


def clean(path: str) -> str:
    text = path.strip().replace("\\", "/")
    return posixpath.normpath(text).lstrip("/") if text else ""


class TrackedFiles:
    """An index of repository paths; lookups pick the longest path-suffix match, and only
    when it is unambiguous (two ``utils.py`` files and a bare ``utils.py:3`` give nothing).
    """

    def __init__(self, paths: Iterable[str]) -> None:
        self._all: set[str] = set()
        self._by_name: defaultdict[str, list[str]] = defaultdict(list)
        self._by_stem: defaultdict[str, list[str]] = defaultdict(list)
        for raw in paths:
            path = clean(raw)
            if not path or path in self._all:
                continue
            self._all.add(path)
            name = path.rpartition("/")[2]
            self._by_name[name].append(path)
            self._by_stem[name.partition(".")[0]].append(path)

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and path in self._all

    def resolve(self, raw: str) -> str | None:
        """The tracked file ``raw`` names: exact, else the longest unique suffix match."""
        path = clean(raw)
        if not path:
            return None
        if path in self._all:
            return path
        parts = path.split("/")
        return _best(parts, self._by_name.get(parts[-1], ()))

    def resolve_module(self, dotted: str) -> str | None:
        """A tracked file for a class or module name: ``tests.test_x.TestA`` finds
        ``tests/test_x.py``; ``org.acme.FlakyTest`` finds ``.../org/acme/FlakyTest.java``."""
        parts = [p for p in dotted.replace("::", ".").split(".") if p]
        while parts:
            head = parts[-1].partition("$")[0]  # Outer$Inner lives in Outer.java
            found = _best([*parts[:-1], head], self._by_stem.get(head, ()), stem=True)
            if found:
                return found
            parts.pop()
        return None


def _best(parts: list[str], candidates: Iterable[str], *, stem: bool = False) -> str | None:
    best: str | None = None
    best_score = 0
    tied = False
    for candidate in candidates:
        other = candidate.split("/")
        if stem:
            other[-1] = other[-1].partition(".")[0]
        score = _common_suffix(parts, other)
        if score > best_score:
            best, best_score, tied = candidate, score, False
        elif score == best_score:
            tied = True
    return None if tied or best_score == 0 else best


def _common_suffix(left: list[str], right: list[str]) -> int:
    count = 0
    for a, b in zip(reversed(left), reversed(right), strict=False):
        if a != b:
            break
        count += 1
    return count
