from __future__ import annotations

import stat
from pathlib import Path

import pytest

from kairos_ci.errors import GitError, MemoryError_
from kairos_ci.git import Git
from kairos_ci.memory.plumbing import read_blobs, remote_url, write_blobs
from kairos_ci.memory.store import MemoryStore
from tests.memory.helpers import journal, make_store


def test_remote_names_and_paths_become_urls(clone: Path, origin: Path) -> None:
    assert remote_url(clone, "origin") == str(origin)
    assert remote_url(clone, "../origin.git") == str(origin)
    assert remote_url(clone, "https://github.com/o/r.git") == "https://github.com/o/r.git"
    assert remote_url(clone, "git@github.com:o/r.git") == "git@github.com:o/r.git"


def test_a_refusal_that_is_not_a_race_is_not_retried(store: MemoryStore, origin: Path) -> None:
    hook = origin / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'branch is protected' >&2\nexit 1\n")
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR)
    with pytest.raises(MemoryError_) as refused:
        store.save(journal("r1", 1))
    assert str(refused.value) == (
        "the remote refused the memory branch update: [remote rejected] "
        "(pre-receive hook declined) (remote: branch is protected)"
    )


def test_a_remote_that_would_be_read_as_an_option_is_refused(clone: Path) -> None:
    with pytest.raises(MemoryError_, match="does not look like a repository URL"):
        remote_url(clone, "--upload-pack=touch /tmp/pwned")


@pytest.mark.parametrize("branch", ["a:b", "+kairos/memory", "-x", "a..b", "kairos/memory.lock"])
def test_branch_names_that_could_trick_a_refspec_are_refused(
    clone: Path, tmp_path: Path, branch: str
) -> None:
    store = make_store(clone, tmp_path / "s", branch=branch)
    with pytest.raises(MemoryError_, match="not a usable memory branch name"):
        store.load()


def test_many_blobs_come_through_one_process_one_at_a_time(tmp_path: Path) -> None:
    git = Git(tmp_path)
    git.run("init", "-q")
    contents = [b"", b"one\n", b"two\nlines\n", bytes(range(256)) * 4096]  # 1 MiB, binary
    blobs = write_blobs(git, contents, tmp_path / "spool")
    assert list(read_blobs(git, blobs)) == contents
    assert list(read_blobs(git, blobs[1:2])) == contents[1:2]
    assert list(read_blobs(git, [])) == []
    missing = "0" * 40
    with pytest.raises(GitError, match=f"object {missing} is missing"):
        list(read_blobs(git, [blobs[1], missing]))
