"""README, action.yml, the config schema and .ci/run must agree."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from kairos_ci.config.reference import key_rows, render_reference

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())


def test_readme_config_reference_is_generated_from_the_schema() -> None:
    section = README.split("<!-- config-reference:start -->\n", 1)[1]
    section = section.split("<!-- config-reference:end -->", 1)[0]
    assert section.strip() == render_reference().strip()


def test_every_config_key_is_described() -> None:
    undocumented = [path for path, schema, _ in key_rows() if not schema.get("description")]
    assert undocumented == []


def test_every_action_input_and_output_is_documented() -> None:
    for name in ACTION["inputs"]:
        assert f"| `{name}` |" in README, f"input {name} is not in README"
    for name in ACTION["outputs"]:
        assert f"| `{name}` |" in README, f"output {name} is not in README"


def test_action_metadata_follows_marketplace_rules() -> None:
    assert len(ACTION["description"]) < 120
    assert ACTION["branding"] == {"icon": "activity", "color": "purple"}


def test_no_expression_inside_a_run_body() -> None:
    flows = [
        ROOT / "action.yml",
        *(ROOT / ".github" / "workflows").glob("*.yml"),
        *(ROOT / "examples" / "workflows").glob("*.yml"),
    ]
    for flow in flows:
        for job in _steps(yaml.safe_load(flow.read_text())):
            assert "${{" not in job.get("run", ""), f"{flow.name}: expression inside run:"


def test_third_party_actions_are_pinned_by_full_sha() -> None:
    for flow in (ROOT / ".github" / "workflows").glob("*.yml"):
        for step in _steps(yaml.safe_load(flow.read_text())):
            uses = step.get("uses", "./")
            assert uses.startswith("./") or re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", uses)


def test_quick_start_has_exactly_two_commands_and_ci_runs_the_test_one() -> None:
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.+?)\n```", quick, re.S)
    assert len(commands) == 2
    test_command = commands[1].split("&&")[-1].strip().removeprefix(".venv/bin/")
    assert test_command in (ROOT / ".ci" / "run").read_text()


def _steps(document: dict[str, object]) -> list[dict[str, str]]:
    if "runs" in document:
        return document["runs"]["steps"]  # type: ignore[index,no-any-return]
    jobs = document.get("jobs", {})
    return [step for job in jobs.values() for step in job.get("steps", [])]  # type: ignore[attr-defined]
