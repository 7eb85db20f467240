from __future__ import annotations

from kairos_ci.signals.records import Outcome, TestResult
from kairos_ci.stages.history import entries


def result(test_id: str, outcome: Outcome, file: str = "a.xml") -> TestResult:
    return TestResult(file, test_id, (), None, test_id, None, None, outcome, (), 0.5, None)


def test_one_entry_per_test_with_the_worst_outcome() -> None:
    found = entries(
        [
            result("t1", Outcome.PASSED),
            result("t1", Outcome.FAILED, "b.xml"),
            result("t2", Outcome.FLAKY),
            result("t2", Outcome.PASSED, "b.xml"),
            result("t3", Outcome.SKIPPED),
        ],
        sha="s" * 40,
        tree="t" * 40,
        run_id="r1",
        at="2026-11-27T03:00:00Z",
    )
    assert {k: v.outcome for k, v in found.items()} == {
        "t1": Outcome.FAILED,
        "t2": Outcome.FLAKY,
        "t3": Outcome.SKIPPED,
    }
    assert found["t1"].tree == "t" * 40 and found["t1"].run_id == "r1"
