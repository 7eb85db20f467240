"""The PR's diff with local git: its texts, the scope of an incremental review, and
fetching the base and head into a shallow checkout."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from kairos_ci.diff.parse import parse_diff
from kairos_ci.errors import GitError
from kairos_ci.git import Git
from kairos_ci.tasks.review.pulldiff import blobs, ensure_commits, patches, pull_diff, scope
from tests.sandbox.github.world import World, make_world


@pytest.fixture
def world(tmp_path: Path) -> World:
    return make_world(tmp_path)


def branch(world: World, files: dict[str, str]) -> str:
    exists = world.git("branch", "--list", "feature")
    world.git("checkout", "-q", *(() if exists else ("-b",)), "feature")
    sha = world.commit(files, "change")
    world.git("checkout", "-q", "main")
    return sha


def test_the_pull_diff_reads_head_texts_and_each_files_patch(world: World) -> None:
    base = world.git("rev-parse", "main")
    files = {
        "app.py": "changed\n",
        "README.md": "# new\n",
        "img.bin": "\0binary",
        "new.py": "x = 1\n",
    }
    head = branch(world, files)
    pull = pull_diff(world.work, base, head)
    assert pull.merge_base == base
    assert pull.texts == {**files, "img.bin": None}
    assert pull.patches["new.py"].startswith("diff --git a/new.py b/new.py")
    assert pull.added("new.py") == frozenset({1})
    assert list(pull.base_texts) == ["app.py"]  # only Python and workflows are compared
    assert str(pull.base_texts["app.py"]).startswith("line 1\n")


def test_a_synchronize_reviews_only_what_changed_since_the_last_head(world: World) -> None:
    base = world.git("rev-parse", "main")
    first = branch(world, {"a.py": "a = 1\n", "b.py": "b = 1\n"})
    second = branch(world, {"b.py": "b = 1\nb2 = 2\n"})
    pull = pull_diff(world.work, base, second)
    later = scope(world.work, pull, first)
    assert later.files == frozenset({"b.py"}) and later.lines == {"b.py": frozenset({2})}
    assert later.patches is not None and list(later.patches) == ["b.py"]
    assert scope(world.work, pull, second).files == frozenset()
    whole = scope(world.work, pull, None)
    assert whole.files == frozenset({"a.py", "b.py"}) and whole.since is None


def test_a_rewritten_branch_is_reviewed_whole(world: World) -> None:
    base = world.git("rev-parse", "main")
    old = branch(world, {"a.py": "a = 1\n"})
    world.git("checkout", "-q", "-B", "feature", "main")  # a force-push: the old head is gone
    new = world.commit({"a.py": "a = 2\n"}, "rewritten")
    world.git("checkout", "-q", "main")
    result = scope(world.work, pull_diff(world.work, base, new), old)
    assert result.since is None and "rewritten" in result.note
    assert result.files == frozenset({"a.py"})


def test_missing_commits_are_fetched_into_a_shallow_clone(world: World, tmp_path: Path) -> None:
    base = world.git("rev-parse", "main")
    head = branch(world, {"a.py": "a = 1\n"})
    shallow = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{world.origin}", str(shallow)], check=True
    )
    ensure_commits(shallow, (base, head), 1)
    assert Git(shallow).text("rev-parse", f"{head}^{{commit}}") == head
    with pytest.raises(GitError, match="fetch-depth: 0"):
        ensure_commits(shallow, ("f" * 40,), 1)


def test_blobs_skip_what_they_cannot_read(world: World) -> None:
    big = "x" * (1024 * 1024 + 1)
    head = branch(world, {"big.txt": big, "latin.txt": "caf\xe9"})
    (world.work / "latin.bin").write_bytes(b"caf\xe9")
    texts = blobs(Git(world.work), head, ["big.txt", "app.py", "missing.txt", "a\nb"])
    assert texts == {
        "big.txt": None,
        "app.py": "".join(f"line {i}\n" for i in range(1, 41)),
        "missing.txt": None,
    }


def test_a_lockfile_rewrite_of_100000_lines_keeps_every_files_patch(world: World) -> None:
    old = "".join(f'"pkg-{i}": "1.{i}"\n' for i in range(50_000))
    branch(world, {"package-lock.json": old})
    base = world.git("rev-parse", "feature")
    new = old.replace('": "1.', '": "2.')
    head = branch(world, {"package-lock.json": new, "app.py": "changed\n"})
    pull = pull_diff(world.work, base, head)
    lock = pull.patches["package-lock.json"]
    assert sorted(pull.patches) == ["app.py", "package-lock.json"]
    assert sum(row.startswith(("-", "+")) for row in lock.split("\n")) == 100_000 + 2
    assert pull.added("package-lock.json") == frozenset(range(1, 50_001))
    assert pull.patches["app.py"].startswith("diff --git a/app.py b/app.py\n")


def test_patches_are_left_out_when_the_text_is_not_gits() -> None:
    raw = "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n"  # diff -u: no "diff --git" headers
    assert patches(raw, parse_diff(raw)) == {}
