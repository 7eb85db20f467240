"""Settling a suite: same-named testcases become attempts of one test, or stay distinct.

Where the suite shows reruns (``junit_suite`` lists the signs), the repeats of an id are
merged into the first one's attempts, in document order, and the record names the rule
in ``merged_by``. Elsewhere each repeat is a test of its own: the second gets the id
``<id>#2``, the third ``<id>#3``, so a fail-then-pass pair of two distinct jest tests is
never called flaky. Every file says, in a notice, how many it merged and by which rule,
and how many it kept apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import itemgetter

from kairos_ci.signals.junit_cases import deciding_message, outcome_of, total_duration
from kairos_ci.signals.junit_suite import REPEATED_SUITE, SuiteFrame
from kairos_ci.signals.records import Notice, TestResult

_ID = itemgetter(1)  # a TestResult's id, read in C


@dataclass(slots=True)
class RepeatTally:
    """What one file's repeated testcases became, for its notices."""

    merged: dict[str, int] = field(default_factory=dict)  # rule -> testcases merged
    distinct: int = 0

    def notices(self, file: str) -> list[Notice]:
        said = [
            Notice(file, f"{count:,} repeated testcase(s) read as reruns of an earlier one: {rule}")
            for rule, count in self.merged.items()
        ]
        if self.distinct:
            said.append(
                Notice(
                    file,
                    f"{self.distinct:,} testcase(s) repeat a name in the same suite, and the "
                    "report shows no reruns: kept as distinct tests, with ids ending #2, #3, ...",
                )
            )
        return said


def settle(frame: SuiteFrame, tally: RepeatTally) -> list[TestResult]:
    """The frame's tests in first-seen order; empties the frame for what comes next."""
    tests = frame.pending.copy()
    frame.pending.clear()  # in place: a repeated suite's frame may share it
    if len(set(map(_ID, tests))) == len(tests):
        return tests  # no identity repeats: the usual case, checked in C
    first: dict[str, TestResult] = {}
    repeats: dict[str, list[TestResult]] = {}
    for test in tests:
        if first.setdefault(test.id, test) is not test:
            repeats.setdefault(test.id, []).append(test)
    out = []
    for key, test in first.items():
        later = repeats.get(key)
        if later is None:
            out.append(test)
            continue
        rule = REPEATED_SUITE if key in frame.carried else frame.reruns
        if rule is not None:
            out.append(merged([test, *later], rule))
            tally.merged[rule] = tally.merged.get(rule, 0) + len(later)
        else:
            out.append(test)
            out += (repeat._replace(id=f"{key}#{n}") for n, repeat in enumerate(later, 2))
            tally.distinct += len(later)
    return out


def merged(tests: list[TestResult], rule: str) -> TestResult:
    """Several testcase elements of one test: their attempts, in document order."""
    first = tests[0]
    attempts = tuple(attempt for test in tests for attempt in test.attempts)
    outcome = outcome_of(attempts)
    return first._replace(
        path=next((t.path for t in tests if t.path), None),
        line=next((t.line for t in tests if t.line), None),
        outcome=outcome,
        attempts=attempts,
        duration_s=total_duration(attempts),
        message=deciding_message(attempts, outcome),
        details=next((t.details for t in reversed(tests) if t.details), None),
        merged_by=rule,
    )
