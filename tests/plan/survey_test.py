from __future__ import annotations

from pathlib import Path

from kairos_ci.plan.goalterms import goal_terms
from kairos_ci.plan.records import Baseline
from kairos_ci.plan.survey import (
    SurveyLimits,
    survey_from_json,
    survey_repository,
    survey_to_json,
)
from tests.plan.express_app import FILES, GOAL, build_express_app, snapshot
from tests.plan.fakes import RecordingBaseline

BASELINE = Baseline("npm test", 2, 1, 0, ("store adds",))


def test_the_survey_reads_the_app_and_writes_nothing(tmp_path: Path) -> None:
    git = build_express_app(tmp_path)
    before = snapshot(tmp_path)
    runner = RecordingBaseline(BASELINE)
    surveyed = survey_repository(git, goal_terms(GOAL), runner)
    survey = surveyed.survey
    assert [c.command for c in runner.asked] == ["npm test"]
    assert survey.baseline == BASELINE
    assert survey.files == len(FILES)
    assert survey.languages[0].name == "JavaScript"
    assert survey.test_command() == runner.asked[0]
    assert "src/app.js:" in survey.repo_map and survey.map_tokens <= SurveyLimits().map_tokens
    assert survey.problems == ()
    assert snapshot(tmp_path) == before
    assert git.text("status", "--porcelain") == ""


def test_a_baseline_that_could_not_run_is_a_problem_not_a_result(tmp_path: Path) -> None:
    git = build_express_app(tmp_path)
    survey = survey_repository(git, (), RecordingBaseline(None)).survey
    assert survey.baseline is None
    assert survey.problems == ("baseline: npm test could not run: the sandbox is not available",)
    assert survey_repository(git, ()).survey.problems == ("baseline: no test run was requested",)


def test_the_workflow_s_test_command_serves_and_none_means_no_baseline(tmp_path: Path) -> None:
    git = build_express_app(tmp_path)
    (tmp_path / "package.json").write_text('{"name": "x"}')
    runner = RecordingBaseline(BASELINE)
    survey_repository(git, (), runner)
    assert [c.command for c in runner.asked] == ["npx mocha --reporter dot"]
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text("on: push\n")
    survey = survey_repository(git, (), runner).survey
    assert len(runner.asked) == 1
    assert "baseline: no test command found in the manifests or workflows" in survey.problems


def test_a_survey_survives_its_checkpoint_form(tmp_path: Path) -> None:
    survey = survey_repository(
        build_express_app(tmp_path), ("express",), RecordingBaseline(BASELINE)
    ).survey
    assert survey_from_json(survey_to_json(survey)) == survey
