"""JUnit XML, streamed: every mainstream producer's dialect into ``TestResult`` records.

- Nested ``<testsuite>`` elements keep their path (PHPUnit, Bazel, JUnit 5, NUnit via XSLT).
- Same-named testcases in a suite are attempts of one test only where the report shows
  reruns; otherwise they are distinct tests (``junit_suite`` lists the rules). Merging is
  per suite and capped, so memory is bounded by the pending cap, not by the file.
- Suite counters are reported (as ``SuiteTotals``) only for suites that list no testcases.
- A ``<failure>`` or ``<error>`` directly under a suite (Ant's JUnit task writes one,
  and no testcase, when a class does not load) is an errored or failed test named
  ``(suite)`` with its message and trace, not just a counter. A suite that also lists
  testcases keeps it too: a suite-level error is never dropped.
- A root ``<testcase>`` (no suite at all) is accepted.

The event handlers only collect; ``junit_build`` turns batches into records. The hot path
(a passing testcase) is two short calls: its start appends its attributes to the batch,
its end closes it. Testcases hold no state per nesting level, so only the other
elements count toward the nesting cap. See bench/parse_junit.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from kairos_ci.errors import InputTooLarge
from kairos_ci.signals import xmlstream
from kairos_ci.signals.junit_build import CaseBuilder
from kairos_ci.signals.junit_cases import RERUN_TAGS, RESULT_TAGS, RawResult
from kairos_ci.signals.junit_repeats import RepeatTally, settle
from kairos_ci.signals.junit_suite import (
    MAX_DIRECT,
    RERUN_ELEMENTS,
    SuiteFrame,
    rerun_property,
    totals_of,
)
from kairos_ci.signals.records import Record, ReportLimits

ROOTS = frozenset({"testsuites", "testsuite", "testcase"})
_BATCH = 128  # raw testcases held before they are turned into records
_MAX_RESULTS = 256  # result elements kept per testcase; more are read and dropped


class JUnitHandler:
    """Receives expat events for one file; ``drain`` hands over finished records."""

    __slots__ = (  # slots: these are read on every event of every element
        "_batch", "_builder", "_capture", "_case", "_depth", "_file", "_held", "_limits",
        "_max_depth", "_max_tests", "_muted", "_out", "_repeats", "_results", "_seen",
        "_suites", "listen",
    )  # fmt: skip

    def __init__(self, display: str, root: str | None, limits: ReportLimits) -> None:
        self._file = display
        self._limits = limits
        self._builder = CaseBuilder(display, root, limits)
        self._depth = 0
        self._max_depth = limits.max_depth
        self._max_tests = limits.max_tests
        self._suites = [SuiteFrame((), {})]  # a frame for testcases outside any testsuite
        self._batch = self._suites[0].batch  # the innermost suite's, where testcases go
        # The last suite closed, kept until its next sibling shows whether it ran again.
        self._held: SuiteFrame | None = None
        self._case: dict[str, str] | None = None  # the open testcase: the batch's last entry
        self._results: list[RawResult] | None = None
        self._capture: RawResult | None = None
        self._muted = 0  # elements open inside a captured result (system-out in a rerun)
        self._seen = 0
        self._repeats = RepeatTally()
        self._out: list[Record] = []
        self.listen: xmlstream.Listen = xmlstream.ignore_text

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "testcase" and self._capture is None:
            seen = self._seen = self._seen + 1
            if seen > self._max_tests:
                self._stop()
            batch = self._batch
            if len(batch) >= _BATCH:
                self._build(self._suites[-1])  # before this one: every case in it has ended
            batch.append(attrs)
            self._case = attrs
            self._results = None
        else:
            self._start_other(tag, attrs)

    def end(self, tag: str) -> None:
        if tag == "testcase" and self._capture is None:
            self._case = None
        else:
            self._end_other(tag)

    def _start_other(self, tag: str, attrs: dict[str, str]) -> None:
        depth = self._depth = self._depth + 1
        if depth > self._max_depth:
            raise InputTooLarge(f"elements nested deeper than {self._max_depth}")
        if self._capture is not None:
            if self._muted or xmlstream.local(tag) != "stackTrace":
                self._muted += 1
            return
        tag = xmlstream.local(tag)
        if tag == "testcase":  # in a namespace: the same as the hot path
            self._depth -= 1
            self.start(tag, attrs)
        elif tag in RESULT_TAGS:
            self._open_result(tag, attrs)
        elif tag == "testsuite":
            self._open_suite(attrs)
        elif tag == "property":
            frame = self._suites[-1]
            frame.reruns = frame.reruns or rerun_property(attrs)

    def _end_other(self, tag: str) -> None:
        if self._muted:
            self._muted -= 1
        elif self._capture is not None:
            if xmlstream.local(tag) != "stackTrace":
                self._capture = None
                self.listen(False)
        elif xmlstream.local(tag) == "testcase":
            self._case = None
            return  # testcases are not counted in the depth
        elif xmlstream.local(tag) == "testsuite" and len(self._suites) > 1:
            self._close_suite()
        self._depth -= 1

    def _open_result(self, tag: str, attrs: dict[str, str]) -> None:
        get = attrs.get
        capture = RawResult(tag, get("message"), get("type"), get("file"), get("line"), get("time"))
        frame = self._suites[-1]
        if tag in RERUN_TAGS and frame.reruns is None:
            frame.reruns = RERUN_ELEMENTS
        if self._case is not None:
            if self._results is None:
                self._results = [capture]
                self._batch[-1] = (self._case, self._results)
            elif len(self._results) < _MAX_RESULTS:
                self._results.append(capture)
        elif len(self._suites) > 1 and len(frame.direct) < MAX_DIRECT:
            frame.direct.append(capture)  # the suite's own failure (Ant)
        self._capture = capture  # read to its end even when not kept
        self.listen(True)

    def _open_suite(self, attrs: dict[str, str]) -> None:
        path = (*self._suites[-1].path, attrs.get("name", ""))
        held, self._held = self._held, None
        if held is not None and held.path == path:
            frame = held.again(attrs)  # the same suite, run again: its repeats are reruns
        else:
            if held is not None:
                self._settle(held)
            frame = SuiteFrame(path, attrs)
        self._suites.append(frame)
        self._batch = frame.batch
        self._case = None  # a suite inside a testcase ends what the testcase can hold

    def _close_suite(self) -> None:
        frame = self._suites.pop()
        parent = self._suites[-1]
        self._batch = parent.batch
        self._settle_held()  # a child of the closing suite
        self._build(frame)
        recorded = self._builder.suite_test(frame) if frame.direct else None
        if recorded is not None:
            self._out.append(recorded)
        if frame.cases == 0 and not frame.child_totals:
            totals = totals_of(self._file, frame, recorded)
            if totals is not None:
                self._out.append(totals)
                parent.child_totals = True
        elif frame.child_totals:
            parent.child_totals = True
        parent.cases += frame.cases + (recorded is not None)
        if frame.held():
            self._held = frame

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
        self._settle_all()  # only the outermost frame is left, in a well-formed file
        return self.salvage()

    def salvage(self) -> list[Record]:
        """What was complete when the file ended or broke off: closed suites, notices."""
        self._settle_held()
        self._out += self._repeats.notices(self._file)
        self._repeats = RepeatTally()
        return self.drain()

    def _stop(self) -> None:
        self._settle_all()
        raise InputTooLarge(
            f"stopped after {self._limits.max_tests:,} testcases (the cap); "
            "the rest of the file was not read"
        )

    def _settle_all(self) -> None:
        self._settle_held()
        for frame in reversed(self._suites):
            self._build(frame)
            self._settle(frame)

    def _build(self, frame: SuiteFrame) -> None:
        self._builder.build(frame, lambda: self._settle(frame))

    def _settle(self, frame: SuiteFrame) -> None:
        self._out += settle(frame, self._repeats)

    def _settle_held(self) -> None:
        held, self._held = self._held, None
        if held is not None:
            self._settle(held)


def read(path: Path, display: str, root: str | None, limits: ReportLimits) -> Iterator[Record]:
    """Records from a JUnit XML file, as it is read; raises ``InputError`` if it is not one."""

    def pick(tag: str) -> xmlstream.Handler | None:
        return JUnitHandler(display, root, limits) if tag in ROOTS else None

    return (record for batch in xmlstream.stream(path, pick, limits) for record in batch)
