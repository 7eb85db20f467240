"""``kairos-ci fleet dashboard`` against the GitHub sandbox: a repository whose memory
cannot be read is shown as such (never as zeros) and fails the job, a dry run writes
nothing, and the dashboard job writes only the fleet repository's one issue."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kairos_ci.cli import main
from kairos_ci.sandbox.github.server import GitHubSandbox
from tests.fleet.worlds import fleet_file, new_world
from tests.sandbox.github.world import World, strict_sandbox, writes_made

pytestmark = pytest.mark.slow  # a sandbox and a few git fetches: about 2.5 s each

FLEET = "octo/fleet"
MEMBERS = ("octo/app", "octo/gone")  # octo/gone does not exist


@pytest.fixture
def fleet(
    tmp_path: Path, env: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[World, GitHubSandbox]]:
    new_world(tmp_path, "octo/app", {"README.md": "# app\n"})  # kairos never ran here
    world = new_world(tmp_path, FLEET, {".github/kairos-fleet.yml": fleet_file(MEMBERS, FLEET)})
    with strict_sandbox(world) as sandbox:
        monkeypatch.setenv("GITHUB_API_URL", sandbox.base_url)
        monkeypatch.setenv("GITHUB_SERVER_URL", world.root.as_uri())
        monkeypatch.setenv("GITHUB_REPOSITORY", FLEET)
        yield world, sandbox


def issues(sandbox: GitHubSandbox) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = sandbox.state(FLEET)["repos"][FLEET]["issues"]
    return found


def test_an_unreadable_repository_is_shown_and_fails_the_job(
    fleet: tuple[World, GitHubSandbox], env: Path
) -> None:
    world, sandbox = fleet
    assert main(["fleet", "dashboard", "--repo", str(world.work)]) == 1
    (board,) = issues(sandbox)
    body = board["body"]
    assert "2 repositories, 2 with problems." in body
    gone = next(line for line in body.splitlines() if line.startswith("| [octo/gone]"))
    assert gone.endswith("| **unreadable** | ? | ? | ? | ? | ? |")
    app = next(line for line in body.splitlines() if line.startswith("| [octo/app]"))
    assert app.endswith("| **no memory yet** | 0 | ? | ? | ? | ? |")
    assert "- octo/gone: memory: cannot fetch memory branch" in body
    assert "- octo/gone: pull requests:" in body
    assert all(path.startswith(f"/repos/{FLEET}/issues") for _, path in writes_made(sandbox))
    assert "octo/gone could not be read" in env.read_text()  # the job summary says so


def test_a_dry_run_prints_the_dashboard_and_writes_nothing(
    fleet: tuple[World, GitHubSandbox], capsys: pytest.CaptureFixture[str]
) -> None:
    world, sandbox = fleet
    assert main(["fleet", "dashboard", "--repo", str(world.work), "--dry-run"]) == 1
    assert "| [octo/app](" in capsys.readouterr().out
    assert writes_made(sandbox) == []
    assert issues(sandbox) == []


def test_the_action_runs_it_with_input_config_naming_the_fleet_file(
    fleet: tuple[World, GitHubSandbox], monkeypatch: pytest.MonkeyPatch
) -> None:
    world, sandbox = fleet
    (world.work / "only-app.yml").write_text(fleet_file(("octo/app",), FLEET))
    monkeypatch.setenv("KAIROS_COMMAND", "fleet-dashboard")
    monkeypatch.setenv("KAIROS_CONFIG", "only-app.yml")
    assert main(["action", "--repo", str(world.work)]) == 0  # nothing unreadable
    (board,) = issues(sandbox)
    assert "1 repositories, 1 with problems." in board["body"]
    assert "octo/gone" not in board["body"]
