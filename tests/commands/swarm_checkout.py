"""A checkout with an ``origin`` for the swarm commands' tests: the default branch at one
commit, no memory yet, and the step's output and summary files of a workflow."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from kairos_ci.git import Git
from kairos_ci.memory.store import MemoryStore
from tests.conftest import RUN_VARIABLES
from tests.memory.helpers import init_origin
from tests.plan.sample import commit
from tests.report.runner_test import parse_outputs
from tests.swarm.histories import T0


@dataclass(frozen=True)
class Checkout:
    work: Path
    origin: Path
    outputs: Path
    summary: Path

    def memory(self) -> MemoryStore:
        return MemoryStore(self.work, clock=lambda: T0)

    def memory_tip(self) -> str:
        ref = "refs/heads/kairos/memory"
        found = Git(self.origin).run("rev-parse", "--verify", "--quiet", ref, check=False)
        return found.stdout.decode().strip()

    def outputs_written(self) -> dict[str, str]:
        """The last value of each output the step set."""
        return parse_outputs(self.outputs.read_text()) if self.outputs.exists() else {}


def make_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Checkout:
    for name in list(os.environ):
        if name.startswith(RUN_VARIABLES):
            monkeypatch.delenv(name)
    origin = init_origin(tmp_path / "origin.git")
    work = tmp_path / "work"
    work.mkdir()
    git = Git(work)
    git.run("init", "-q", "-b", "main")
    git.run("remote", "add", "origin", str(origin))
    (work / "README.md").write_text("# app\n")
    commit(git, "base")
    git.run("push", "-q", "origin", "main")
    found = Checkout(work, origin, tmp_path / "outputs.txt", tmp_path / "summary.md")
    monkeypatch.setenv("GITHUB_OUTPUT", str(found.outputs))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(found.summary))
    return found
