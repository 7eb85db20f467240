"""The fleet's memory reader fetches each repository's memory branch from its remote
(``<server_url>/<OWNER/NAME>.git``) and writes nowhere: not to the remote, not to the
fleet checkout."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from kairos_ci.errors import GitError
from kairos_ci.fleet.sources import BranchMemory, GitHubAccess
from kairos_ci.memory.store import MemoryStore
from kairos_ci.verdicts.records import Outcome
from tests.memory.helpers import NOW, init_origin, journal


def refs(git_dir: Path) -> str:
    listed = subprocess.run(
        ["git", "for-each-ref"], cwd=git_dir, capture_output=True, text=True, check=True
    )
    return listed.stdout


def test_memory_is_read_from_each_repository_and_nothing_is_written(tmp_path: Path) -> None:
    origin = init_origin(tmp_path / "github" / "octo" / "app.git")
    work = tmp_path / "fleet"
    subprocess.run(["git", "init", "-q", str(work)], check=True)
    saved = MemoryStore(work, remote=str(origin), clock=lambda: NOW)
    saved.save(journal("night-1", outcomes={"tests/t.py::t": Outcome.PASSED}))
    before = (refs(origin), refs(work))

    access = GitHubAccess("http://127.0.0.1:1", (tmp_path / "github").as_uri(), None)
    reader = BranchMemory(access, "kairos/memory", lambda: NOW, workdir=work)
    loaded = reader.load("octo/app")
    assert loaded.commit is not None
    assert [run.run_id for run in loaded.memory.runs] == ["night-1"]
    assert (refs(origin), refs(work)) == before
    with pytest.raises(GitError, match="cannot fetch memory branch"):
        reader.load("octo/none")
