"""A committed project whose add() subtracts, and the base evidence on it: the fix-tests
suites' common starting point."""

from __future__ import annotations

import sys
from pathlib import Path

from kairos_ci.config.records import Config
from kairos_ci.git import Git
from kairos_ci.stages.evidence import Evidence, gather
from kairos_ci.workspace.commands import CommandRunner
from kairos_ci.workspace.scratch import scratch_checkout
from tests.agent.harness import BUGGY, TEST


def committed_calc(root: Path, config: Config) -> tuple[str, Evidence]:
    """Write, commit and test the project at ``root``; return its sha and evidence."""
    files = {"calc.py": BUGGY, "tests/test_calc.py": TEST, ".gitignore": "r/\n__pycache__/\n"}
    files["pyproject.toml"] = '[tool.pytest.ini_options]\npythonpath = ["."]\n'
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    git = Git(root)
    git.run("init", "-q", "-b", "main")
    git.run("add", "--all")
    git.run("commit", "-q", "-m", "base")
    sha = git.text("rev-parse", "HEAD")
    plain = CommandRunner({"PATH": str(Path(sys.executable).parent)}, 60)
    with scratch_checkout(root, sha) as scratch:
        return sha, gather(scratch.path, config, plain, run_commands=True)
