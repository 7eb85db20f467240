"""The nightly's summary and exit code: a tool that did not run fails the run, loudly."""

from __future__ import annotations

from datetime import UTC, datetime

from kairos_ci.bundle.records import ApplyResult, Bundle
from kairos_ci.config.load import parse_config
from kairos_ci.config.records import BUILT_IN_DEFAULTS, Config
from kairos_ci.memory.records import Memory
from kairos_ci.report.summary import render
from kairos_ci.stages.evidence import Evidence, LintEvidence
from kairos_ci.stages.gate import Gated
from kairos_ci.stages.outcome import RunOutcome, nightly_heading, summarise
from kairos_ci.stages.reconcile import offline
from kairos_ci.stages.records import RunInfo
from kairos_ci.stages.state import Acted, Finished, Kept, Observed, Recalled, Worked

LINTED = b"version: 1\nlinters:\n  - {name: ruff, run: ruff check, format: ruff}\n"


def outcome_of(evidence: Evidence, config: Config) -> RunOutcome:
    run = RunInfo("night-1", "schedule", datetime(2025, 1, 1, tzinfo=UTC), dry_run=True)
    done = Finished(
        run,
        "a" * 40,
        Recalled(Memory(), offline(Memory())),
        Observed(evidence),
        Worked(),
        Gated((), (), (), (), ()),
        Acted(Bundle("octo/app", ()), ApplyResult(()), {}),
    )
    return summarise(done, nightly_heading(done, config), Kept("memory: not saved (dry run)"))


def test_a_linter_that_did_not_run_fails_the_run_and_is_never_zero_findings() -> None:
    why = "cannot run 'ruff': not found on PATH"
    evidence = Evidence(
        (),
        None,
        (LintEvidence("ruff", (), None, did_not_run=why),),
        (),
        not_run=(f"linters[0].run: {why}",),
    )
    result = outcome_of(evidence, parse_config(LINTED, ".github/kairos.yml"))
    assert result.exit_code == 1
    assert result.report.problems == (f"linters[0].run: {why}",)
    assert dict(result.report.facts)["lint findings"] == f"ruff: did not run: {why}"
    assert "ruff: 0" not in render(result.report)


def test_a_linter_that_ran_clean_reports_zero_and_the_run_passes() -> None:
    evidence = Evidence((), None, (LintEvidence("ruff", (), None),), ())
    result = outcome_of(evidence, parse_config(LINTED, ".github/kairos.yml"))
    assert result.exit_code == 0
    assert dict(result.report.facts)["lint findings"] == "ruff: 0"


def test_with_no_linter_configured_the_summary_says_so_not_none() -> None:
    result = outcome_of(Evidence((), None, (), ()), parse_config(b"version: 1\n", "k.yml"))
    assert dict(result.report.facts)["lint findings"] == "no linter configured"


def test_no_config_and_no_reports_says_so_and_points_at_init_and_doctor() -> None:
    defaults = parse_config(b"version: 1\n", BUILT_IN_DEFAULTS)
    result = outcome_of(Evidence((), None, (), ()), defaults)
    text = render(result.report)
    assert "No kairos config and no test reports" in text
    assert "`kairos-ci init`" in text and "`kairos-ci doctor`" in text
    assert result.exit_code == 0


def test_a_configured_repository_gets_no_setup_advice() -> None:
    result = outcome_of(Evidence((), None, (), ()), parse_config(LINTED, ".github/kairos.yml"))
    assert result.report.advice == ()
