"""One ``<testsuite>`` while it is read: its path, its testcases, and its signs of reruns.

Same-named testcases in one suite are attempts of one test only where the report shows
reruns; otherwise (jest and mocha can name two tests alike) they stay distinct tests.
The signs, and the rule each one names in ``TestResult.merged_by``:

- rerun elements (``rerunFailure``, ``flakyFailure``, ...) anywhere in the suite;
- a known rerun plugin's property with a positive count (Maven Surefire and Failsafe
  record ``-Dsurefire.rerunFailingTestsCount=2`` among the suite's properties);
- the same ids in a repeated suite: a sibling ``<testsuite>`` with the same name that
  lists testcases the previous one listed (a suite run again).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kairos_ci.signals.junit_cases import RawResult
from kairos_ci.signals.numbers import whole
from kairos_ci.signals.records import SuiteTotals, TestResult

RERUN_ELEMENTS = "rerun elements in the suite (rerunFailure, flakyFailure, ...)"
REPEATED_SUITE = "the same ids in a repeated suite"
RERUN_PROPERTIES = frozenset({"surefire.rerunFailingTestsCount", "failsafe.rerunFailingTestsCount"})
MAX_DIRECT = 8  # result elements kept per suite that sit outside any testcase


def property_rule(name: str) -> str:
    return f"the suite's {name} property (a rerun setting)"


def rerun_property(attrs: dict[str, str]) -> str | None:
    """The rule a ``<property>`` element names, if it is a known rerun setting above 0."""
    name = attrs.get("name", "")
    if name in RERUN_PROPERTIES and (whole(attrs.get("value")) or 0) > 0:
        return property_rule(name)
    return None


@dataclass(slots=True)
class SuiteFrame:
    """A suite being read. ``pending`` holds its tests in document order until the suite
    is settled: then same-named ones are merged or kept apart (see the module)."""

    path: tuple[str, ...]  # names from the outermost suite down to this one
    attrs: dict[str, str]
    opened: int = 0  # testcases seen in the file when this suite opened
    nested_tests: int = 0  # suite-level tests recorded by the suites nested in this one
    child_totals: bool = False
    pending: list[TestResult] = field(default_factory=list)
    reruns: str | None = None  # the rule this suite's own signs of reruns name
    carried: frozenset[str] = frozenset()  # ids an earlier suite of the same name listed
    direct: list[RawResult] = field(default_factory=list)  # results outside any testcase

    @property
    def leaf(self) -> str:
        return self.path[-1] if self.path else ""

    def held(self) -> int:
        return len(self.pending)

    def again(self, attrs: dict[str, str], opened: int) -> SuiteFrame:
        """The frame for a sibling suite of the same name: its repeats are reruns."""
        return SuiteFrame(
            self.path,
            attrs,
            opened,
            pending=self.pending,
            reruns=self.reruns,
            carried=self.carried | frozenset(test.id for test in self.pending),
        )


def totals_of(file: str, frame: SuiteFrame, recorded: TestResult | None) -> SuiteTotals | None:
    """The counters of a suite that lists no testcases, less the one ``recorded`` test."""
    attrs = frame.attrs
    tests = whole(attrs.get("tests")) or 0
    failed = whole(attrs.get("failures")) or 0
    errored = whole(attrs.get("errors")) or 0
    if recorded is not None:
        tests -= 1
        if recorded.outcome == "errored":
            errored = max(0, errored - 1)
        elif recorded.outcome == "failed":
            failed = max(0, failed - 1)
    if tests <= 0:
        return None
    skipped = (whole(attrs.get("skipped")) or whole(attrs.get("skips")) or 0) + (
        whole(attrs.get("disabled")) or 0
    )
    return SuiteTotals(
        file=file, suite=frame.path, tests=tests, failed=failed, errored=errored, skipped=skipped
    )
