"""Protected paths, checked on the final patch.

Both sides of a rename count, a new symlink counts for where it points, and a
change below an existing symlinked directory counts for the real path it edits.
Matching ignores case: over-protecting is the safe side on case-insensitive disks.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Mapping, Sequence

from kairos_ci.config import glob
from kairos_ci.policy.records import PathChange, Violation


def violations(
    changes: Sequence[PathChange],
    patterns: Sequence[str],
    existing_symlinks: Mapping[str, str] | None = None,
) -> tuple[Violation, ...]:
    """Every way ``changes`` would touch a protected path or leave the repository."""
    links = existing_symlinks or {}
    found: list[Violation] = []
    for change in changes:
        for path, how in _touched(change, links):
            found.extend(_check(path, how, patterns))
    return tuple(dict.fromkeys(found))


def _touched(change: PathChange, links: Mapping[str, str]) -> Iterator[tuple[str, str]]:
    sides = [change.path] + ([change.old_path] if change.old_path else [])
    for side in sides:
        yield side, "changes"
        real = _through_links(side, links)
        if real != side:
            yield real, f"changes {side}, which is reached through a symlink to"
    if change.symlink_target is not None:
        base = posixpath.dirname(change.path)
        yield posixpath.join(base, change.symlink_target), f"makes {change.path} a symlink to"


def _check(path: str, how: str, patterns: Sequence[str]) -> Iterator[Violation]:
    normal = _normalise(path)
    if normal is None:
        yield Violation(path, f"{how} a path outside the repository")
        return
    for pattern in patterns:
        if glob.matches(pattern.casefold(), normal.casefold()):
            yield Violation(normal, f"{how} protected path {normal} (matches {pattern})")
            return


def _through_links(path: str, links: Mapping[str, str]) -> str:
    """Resolve directories of ``path`` that are symlinks in the base tree."""
    parts = path.split("/")
    for depth in range(len(parts) - 1, 0, -1):
        directory = "/".join(parts[:depth])
        if directory in links:
            target = posixpath.join(posixpath.dirname(directory), links[directory])
            return posixpath.join(target, *parts[depth:])
    return path


def _normalise(path: str) -> str | None:
    if path.startswith("/") or "\\" in path or "\0" in path:
        return None
    normal = posixpath.normpath(path)
    if normal == ".." or normal.startswith("../"):
        return None
    return normal
