"""What the sandbox reads from (and writes to) the real bare repositories.

Branches, heads, PR diffs and the lines a review comment may land on all come from
git itself, so a test that pushes a commit sees GitHub's view change with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from kairos_ci.errors import GitError
from kairos_ci.git import Git

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_ZERO = "0" * 40


@dataclass(frozen=True)
class ViewedCommit:
    sha: str
    tree: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    author_date: str
    committer_name: str
    committer_email: str
    committer_date: str
    message: str


@dataclass(frozen=True)
class ViewedFileDiff:
    """One file of a PR diff, with the lines a review comment may target."""

    filename: str
    previous_filename: str | None
    status: str
    blob_sha: str | None
    additions: int
    deletions: int
    patch: str
    right_lines: frozenset[int]  # new-side lines inside hunks (added or context)
    left_lines: frozenset[int]  # old-side lines inside hunks (removed or context)
    positions: dict[tuple[str, int], int]  # (side, line) -> position in the patch

    def hunk_until(self, position: int) -> str:
        """GitHub's ``diff_hunk``: the hunk header through the commented line."""
        lines = self.patch.split("\n")
        start = max(i for i in range(position) if lines[i].startswith("@@"))
        return "\n".join(lines[start : position + 1])


class GitView:
    """Reads one bare repository. Answers that depend only on commit ids are cached:
    commits never change, so a diff between two of them is the same forever."""

    def __init__(self, git_dir: Path) -> None:
        self._git = Git(git_dir)
        self._head = git_dir / "HEAD"
        self._diffs: dict[tuple[str, str], list[ViewedFileDiff]] = {}
        self._between: dict[tuple[str, str], list[str]] = {}

    def default_branch(self) -> str:
        text = self._head.read_text("utf-8", "replace").strip()
        name = text.removeprefix("ref:").strip()
        return name.removeprefix("refs/heads/") if name.startswith("refs/heads/") else "main"

    def resolve(self, ref: str) -> str | None:
        found = self._git.run("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
        return found.stdout.decode().strip() or None if found.returncode == 0 else None

    def branch_sha(self, branch: str) -> str | None:
        return self.resolve(f"refs/heads/{branch}")

    def refs(self) -> list[tuple[str, str]]:
        out = self._git.text("for-each-ref", "--format=%(refname) %(objectname)", "refs/")
        return [tuple(line.split(" ", 1)) for line in out.splitlines() if line]  # type: ignore[misc]

    def update_ref(self, ref: str, sha: str, old: str | None = None) -> None:
        self._git.run("update-ref", ref, sha, *([old] if old else []))

    def delete_ref(self, ref: str) -> None:
        self._git.run("update-ref", "-d", ref)

    def is_ancestor(self, older: str, newer: str) -> bool:
        done = self._git.run("merge-base", "--is-ancestor", older, newer, check=False)
        return done.returncode == 0

    def commit(self, sha: str) -> ViewedCommit:
        fmt = "%H%n%T%n%P%n%an%n%ae%n%aI%n%cn%n%ce%n%cI%n%B"
        lines = self._git.text("show", "-s", f"--format={fmt}", sha).split("\n")
        return ViewedCommit(
            sha=lines[0],
            tree=lines[1],
            parents=tuple(lines[2].split()),
            author_name=lines[3],
            author_email=lines[4],
            author_date=lines[5],
            committer_name=lines[6],
            committer_email=lines[7],
            committer_date=lines[8],
            message="\n".join(lines[9:]).rstrip("\n"),
        )

    def commits_between(self, base: str, head: str) -> list[str]:
        cached = self._between.get((base, head))
        if cached is not None:
            return cached
        try:
            found = self._git.text("rev-list", "--reverse", f"{base}..{head}").split()
        except GitError:
            return []
        return _remember(self._between, (base, head), found)

    def pull_diff(self, base: str, head: str) -> list[ViewedFileDiff]:
        """The files of ``base...head`` (from the merge base), as GitHub shows a PR."""
        cached = self._diffs.get((base, head))
        if cached is not None:
            return cached
        merge_base = self._git.text("merge-base", base, head)
        raw = self._git.run(
            "diff", "-M", "--full-index", "--no-color", "--no-ext-diff", merge_base, head
        ).stdout.decode("utf-8", "replace")
        return _remember(self._diffs, (base, head), [_file_diff(c) for c in _split_files(raw)])


_SHA = re.compile(r"^[0-9a-f]{40}$")
_CACHED = 256
T = TypeVar("T")


def _remember(cache: dict[tuple[str, str], T], key: tuple[str, str], value: T) -> T:
    """Keep answers keyed by two commit ids (never by branch names, which move)."""
    if all(_SHA.match(k) for k in key):
        if len(cache) >= _CACHED:
            cache.clear()
        cache[key] = value
    return value


def _split_files(raw: str) -> list[str]:
    chunks: list[str] = []
    for line in raw.split("\n"):
        if line.startswith("diff --git "):
            chunks.append(line)
        elif chunks:
            chunks[-1] += "\n" + line
    return [c.rstrip("\n") for c in chunks]


def _file_diff(chunk: str) -> ViewedFileDiff:
    header, _, patch = chunk.partition("\n@@")
    patch = "@@" + patch if patch else ""
    old_name, new_name, status, blob = _header_facts(header)
    right: set[int] = set()
    left: set[int] = set()
    positions: dict[tuple[str, int], int] = {}
    additions = deletions = 0
    old_line = new_line = 0
    for position, line in enumerate(patch.split("\n") if patch else []):
        hunk = _HUNK.match(line)
        if hunk:
            old_line, new_line = int(hunk.group(1)), int(hunk.group(3))
            continue
        if line.startswith("+"):
            right.add(new_line)
            positions[("RIGHT", new_line)] = position
            new_line += 1
            additions += 1
        elif line.startswith("-"):
            left.add(old_line)
            positions[("LEFT", old_line)] = position
            old_line += 1
            deletions += 1
        elif line.startswith(" "):
            right.add(new_line)
            left.add(old_line)
            positions[("RIGHT", new_line)] = position
            positions[("LEFT", old_line)] = position
            old_line += 1
            new_line += 1
    return ViewedFileDiff(
        filename=new_name,
        previous_filename=old_name if status == "renamed" else None,
        status=status,
        blob_sha=blob,
        additions=additions,
        deletions=deletions,
        patch=patch,
        right_lines=frozenset(right),
        left_lines=frozenset(left),
        positions=positions,
    )


def _header_facts(header: str) -> tuple[str, str, str, str | None]:
    old_name = new_name = ""
    status = "modified"
    blob: str | None = None
    for line in header.split("\n"):
        if line.startswith("--- a/"):
            old_name = line[6:]
        elif line.startswith("+++ b/"):
            new_name = line[6:]
        elif line.startswith("rename from "):
            old_name, status = line[12:], "renamed"
        elif line.startswith("rename to "):
            new_name = line[10:]
        elif line.startswith("new file mode"):
            status = "added"
        elif line.startswith("deleted file mode"):
            status = "removed"
        elif line.startswith("index "):
            blob = line.split()[1].split("..")[1]
    if not new_name or not old_name:
        # Binary or mode-only changes carry no ---/+++ lines: take the names from the header.
        first = header.split("\n", 1)[0]
        found = re.match(r"diff --git a/(.*) b/(.*)$", first)
        if found:
            old_name = old_name or found.group(1)
            new_name = new_name or found.group(2)
    if status == "removed":
        new_name = old_name
    return old_name, new_name, status, None if blob == _ZERO else blob
