"""Testcases that are not a plain pass, and the caches the plain pass reads.

A passing testcase (nearly all of them) is built in ``JUnitHandler.end`` from three
caches kept here: normalised paths, line numbers, and the one-attempt tuple for each
``time`` text (immutable, so shared). Everything else (a testcase with result children
or a ``status``, a suite's own failure) is built here: the long path.
"""

from __future__ import annotations

from kairos_ci.signals.junit_cases import (
    RawResult,
    attempts_of,
    deciding_message,
    outcome_of,
    total_duration,
)
from kairos_ci.signals.junit_suite import SuiteFrame
from kairos_ci.signals.numbers import clip, seconds
from kairos_ci.signals.paths import normalize
from kairos_ci.signals.records import Attempt, Outcome, ReportLimits, TestResult

SUITE_TEST = "(suite)"  # the name of a suite's own failure, reported outside any testcase
_PASSED = Outcome.PASSED
_CACHE = 4_096  # distinct paths / lines / times remembered per file

Passed = tuple[tuple[Attempt], float | None]  # a pass's attempts and its duration


class CaseBuilder:
    """Builds the long-path records of one file; owns the caches the short path reads."""

    __slots__ = ("_file", "_limits", "_root", "lines", "passes", "paths")

    def __init__(self, file: str, root: str | None, limits: ReportLimits) -> None:
        self._file = file
        self._root = root
        self._limits = limits
        self.paths: dict[str, str | None] = {}
        self.lines: dict[str, int | None] = {}  # line numbers repeat: a lookup beats int()
        self.passes: dict[str | None, Passed] = {}

    def failed(
        self, attrs: dict[str, str], results: list[RawResult], ordinal: int, frame: SuiteFrame
    ) -> TestResult:
        """A testcase with result children or a ``status``."""
        name = attrs.get("name", "")
        classname = attrs.get("classname") or attrs.get("class") or None
        key = test_id(classname, name, frame.leaf, ordinal)
        return self._judged(key, frame.path, classname, name, attrs, results)

    def suite_test(self, frame: SuiteFrame) -> TestResult:
        """A suite's own failure (Ant's ``<error>`` when a class does not load) as a test."""
        leaf = frame.leaf
        key = f"{leaf}::{SUITE_TEST}" if leaf else SUITE_TEST
        return self._judged(key, frame.path, leaf or None, SUITE_TEST, {}, frame.direct)

    def _judged(
        self,
        key: str,
        suite: tuple[str, ...],
        classname: str | None,
        name: str,
        attrs: dict[str, str],
        results: list[RawResult],
    ) -> TestResult:
        limits = self._limits
        status, time = attrs.get("status"), attrs.get("time")
        case = attempts_of(results, status, time, limits.max_message_chars)
        attempts = case.attempts
        if len(attempts) == 1:
            only = attempts[0]
            outcome, duration = only.outcome, only.duration_s
            message = only.message if outcome is not _PASSED else None
        else:
            outcome = outcome_of(attempts)
            duration = total_duration(attempts)
            message = deciding_message(attempts, outcome)
        location = case.location or (None, None)
        details = clip(case.details, limits.max_details_chars, case.details_size)
        raw_path = attrs.get("file") or location[0]
        raw_line = attrs.get("line") or location[1]
        path = self.path(raw_path) if raw_path else None
        line = self.line(raw_line) if raw_line else None
        fields = (self._file, key, suite, classname, name, path, line, outcome, attempts,
                  duration, message, details, None)  # fmt: skip
        result: TestResult = tuple.__new__(TestResult, fields)
        return result

    def passing(self, time: str | None) -> Passed:
        """One passing attempt, and its duration, for a ``time`` text (a cache miss)."""
        duration = seconds(time)
        passed = ((Attempt(_PASSED, duration, None),), duration)
        if len(self.passes) < _CACHE:
            self.passes[time] = passed
        return passed

    def path(self, raw: str) -> str | None:
        """A repository-relative path for a ``file`` text, through the cache."""
        if raw in self.paths:
            return self.paths[raw]
        path = normalize(raw, self._root) or None
        if len(self.paths) < _CACHE:
            self.paths[raw] = path
        return path

    def line(self, raw: str) -> int | None:
        """A line number for a ``line`` text, through the cache."""
        if raw in self.lines:
            return self.lines[raw]
        line = _line(raw)
        if len(self.lines) < _CACHE:
            self.lines[raw] = line
        return line


def test_id(classname: str | None, name: str, suite: str, ordinal: int) -> str:
    """``classname::name``; the suite's name stands in for a missing class, and the
    testcase's ordinal in the file for a missing name (a nameless one is never merged)."""
    owner = classname or suite
    shown = name or f"#{ordinal}"
    return f"{owner}::{shown}" if owner else shown


def _line(raw: str) -> int | None:
    if len(raw) > 10:
        return None
    try:
        line = int(raw)
    except ValueError:
        return None
    return line if 0 < line < 1 << 31 else None
