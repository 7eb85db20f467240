"""Reruns of first-seen failures: which tests, how they are named, and a real rerun."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

from kairos_ci.config.load import load_config
from kairos_ci.memory.records import Memory, TestRecord
from kairos_ci.signals.records import Outcome, TestResult
from kairos_ci.stages.rerun import (
    Rerun,
    command_line_names,
    first_seen,
    passed_on_rerun,
    passing,
)
from kairos_ci.verdicts.records import HistoryEntry
from kairos_ci.workspace.commands import CommandRunner

MODE = "tests.test_stats::test_mode_of_generated_sample"
EMPTY = "tests.test_stats::test_mean_of_empty_is_zero"


def result(test_id: str, outcome: str = "failed", classname: str | None = None) -> TestResult:
    name = test_id.rsplit("::", 1)[-1]
    return TestResult(
        "r.xml", test_id, (), classname, name, None, None, Outcome(outcome), (), None, "boom"
    )


def history(*outcomes: Outcome) -> TestRecord:
    return TestRecord(
        tuple(HistoryEntry("c", "t", f"r{i}", o, None, "") for i, o in enumerate(outcomes))
    )


def test_first_seen_means_no_failure_or_retry_pass_in_memory() -> None:
    memory = Memory(
        tests={
            "t::passed": history(Outcome.PASSED, Outcome.SKIPPED),
            "t::failed": history(Outcome.PASSED, Outcome.FAILED),
            "t::errored": history(Outcome.ERRORED),
            "t::flaky": history(Outcome.FLAKY),
        }
    )
    tests = [result(t) for t in ("t::passed", "t::failed", "t::errored", "t::flaky", "t::new")]
    assert [t.id for t in first_seen(tests, memory)] == ["t::passed", "t::new"]


def test_tests_are_named_as_pytest_names_them_else_by_their_id(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text("")
    tests = [
        result("tests.test_x::test_a", classname="tests.test_x"),
        result("tests.test_x.TestY::test_b[1-2]", classname="tests.test_x.TestY"),
        result("suite::it works", classname="suite"),
        result("-k::x", classname=None),
        result("..evil::x", classname="..evil"),
        result("a\nb", classname=None),
    ]
    assert command_line_names(tests, tmp_path) == {
        "tests.test_x::test_a": "tests/test_x.py::test_a",
        "tests.test_x.TestY::test_b[1-2]": "tests/test_x.py::TestY::test_b[1-2]",
        "suite::it works": "suite::it works",
        "..evil::x": "..evil::x",
    }


def test_a_test_passes_only_if_every_report_of_it_passes() -> None:
    results = [
        result("t::a", "passed"),
        result("t::b", "passed"),
        result("t::b", "failed"),
        result("t::c", "flaky"),
        result("t::other", "passed"),
    ]
    assert passing(results, {"t::a", "t::b", "t::c", "t::missing"}) == {"t::a", "t::c"}


def head(repo: Path) -> str:
    done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True)
    return done.stdout.strip()


def test_a_rerun_runs_only_the_named_failures_and_says_which_passed(
    sample_repo: Path, runner: CommandRunner
) -> None:
    # The sample's flaky test passes for this runner's run id; its empty-mean test always
    # fails. Both are said to have failed in the nightly's run, and are rerun.
    config = load_config(sample_repo / ".github" / "kairos.yml")
    rerun = Rerun(sample_repo, head(sample_repo), config, runner)
    seen = [result(MODE, classname="tests.test_stats"), result(EMPTY, classname="tests.test_stats")]
    assert passed_on_rerun(rerun, seen) == {MODE: 1}
    assert not (sample_repo / "reports").exists()  # reruns happen in a scratch checkout
    off = replace(rerun, config=replace(config, tests=replace(config.tests, reruns=0)))
    assert passed_on_rerun(off, seen) == {}
    assert passed_on_rerun(rerun, []) == {}
