"""Raw testcases (attributes and result children) into ``TestResult`` records, in batches.

The parser hands over testcases a batch at a time: one tight loop with local names is
markedly cheaper than a method call per testcase, and a passing testcase (nearly all
of them) takes the short path. A repeated identity in a suite is set aside in the
frame's ``repeats``; ``junit_repeats`` decides, when the suite is settled, whether it is
a rerun or a distinct test.
"""

from __future__ import annotations

from collections.abc import Callable

from kairos_ci.signals.junit_cases import (
    RawResult,
    attempts_of,
    deciding_message,
    outcome_of,
    total_duration,
)
from kairos_ci.signals.junit_suite import RawCase, SuiteFrame
from kairos_ci.signals.numbers import clip, seconds
from kairos_ci.signals.paths import normalize
from kairos_ci.signals.records import Attempt, Outcome, ReportLimits, TestResult

SUITE_TEST = "(suite)"  # the name of a suite's own failure, reported outside any testcase
_PASSED = Outcome.PASSED
_CACHE = 4_096  # distinct paths / times remembered per file


class CaseBuilder:
    """Builds the records of one file; remembers normalised paths and shared attempts."""

    __slots__ = ("_file", "_limits", "_lines", "_ordinal", "_passes", "_paths", "_root")

    def __init__(self, file: str, root: str | None, limits: ReportLimits) -> None:
        self._file = file
        self._root = root
        self._limits = limits
        self._paths: dict[str, str | None] = {}
        self._lines: dict[str, int | None] = {}  # line numbers repeat: a lookup beats int()
        self._passes: dict[str | None, tuple[Attempt]] = {}
        self._ordinal = 0  # testcases seen in the file: names the nameless ones

    def build(self, frame: SuiteFrame, spill: Callable[[], None]) -> None:
        """The frame's batch into its ``pending`` (or ``repeats``); ``spill`` empties them
        when they hold more than the pending cap (checked once a batch: at most a batch over)."""
        suite, pending, repeats = frame.path, frame.pending, frame.repeats
        file, leaf, new = self._file, suite[-1] if suite else "", tuple.__new__
        paths, passes, lines = self._paths, self._passes, self._lines
        ordinal, keep = self._ordinal, pending.setdefault
        for case in frame.batch:
            ordinal += 1
            if type(case) is dict and "status" not in case:  # a pass: nearly every case
                get = case.get
                name = get("name", "")
                classname = get("classname") or get("class") or None
                owner = classname or leaf
                key = f"{owner}::{name or f'#{ordinal}'}" if owner else name or f"#{ordinal}"
                time = get("time")
                attempts = passes.get(time) or self._pass(time)
                raw = get("file")
                path = (paths[raw] if raw in paths else self._path(raw)) if raw else None
                raw = get("line")
                line = (lines[raw] if raw in lines else self._line(raw)) if raw else None
                fields = (file, key, suite, classname, name, path, line, _PASSED,
                          attempts, attempts[0].duration_s, None, None, None)  # fmt: skip
                result: TestResult = new(TestResult, fields)
            else:
                result = self._failed(case, ordinal, suite, leaf)
                key = result.id
            if keep(key, result) is not result:
                repeats.setdefault(key, []).append(result)
                frame.repeated += 1
        self._ordinal = ordinal
        frame.cases += len(frame.batch)
        frame.batch.clear()  # in place: the handler holds this very list
        if len(pending) + frame.repeated > self._limits.max_pending:
            spill()  # bounded memory: later repeats of these become new records

    def _failed(self, case: RawCase, ordinal: int, suite: tuple[str, ...], leaf: str) -> TestResult:
        """A testcase with result children or a ``status``: the long path."""
        attrs, results = (case, []) if isinstance(case, dict) else case
        name = attrs.get("name", "")
        classname = attrs.get("classname") or attrs.get("class") or None
        owner = classname or leaf
        shown = name or f"#{ordinal}"  # a nameless testcase is never merged
        key = f"{owner}::{shown}" if owner else shown
        return self._judged(key, suite, classname, name, attrs, results)

    def suite_test(self, frame: SuiteFrame) -> TestResult:
        """A suite's own failure (Ant's ``<error>`` when a class does not load) as a test."""
        leaf = frame.path[-1] if frame.path else ""
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
        path = self._path(attrs.get("file") or location[0])
        line = _line(attrs.get("line") or location[1])
        fields = (self._file, key, suite, classname, name, path, line, outcome, attempts,
                  duration, message, details, None)  # fmt: skip
        result: TestResult = tuple.__new__(TestResult, fields)
        return result

    def _line(self, raw: str) -> int | None:
        line = _line(raw)
        if len(self._lines) < _CACHE:
            self._lines[raw] = line
        return line

    def _pass(self, time: str | None) -> tuple[Attempt]:
        """One passing attempt; shared by tests with the same ``time`` text (immutable)."""
        attempts = (Attempt(_PASSED, seconds(time), None),)
        if len(self._passes) < _CACHE:
            self._passes[time] = attempts
        return attempts

    def _path(self, raw: str | None) -> str | None:
        if not raw:
            return None
        path = normalize(raw, self._root) or None
        if len(self._paths) < _CACHE:
            self._paths[raw] = path
        return path


def _line(raw: str | None) -> int | None:
    if not raw or len(raw) > 10:
        return None
    try:
        line = int(raw)
    except ValueError:
        return None
    return line if 0 < line < 1 << 31 else None
