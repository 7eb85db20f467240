"""JUnit XML, streamed: every mainstream producer's dialect into ``TestResult`` records.

- Nested ``<testsuite>`` elements keep their path (PHPUnit, Bazel, JUnit 5, NUnit via XSLT).
- Repeated testcases with the same identity in the same suite are attempts of one test
  (Gradle without ``mergeReruns``, ``go test -count``, pytest-rerunfailures merged by hand).
  Merging is per suite, so memory is bounded by the largest suite, not by the file.
- Suite counters are reported (as ``SuiteTotals``) only for suites that list no testcases.
- A root ``<testcase>`` (no suite at all) is accepted.

The hot path (a passing testcase) is kept short on purpose: see bench/parse_junit.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kairos_ci.errors import InputTooLarge
from kairos_ci.signals import xmlstream
from kairos_ci.signals.junit_cases import (
    RESULT_TAGS,
    RawResult,
    attempts_of,
    deciding_message,
    outcome_of,
    total_duration,
)
from kairos_ci.signals.numbers import clip, seconds, whole
from kairos_ci.signals.paths import normalize
from kairos_ci.signals.records import (
    Attempt,
    Limits,
    Outcome,
    Record,
    SuiteTotals,
    TestResult,
)

ROOTS = frozenset({"testsuites", "testsuite", "testcase"})
_PASSED = Outcome.PASSED


def _new_result(fields: tuple[object, ...]) -> TestResult:
    # The NamedTuple's own __new__ is a Python function; this skips it on the hot path.
    return tuple.__new__(TestResult, fields)


@dataclass(slots=True)
class _Suite:
    path: tuple[str, ...]  # names from the outermost suite down to this one
    leaf: str  # this suite's own name
    attrs: dict[str, str]
    cases: int = 0
    child_totals: bool = False
    pending: dict[str, TestResult] = field(default_factory=dict)


class JUnitHandler:
    """Receives expat events for one file; ``drain`` hands over finished records."""

    def __init__(self, display: str, root: str | None, limits: Limits) -> None:
        self._file = display
        self._root = root
        self._limits = limits
        self._depth = 0
        self._suites = [_Suite((), "", {})]  # a frame for testcases outside any testsuite
        self._case: dict[str, str] | None = None
        self._results: list[RawResult] | None = None
        self._capture: RawResult | None = None
        self._muted = 0  # elements open inside a captured result (system-out in a rerun)
        self._seen = 0
        self._paths: dict[str, str | None] = {}
        self._passes: dict[str | None, Attempt] = {}
        self._max_depth = limits.max_depth
        self._max_pending = limits.max_pending
        self._out: list[Record] = []
        self.listen: xmlstream.Listen = xmlstream.ignore_text

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        self._depth += 1
        if self._depth > self._max_depth:
            raise InputTooLarge(f"elements nested deeper than {self._max_depth}")
        if self._capture is not None:
            if self._muted or xmlstream.local(tag) != "stackTrace":
                self._muted += 1
            return
        if tag == "testcase" or xmlstream.local(tag) == "testcase":
            self._seen += 1
            if self._seen > self._limits.max_tests:
                self._stop()
            self._case = attrs
            self._results = None
            return
        tag = xmlstream.local(tag)
        if tag == "testsuite":
            name = attrs.get("name", "")
            self._suites.append(_Suite((*self._suites[-1].path, name), name, attrs))
        elif self._case is not None and tag in RESULT_TAGS:
            get = attrs.get
            capture = RawResult(
                tag, get("message"), get("type"), get("file"), get("line"), get("time")
            )
            if self._results is None:
                self._results = []
            self._results.append(capture)
            self._capture = capture
            self.listen(True)

    def end(self, tag: str) -> None:
        self._depth -= 1
        if self._muted:
            self._muted -= 1
        elif self._capture is not None:
            if xmlstream.local(tag) != "stackTrace":
                self._capture = None
                self.listen(False)
        elif self._case is not None and (tag == "testcase" or xmlstream.local(tag) == "testcase"):
            self._add(self._case, self._results)
            self._case = None
        elif xmlstream.local(tag) == "testsuite" and len(self._suites) > 1:
            self._close_suite(self._suites.pop())

    def data(self, text: str) -> None:
        capture = self._capture
        if capture is not None and not self._muted:
            if capture.size < self._limits.max_details_chars:
                capture.text.append(text)
            capture.size += len(text)  # counted beyond the cap, to say how much was cut

    def drain(self) -> list[Record]:
        out, self._out = self._out, []
        return out

    def finish(self) -> list[Record]:
        self._flush(self._suites[0])
        return self.drain()

    def _stop(self) -> None:
        for suite in self._suites:
            self._flush(suite)
        raise InputTooLarge(
            f"stopped after {self._limits.max_tests:,} testcases (the cap); "
            "the rest of the file was not read"
        )

    def _add(self, attrs: dict[str, str], results: list[RawResult] | None) -> None:
        suite = self._suites[-1]
        suite.cases += 1
        name = attrs.get("name", "")
        classname = attrs.get("classname") or attrs.get("class") or None
        owner = classname or suite.leaf
        shown = name or f"#{self._seen}"  # a nameless testcase is never merged
        key = f"{owner}::{shown}" if owner else shown
        if results is None and "status" not in attrs:
            attempt = self._pass(attrs.get("time"))
            raw_path = attrs.get("file")
            result = _new_result((
                self._file, key, suite.path, classname, name,
                self._path(raw_path) if raw_path else None, _line(attrs.get("line")),
                _PASSED, (attempt,), attempt.duration_s, None, None,
            ))  # fmt: skip
        else:
            result = self._judged(key, suite.path, classname, name, attrs, results or [])
        pending = suite.pending
        previous = pending.get(key)
        if previous is not None:
            pending[key] = _merge(previous, result)
            return
        if len(pending) >= self._max_pending:
            self._flush(suite)  # bounded memory: later repeats of these become new records
        suite.pending[key] = result

    def _pass(self, time: str | None) -> Attempt:
        """A passing attempt; shared between tests with the same ``time`` text (immutable)."""
        attempt = self._passes.get(time)
        if attempt is None:
            attempt = Attempt(_PASSED, seconds(time), None)
            if len(self._passes) < 4096:
                self._passes[time] = attempt
        return attempt

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
        case = attempts_of(
            results, attrs.get("status"), attrs.get("time"), limits.max_message_chars
        )
        location = case.location or (None, None)
        details = clip(case.details, limits.max_details_chars, case.details_size)
        outcome = outcome_of(case.attempts)
        return TestResult(
            file=self._file,
            id=key,
            suite=suite,
            classname=classname,
            name=name,
            path=self._path(attrs.get("file") or location[0]),
            line=_line(attrs.get("line") or location[1]),
            outcome=outcome,
            attempts=case.attempts,
            duration_s=total_duration(case.attempts),
            message=deciding_message(case.attempts, outcome),
            details=details,
        )

    def _path(self, raw: str | None) -> str | None:
        if not raw:
            return None
        known = self._paths.get(raw, "")
        if known == "":
            known = normalize(raw, self._root) or None
            if len(self._paths) < 10_000:
                self._paths[raw] = known
        return known

    def _close_suite(self, suite: _Suite) -> None:
        self._flush(suite)
        parent = self._suites[-1]
        if suite.cases == 0 and not suite.child_totals:
            totals = _totals(self._file, suite)
            if totals is not None:
                self._out.append(totals)
                parent.child_totals = True
        elif suite.child_totals:
            parent.child_totals = True
        parent.cases += suite.cases

    def _flush(self, suite: _Suite) -> None:
        if suite.pending:
            self._out.extend(suite.pending.values())
            suite.pending = {}


def _line(raw: str | None) -> int | None:
    if not raw:
        return None
    try:
        line = int(raw)
    except ValueError:
        return None
    return line if 0 < line < 1 << 31 else None


def _merge(first: TestResult, then: TestResult) -> TestResult:
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


def _totals(file: str, suite: _Suite) -> SuiteTotals | None:
    attrs = suite.attrs
    tests = whole(attrs.get("tests")) or 0
    if tests <= 0:
        return None
    skipped = (whole(attrs.get("skipped")) or whole(attrs.get("skips")) or 0) + (
        whole(attrs.get("disabled")) or 0
    )
    return SuiteTotals(
        file=file,
        suite=suite.path,
        tests=tests,
        failed=whole(attrs.get("failures")) or 0,
        errored=whole(attrs.get("errors")) or 0,
        skipped=skipped,
    )


def read(path: Path, display: str, root: str | None, limits: Limits) -> Iterator[Record]:
    """Records from a JUnit XML file, as it is read; raises ``InputError`` if it is not one."""

    def pick(tag: str) -> xmlstream.Handler | None:
        return JUnitHandler(display, root, limits) if tag in ROOTS else None

    return xmlstream.stream(path, pick, limits)
