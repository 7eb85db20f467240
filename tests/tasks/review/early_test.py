"""Early warnings from memory: co-failures of changed paths, flaky tests in touched files."""

from __future__ import annotations

from kairos_ci.memory.records import Memory, PathStats, TestRecord
from kairos_ci.tasks.review.early import cofailure_findings, flaky_findings
from kairos_ci.tasks.review.records import ReviewScope
from kairos_ci.verdicts.records import HistoryEntry, Outcome, Verdict

SCOPE = ReviewScope(
    frozenset({"calc/core.py", "tests/test_core.py"}), {"calc/core.py": frozenset({4, 9})}
)


def test_a_path_that_broke_tests_before_gets_one_warning_on_its_first_added_line() -> None:
    memory = Memory(cofailures={
        "calc/core.py": PathStats(4, {"t::a": 3, "t::b": 2, "t::rare": 1}),
        "other.py": PathStats(2, {"t::c": 2}),
    })  # fmt: skip
    (found,) = cofailure_findings(memory, SCOPE)
    assert (found.path, found.line, found.rule) == ("calc/core.py", 4, "kairos/co-failure")
    assert "`t::a` (failed in 3 of 4 runs that changed it)" in found.detail
    assert "t::rare" not in found.detail  # one failure is not a pattern


def test_flaky_tests_in_a_touched_test_file() -> None:
    history = tuple(
        HistoryEntry("0" * 40, "1" * 40, f"r{n}", o, None, "2026-11-27T00:00:00Z")
        for n, o in enumerate([Outcome.PASSED, Outcome.FAILED, Outcome.PASSED, Outcome.FLAKY])
    )
    memory = Memory(tests={
        "tests.test_core::test_add": TestRecord(history, Verdict.FLAKY),
        "tests.test_core::test_sub": TestRecord(history, Verdict.HEALTHY),
        "tests.test_other::test_x": TestRecord(history, Verdict.FLAKY),
    })  # fmt: skip
    (found,) = flaky_findings(memory, SCOPE, ["tests/test_other.py"])
    assert (found.path, found.line) == ("tests/test_core.py", None)  # no added line: the body
    assert "`tests.test_core::test_add` (failed 2 of its last 4 runs)" in found.detail
    assert "test_sub" not in found.detail and "test_x" not in found.detail
