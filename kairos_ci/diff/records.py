"""A parsed unified diff, and where findings and test failures land on it."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from kairos_ci.signals.records import Finding, TestResult


class FilterMode(enum.StrEnum):
    """reviewdog's filter modes: which locations count as "in the diff"."""

    ADDED = "added"  # added or modified lines only (the default)
    DIFF_CONTEXT = "diff_context"  # any line shown in a hunk, context lines included
    FILE = "file"  # anywhere in a changed file
    NOFILTER = "nofilter"  # everything, changed or not


class ChangeKind(enum.StrEnum):
    ADDED = "added"
    DELETED = "deleted"
    MODIFIED = "modified"
    RENAMED = "renamed"


class DiffLine(NamedTuple):
    """One line of a hunk. A NamedTuple: a lockfile diff has 100,000s of them, and a
    frozen dataclass costs several times as much to build (it is just as immutable)."""

    kind: str  # "+", "-" or " "
    old_line: int | None
    new_line: int | None


@dataclass(frozen=True, slots=True)
class Hunk:
    old_start: int
    old_count: int
    new_start: int
    new_count: int
    section: str
    lines: tuple[DiffLine, ...]


@dataclass(frozen=True, slots=True)
class FileDiff:
    """One file's change. ``path`` is the new path (the old one for a deleted file)."""

    path: str
    old_path: str | None  # None for an added file
    kind: ChangeKind
    binary: bool
    hunks: tuple[Hunk, ...]
    added: frozenset[int]  # new-side numbers of added lines
    context: frozenset[int]  # new-side numbers of context lines shown in hunks
    old_ends_without_newline: bool = False
    new_ends_without_newline: bool = False


@dataclass(frozen=True)
class Diff:
    files: tuple[FileDiff, ...]
    _by_path: Mapping[str, FileDiff] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index = {f.path: f for f in self.files if f.kind is not ChangeKind.DELETED}
        object.__setattr__(self, "_by_path", index)

    def file(self, path: str) -> FileDiff | None:
        """The change to ``path`` as it is after the diff (deleted files are not there)."""
        return self._by_path.get(path)


Subject = Finding | TestResult


@dataclass(frozen=True, slots=True)
class Placement:
    """Where one finding or failing test lands, and whether the diff shows that spot.

    ``commentable``: the line is on the new side of a hunk, so a review comment can be
    attached there (GitHub rejects review comments outside the hunks with 422).
    """

    subject: Subject
    path: str | None
    line: int | None
    end_line: int | None
    commentable: bool
    via: str  # how the location was found: "report", "testcase", "stack", "classname", "none"


@dataclass(frozen=True, slots=True)
class Mapped:
    """``inside``: what the filter mode lets through; ``outside``: the rest, for the summary."""

    inside: tuple[Placement, ...]
    outside: tuple[Placement, ...]
