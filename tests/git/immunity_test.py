"""kairos's own git is immune to what the project's code planted: hooks, fsmonitor, a
global config with core.hooksPath. Each plant would write a file if it ran."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from kairos_ci.git import Git


def plain_git(repo: Path, *args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@e", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        env=env,
    )


def hook(path: Path, proof: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\necho ran >> {proof}\n")
    path.chmod(0o755)


@pytest.fixture
def planted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A clone whose .git and whose home directory carry every plant; returns it and the
    file any plant would write."""
    proof = tmp_path / "proof"
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", str(origin)], check=True)
    repo = tmp_path / "repo"
    plain_git(tmp_path, "init", "-q", "-b", "main", str(repo))
    plain_git(repo, "remote", "add", "origin", str(origin))
    plain_git(repo, "commit", "-q", "--allow-empty", "-m", "first")
    for name in ("pre-commit", "pre-push", "post-checkout", "reference-transaction"):
        hook(repo / ".git" / "hooks" / name, proof)
    plain_git(repo, "config", "core.fsmonitor", f"echo ran >> {proof}; false")
    home = tmp_path / "home"
    hook(home / "hooks" / "pre-push", proof)
    (home / ".gitconfig").write_text(f"[core]\n\thooksPath = {home / 'hooks'}\n")
    monkeypatch.setenv("HOME", str(home))
    return repo, proof


def test_no_hook_fsmonitor_or_global_config_runs(planted: tuple[Path, Path]) -> None:
    repo, proof = planted
    git = Git(repo)
    git.run("status")
    git.run("add", "--all")
    git.run("commit", "-q", "--allow-empty", "-m", "second")
    git.run("checkout", "-q", "-b", "kairos/x")
    git.run("push", "-q", "origin", "kairos/x")
    assert not proof.exists(), proof.read_text()


def test_the_plants_are_real(planted: tuple[Path, Path]) -> None:
    """The same commands through plain git do run them: the test above can fail."""
    repo, proof = planted
    env = dict(os.environ)
    plain_git(repo, "commit", "-q", "--allow-empty", "-m", "second", env=env)
    assert proof.exists()
