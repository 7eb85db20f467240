"""A verification's fingerprint: base tree, effective config, tools; and why one differs."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

from kairos_ci.config.load import load_config
from kairos_ci.config.records import Command, Config
from kairos_ci.stages.fingerprint import Fingerprint, config_digest
from kairos_ci.workspace.commands import CommandRunner


def git(repo: Path, *args: str) -> str:
    argv = ["git", "-c", "user.name=t", "-c", "user.email=t@e", *args]
    return subprocess.run(argv, cwd=repo, check=True, capture_output=True, text=True).stdout


def sample_config(repo: Path) -> Config:
    return load_config(repo / ".github" / "kairos.yml")


def test_the_config_digest_reads_what_the_config_says_not_where_it_came_from(
    sample_repo: Path,
) -> None:
    config = sample_config(sample_repo)
    digest = config_digest(config)
    assert len(digest) == 16
    assert config_digest(replace(config, source="kairos.yml@0123456789ab")) == digest
    fix = Command("ruff check --fix --unsafe-fixes .", ("ruff", "check", "--fix"))
    changed = replace(config, linters=(replace(config.linters[0], fix=fix),))
    assert config_digest(changed) != digest


def test_a_fingerprint_says_which_part_differs(sample_repo: Path, runner: CommandRunner) -> None:
    config = sample_config(sample_repo)
    sha = git(sample_repo, "rev-parse", "HEAD").strip()
    now = Fingerprint(sample_repo, sha, config, runner)
    recorded = now.key
    tree, digest, tools = recorded.split()
    assert tree == git(sample_repo, "rev-parse", "HEAD^{tree}").strip()
    assert now.differs(recorded) == ""
    assert Fingerprint(sample_repo, sha, config, runner).differs(recorded) == ""  # stable
    assert now.differs("") == "no verification recorded"
    assert now.differs(f"{'0' * 40} {digest} {tools}") == "the base tree changed"
    assert now.differs(f"{tree} {'0' * 16} {tools}") == "the config changed"
    assert now.differs(f"{tree} {digest} {'0' * 16}") == "the tools changed"


def test_a_new_commit_with_the_same_tree_keeps_the_fingerprint(
    sample_repo: Path, runner: CommandRunner
) -> None:
    config = sample_config(sample_repo)
    first = git(sample_repo, "rev-parse", "HEAD").strip()
    recorded = Fingerprint(sample_repo, first, config, runner).key
    git(sample_repo, "commit", "-q", "--allow-empty", "-m", "same tree")
    second = git(sample_repo, "rev-parse", "HEAD").strip()
    assert Fingerprint(sample_repo, second, config, runner).differs(recorded) == ""


def test_without_a_tools_version_nothing_is_recorded_or_reused(
    sample_repo: Path, tmp_path: Path
) -> None:
    (tmp_path / "python").write_text("#!/bin/sh\nexit 1\n")  # every probe fails
    (tmp_path / "python").chmod(0o755)
    blind = CommandRunner({"PATH": str(tmp_path)}, timeout_s=60)
    config = sample_config(sample_repo)
    sha = git(sample_repo, "rev-parse", "HEAD").strip()
    now = Fingerprint(sample_repo, sha, config, blind)
    assert now.key == ""
    tree = git(sample_repo, "rev-parse", "HEAD^{tree}").strip()
    recorded = f"{tree} {config_digest(config)} {'0' * 16}"
    assert now.differs(recorded) == "a tool's version could not be told"
