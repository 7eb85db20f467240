"""JUnit XML, streamed: every mainstream producer's dialect into ``TestResult`` records.

- Nested ``<testsuite>`` elements keep their path (PHPUnit, Bazel, JUnit 5, NUnit via XSLT).
- Repeated testcases with the same identity in the same suite are attempts of one test
  (Gradle without ``mergeReruns``, ``go test -count``, pytest-rerunfailures merged by hand).
  Merging is per suite, so memory is bounded by the largest suite, not by the file.
- Suite counters are reported (as ``SuiteTotals``) only for suites that list no testcases.
- A root ``<testcase>`` (no suite at all) is accepted.

The event handlers only collect; ``junit_build`` turns batches into records. The hot path
(a passing testcase) is kept short on purpose: see bench/parse_junit.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kairos_ci.errors import InputTooLarge
from kairos_ci.signals import xmlstream
from kairos_ci.signals.junit_build import CaseBuilder, RawCase
from kairos_ci.signals.junit_cases import RESULT_TAGS, RawResult
from kairos_ci.signals.numbers import whole
from kairos_ci.signals.records import Record, ReportLimits, SuiteTotals, TestResult

ROOTS = frozenset({"testsuites", "testsuite", "testcase"})
_BATCH = 128  # raw testcases held before they are turned into records


@dataclass(slots=True)
class _Suite:
    path: tuple[str, ...]  # names from the outermost suite down to this one
    attrs: dict[str, str]
    cases: int = 0
    child_totals: bool = False
    batch: list[RawCase] = field(default_factory=list)
    pending: dict[str, TestResult] = field(default_factory=dict)


class JUnitHandler:
    """Receives expat events for one file; ``drain`` hands over finished records."""

    __slots__ = (  # slots: these are read on every event of every element
        "_batch", "_builder", "_capture", "_case", "_depth", "_file", "_limits", "_max_depth",
        "_max_tests", "_muted", "_out", "_results", "_seen", "_suites", "listen",
    )  # fmt: skip

    def __init__(self, display: str, root: str | None, limits: ReportLimits) -> None:
        self._file = display
        self._limits = limits
        self._builder = CaseBuilder(display, root, limits)
        self._depth = 0
        self._max_depth = limits.max_depth
        self._max_tests = limits.max_tests
        self._suites = [_Suite((), {})]  # a frame for testcases outside any testsuite
        self._batch = self._suites[0].batch  # the innermost suite's, where testcases go
        self._case: dict[str, str] | None = None
        self._results: list[RawResult] | None = None
        self._capture: RawResult | None = None
        self._muted = 0  # elements open inside a captured result (system-out in a rerun)
        self._seen = 0
        self._out: list[Record] = []
        self.listen: xmlstream.Listen = xmlstream.ignore_text

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        depth = self._depth = self._depth + 1
        if depth > self._max_depth:
            raise InputTooLarge(f"elements nested deeper than {self._max_depth}")
        if self._capture is not None:
            if self._muted or xmlstream.local(tag) != "stackTrace":
                self._muted += 1
        elif tag == "testcase" or xmlstream.local(tag) == "testcase":
            seen = self._seen = self._seen + 1
            if seen > self._max_tests:
                self._stop()
            self._case = attrs
            self._results = None
        else:
            self._start_other(xmlstream.local(tag), attrs)

    def _start_other(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "testsuite":
            self._suites.append(_Suite((*self._suites[-1].path, attrs.get("name", "")), attrs))
            self._batch = self._suites[-1].batch
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
            batch = self._batch
            batch.append(self._case if self._results is None else (self._case, self._results))
            self._case = None
            if len(batch) >= _BATCH:
                self._build(self._suites[-1])
        elif xmlstream.local(tag) == "testsuite" and len(self._suites) > 1:
            self._close_suite(self._suites.pop())
            self._batch = self._suites[-1].batch

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

    def _build(self, suite: _Suite) -> None:
        suite.cases += len(suite.batch)
        self._builder.build(suite.path, suite.batch, suite.pending, lambda: self._spill(suite))
        suite.batch.clear()  # in place: ``self._batch`` may be this very list

    def _spill(self, suite: _Suite) -> None:
        self._out.extend(suite.pending.values())
        suite.pending.clear()  # in place: the builder holds this very dict

    def _flush(self, suite: _Suite) -> None:
        self._build(suite)
        self._spill(suite)

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


def read(path: Path, display: str, root: str | None, limits: ReportLimits) -> Iterator[Record]:
    """Records from a JUnit XML file, as it is read; raises ``InputError`` if it is not one."""

    def pick(tag: str) -> xmlstream.Handler | None:
        return JUnitHandler(display, root, limits) if tag in ROOTS else None

    return (record for batch in xmlstream.stream(path, pick, limits) for record in batch)
