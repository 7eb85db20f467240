"""Builders and git fixtures shared by the memory tests (real repositories, no mocks)."""

from __future__ import annotations

import hashlib
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kairos_ci.clock import to_iso
from kairos_ci.git import Git
from kairos_ci.memory.plumbing import write_blob, write_tree
from kairos_ci.memory.records import Journal, RunRecord, RunResult
from kairos_ci.memory.store import MemoryStore
from kairos_ci.verdicts.records import HistoryEntry, Outcome

T0 = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
# The stores' "now" in these tests: an hour after the journals, whatever the real date.
NOW = T0 + timedelta(hours=1)
REF = "refs/heads/kairos/memory"


def sha(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def at(seconds: float) -> str:
    return to_iso(T0 + timedelta(seconds=seconds))


def journal(
    run_id: str, seconds: float = 0, outcomes: dict[str, Outcome] | None = None, **extra: object
) -> Journal:
    """One run's journal: each test in ``outcomes`` ran once on a commit named after the run."""
    when = at(seconds)
    commit = sha(f"commit {run_id}")
    results = {
        test_id: (HistoryEntry(commit, sha(f"tree {run_id}"), run_id, outcome, 0.25, when),)
        for test_id, outcome in (outcomes or {}).items()
    }
    run = RunRecord(run_id, "schedule", commit, when, RunResult.SUCCESS)
    return Journal(run=run, results=results, **extra)  # type: ignore[arg-type]


def init_origin(path: Path) -> Path:
    subprocess.run(["git", "init", "--quiet", "--bare", str(path)], check=True)
    return path


def init_clone(path: Path, origin: Path) -> Path:
    """A user's clone with a commit, a staged change and an untracked file."""
    path.mkdir()
    git = Git(path)
    git.run("init", "--quiet", "--initial-branch=main")
    git.run("remote", "add", "origin", str(origin))
    (path / "app.py").write_text("print('hello')\n")
    git.run("add", "app.py")
    git.run("commit", "--quiet", "-m", "first")
    (path / "app.py").write_text("print('hello, world')\n")
    git.run("add", "app.py")
    (path / "notes.txt").write_text("untracked\n")
    return path


def make_store(clone: Path, scratch: Path, **options: object) -> MemoryStore:
    scratch.mkdir(exist_ok=True)
    options.setdefault("clock", lambda: NOW)
    return MemoryStore(clone, scratch_dir=scratch, **options)  # type: ignore[arg-type]


def branch_files(origin: Path, branch: str = "kairos/memory") -> list[str]:
    out = Git(origin).text("ls-tree", "-r", "--name-only", f"refs/heads/{branch}")
    return out.splitlines()


def show(origin: Path, path: str, branch: str = "kairos/memory") -> bytes:
    return Git(origin).run("show", f"refs/heads/{branch}:{path}").stdout


def jname(index: int, run_id: str | None = None) -> str:
    """A valid journal file name that sorts by ``index``."""
    run = run_id or f"r{index}"
    return f"20261127T03{index // 60:02d}{index % 60:02d}Z-{run}-{index:012x}.json"


def put_tip(origin: Path, files: dict[str, bytes], committer: str | None = None) -> str:
    """Commit ``files`` on top of the branch directly in ``origin``, as kairos (or someone else)."""
    git = Git(origin)
    parent = git.text("rev-parse", REF)
    tree = write_tree(git, {path: write_blob(git, data) for path, data in files.items()})
    env = (
        {}
        if committer is None
        else {
            "GIT_COMMITTER_NAME": committer,
            "GIT_COMMITTER_EMAIL": f"{committer}@example.com",
        }
    )
    made = git.run("commit-tree", tree, "-p", parent, "-m", "hand-made", extra_env=env)
    commit = made.stdout.decode().strip()
    git.run("update-ref", REF, commit)
    return commit
