"""Behavioural evidence from crossing tests and code: a test that stops catching the bug.

The sandbox runs, by test id:
- the base tests on the base code (the failing run the fix starts from),
- the base tests on the patched code (the original oracle on the fix),
- the patched tests on the base code (the new oracle on the unfixed code).

A test that failed on the base code and, as patched, passes on that same base code no
longer detects what it detected: the patch changed the test, not (only) the code. An
original test that still fails on the patched code while its patched version passes was
changed to agree with the patch: an expected value changed, for a human to accept. Pure:
it judges outcomes, it runs nothing.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from kairos_ci.guard.records import GuardRule, GuardVerdict


class CrossOutcome(enum.StrEnum):
    PASSED = "passed"
    FAILED = "failed"  # failures and errors alike
    SKIPPED = "skipped"  # skipped or xfailed: it judged nothing


@dataclass(frozen=True)
class CrossRuns:
    """Outcomes by test id of the three crossed runs (a missing id was not collected)."""

    base_on_base: Mapping[str, CrossOutcome]
    base_on_head: Mapping[str, CrossOutcome]
    head_on_base: Mapping[str, CrossOutcome]
    head_on_head: Mapping[str, CrossOutcome]  # the verification run itself


def cross_run_verdicts(runs: CrossRuns) -> Iterator[GuardVerdict]:
    for test_id, before in sorted(runs.base_on_base.items()):
        if before is not CrossOutcome.FAILED:
            continue
        if runs.head_on_base.get(test_id) is CrossOutcome.PASSED:
            yield _verdict(
                GuardRule.ASSERTION_WEAKENED,
                test_id,
                "the patched test passes on the unfixed code it failed on: it no longer "
                "detects the bug",
                "cross-run-unfixed-code",
            )
        elif _changed_to_agree(runs, test_id):
            yield _verdict(
                GuardRule.EXPECTED_VALUE_CHANGED,
                test_id,
                "the original test still fails on the patched code; only its edited version passes",
                "cross-run-original-test",
            )
    yield from _skipped_now(runs)


def _changed_to_agree(runs: CrossRuns, test_id: str) -> bool:
    original = runs.base_on_head.get(test_id)
    return original is CrossOutcome.FAILED and runs.head_on_head.get(test_id) is CrossOutcome.PASSED


def _skipped_now(runs: CrossRuns) -> Iterator[GuardVerdict]:
    """Tests that ran (pass or fail) on the base and are skipped on the head."""
    for test_id, before in sorted(runs.base_on_base.items()):
        if (
            before is not CrossOutcome.SKIPPED
            and runs.head_on_head.get(test_id) is CrossOutcome.SKIPPED
        ):
            message = "the test ran on the base and is skipped now"
            yield _verdict(GuardRule.SKIP_ADDED, test_id, message, "cross-run-skipped")


def _verdict(rule: GuardRule, test_id: str, message: str, check: str) -> GuardVerdict:
    path, _, name = test_id.partition("::")
    return GuardVerdict(rule, path, None, message, name or None, check, "", "")
