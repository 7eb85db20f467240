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

The hot path is a passing testcase (nearly all of them): its start keeps its attributes,
its end builds its record inline, reading ``junit_build``'s caches. The parser calls
``end`` for every testcase anyway, so building there costs no extra call and no batch;
anything else about a testcase goes to ``junit_build``. A testcase's ordinal (which names a
nameless one) is its place in the document. Testcases hold no state per nesting level,
so only the other elements count toward the nesting cap. See bench/parse_junit.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from kairos_ci.errors import InputTooLarge
from kairos_ci.signals import xmlstream
from kairos_ci.signals.junit_build import CaseBuilder, test_id
from kairos_ci.signals.junit_cases import RERUN_TAGS, RESULT_TAGS, RawResult
from kairos_ci.signals.junit_repeats import RepeatTally, settle
from kairos_ci.signals.junit_suite import (
    MAX_DIRECT,
    RERUN_ELEMENTS,
    SuiteFrame,
    rerun_property,
    totals_of,
)
from kairos_ci.signals.records import Outcome, Record, ReportLimits, TestResult

ROOTS = frozenset({"testsuites", "testsuite", "testcase"})
_PASSED = Outcome.PASSED
_new = tuple.__new__  # a record from its fields, without NamedTuple's Python __new__
_CHECK_EVERY = 128  # testcases between two checks of a suite's pending cap (a power of 2)
_MAX_RESULTS = 256  # result elements kept per testcase; more are read and dropped


class JUnitHandler:
    """Receives parser events for one file; ``drain`` hands over finished records."""

    __slots__ = (  # slots: these are read on every event of every element
        "_builder", "_capture", "_case", "_checkpoint", "_depth", "_file", "_frame", "_held",
        "_keep", "_leaf", "_limits", "_lines", "_max_depth", "_max_tests", "_muted", "_out",
        "_passes", "_paths", "_repeats", "_results", "_seen", "_suite", "_suites", "listen",
    )  # fmt: skip

    def __init__(self, display: str, root: str | None, limits: ReportLimits) -> None:
        self._file = display
        self._limits = limits
        self._builder = builder = CaseBuilder(display, root, limits)
        self._paths, self._lines, self._passes = builder.paths, builder.lines, builder.passes
        self._depth = 0
        self._max_depth = limits.max_depth
        self._max_tests = limits.max_tests
        self._suites = [SuiteFrame((), {})]  # a frame for testcases outside any testsuite
        self._enter(self._suites[0])
        # The last suite closed, kept until its next sibling shows whether it ran again.
        self._held: SuiteFrame | None = None
        self._case: dict[str, str] | None = None  # the open testcase's attributes
        self._results: list[RawResult] | None = None  # and its result children, if any
        self._capture: RawResult | None = None
        self._muted = 0  # elements open inside a captured result (system-out in a rerun)
        self._seen = 0  # testcases started: the open one's ordinal
        self._checkpoint = min(_CHECK_EVERY, self._max_tests + 1)  # when to call _check
        self._repeats = RepeatTally()
        self._out: list[Record] = []
        self.listen: xmlstream.Listen = xmlstream.ignore_text

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "testcase" and self._case is None and self._capture is None:
            seen = self._seen = self._seen + 1
            if seen >= self._checkpoint:
                self._check(seen)
            self._case = attrs
        else:
            self._start_other(tag, attrs)

    def end(self, tag: str) -> None:
        """Closes an element; a passing testcase is built right here (the hot path)."""
        case = self._case
        if case is None or tag != "testcase" or self._capture is not None:
            self._end_other(tag)
            return
        self._case = None
        if self._results is not None or "status" in case:
            self._keep(self._failed(case))
            return
        get = case.get
        name = get("name")
        classname = get("classname") or get("class")
        if classname and name:
            key = f"{classname}::{name}"  # test_id's usual case, inline
        else:
            classname, name = classname or None, name or ""
            key = test_id(classname, name, self._leaf, self._seen)
        time = get("time")
        attempts, duration = self._passes.get(time) or self._builder.passing(time)
        raw = get("file")
        path = (self._paths.get(raw) or self._builder.path(raw)) if raw else None
        raw = get("line")
        line = (self._lines.get(raw) or self._builder.line(raw)) if raw else None
        fields = (self._file, key, self._suite, classname, name, path, line, _PASSED,
                  attempts, duration, None, None, None)  # fmt: skip
        self._keep(_new(TestResult, fields))

    def _failed(self, case: dict[str, str]) -> TestResult:
        results, self._results = self._results or [], None
        return self._builder.failed(case, results, self._seen, self._frame)

    def _end_case(self) -> None:
        """Ends the open testcase, if any (another testcase or a suite starts inside it)."""
        if self._case is not None:
            self.end("testcase")

    def _check(self, seen: int) -> None:
        """Every ``_CHECK_EVERY`` testcases: the testcase cap, and the pending cap."""
        if seen > self._max_tests:
            self._stop()
        self._check_pending()
        self._checkpoint = min(seen + _CHECK_EVERY, self._max_tests + 1)

    def _start_other(self, tag: str, attrs: dict[str, str]) -> None:
        depth = self._depth = self._depth + 1
        if depth > self._max_depth:
            raise InputTooLarge(f"elements nested deeper than {self._max_depth}")
        if "}" in tag:
            tag = xmlstream.local(tag)
        if self._capture is not None:
            self.listen(True)  # the text before this element, while it is still counted
            if self._muted or tag != "stackTrace":
                self._muted += 1
            return
        if tag == "testcase":  # in a namespace, or inside another testcase
            self._depth -= 1  # testcases are not counted in the depth
            self._end_case()
            self.start(tag, attrs)
        elif tag in RESULT_TAGS:
            self._open_result(tag, attrs)
        elif tag == "testsuite":
            self._open_suite(attrs)
        elif tag == "property":
            frame = self._frame
            frame.reruns = frame.reruns or rerun_property(attrs)

    def _end_other(self, tag: str) -> None:
        if "}" in tag:
            tag = xmlstream.local(tag)
        if self._capture is not None:
            # Each listen first delivers the text before this end tag, while it counts.
            if self._muted:
                self.listen(True)
                self._muted -= 1
            elif tag != "stackTrace":
                self.listen(False)
                self._capture = None
            else:
                self.listen(True)
        elif tag == "testcase":
            self._end_case()  # in a namespace: the same as the hot path
            return  # testcases are not counted in the depth
        elif tag == "testsuite" and len(self._suites) > 1:
            self._close_suite()
        self._depth -= 1

    def _open_result(self, tag: str, attrs: dict[str, str]) -> None:
        get = attrs.get
        capture = RawResult(tag, get("message"), get("type"), get("file"), get("line"), get("time"))
        frame = self._frame
        if tag in RERUN_TAGS and frame.reruns is None:
            frame.reruns = RERUN_ELEMENTS
        if self._case is not None:
            if self._results is None:
                self._results = [capture]
            elif len(self._results) < _MAX_RESULTS:
                self._results.append(capture)
        elif len(self._suites) > 1 and len(frame.direct) < MAX_DIRECT:
            frame.direct.append(capture)  # the suite's own failure (Ant)
        self._capture = capture  # read to its end even when not kept
        self.listen(True)

    def _open_suite(self, attrs: dict[str, str]) -> None:
        self._end_case()  # a suite inside a testcase ends what the testcase can hold
        path = (*self._frame.path, attrs.get("name", ""))
        held, self._held = self._held, None
        if held is not None and held.path == path:
            frame = held.again(attrs, self._seen)  # the same suite, run again: reruns
        else:
            if held is not None:
                self._settle(held)
            frame = SuiteFrame(path, attrs, self._seen)
        self._suites.append(frame)
        self._enter(frame)

    def _close_suite(self) -> None:
        frame = self._suites.pop()
        parent = self._suites[-1]
        self._enter(parent)
        self._settle_held()  # a child of the closing suite
        self._check_pending(frame)
        recorded = self._builder.suite_test(frame) if frame.direct else None
        if recorded is not None:
            self._out.append(recorded)
        listed = self._seen - frame.opened + frame.nested_tests  # testcases and suite tests
        if listed == 0 and not frame.child_totals:
            totals = totals_of(self._file, frame, recorded)
            if totals is not None:
                self._out.append(totals)
                parent.child_totals = True
        elif frame.child_totals:
            parent.child_totals = True
        parent.nested_tests += frame.nested_tests + (recorded is not None)
        if frame.held():
            self._held = frame

    def _enter(self, frame: SuiteFrame) -> None:
        """Makes ``frame`` the suite new testcases go to; the hot path reads these slots."""
        self._frame = frame
        self._suite = frame.path
        self._leaf = frame.leaf
        self._keep = frame.pending.append

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
            self._settle(frame)

    def _check_pending(self, frame: SuiteFrame | None = None) -> None:
        """Bounded memory: a suite holding more than the pending cap is settled now, and
        later repeats of its tests become new records. Checked every ``_CHECK_EVERY``
        testcases (so at most that many over) and when a suite closes."""
        frame = frame or self._frame
        if frame.held() > self._limits.max_pending:
            self._settle(frame)

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
