"""The nightly run through the real action.yml under act, against the GitHub sandbox."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from tests.e2e.act_harness import run_action
from tests.e2e.nightly_test import sample_world
from tests.sandbox.github.world import KAIROS_TOKEN, strict_sandbox

pytestmark = pytest.mark.slow


def test_scheduled_run_opens_the_lint_pr_and_the_dashboard(tmp_path: Path) -> None:
    world = sample_world(tmp_path / "world")
    # A user's workflow installs the project's tools before calling kairos; here they
    # are this interpreter's pytest and ruff.
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    with strict_sandbox(world) as sandbox:
        run = run_action(
            tmp_path,
            {"command": "nightly", "working-directory": str(world.work)},
            event="schedule",
            payload={"schedule": "17 3 * * *"},
            env={
                "GITHUB_API_URL": sandbox.base_url,
                "GITHUB_REPOSITORY": world.full_name,
                "PATH": path,
            },
            secrets={"GITHUB_TOKEN": KAIROS_TOKEN},
        )
        assert run.returncode == 0, run.log
        state = sandbox.state()["repos"]["octo/app"]
    [pull] = state["pulls"]
    assert pull["head"]["ref"] == "kairos/fix-lint/ruff"
    assert "| findings go down | passed | ruff: 2 -> 0 |" in pull["body"]
    assert [i["title"] for i in state["issues"]] == ["kairos-ci dashboard"]
    assert json.loads(run.outputs["pr-urls"]) == [pull["html_url"]]
    assert run.outputs["summary"].startswith("kairos-ci nightly:")
    assert "| run | schedule" in run.summary
    assert KAIROS_TOKEN not in run.log.replace(f"::add-mask::{KAIROS_TOKEN}", "")
