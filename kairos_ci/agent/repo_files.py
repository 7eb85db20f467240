"""The repository's tracked files, as the fix prompt's context reads them.

Paths come from ``git ls-files`` and resolve like the paths tools print (longest unique
suffix, dotted module names). Text is read only inside the worktree (never through a
symlink that leaves it), only from small text files, once each.
"""

from __future__ import annotations

import ast
from pathlib import Path

from kairos_ci.agent import pysource
from kairos_ci.diff.locate import TrackedFiles
from kairos_ci.errors import GitError
from kairos_ci.git import Git

MAX_FILES = 100_000  # tracked paths indexed
MAX_FILE_BYTES = 512 * 1024  # bigger files are not read into a prompt
MAX_HITS = 50
SEARCH_TIMEOUT_S = 30.0


class RepoFiles:
    """Tracked files of one worktree; texts are cached as they are read."""

    def __init__(self, root: Path, paths: tuple[str, ...]) -> None:
        self.root = root.resolve()
        self.paths = paths
        self._index = TrackedFiles(paths)
        self._rows: dict[str, list[str] | None] = {}  # None: not readable
        self._trees: dict[str, ast.Module | None] = {}

    @classmethod
    def of(cls, root: Path) -> RepoFiles:
        listed = Git(root).run("ls-files", "-z").stdout.decode("utf-8", "surrogateescape")
        return cls(root, tuple(p for p in listed.split("\0") if p)[:MAX_FILES])

    def resolve(self, raw: str) -> str | None:
        return self._index.resolve(raw)

    def resolve_module(self, dotted: str) -> str | None:
        return self._index.resolve_module(dotted)

    def __contains__(self, path: object) -> bool:
        return path in self._index

    def rows(self, path: str) -> list[str]:
        """The file's lines; empty when it is missing, binary, too big or outside."""
        return self._lines(path) or []

    def text(self, path: str) -> str:
        return "\n".join(self.rows(path))

    def python(self, path: str) -> ast.Module | None:
        """The parsed module (None: not Python, unreadable, or it does not parse)."""
        if path not in self._trees:
            lines = self._lines(path) if path.endswith(".py") else None
            self._trees[path] = pysource.parse("\n".join(lines)) if lines is not None else None
        return self._trees[path]

    def search(self, literal: str) -> tuple[tuple[str, int], ...]:
        """Tracked files and lines holding ``literal`` (fixed string), up to ``MAX_HITS``."""
        if not literal or "\n" in literal or "\0" in literal:
            return ()
        argv = ("grep", "-n", "-I", "-F", "--no-color", "-e", literal)
        try:
            result = Git(self.root, timeout_s=SEARCH_TIMEOUT_S).run(*argv, check=False)
        except GitError:
            return ()
        hits = []
        for row in result.stdout.decode("utf-8", "replace").splitlines()[:MAX_HITS]:
            path, _, rest = row.partition(":")
            number = rest.partition(":")[0]
            if number.isdigit():
                hits.append((path, int(number)))
        return tuple(hits)

    def _lines(self, path: str) -> list[str] | None:
        if path not in self._rows:
            self._rows[path] = self._read(path)
        return self._rows[path]

    def _read(self, path: str) -> list[str] | None:
        target = (self.root / path).resolve()
        if not target.is_relative_to(self.root) or not target.is_file():
            return None
        if any(part.casefold() == ".git" for part in target.relative_to(self.root).parts):
            return None
        if target.stat().st_size > MAX_FILE_BYTES:
            return None
        raw = target.read_bytes()
        if b"\0" in raw[:8192]:
            return None
        return raw.decode("utf-8", "replace").splitlines()
