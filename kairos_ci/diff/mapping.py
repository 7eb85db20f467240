"""Placing findings and test failures on a diff, with reviewdog's filter modes.

A finding spanning lines ``start..end`` is inside when any of those lines passes the
mode (``added``: an added line; ``diff_context``: any line a hunk shows; ``file``: the
file changed; ``nofilter``: always). Test failures are placed by the testcase's own file
and line first, then by the first stack frame that resolves to a tracked file, then by
the class name; the first candidate that is inside the diff wins. Nothing is dropped:
what is not inside is returned as ``outside``, for the summary.
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection, Iterable, Iterator

from kairos_ci.diff.locate import TrackedFiles, clean
from kairos_ci.diff.records import Diff, FileDiff, FilterMode, Mapped, Placement
from kairos_ci.signals import frames
from kairos_ci.signals.records import Finding, Outcome, TestResult

FAILING = frozenset({Outcome.FAILED, Outcome.ERRORED, Outcome.FLAKY})
_MAX_SPAN = 10_000  # lines of one finding examined one by one; larger spans use the sets
_MAX_FRAMES = 40  # stack frames tried per failure


def map_findings(
    findings: Iterable[Finding], diff: Diff, mode: FilterMode = FilterMode.ADDED
) -> Mapped:
    inside: list[Placement] = []
    outside: list[Placement] = []
    for found in findings:
        path = posixpath.normpath(found.path) if found.path else None
        placement, ok = _place(found, diff, path, found.start_line, found.end_line, mode, "report")
        (inside if ok else outside).append(placement)
    return Mapped(tuple(inside), tuple(outside))


def map_failures(
    tests: Iterable[TestResult],
    diff: Diff,
    mode: FilterMode = FilterMode.ADDED,
    tracked: Collection[str] | TrackedFiles = (),
) -> Mapped:
    """Failed, errored and flaky tests placed on the diff; other outcomes are ignored.

    ``tracked`` lists the repository's files (``git ls-files``): stack frames and class
    names resolve against it and the diff's own paths.
    """
    index = (
        tracked if isinstance(tracked, TrackedFiles) else TrackedFiles(_with_diff(tracked, diff))
    )
    inside: list[Placement] = []
    outside: list[Placement] = []
    for test in tests:
        if test.outcome not in FAILING:
            continue
        first: Placement | None = None
        for path, line, via in _candidates(test, index):
            placement, ok = _place(test, diff, path, line, line, mode, via)
            if ok:
                inside.append(placement)
                break
            first = first or placement
        else:
            outside.append(first or Placement(test, None, None, None, False, "none"))
    return Mapped(tuple(inside), tuple(outside))


def _with_diff(tracked: Collection[str], diff: Diff) -> Iterator[str]:
    yield from tracked
    yield from (f.path for f in diff.files)


def _candidates(test: TestResult, index: TrackedFiles) -> Iterator[tuple[str, int | None, str]]:
    if test.path:
        yield index.resolve(test.path) or clean(test.path), test.line, "testcase"
    for frame in frames.extract(test.details, _MAX_FRAMES):
        resolved = index.resolve(frame.path)
        if resolved:
            yield resolved, frame.line, "stack"
    for dotted in (test.classname, test.suite[-1] if test.suite else None):
        module = index.resolve_module(dotted) if dotted else None
        if module:
            yield module, None, "classname"
            return


def _place(
    subject: Finding | TestResult,
    diff: Diff,
    path: str | None,
    start: int | None,
    end: int | None,
    mode: FilterMode,
    via: str,
) -> tuple[Placement, bool]:
    changed = diff.file(path) if path else None
    line = _first_shown(changed, start, end, mode) if changed else None
    placed = line or start
    commentable = bool(
        changed and placed and (placed in changed.added or placed in changed.context)
    )
    ok = (
        mode is FilterMode.NOFILTER
        or (mode is FilterMode.FILE and changed is not None)
        or line is not None
    )
    return Placement(subject, path, placed, end or start, commentable, via), ok


def _first_shown(
    changed: FileDiff, start: int | None, end: int | None, mode: FilterMode
) -> int | None:
    """The first line of ``start..end`` that ``added``/``diff_context`` lets through."""
    if start is None or mode in (FilterMode.FILE, FilterMode.NOFILTER):
        return None
    last = max(start, end or start)
    shown = changed.added if mode is FilterMode.ADDED else changed.added | changed.context
    if last - start < _MAX_SPAN:
        return next((n for n in range(start, last + 1) if n in shown), None)
    return min((n for n in shown if start <= n <= last), default=None)
