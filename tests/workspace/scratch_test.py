from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

from kairos_ci.policy.records import PathChange
from kairos_ci.workspace.scratch import changed_paths, scratch_checkout, symlinks_at


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@e", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def make_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "src").mkdir(parents=True)
    (repo / "src" / "a.py").write_text("a = 1\n" * 20)
    (repo / "src" / "gone.py").write_text("x = 1\n")
    (repo / "docs").symlink_to(".github", target_is_directory=True)
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    return repo


def fingerprint(repo: Path) -> str:
    """Working tree, index, HEAD and config, byte for byte."""
    digest = hashlib.sha256()
    for path in sorted(p for p in repo.rglob("*") if p.is_file() and not p.is_symlink()):
        if "objects" in path.parts or "logs" in path.parts:
            continue
        digest.update(str(path.relative_to(repo)).encode() + path.read_bytes())
    return digest.hexdigest()


def test_scratch_leaves_the_users_checkout_alone_and_is_removed(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    (repo / "src" / "a.py").write_text("uncommitted user edit\n")
    before = fingerprint(repo)
    with scratch_checkout(repo, "HEAD", tmp_path) as scratch:
        assert (scratch.path / "src" / "a.py").read_text().startswith("a = 1")
        (scratch.path / "src" / "new.py").write_text("n = 1\n")
        git(scratch.path, "add", "-A")
        git(scratch.path, "commit", "-qm", "scratch work")
        kept = scratch.path
    assert not kept.exists()
    assert fingerprint(repo) == before


def test_changed_paths_sees_new_deleted_renamed_and_symlinks(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    with scratch_checkout(repo, "main", tmp_path) as scratch:
        root = scratch.path
        (root / "src" / "a.py").rename(root / "src" / "b.py")
        (root / "src" / "gone.py").unlink()
        (root / "src" / "new.py").write_text("n = 1\n")
        (root / "src" / "link").symlink_to("../.github/workflows/ci.yml")
        changes = set(changed_paths(scratch))
    assert changes == {
        PathChange("src/b.py", old_path="src/a.py"),
        PathChange("src/gone.py"),
        PathChange("src/new.py"),
        PathChange("src/link", symlink_target="../.github/workflows/ci.yml"),
    }


def test_symlinks_at_lists_links_in_the_base_tree(tmp_path: Path) -> None:
    assert symlinks_at(make_repo(tmp_path), "HEAD") == {"docs": ".github"}
