"""What one attempt of a plan step leaves for the person who reviews it: the suite runs
on the step's tree, the diff it published (or tried to), and its verdict. The step
runner records it; ``stages.step_evidence`` writes it where the workflow uploads it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kairos_ci.signals.records import TestResult


@dataclass(frozen=True)
class SuiteRun:
    """The project's whole configured suite on one tree, read from its JUnit reports."""

    passed: int
    failing: tuple[str, ...]  # ids of the tests that failed or errored
    problem: str = ""  # why it did not run, or left no report: then nothing is verified
    tests: tuple[TestResult, ...] = ()  # every result read: the reviewer's JUnit evidence

    def failures(self, known: frozenset[str], flaky: frozenset[str]) -> Failures:
        """The failing tests, judged as every suite check judges them: one failing at the
        plan's baseline (``known``) is not blamed; one memory judged flaky proves nothing."""
        new = [test for test in self.failing if test not in known]
        return Failures(
            new=tuple(test for test in new if test not in flaky),
            flaky=tuple(test for test in new if test in flaky),
            at_base=sum(1 for test in self.failing if test in known),
        )


# pytest's message for a test module it could not import: without
# --continue-on-collection-errors it then stops, and no test runs at all.
COLLECTION_FAILURE = "collection failure"


def suite_run(tests: tuple[TestResult, ...], problem: str) -> SuiteRun:
    """The suite's verdict from its JUnit results (``problem``: why it did not run, when
    the command never started or left no report). A run whose every result is a module
    that could not be collected ran no test, so it verifies nothing either."""
    if problem or not tests:
        return SuiteRun(0, (), problem or "no JUnit report")
    stopped = [test.name for test in tests if _not_collected(test)]
    if len(stopped) == len(tests):
        names = ", ".join(stopped[:3]) + (
            f" and {len(stopped) - 3} more" if len(stopped) > 3 else ""
        )
        why = f"the test run stopped while collecting {names}: no test ran"
        return SuiteRun(0, (), why, tests=tests)
    failing = tuple(test.id for test in tests if test.outcome in ("failed", "errored"))
    return SuiteRun(len(tests) - len(failing), failing, tests=tests)


def _not_collected(test: TestResult) -> bool:
    return test.outcome == "errored" and not test.classname and test.message == COLLECTION_FAILURE


@dataclass(frozen=True)
class Failures:
    new: tuple[str, ...]  # broken on this tree: neither failing at the baseline nor flaky
    flaky: tuple[str, ...]  # failing here, judged flaky by memory
    at_base: int  # failing here as at the baseline


@dataclass(frozen=True)
class AttemptEvidence:
    step_id: str
    attempt: int  # the board's count: 1 for the first claim
    fence: int  # the lease's fencing token: which holder this attempt was
    verdict: str  # "done", "failed" or "asked"
    note: str  # why it failed, or the agent's summary
    patch: str  # the diff published, or attempted when it failed; "" when none was made
    suites: tuple[SuiteRun, ...] = ()  # the suite on the step's tree, then its rerun


KeepEvidence = Callable[[AttemptEvidence], None]
