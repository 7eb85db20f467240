"""Acceptance for npm: a real registry (verdaccio) on loopback, package-lock.json relocked by npm.

Slow: verdaccio is installed from the npm registry once per session (about 10 s).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kairos_ci.config.load import parse_config
from kairos_ci.context import tool_environment
from kairos_ci.stages.records import ProposedChange
from kairos_ci.tasks.deps.manifests import read_manifests
from kairos_ci.tasks.deps.plan import plan_updates
from kairos_ci.tasks.deps.records import Package
from kairos_ci.tasks.deps.registry import open_registries
from kairos_ci.tasks.deps.task import update_group
from kairos_ci.workspace.commands import CommandRunner
from tests.tasks.deps.gitrepo import commit_files
from tests.tasks.deps.verdaccio import Registry, install_verdaccio, verdaccio

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed"),
]

PACKAGE_JSON = """{
  "name": "web",
  "version": "1.0.0",
  "private": true,
  "dependencies": {
    "left": "1.0.0",
    "right": "2.0.0",
    "loose": "^3.0.0"
  }
}
"""
TEST_JS = """\
const left = require('left');
if (left !== 1) { console.error('left is ' + left); process.exit(1); }
"""
KAIROS = "version: 1\ntests:\n  run: node test.js\nupdate_deps:\n  cooldown_days: 0\n"


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    root = tmp_path_factory.mktemp("verdaccio")
    binary = install_verdaccio(root / "install")
    with verdaccio(binary, root / "home") as running:
        sources = root / "sources"
        for name, version, value in [
            ("left", "1.0.0", 1), ("left", "1.0.1", 2),
            ("right", "2.0.0", 1), ("right", "2.0.1", 1),
            ("loose", "3.0.0", 1), ("loose", "3.0.5", 1),
        ]:  # fmt: skip
            running.publish(sources, name, version, f"module.exports = {value};\n")
        yield running


def test_the_npm_client_reads_versions_and_times(registry: Registry) -> None:
    registries = open_registries(None, None, registry.url)
    package = registries.lookup("npm", "right", "2.0.0")
    assert isinstance(package, Package)
    assert [r.version for r in package.releases] == ["2.0.0", "2.0.1"]
    released = package.releases[-1].released
    assert released is not None and datetime.now(UTC) - released < timedelta(minutes=10)
    links = registries.links("npm", "right", "2.0.1")
    assert [(link.label, link.url) for link in links] == [
        ("Releases", "https://github.com/example/right/releases"),
        ("Homepage", "https://github.com/example/right#readme"),  # npm publish adds it
    ]


def test_npm_group_is_verified_and_the_lockfile_relocked(
    tmp_path: Path, registry: Registry
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "package.json").write_text(PACKAGE_JSON)
    env = {**tool_environment(), "npm_config_registry": registry.url}
    subprocess.run(
        ["npm", "install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund"],
        cwd=repo, env=env, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    lock_before = (repo / "package-lock.json").read_text()
    base = commit_files(repo, {"test.js": TEST_JS, ".gitignore": "node_modules/\n"})
    config = parse_config(KAIROS.encode(), "kairos.yml")
    registries = open_registries(None, None, registry.url)
    plan = plan_updates(config.update_deps, read_manifests(repo), registries, (), datetime.now(UTC))
    (group,) = plan.groups
    assert group.key == "npm" and [str(b) for b in group.bumps] == [
        "left 1.0.0 -> 1.0.1",
        "right 2.0.0 -> 2.0.1",
    ]

    done = update_group(
        repo, base, group, config, CommandRunner(tool_environment(), 180), registries
    )
    change = done.result
    assert isinstance(change, ProposedChange), change
    assert change.files == ("package-lock.json", "package.json")
    assert [str(d.bump) for d in done.dropped] == ["left 1.0.0 -> 1.0.1"]
    assert "left is 2" in done.dropped[0].why

    subprocess.run(["git", "apply"], input=change.patch.encode(), cwd=repo, check=True)
    assert (repo / "package.json").read_text() == PACKAGE_JSON.replace('"2.0.0"', '"2.0.1"')
    lock = json.loads((repo / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/right"]["version"] == "2.0.1"
    assert lock["packages"]["node_modules/left"]["version"] == "1.0.0"
    assert lock_before != (repo / "package-lock.json").read_text()
