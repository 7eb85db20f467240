"""Scratch checkouts: work never happens in the user's checkout.

A scratch is a ``git clone --shared`` of the repository at one commit, in a
temporary directory. It borrows objects read-only, so it is cheap, and the
user's working tree, index, HEAD and config are never written.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kairos_ci.git import Git
from kairos_ci.policy.records import PathChange

_SYMLINK_MODE = "120000"


@dataclass(frozen=True)
class Scratch:
    path: Path
    base_sha: str

    @property
    def git(self) -> Git:
        return Git(self.path)


@contextmanager
def scratch_checkout(repo: Path, rev: str, parent: Path | None = None) -> Iterator[Scratch]:
    """Yield a throwaway checkout of ``rev``; it is deleted afterwards, whatever happens."""
    sha = Git(repo).text("rev-parse", "--verify", "--end-of-options", f"{rev}^{{commit}}")
    path = Path(tempfile.mkdtemp(prefix="kairos-scratch-", dir=parent))
    try:
        Git(path).run("clone", "--quiet", "--shared", "--no-checkout", str(repo.resolve()), ".")
        Git(path).run("checkout", "--quiet", "--detach", sha)
        yield Scratch(path, sha)
    finally:
        shutil.rmtree(path, ignore_errors=True)


def changed_paths(scratch: Scratch, *, new_files: bool = True) -> tuple[PathChange, ...]:
    """Every path the scratch's working tree changes against its base, renames included,
    staged in the scratch's index. With ``new_files`` false only tracked paths count:
    whatever a command created (reports, caches) is never part of the change, whatever
    ``.gitignore`` says."""
    git = scratch.git
    git.run("add", "--all" if new_files else "--update")
    raw = git.run("diff", "--cached", "--raw", "-z", "-M", "--no-abbrev", scratch.base_sha).stdout
    changes = []
    fields = raw.decode("utf-8", "surrogateescape").split("\0")
    index = 0
    while index < len(fields) - 1:
        meta = fields[index].split()
        status = meta[4]
        if status[0] in "RC":
            old_path, path = fields[index + 1], fields[index + 2]
            index += 3
        else:
            old_path, path = None, fields[index + 1]
            index += 2
        target = _link_target(scratch.path / path) if meta[1] == _SYMLINK_MODE else None
        changes.append(PathChange(path=path, old_path=old_path, symlink_target=target))
    return tuple(changes)


def symlinks_at(repo: Path, rev: str) -> dict[str, str]:
    """Symlinks in the tree of ``rev``: path -> target, for protected-path checks."""
    git = Git(repo)
    listing = git.run("ls-tree", "-r", "-z", "--end-of-options", rev).stdout.decode()
    links = {}
    for entry in filter(None, listing.split("\0")):
        meta, path = entry.split("\t", 1)
        mode, _, sha = meta.split()
        if mode == _SYMLINK_MODE:
            links[path] = git.text("cat-file", "blob", sha)
    return links


def _link_target(path: Path) -> str | None:
    return str(path.readlink()) if path.is_symlink() else None
