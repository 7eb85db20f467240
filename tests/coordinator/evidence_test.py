from __future__ import annotations

from kairos_ci.coordinator.evidence import COLLECTION_FAILURE, SuiteRun, suite_run
from kairos_ci.signals.records import Attempt, Outcome, TestResult


def result(
    name: str, outcome: Outcome, classname: str | None = "tests.test_ops", message: str = ""
) -> TestResult:
    """One test as the JUnit reader gives it; pytest names a module it could not import
    with no classname, under the suite's name."""
    test_id = f"{classname}::{name}" if classname else f"pytest::{name}"
    attempts = (Attempt(outcome, 0.0, message or None),)
    suite = ("pytest",)
    return TestResult(
        "r.xml",
        test_id,
        suite,
        classname,
        name,
        None,
        None,
        outcome,
        attempts,
        0.0,
        message or None,
    )


NOT_COLLECTED = result(
    "tests.test_legacy", Outcome.ERRORED, classname=None, message=COLLECTION_FAILURE
)


def test_a_run_that_stopped_at_collection_ran_no_test_and_verifies_nothing() -> None:
    run = suite_run((NOT_COLLECTED,), "")
    assert run.problem == "the test run stopped while collecting tests.test_legacy: no test ran"
    assert (run.passed, run.failing) == (0, ())


def test_a_module_not_collected_beside_tests_that_ran_is_a_failing_test() -> None:
    ran = (NOT_COLLECTED, result("test_add", Outcome.PASSED), result("test_sub", Outcome.FAILED))
    run = suite_run(ran, "")
    assert run.problem == ""
    assert (run.passed, run.failing) == (
        1,
        ("pytest::tests.test_legacy", "tests.test_ops::test_sub"),
    )


def test_a_run_that_did_not_start_or_left_no_report_says_why() -> None:
    assert suite_run((), "") == SuiteRun(0, (), "no JUnit report")
    assert suite_run((), "the command was not found") == SuiteRun(
        0, (), "the command was not found"
    )
