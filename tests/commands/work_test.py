"""``kairos-ci work``'s one-line summary counts the steps this worker ended, whatever the
job summary's lines say (``RunReport.one_line`` counts lines, which other commands keep)."""

from __future__ import annotations

from pathlib import Path

from kairos_ci.commands.requests import WorkRequest
from kairos_ci.commands.work import one_line, work_report
from kairos_ci.coordinator.worker import WorkerReport
from kairos_ci.pipeline.work import WorkReply, WorkStep
from kairos_ci.report.summary import Skip


def reply(report: WorkerReport | None) -> WorkReply:
    step = WorkStep.WORKED if report is not None else WorkStep.REFUSED
    return WorkReply(step, "plan 1234abcd: ..." if report else "#7 has no plan", report)


def test_the_one_line_counts_this_workers_steps_not_the_summarys_lines() -> None:
    worked = WorkerReport(
        done=["S1", "S2", "S4", "S5", "S7"], failed=["S3"], asked=["S6"], spent_usd=0.5
    )
    ended = reply(worked)
    report = work_report(WorkRequest(Path("."), 7), ended, ())
    assert report.one_line() == "kairos-ci work: 4 done, 0 skipped, 1 problems"  # its lines
    assert one_line(ended, report) == "kairos-ci work: 5 done, 1 failed, 1 asked"


def test_a_lost_lease_and_left_out_evidence_are_counted_too() -> None:
    ended = reply(WorkerReport(done=["S1"], fenced=["S2"]))
    left_out = (Skip("evidence", "S1-attempt-1/patch.diff left out"),)
    report = work_report(WorkRequest(Path("."), 7), ended, left_out)
    assert report.skipped == left_out
    assert one_line(ended, report) == (
        "kairos-ci work: 1 done, 0 failed, 1 refused (lease lost), 1 skipped"
    )


def test_a_refused_plan_says_why() -> None:
    ended = reply(None)
    report = work_report(WorkRequest(Path("."), 7), ended, ())
    assert one_line(ended, report) == "kairos-ci work: refused: #7 has no plan"
