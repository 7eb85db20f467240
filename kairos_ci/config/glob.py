"""Repository path globs: ``*`` stays within a directory, ``**`` crosses directories.

A pattern without a slash matches a file name at any depth, as in .gitignore.
"""

from __future__ import annotations

import functools
import re


def matches(pattern: str, path: str) -> bool:
    return _compile(pattern).fullmatch(path.lstrip("/")) is not None


def matches_any(patterns: tuple[str, ...], path: str) -> bool:
    return any(matches(p, path) for p in patterns)


@functools.lru_cache(maxsize=512)
def _compile(pattern: str) -> re.Pattern[str]:
    pattern = pattern.lstrip("/")
    if "/" not in pattern.rstrip("/"):
        pattern = "**/" + pattern
    regex = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            regex.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            regex.append(".*")
            i += 2
        elif pattern[i] == "*":
            regex.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            regex.append("[^/]")
            i += 1
        else:
            regex.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(regex))
