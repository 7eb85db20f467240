"""The integrate command's summary: each slice looked at, and the full suite's line on
them all together, among what was done or, when the union broke, among the problems
(which make the command exit 1)."""

from __future__ import annotations

from pathlib import Path

from kairos_ci.commands.integrate import integrate_report
from kairos_ci.commands.requests import WorkRequest
from kairos_ci.coordinator.evidence import SuiteRun
from kairos_ci.coordinator.union import UnionVerdict
from kairos_ci.pipeline.integrate import IntegrateReply, SliceReply, SliceStep
from kairos_ci.report.summary import Skip, render

REQUEST = WorkRequest(Path("."), issue=7)
SLICES = (
    SliceReply(1, SliceStep.PROPOSED, "kairos/plan-issue-7/slice-1: created", "a" * 40),
    SliceReply(2, SliceStep.PROPOSED, "kairos/plan-issue-7/slice-2: created", "b" * 40),
    SliceReply(3, SliceStep.WAITING, "waiting for S9"),
)


def test_a_union_that_passes_is_one_line_of_what_was_done() -> None:
    union = UnionVerdict((1, 2), run=SuiteRun(212, ()))
    report = integrate_report(REQUEST, IntegrateReply("", SLICES, union))
    assert report.problems == () and report.skipped == (Skip("part 3", "waiting for S9"),)
    assert report.done[-1] == "Full suite on slices 1-2 together: 212 passed, 0 new failures"
    assert "- Full suite on slices 1-2 together: 212 passed, 0 new failures" in render(report)


def test_a_union_that_breaks_a_test_is_a_problem_naming_it() -> None:
    broke = UnionVerdict((1, 2), run=SuiteRun(211, ("t::a",)), new_failures=("t::a",))
    report = integrate_report(REQUEST, IntegrateReply("", SLICES, broke))
    assert report.problems == (
        "Full suite on slices 1-2 together: 211 passed, 1 new failure (t::a)",
    )
    assert len(report.done) == 2  # both slices stay proposed
    conflict = UnionVerdict((1, 2), conflict="slice 2 conflicts with slice 1: merge conflict in a")
    assert integrate_report(REQUEST, IntegrateReply("", SLICES, conflict)).problems == (
        "Full suite on slices 1-2 together: not run: slice 2 conflicts with slice 1: "
        "merge conflict in a",
    )


def test_with_nothing_proposed_there_is_no_suite_line() -> None:
    report = integrate_report(REQUEST, IntegrateReply("", SLICES[2:]))
    assert report.done == () and report.problems == ()
    refused = integrate_report(REQUEST, IntegrateReply("no plan with a board"))
    assert refused.skipped == (Skip("integrate", "no plan with a board"),)
