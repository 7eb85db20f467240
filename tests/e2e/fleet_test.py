"""Issue 20's fleet acceptance: three sandbox repositories, one leg each (`kairos-ci run`
on each checkout with GITHUB_REPOSITORY set to it), each with its own memory branch; then
`kairos-ci fleet dashboard` keeps exactly one fleet dashboard issue in the fleet
repository, and nothing is written across repositories: by API or by git push."""

from __future__ import annotations

import json
import subprocess
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from kairos_ci.cli import main
from kairos_ci.sandbox.github.server import GitHubSandbox
from tests.fleet.worlds import fleet_file, new_world
from tests.sandbox.github.world import World, strict_sandbox

pytestmark = pytest.mark.slow

MEMBERS = ("octo/app", "octo/lib", "acme/tool")
FLEET = "octo/fleet"
FLEET_FILE = fleet_file(MEMBERS, FLEET)


def sample_files() -> dict[str, str]:
    with resources.as_file(resources.files("kairos_ci") / "demo" / "sample") as sample:
        files = {
            str(p.relative_to(sample)): p.read_text()
            for p in sample.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        }
    files[".github/kairos.yml"] = files.pop("kairos.yml")
    files[".gitignore"] = "reports/\n__pycache__/\n"
    return files


def leg(world: World, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """One matrix leg. The last runs as the example workflow runs it: the action in the
    fleet repository's workflow, with the fleet repository's schedule event (whose default
    branch, "trunk", is not the leg's) and input `repository` naming the checkout."""
    if world.full_name != MEMBERS[-1]:
        monkeypatch.setenv("GITHUB_REPOSITORY", world.full_name)
        argv = ["run", "--event", "schedule", "--repo", str(world.work)]
        return main([*argv, "--run-id", "night-1"])
    payload = tmp / "schedule.json"
    fleet_repository = {"full_name": FLEET, "default_branch": "trunk"}
    payload.write_text(json.dumps({"schedule": "17 3 * * *", "repository": fleet_repository}))
    for name, value in {
        "GITHUB_REPOSITORY": FLEET,
        "GITHUB_EVENT_NAME": "schedule",
        "GITHUB_EVENT_PATH": str(payload),
        "GITHUB_RUN_ID": "night-1",
        "KAIROS_COMMAND": "nightly",
        "KAIROS_REPOSITORY": world.full_name,
    }.items():
        monkeypatch.setenv(name, value)
    try:
        return main(["action", "--repo", str(world.work)])
    finally:
        for name in ("GITHUB_EVENT_NAME", "GITHUB_EVENT_PATH", "GITHUB_RUN_ID", "KAIROS_COMMAND"):
            monkeypatch.delenv(name)
        monkeypatch.delenv("KAIROS_REPOSITORY")


def refs(world: World) -> str:
    done = subprocess.run(
        ["git", "for-each-ref", "--format=%(refname) %(objectname)"],
        cwd=world.origin,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def writes_since(sandbox: GitHubSandbox, start: int) -> list[tuple[str, str]]:
    with sandbox.store.lock:
        logged = sandbox.store.requests[start:]
    return [(r.method, r.path) for r in logged if r.method != "GET"]


def request_count(sandbox: GitHubSandbox) -> int:
    with sandbox.store.lock:
        return len(sandbox.store.requests)


def issues_of(sandbox: GitHubSandbox, repository: str) -> list[dict[str, Any]]:
    issues: list[dict[str, Any]] = sandbox.state(repository)["repos"][repository]["issues"]
    return issues


def test_three_repositories_one_leg_each_and_one_fleet_dashboard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: Path
) -> None:
    members = [new_world(tmp_path, name, sample_files()) for name in MEMBERS]
    fleet = new_world(tmp_path, FLEET, {".github/kairos-fleet.yml": FLEET_FILE})
    worlds = [*members, fleet]
    with strict_sandbox(fleet) as sandbox:
        monkeypatch.setenv("GITHUB_API_URL", sandbox.base_url)
        for world in members:  # the matrix: one leg per repository, each on its checkout
            before = {w.full_name: refs(w) for w in worlds}
            start = request_count(sandbox)
            assert leg(world, tmp_path, monkeypatch) == 0
            own = f"/repos/{world.full_name}/"
            writes = writes_since(sandbox, start)
            assert writes, f"{world.full_name}'s leg wrote nothing"
            assert [w for w in writes if not w[1].startswith(own)] == []
            after = {w.full_name: refs(w) for w in worlds}
            changed = [name for name in after if after[name] != before[name]]
            assert changed == [world.full_name]  # its memory and fix branches, nobody else's
            assert "refs/heads/kairos/memory" in after[world.full_name]

        # The dashboard job: reads every repository, writes only the fleet's issue.
        monkeypatch.setenv("GITHUB_REPOSITORY", FLEET)
        monkeypatch.setenv("GITHUB_SERVER_URL", (tmp_path / "github").as_uri())
        before = {w.full_name: refs(w) for w in worlds}
        start = request_count(sandbox)
        assert main(["fleet", "dashboard", "--repo", str(fleet.work)]) == 0
        writes = writes_since(sandbox, start)
        assert writes and all(path.startswith(f"/repos/{FLEET}/issues") for _, path in writes)
        assert {w.full_name: refs(w) for w in worlds} == before  # no push anywhere

        (board,) = issues_of(sandbox, FLEET)
        assert "kairos-fleet" in str(board["labels"])
        rows = [line for line in board["body"].splitlines() if line.startswith("| [")]
        assert sorted(row.split("]")[0][3:] for row in rows) == sorted(MEMBERS)
        for row in rows:  # each read its memory: ok, one open lint fix PR, spend known
            cells = [c.strip() for c in row.strip("|").split("|")]
            assert cells[1:4] == ["ok", "1", "0"], board["body"]
        for world in members:  # each repository still has only its own dashboard
            assert len(issues_of(sandbox, world.full_name)) == 1

        # A second dashboard run with nothing changed edits nothing.
        start = request_count(sandbox)
        assert main(["fleet", "dashboard", "--repo", str(fleet.work)]) == 0
        assert writes_since(sandbox, start) == []
        assert len(issues_of(sandbox, FLEET)) == 1
