"""Raw testcases (attributes and result children) into ``TestResult`` records, in batches.

The parser hands over testcases a batch at a time: one tight loop with local names is
markedly cheaper than a method call per testcase, and a passing testcase (nearly all
of them) takes the short path. Repeated identities in a suite merge into attempts.
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
from kairos_ci.signals.numbers import clip, seconds
from kairos_ci.signals.paths import normalize
from kairos_ci.signals.records import Attempt, Outcome, Record, ReportLimits, TestResult

# A passing testcase is just its attributes; one with result children carries them too.
RawCase = dict[str, str] | tuple[dict[str, str], list[RawResult]]
_PASSED = Outcome.PASSED
_UNKNOWN = object()
_CACHE = 4_096  # distinct paths / times remembered per file


class CaseBuilder:
    """Builds the records of one file; remembers normalised paths and shared attempts."""

    __slots__ = ("_file", "_limits", "_ordinal", "_passes", "_paths", "_root")

    def __init__(self, file: str, root: str | None, limits: ReportLimits) -> None:
        self._file = file
        self._root = root
        self._limits = limits
        self._paths: dict[str, str | None] = {}
        self._passes: dict[str | None, tuple[Attempt]] = {}
        self._ordinal = 0  # testcases seen in the file: names the nameless ones

    def build(
        self,
        suite: tuple[str, ...],
        cases: list[RawCase],
        pending: dict[str, TestResult],
        spill: Callable[[], None],
    ) -> None:
        """Add ``cases`` to ``pending`` (merging repeats); ``spill`` empties it when full."""
        file, leaf, new = self._file, suite[-1] if suite else "", tuple.__new__
        paths, passes, most = self._paths, self._passes, self._limits.max_pending
        ordinal, keep = self._ordinal, pending.setdefault
        for case in cases:
            ordinal += 1
            results: list[RawResult] | None
            if isinstance(case, dict):
                attrs, results = case, None
            else:
                attrs, results = case
            get = attrs.get
            name = get("name", "")
            classname = get("classname") or get("class") or None
            owner = classname or leaf
            shown = name or f"#{ordinal}"  # a nameless testcase is never merged
            key = f"{owner}::{shown}" if owner else shown
            if results is None and "status" not in attrs:
                time = get("time")
                attempts = passes.get(time) or self._pass(time)
                raw = get("file")
                path = paths.get(raw, _UNKNOWN) if raw else None
                if path is _UNKNOWN:
                    path = self._path(raw)
                raw = get("line")
                try:  # inline: this runs once per testcase
                    line = int(raw) if raw and len(raw) < 10 else None
                except ValueError:
                    line = None
                if line is not None and line < 1:
                    line = None
                fields = (file, key, suite, classname, name, path, line, _PASSED,
                          attempts, attempts[0].duration_s, None, None)  # fmt: skip
                result: TestResult = new(TestResult, fields)
            else:
                result = self._judged(key, suite, classname, name, attrs, results or [])
            previous = keep(key, result)
            if previous is not result:
                pending[key] = merge(previous, result)
            elif len(pending) > most:
                spill()  # bounded memory: later repeats of these become new records
        self._ordinal = ordinal

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
                  duration, message, details)  # fmt: skip
        result: TestResult = tuple.__new__(TestResult, fields)
        return result

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


def merge(first: TestResult, then: TestResult) -> TestResult:
    """Two testcase elements of the same test: their attempts, in document order."""
    attempts = first.attempts + then.attempts
    outcome = outcome_of(attempts)
    return first._replace(
        path=first.path or then.path,
        line=first.line or then.line,
        outcome=outcome,
        attempts=attempts,
        duration_s=total_duration(attempts),
        message=deciding_message(attempts, outcome),
        details=then.details or first.details,
    )


def records_of(pending: dict[str, TestResult]) -> list[Record]:
    return list(pending.values())
