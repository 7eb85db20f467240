"""Budgets per run: totals across report files stop the reading with a partial result."""

from __future__ import annotations

import json
from pathlib import Path

from kairos_ci.signals.budget import RunBudget, RunTally
from kairos_ci.signals.read import parse_reports
from kairos_ci.signals.records import ErrorRecord
from tests.signals.helpers import errors_of, findings_of, read, results_of, write


def junit(tmp_path: Path, name: str, tests: int) -> Path:
    cases = "".join(f'<testcase classname="{name}" name="t{i}"/>' for i in range(tests))
    return write(tmp_path, f"{name}.xml", f'<testsuite name="{name}">{cases}</testsuite>')


def test_the_test_case_budget_spans_files_and_stops_with_a_partial_result(
    tmp_path: Path,
) -> None:
    files = [junit(tmp_path, name, 3) for name in ("a", "b", "c")]
    tally = RunTally(RunBudget(max_tests=4))
    records = list(parse_reports(files, tally=tally))
    assert [t.id for t in results_of(records)] == ["a::t0", "a::t1", "a::t2", "b::t0"]
    cut, unread = errors_of(records)
    assert (cut.file, unread.file) == (str(files[1]), str(files[2]))
    assert cut.message == (
        "stopped, and the run's result is partial: the run's budget of 4 test cases is "
        "spent; the rest of this file and any later report were not read"
    )
    assert unread.message.startswith("not read, and the run's result is partial")
    assert tally.partial == "the run's budget of 4 test cases is spent"
    assert (tally.tests, tally.findings) == (4, 0)


def test_a_run_within_its_budget_reads_everything_and_is_not_partial(tmp_path: Path) -> None:
    files = [junit(tmp_path, name, 3) for name in ("a", "b")]
    tally = RunTally(RunBudget(max_tests=6))
    records = list(parse_reports(files, tally=tally))
    assert len(results_of(records)) == 6 and not errors_of(records)
    assert tally.partial is None and tally.bytes == sum(f.stat().st_size for f in files)


def test_the_byte_budget_refuses_a_file_it_cannot_afford_before_reading_it(
    tmp_path: Path,
) -> None:
    small, large = junit(tmp_path, "small", 1), junit(tmp_path, "large", 50)
    tally = RunTally(RunBudget(max_bytes=small.stat().st_size + 100))
    records = list(parse_reports([small, large, small], tally=tally))
    assert [t.id for t in results_of(records)] == ["small::t0"]
    assert [type(r) for r in records[1:]] == [ErrorRecord, ErrorRecord]
    assert tally.partial is not None and tally.partial.startswith(
        f"the run's budget of {small.stat().st_size + 100:,} report bytes is spent"
    )
    assert tally.bytes == small.stat().st_size  # the refused file was never counted


def test_the_findings_budget_counts_findings_only(tmp_path: Path) -> None:
    diagnostics = [
        {"code": "F401", "message": f"m{i}", "filename": "a.py", "location": {"row": i + 1}}
        for i in range(3)
    ]
    report = write(tmp_path, "ruff.json", json.dumps(diagnostics))
    tests = junit(tmp_path, "t", 5)
    tally = RunTally(RunBudget(max_findings=2))
    assert len(results_of(read(tests, tally=tally))) == 5  # tests do not spend findings
    records = read(report, tally=tally)
    assert [f.message for f in findings_of(records)] == ["m0", "m1"]
    [error] = errors_of(records)
    assert "the run's budget of 2 findings is spent" in error.message
