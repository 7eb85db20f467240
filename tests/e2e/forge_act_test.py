"""The action, run by act, publishing a bundle to the GitHub sandbox (end to end)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kairos_ci.commands.publish import ACTION_BUNDLE
from kairos_ci.forge.markers import fingerprints
from tests.bundle.builders import bundle_data, dashboard_write, make_patch, pr_write
from tests.e2e.act_harness import run_action
from tests.sandbox.github.world import KAIROS_TOKEN, make_world, strict_sandbox

pytestmark = pytest.mark.slow


def test_command_publish_applies_the_bundle_in_the_workspace(tmp_path: Path) -> None:
    world = make_world(tmp_path / "world")
    world.commit({".kairos.yml": "version: 1\nautonomy:\n  fix_lint: approve\n"}, "config")
    base, patch = make_patch(world, {"app.py": "fixed by kairos\n"})
    data = bundle_data(pr_write(base, patch), dashboard_write("## Needs your decision\n"))
    (world.work / ACTION_BUNDLE).write_text(json.dumps(data))
    with strict_sandbox(world) as sandbox:
        run = run_action(
            tmp_path,
            {"command": "publish", "working-directory": str(world.work)},
            env={"GITHUB_API_URL": sandbox.base_url, "GITHUB_REPOSITORY": world.full_name},
            secrets={"GITHUB_TOKEN": KAIROS_TOKEN},
        )
        assert run.returncode == 0, run.log
        state = sandbox.state()["repos"]["octo/app"]
    [pull] = state["pulls"]
    assert pull["head"]["ref"] == "kairos/fix-lint/ruff"
    assert fingerprints(pull["body"]) == ("lint-ruff-1",)
    [dashboard] = state["issues"]
    assert [label["name"] for label in dashboard["labels"]] == ["kairos"]
    assert run.outputs["summary"] == "writes: 2 applied"
    assert json.loads(run.outputs["pr-urls"]) == [pull["html_url"]]
    assert "| applied | pull request kairos/fix-lint/ruff -&gt; main |" in run.summary
    assert KAIROS_TOKEN not in run.log.replace(f"::add-mask::{KAIROS_TOKEN}", "")
