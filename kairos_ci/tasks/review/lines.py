"""The added lines a review looks at, with their text, and the files it could not read."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from kairos_ci.tasks.review.records import NotReviewed, PullDiff, ReviewLimits, ReviewScope


@dataclass(frozen=True)
class Added:
    path: str
    line: int  # head line number
    text: str


@dataclass(frozen=True)
class Readable:
    """The scope's files split into those the checks read and those they could not."""

    files: tuple[str, ...]
    not_reviewed: tuple[NotReviewed, ...]


def readable(pull: PullDiff, scope: ReviewScope, limits: ReviewLimits) -> Readable:
    """Files with added lines in scope, in path order, while they fit ``limits``."""
    files: list[str] = []
    skipped: list[NotReviewed] = []
    budget = limits.max_added_lines
    for path in sorted(scope.lines):
        count = len(scope.lines[path])
        if pull.texts.get(path) is None:
            skipped.append(NotReviewed(path, "binary, not UTF-8, or over 1 MiB"))
        elif len(files) >= limits.max_files or count > budget:
            why = (
                f"over the review's budget ({limits.max_files:,} files, "
                f"{limits.max_added_lines:,} added lines)"
            )
            skipped.append(NotReviewed(path, why, for_size=True))
        else:
            files.append(path)
            budget -= count
    return Readable(tuple(files), tuple(skipped))


def added_lines(pull: PullDiff, scope: ReviewScope, files: tuple[str, ...]) -> Iterator[Added]:
    for path in files:
        rows = (pull.texts.get(path) or "").split("\n")
        for number in sorted(scope.lines.get(path, ())):
            if 1 <= number <= len(rows):
                yield Added(path, number, rows[number - 1])


def first_added(scope: ReviewScope, path: str) -> int | None:
    lines = scope.lines.get(path)
    return min(lines) if lines else None
