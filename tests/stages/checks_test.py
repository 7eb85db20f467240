from __future__ import annotations

from kairos_ci.signals.records import Outcome, TestResult
from kairos_ci.stages import checks
from kairos_ci.stages.evidence import Evidence
from kairos_ci.workspace.commands import CommandResult


def outcome_of(test_id: str, outcome: str) -> TestResult:
    return TestResult(
        "r.xml", test_id, (), None, test_id, None, None, Outcome(outcome), (), None, None
    )


def test_tests_no_worse_names_flaky_failures_and_still_counts_the_rest() -> None:
    command = CommandResult(("pytest",), 1, "", "", 1.0)
    before = (outcome_of("t::flaky", "passed"), outcome_of("t::real", "passed"))
    base = Evidence(before, command, (), (), flaky=frozenset({"t::flaky"}))
    flaky_failed = (outcome_of("t::flaky", "failed"), outcome_of("t::real", "passed"))
    check = checks.tests_no_worse(base, Evidence(flaky_failed, command, (), ()))
    assert check.passed
    assert check.detail == "0 failing before, 1 after; flaky, not counted: t::flaky"
    both = (outcome_of("t::flaky", "failed"), outcome_of("t::real", "failed"))
    check = checks.tests_no_worse(base, Evidence(both, command, (), ()))
    assert not check.passed
    assert check.detail == (
        "0 failing before, 2 after; newly failing: t::real; flaky, not counted: t::flaky"
    )
    gone = checks.tests_no_worse(base, Evidence(flaky_failed[1:], command, (), ()))
    assert not gone.passed and "no longer reported: t::flaky" in gone.detail
