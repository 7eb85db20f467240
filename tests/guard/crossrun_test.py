"""Crossed runs: a patched test that passes on the unfixed code no longer detects the bug."""

from __future__ import annotations

from kairos_ci.guard.accounting import parse_collect_only
from kairos_ci.guard.crossrun import CrossOutcome, CrossRuns, cross_run_verdicts

PASSED, FAILED, SKIPPED = CrossOutcome.PASSED, CrossOutcome.FAILED, CrossOutcome.SKIPPED
ID = "tests/test_calc.py::test_add"


def judged(**runs: dict[str, CrossOutcome]) -> list[tuple[str, str | None, str]]:
    found = cross_run_verdicts(CrossRuns(**runs))
    return [(v.rule, v.test, v.check) for v in found]


def test_an_honest_fix_passes_both_ways() -> None:
    assert (
        judged(
            base_on_base={ID: FAILED},
            base_on_head={ID: PASSED},
            head_on_base={ID: FAILED},
            head_on_head={ID: PASSED},
        )
        == []
    )


def test_the_patched_test_accepts_the_unfixed_code() -> None:
    assert judged(
        base_on_base={ID: FAILED},
        base_on_head={ID: FAILED},
        head_on_base={ID: PASSED},
        head_on_head={ID: PASSED},
    ) == [("assertion-weakened", "test_add", "cross-run-unfixed-code")]


def test_the_original_test_still_fails_on_the_fix() -> None:
    assert judged(
        base_on_base={ID: FAILED},
        base_on_head={ID: FAILED},
        head_on_base={ID: FAILED},
        head_on_head={ID: PASSED},
    ) == [("expected-value-changed", "test_add", "cross-run-original-test")]


def test_a_test_that_ran_and_is_skipped_now() -> None:
    assert judged(
        base_on_base={ID: PASSED},
        base_on_head={ID: PASSED},
        head_on_base={ID: SKIPPED},
        head_on_head={ID: SKIPPED},
    ) == [("skip-added", "test_add", "cross-run-skipped")]


def test_collect_only_output_is_parsed() -> None:
    output = (
        "tests/test_a.py::test_one\n"
        "tests/test_a.py::TestB::test_two[1-2]\n"
        "\n"
        "ERROR tests/test_c.py - SyntaxError\n"
        "2 tests collected, 1 error in 0.02s\n"
    )
    assert parse_collect_only(output) == {
        "tests/test_a.py::test_one",
        "tests/test_a.py::TestB::test_two[1-2]",
    }
