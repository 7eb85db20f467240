"""The real action.yml, installed and run by act, end to end."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.e2e.act_harness import run_action

pytestmark = pytest.mark.slow


def _target_repo(tmp_path: Path, config: str) -> Path:
    """A repository with its config committed: the pipelines read config from a commit."""
    repo = tmp_path / "target"
    (repo / ".github").mkdir(parents=True)
    (repo / ".github" / "kairos.yml").write_text(config)
    identity = ["-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    for argv in (["init", "-q", "-b", "main"], ["add", "-A"], [*identity, "commit", "-qm", "c"]):
        subprocess.run(["git", *argv], cwd=repo, check=True)
    return repo


def test_validate_command_sets_outputs_and_step_summary(tmp_path: Path) -> None:
    repo = _target_repo(tmp_path, "version: 1\nautonomy:\n  default: observe\n")
    run = run_action(
        tmp_path,
        {"command": "validate", "working-directory": str(repo)},
        env={"GITHUB_API_URL": "http://127.0.0.1:9"},
        secrets={"GITHUB_TOKEN": "ghs_notarealtoken000000000000000000000"},
    )
    assert run.returncode == 0, run.log
    assert run.outputs["summary"] == "kairos-ci: 1 done, 0 skipped"
    assert run.outputs["pr-urls"] == "[]"
    assert "| command | validate |" in run.summary
    assert "config: .github/kairos.yml is valid" in run.summary
    assert "ghs_notarealtoken" not in run.log.replace("::add-mask::ghs_notarealtoken", "")


def test_invalid_config_fails_the_step_with_a_located_annotation(tmp_path: Path) -> None:
    repo = _target_repo(tmp_path, "version: 1\nautonomy:\n  default: sometimes\n")
    dispatch = {
        "ref": "refs/heads/main",
        "inputs": {},
        "sender": {"login": "maria", "type": "User"},
        "repository": {"full_name": "octo/app", "default_branch": "main"},
    }
    run = run_action(
        tmp_path, {"command": "auto", "working-directory": str(repo)}, payload=dispatch
    )
    assert run.returncode != 0
    assert "line=3" in run.log and "not one of observe" in run.log
    assert "### Problems you need to fix" in run.summary
    assert "autonomy.default" in run.summary
