from __future__ import annotations

from pathlib import Path

from kairos_ci.config.load import load_config, parse_config
from kairos_ci.signals.budget import RunBudget, RunTally
from kairos_ci.stages.evidence import gather, run_tests
from kairos_ci.workspace.commands import CommandRunner


def test_runs_tests_and_linters_of_the_sample(sample: Path, runner: CommandRunner) -> None:
    config = load_config(sample / "kairos.yml")
    evidence = gather(sample, config, runner, run_commands=True)
    outcomes = {t.name: t.outcome for t in evidence.tests}
    assert outcomes == {
        "test_mean": "passed",
        "test_median_odd_and_even": "passed",
        "test_mean_of_empty_is_zero": "failed",
        "test_mode_of_generated_sample": "passed",
    }
    assert [t.name for t in evidence.failing()] == ["test_mean_of_empty_is_zero"]
    rules = sorted(f.rule or "" for f in evidence.findings_of("ruff"))
    assert rules == ["F401", "F541"]
    assert {f.path for f in evidence.findings_of("ruff")} == {"calc/stats.py"}
    assert evidence.errors == ()


def test_stale_reports_are_removed_before_the_tests_run(
    sample: Path, runner: CommandRunner
) -> None:
    config = parse_config(b"version: 1\ntests:\n  run: 'true'\n  junit: [reports/*.xml]\n", "x")
    (sample / "reports").mkdir()
    (sample / "reports" / "old.xml").write_text("<testsuite><testcase name='ghost'/></testsuite>")
    evidence = gather(sample, config, runner, run_commands=True)
    assert evidence.tests == ()
    assert evidence.not_run == (
        "tests.run: exited 0 and wrote no JUnit report matching reports/*.xml",
    )


def test_a_broken_report_is_an_error_and_the_others_still_count(
    sample: Path, runner: CommandRunner
) -> None:
    config = parse_config(b"version: 1\ntests:\n  junit: [reports/*.xml]\n", "x")
    (sample / "reports").mkdir()
    (sample / "reports" / "a.xml").write_text("<testsuite><testcase name='ok'/></testsuite>")
    (sample / "reports" / "b.xml").write_text("<testsuite><testcase name='cut")
    evidence = gather(sample, config, runner, run_commands=False)
    assert [t.name for t in evidence.tests] == ["ok"]
    assert [e.file for e in evidence.errors] == ["reports/b.xml"]


def test_a_linter_that_cannot_start_did_not_run_and_found_nothing(
    sample: Path, runner: CommandRunner
) -> None:
    config = parse_config(
        b"version: 1\nlinters:\n  - {name: ghost, run: no-such-linter-kairos, format: ruff}\n", "x"
    )
    evidence = gather(sample, config, runner, run_commands=True)
    assert "cannot run 'no-such-linter-kairos'" in evidence.did_not_run("ghost")
    assert evidence.not_run[0].startswith("linters[0].run: cannot run 'no-such-linter-kairos'")
    assert evidence.errors == ()


def test_a_linter_that_writes_no_report_did_not_run(sample: Path, runner: CommandRunner) -> None:
    config = parse_config(
        b"version: 1\nlinters:\n  - {name: quiet, run: 'true', format: ruff, report: lint.json}\n",
        "x",
    )
    evidence = gather(sample, config, runner, run_commands=True)
    assert evidence.not_run == ("linters[0].run: exited 0 without writing its report 'lint.json'",)


def test_a_linter_that_fails_silently_did_not_run(sample: Path, runner: CommandRunner) -> None:
    config = parse_config(
        b"version: 1\nlinters:\n  - {name: crash, run: 'false', format: ruff}\n", "x"
    )
    evidence = gather(sample, config, runner, run_commands=True)
    assert evidence.not_run == ("linters[0].run: exited 1 and printed no report",)


def test_the_reports_of_one_run_share_a_budget_and_say_when_it_ran_out(
    sample: Path, runner: CommandRunner
) -> None:
    config = parse_config(b"version: 1\ntests:\n  junit: [reports/*.xml]\n", "x")
    (sample / "reports").mkdir()
    cases = "".join(f"<testcase name='t{i}'/>" for i in range(3))
    for name in ("a", "b"):
        (sample / "reports" / f"{name}.xml").write_text(f"<testsuite>{cases}</testsuite>")
    tally = RunTally(RunBudget(max_tests=4))
    tests, _, errors = run_tests(sample, config, runner, run_commands=False, tally=tally)
    assert len(tests) == 4 and tally.partial == "the run's budget of 4 test cases is spent"
    assert [e.file for e in errors] == ["reports/b.xml"]
    assert "the run's result is partial" in errors[0].message
