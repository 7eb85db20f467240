"""Every boolean and closed-set input rejects an invalid value with exit 2, naming the key,
instead of falling back to a default that writes: the action's inputs and the nightly's
workflow_dispatch input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from kairos_ci.cli import main
from kairos_ci.context import flag
from kairos_ci.git import Git

ROOT = Path(__file__).resolve().parents[2]
# Inputs with a closed set of values, as the action passes them (KAIROS_<NAME>).
CLOSED = {"dry-run": "true$(x)", "log-level": "verbose", "command": "nuke"}


def action_inputs() -> dict[str, dict[str, str]]:
    data = yaml.safe_load((ROOT / "action.yml").read_text())
    inputs: dict[str, dict[str, str]] = data["inputs"]
    return inputs


def test_every_boolean_input_of_the_action_is_in_the_table() -> None:
    booleans = {n for n, s in action_inputs().items() if str(s.get("default")) in ("true", "false")}
    assert booleans <= set(CLOSED)


@pytest.mark.parametrize(("name", "bad"), sorted(CLOSED.items()))
def test_an_invalid_action_input_is_a_usage_error_naming_it(
    name: str, bad: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert name in action_inputs()
    monkeypatch.setenv(f"KAIROS_{name.upper().replace('-', '_')}", bad)
    monkeypatch.setenv("GITHUB_EVENT_NAME", "schedule")
    assert main(["action"]) == 2
    error = capsys.readouterr().err
    assert name.split("-")[0] in error and repr(bad) in error


def test_a_dispatch_input_that_is_not_a_boolean_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Git(tmp_path).run("init", "-q", "-b", "main")
    event = tmp_path / "event.json"
    payload = {"inputs": {"dry-run": "yes please"}, "ref": "refs/heads/main"}
    event.write_text(json.dumps({**payload, "sender": {"login": "maria", "type": "User"}}))
    argv = ["run", "--event", "workflow_dispatch", "--payload", str(event), "--repo", str(tmp_path)]
    assert main(argv) == 2
    assert (
        "input `inputs.dry-run` must be true or false, not 'yes please'" in capsys.readouterr().err
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, False), ("", False), ("true", True), ("TRUE", True), ("False", False)],
)
def test_true_and_false_in_any_case_are_booleans(value: str | None, expected: bool) -> None:
    assert flag(value, "x") is expected
