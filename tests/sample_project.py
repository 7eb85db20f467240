"""A copy of the demo's sample project, and an environment that finds pytest and ruff."""

from __future__ import annotations

import os
import shutil
import sys
from importlib import resources
from pathlib import Path

import pytest

from kairos_ci.context import tool_environment
from kairos_ci.workspace.commands import CommandRunner
from tests.jail import jail_or_skip


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    source = resources.files("kairos_ci") / "demo" / "sample"
    target = tmp_path / "sample"
    with resources.as_file(source) as path:
        shutil.copytree(path, target)
    return target


@pytest.fixture
def runner() -> CommandRunner:
    env = tool_environment()
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env = {**env, "KAIROS_RUN_ID": "night-1"}
    return CommandRunner(env=env, timeout_s=120, jail=jail_or_skip())


@pytest.fixture
def sample_repo(sample: Path) -> Path:
    """The sample as a git repository with one commit on main."""
    import subprocess

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@e", *args],
            cwd=sample,
            check=True,
            capture_output=True,
        )

    git("init", "-q", "-b", "main")
    (sample / ".github").mkdir()
    (sample / ".github" / "kairos.yml").write_text((sample / "kairos.yml").read_text())
    (sample / "kairos.yml").unlink()
    (sample / ".gitignore").write_text("reports/\n__pycache__/\n")
    git("add", "-A")
    git("commit", "-qm", "sample")
    return sample
