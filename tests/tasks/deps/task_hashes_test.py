"""Acceptance: pip-compile style hashes and pyproject.toml pins, against a real index.

The recomputed ``--hash`` must be the index's real sha256, or pip refuses to
install and the member would be dropped; pyproject.toml keeps its formatting.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kairos_ci.config.load import parse_config
from kairos_ci.context import Secret, tool_environment
from kairos_ci.stages.records import ProposedChange
from kairos_ci.tasks.deps.manifests import read_manifests
from kairos_ci.tasks.deps.plan import plan_updates
from kairos_ci.tasks.deps.registry import open_registries
from kairos_ci.tasks.deps.task import update_group
from kairos_ci.workspace.commands import CommandRunner
from tests.tasks.deps.gitrepo import commit_files
from tests.tasks.deps.pypi_server import Index, build_wheel, pypiserver, sha256_of

PYPROJECT = """\
[project]
name = "demo"
version = "0.1.0"
dependencies = [
    "alpha==1.0.0",  # pinned: see requirements.txt for hashes
]

[project.optional-dependencies]
test = ['beta == 1.0.0']
"""
KAIROS = 'version: 1\ntests:\n  run: python -c "import alpha, beta; assert beta.VALUE == 1"\n'


@pytest.fixture
def index(tmp_path: Path) -> Iterator[tuple[Index, dict[str, str]]]:
    packages = tmp_path / "packages"
    packages.mkdir()
    digests = {}
    for name, version, value, age in [
        ("alpha", "1.0.0", 1, 100),
        ("alpha", "1.0.1", 1, 10),
        ("beta", "1.0.0", 1, 100),
        ("beta", "1.0.1", 2, 10),
    ]:
        wheel = build_wheel(packages, name, version, f"VALUE = {value}\n", age_days=age)
        digests[f"{name}-{version}"] = sha256_of(wheel)
    with pypiserver(packages, tmp_path / "server.log") as running:
        yield running, digests


def test_hashes_are_recomputed_and_pyproject_keeps_its_formatting(
    tmp_path: Path, index: tuple[Index, dict[str, str]]
) -> None:
    server, digests = index
    requirements = (
        "# compiled\n"
        f"alpha==1.0.0 \\\n    --hash=sha256:{digests['alpha-1.0.0']}\n"
        f"beta==1.0.0 \\\n    --hash=sha256:{digests['beta-1.0.0']}\n"
    )
    repo = tmp_path / "repo"
    base = commit_files(repo, {"pyproject.toml": PYPROJECT, "requirements.txt": requirements})
    config = parse_config(KAIROS.encode(), "kairos.yml")
    registries = open_registries(None, Secret(server.url), None)
    plan = plan_updates(config.update_deps, read_manifests(repo), registries, (), datetime.now(UTC))
    (group,) = plan.groups
    assert [(str(b), len(b.pins)) for b in group.bumps] == [
        ("alpha 1.0.0 -> 1.0.1", 2),
        ("beta 1.0.0 -> 1.0.1", 2),
    ]
    runner = CommandRunner(env=tool_environment(), timeout_s=120)
    done = update_group(repo, base, group, config, runner, registries)
    assert isinstance(done.result, ProposedChange), done.result
    assert done.result.files == ("pyproject.toml", "requirements.txt")
    assert [str(d.bump) for d in done.dropped] == ["beta 1.0.0 -> 1.0.1"]

    subprocess.run(["git", "apply"], input=done.result.patch.encode(), cwd=repo, check=True)
    assert (repo / "pyproject.toml").read_text() == PYPROJECT.replace(
        '"alpha==1.0.0"', '"alpha==1.0.1"'
    )
    assert (repo / "requirements.txt").read_text() == requirements.replace(
        f"alpha==1.0.0 \\\n    --hash=sha256:{digests['alpha-1.0.0']}",
        f"alpha==1.0.1 \\\n    --hash=sha256:{digests['alpha-1.0.1']}",
    )
