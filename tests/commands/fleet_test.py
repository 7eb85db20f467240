"""``kairos-ci fleet discover`` and the action's ``command: fleet-discover``: the matrix
output the fleet workflow's legs are built from, ids only."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from kairos_ci.cli import main
from kairos_ci.fleet.shards import shard_of
from tests.report.runner_test import parse_outputs

FLEET = """\
version: 1
repositories:
  - octo/app
  - octo/lib
  - acme/tool
dashboard:
  repository: octo/fleet
"""


@pytest.fixture
def checkout(tmp_path: Path, env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    work = tmp_path / "fleet"
    subprocess.run(["git", "init", "-q", str(work)], check=True)
    (work / ".github").mkdir()
    (work / ".github" / "kairos-fleet.yml").write_text(FLEET)
    monkeypatch.setenv("GITHUB_OUTPUT", str(tmp_path / "output"))
    return work


def outputs(checkout: Path) -> dict[str, str]:
    return parse_outputs((checkout.parent / "output").read_text())


def test_one_leg_per_repository(checkout: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fleet", "discover", "--repo", str(checkout)]) == 0
    legs = '{"repository":["octo/app","octo/lib","acme/tool"]}'
    assert outputs(checkout)["legs"] == legs
    assert capsys.readouterr().out.strip() == legs


def test_shards_and_a_shards_repositories(checkout: Path) -> None:
    sharded = FLEET + "shards:\n  count: 2\n  salt: s1\n"
    (checkout / "sharded.yml").write_text(sharded)
    argv = ["fleet", "discover", "--repo", str(checkout), "--fleet", "sharded.yml"]
    assert main(argv) == 0
    assert outputs(checkout)["legs"] == '{"shard":[0,1]}'
    assert main([*argv, "--shard", "1"]) == 0
    ones = [r for r in ("octo/app", "octo/lib", "acme/tool") if shard_of(r, "s1", 2) == 1]
    assert outputs(checkout)["legs"] == json.dumps({"repository": ones}, separators=(",", ":"))


def test_a_shard_out_of_range_or_a_bad_file_is_refused(
    checkout: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["fleet", "discover", "--repo", str(checkout), "--shard", "1"]) == 2
    assert "the fleet has no shards" in capsys.readouterr().err
    (checkout / ".github" / "kairos-fleet.yml").write_text(FLEET.replace("octo/lib", "octo"))
    assert main(["fleet", "discover", "--repo", str(checkout)]) == 1
    err = capsys.readouterr().err
    assert "kairos-fleet.yml:4:5: repositories[1]: 'octo' is not OWNER/NAME" in err


def test_the_action_runs_it(checkout: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAIROS_COMMAND", "fleet-discover")
    assert main(["action", "--repo", str(checkout)]) == 0
    assert outputs(checkout)["legs"] == '{"repository":["octo/app","octo/lib","acme/tool"]}'


def test_a_legs_repository_input_must_be_owner_and_name(
    checkout: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KAIROS_COMMAND", "nightly")
    monkeypatch.setenv("KAIROS_REPOSITORY", "octo/app; rm -rf /")
    assert main(["action", "--repo", str(checkout)]) == 2
    assert "input `repository` must be OWNER/NAME" in capsys.readouterr().err
