"""The file inventory: what git tracks (so ``.gitignore`` holds), its languages and sizes.

Symlinks and submodules are listed by git but are not files to read, so they are left out.
Every bound is explicit: past ``max_files`` the inventory says it is truncated.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from kairos_ci.errors import InputError
from kairos_ci.git import Git
from kairos_ci.plan.records import Language

REGULAR_MODES = frozenset({"100644", "100755"})

LANGUAGES = {
    ".py": "Python",
    ".pyi": "Python",
    ".js": "JavaScript",
    ".mjs": "JavaScript",
    ".cjs": "JavaScript",
    ".jsx": "JavaScript",
    ".ts": "TypeScript",
    ".tsx": "TypeScript",
    ".mts": "TypeScript",
    ".cts": "TypeScript",
    ".go": "Go",
    ".rs": "Rust",
    ".java": "Java",
    ".kt": "Kotlin",
    ".rb": "Ruby",
    ".php": "PHP",
    ".cs": "C#",
    ".c": "C",
    ".h": "C",
    ".cc": "C++",
    ".cpp": "C++",
    ".hpp": "C++",
    ".swift": "Swift",
    ".sh": "Shell",
    ".md": "Markdown",
    ".json": "JSON",
    ".yml": "YAML",
    ".yaml": "YAML",
    ".toml": "TOML",
    ".html": "HTML",
    ".css": "CSS",
}


@dataclass(frozen=True)
class InventoryLimits:
    max_files: int = 100_000
    max_file_bytes: int = 1024 * 1024  # larger files are listed, never read


@dataclass(frozen=True)
class TrackedFile:
    path: str
    size: int
    language: str | None


@dataclass(frozen=True)
class Inventory:
    root: Path
    files: tuple[TrackedFile, ...]
    truncated: bool  # more files were tracked than ``max_files``

    @property
    def paths(self) -> frozenset[str]:
        return frozenset(f.path for f in self.files)

    def languages(self) -> tuple[Language, ...]:
        """Languages by file count, most first (files of no known language left out)."""
        counts: Counter[str] = Counter()
        sizes: Counter[str] = Counter()
        for tracked in self.files:
            if tracked.language:
                counts[tracked.language] += 1
                sizes[tracked.language] += tracked.size
        ranked = sorted(counts, key=lambda name: (-counts[name], name))
        return tuple(Language(name, counts[name], sizes[name]) for name in ranked)


def language_of(path: str) -> str | None:
    return LANGUAGES.get(PurePosixPath(path).suffix.lower())


def take_inventory(git: Git, limits: InventoryLimits | None = None) -> Inventory:
    """Tracked regular files of the checkout at ``git.repo``, in path order."""
    limits = limits or InventoryLimits()
    listing = git.run("ls-files", "-z", "--stage", "--full-name").stdout
    files: list[TrackedFile] = []
    truncated = False
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        if meta.split(b" ", 1)[0].decode() not in REGULAR_MODES:
            continue  # symlink or submodule
        if len(files) >= limits.max_files:
            truncated = True
            break
        path = raw_path.decode("utf-8", "surrogateescape")
        files.append(TrackedFile(path, _size(git.repo, path), language_of(path)))
    return Inventory(git.repo, tuple(files), truncated)


def files_at(git: Git, sha: str) -> frozenset[str]:
    """Every path tracked at commit ``sha``: what a plan's files must exist in."""
    listing = git.run("ls-tree", "-r", "-z", "--name-only", "--full-tree", sha).stdout
    return frozenset(p.decode("utf-8", "surrogateescape") for p in listing.split(b"\0") if p)


def read_text(inventory: Inventory, tracked: TrackedFile, limits: InventoryLimits) -> str | None:
    """A tracked file's text, or None when it is too large, binary, or not a plain file
    inside the checkout (a symlinked folder on the way would lead outside)."""
    if tracked.size > limits.max_file_bytes:
        return None
    root = inventory.root.resolve()
    path = root / tracked.path
    try:
        if path.is_symlink() or not path.resolve().is_relative_to(root):
            return None
        raw = path.read_bytes()
    except OSError:
        return None
    if len(raw) > limits.max_file_bytes or b"\0" in raw[:8192]:
        return None
    return raw.decode("utf-8", "replace")


def _size(root: Path, path: str) -> int:
    try:
        return (root / path).lstat().st_size
    except FileNotFoundError:
        return 0  # deleted in the worktree: listed by git, nothing to read
    except OSError as err:
        raise InputError(f"{path}: cannot inspect: {err.strerror}") from None
