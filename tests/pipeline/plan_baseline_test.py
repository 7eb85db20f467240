"""The baseline test run for planning: the configured tests on a copy of the checkout,
counted from their JUnit reports; a run that says nothing is an error, never zero tests."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from kairos_ci.config.load import load_config_at, parse_config
from kairos_ci.errors import KairosError
from kairos_ci.pipeline.plan_baseline import ConfiguredBaseline, baseline_of
from kairos_ci.plan.records import Baseline, CommandKind, ProjectCommand
from kairos_ci.signals.records import Outcome, TestResult
from kairos_ci.workspace.commands import CommandRunner
from tests.sample_project import runner, sample, sample_repo

__all__ = ["runner", "sample", "sample_repo"]
FOUND = ProjectCommand(CommandKind.TEST, "pytest", "pyproject.toml")


def result(test_id: str, outcome: Outcome) -> TestResult:
    return TestResult("junit.xml", test_id, (), None, test_id, None, None, outcome, (), None, None)


def test_counts_by_outcome_and_failing_ids_as_one_plain_line() -> None:
    tests = (
        result("a", Outcome.PASSED),
        result("b", Outcome.FLAKY),
        result("c", Outcome.SKIPPED),
        result("d\nwith\x1b[31m colour", Outcome.FAILED),
        result("e", Outcome.ERRORED),
        result("e", Outcome.ERRORED),  # the same test in two reports: counted, listed once
    )
    assert baseline_of("pytest -q", tests) == Baseline(
        "pytest -q", 2, 3, 1, ("d with [31m colour", "e")
    )


def test_without_a_configured_test_command_it_says_so(tmp_path: Path) -> None:
    config = parse_config(b"version: 1\n", "kairos.yml")
    run = ConfiguredBaseline(tmp_path, config, CommandRunner({}, 10))
    with pytest.raises(KairosError, match=r"tests\.run is not configured \(the survey found"):
        run(FOUND)


@pytest.mark.slow
def test_the_sample_s_tests_run_on_a_copy_and_the_checkout_stays_clean(
    sample_repo: Path, runner: CommandRunner
) -> None:
    config = load_config_at(sample_repo, "HEAD")
    baseline = ConfiguredBaseline(sample_repo, config, runner)(FOUND)
    assert config.tests.run is not None and baseline.command == config.tests.run.text
    assert baseline.passed > 0 and baseline.failed == len(baseline.failing_ids) > 0
    status = subprocess.run(
        ["git", "status", "--porcelain", "--ignored", "--untracked-files=all"],
        cwd=sample_repo,
        capture_output=True,
        text=True,
        check=True,
    )
    assert status.stdout == ""  # no report, no cache: nothing was written here


@pytest.mark.slow
def test_a_run_that_leaves_no_report_is_an_error(sample_repo: Path, runner: CommandRunner) -> None:
    raw = b'version: 1\ntests:\n  run: python -c "pass"\n  junit: ["reports/none.xml"]\n'
    config = parse_config(raw, "kairos.yml")
    with pytest.raises(KairosError, match="exited 0 and left no JUnit report"):
        ConfiguredBaseline(sample_repo, config, runner)(FOUND)
