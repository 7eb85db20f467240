"""Read a patch's files from git: base and head text of every changed path.

The diff is computed locally (never from an API, which truncates large diffs).
``head=None`` means the working tree, untracked files included, read through a
temporary index so the user's own index is never touched.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from kairos_ci.errors import UsageError
from kairos_ci.git import Git
from kairos_ci.guard.classify import is_test_file
from kairos_ci.guard.records import CollectedRuns, FileVersions, RepoContext
from kairos_ci.guard.special import test_literals_of

MAX_FILE_BYTES = 1024 * 1024
MAX_CORPUS_FILES = 2000
_ABSENT = "0" * 40
_GITLINK = "160000"


def top_level(folder: Path) -> Path:
    """The root of the git work tree containing ``folder``."""
    if not folder.is_dir():
        raise UsageError(f"{folder}: no such folder")
    result = Git(folder).run("rev-parse", "--show-toplevel", check=False)
    if result.returncode != 0:
        raise UsageError(f"{folder.resolve()} is not inside a git work tree")
    return Path(result.stdout.decode().strip())


def resolve(git: Git, rev: str) -> str:
    result = git.run(
        "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}", check=False
    )
    if result.returncode != 0:
        raise UsageError(f"{rev!r} is not a commit in {git.repo}")
    return result.stdout.decode().strip()


def patch_versions(repo: Path, base: str, head: str | None = None) -> tuple[FileVersions, ...]:
    git = Git(repo)
    base_sha = resolve(git, base)
    if head is not None:
        raw = git.run("diff", "--raw", "-z", "-M", "--no-abbrev", base_sha, resolve(git, head))
        return _versions(git, raw.stdout)
    with _temporary_index(git) as env:
        git.run("add", "--all", extra_env=env)
        raw = git.run(
            "diff", "--cached", "--raw", "-z", "-M", "--no-abbrev", base_sha, extra_env=env
        )
        return _versions(git, raw.stdout)


def repo_context(
    repo: Path, head: str | None = None, collected: CollectedRuns | None = None
) -> RepoContext:
    """What the guard needs of the repository beyond the diff: the test files' literals,
    the project's top-level modules, and collected test ids when the caller ran pytest."""
    files = test_files(repo, head)
    literals = frozenset(test_literals_of(files.values()))
    return RepoContext(literals, project_modules(_tracked(Git(repo), head)), collected, files)


def project_modules(paths: Iterator[str] | list[str]) -> frozenset[str]:
    """Top-level importable names: ``x.py`` and ``x/__init__.py``, under ``src/`` too."""
    names = set()
    for path in paths:
        parts = path.split("/")
        if parts[0] == "src" and len(parts) > 1:
            parts = parts[1:]
        if len(parts) == 1 and parts[0].endswith(".py"):
            names.add(parts[0][:-3])
        elif len(parts) == 2 and parts[1] == "__init__.py":
            names.add(parts[0])
    return frozenset(
        n for n in names if not is_test_file(f"{n}.py") and not is_test_file(f"{n}/__init__.py")
    )


def _tracked(git: Git, head: str | None) -> list[str]:
    if head is None:
        listing = git.run("ls-files", "-z", "--cached", "--others", "--exclude-standard").stdout
        return [n for n in listing.decode("utf-8", "replace").split("\0") if n]
    tree = git.run("ls-tree", "-r", "-z", "--name-only", "--end-of-options", resolve(git, head))
    return [n for n in tree.stdout.decode("utf-8", "replace").split("\0") if n]


def test_sources(repo: Path, head: str | None = None) -> Iterator[str]:
    """The text of the repository's Python test files at ``head`` (or in the working tree)."""
    yield from test_files(repo, head).values()


def test_files(repo: Path, head: str | None = None) -> dict[str, str]:
    """The repository's Python test files at ``head`` (or in the working tree), by path."""
    git = Git(repo)
    if head is None:
        listing = git.run("ls-files", "-z", "--cached", "--others", "--exclude-standard").stdout
        names = [n for n in listing.decode("utf-8", "replace").split("\0") if _wanted(n)]
        found = {}
        for name in names[:MAX_CORPUS_FILES]:
            path = repo / name
            if path.is_file() and not path.is_symlink() and path.stat().st_size <= MAX_FILE_BYTES:
                found[name] = path.read_text("utf-8", "replace")
        return found
    listing = git.run("ls-tree", "-r", "-z", "--end-of-options", resolve(git, head)).stdout
    shas: dict[str, str] = {}
    for entry in listing.decode("utf-8", "replace").split("\0"):
        if entry and _wanted(entry.split("\t", 1)[1]) and entry.startswith("100"):
            shas[entry.split("\t", 1)[1]] = entry.split()[2]
    chosen = dict(list(shas.items())[:MAX_CORPUS_FILES])
    texts = _blobs(git, list(chosen.values()))
    return {name: text for name, sha in chosen.items() if (text := texts.get(sha)) is not None}


def _wanted(name: str) -> bool:
    return name.endswith(".py") and is_test_file(name)


@contextmanager
def _temporary_index(git: Git) -> Iterator[dict[str, str]]:
    """A copy of the repository's index in a temporary folder, as GIT_INDEX_FILE."""
    folder = Path(tempfile.mkdtemp(prefix="kairos-guard-"))
    try:
        real = Path(git.text("rev-parse", "--git-path", "index"))
        real = real if real.is_absolute() else git.repo / real
        if real.is_file():
            shutil.copyfile(real, folder / "index")  # known stat data: only changes are hashed
        yield {"GIT_INDEX_FILE": str(folder / "index")}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _versions(git: Git, raw: bytes) -> tuple[FileVersions, ...]:
    fields = raw.decode("utf-8", "surrogateescape").split("\0")
    entries: list[tuple[str, str, str, str, str | None, str]] = []
    index = 0
    while index < len(fields) - 1:
        old_mode, new_mode, old_sha, new_sha, status = fields[index].lstrip(":").split()
        if status[0] in "RC":
            old_path, path, index = fields[index + 1], fields[index + 2], index + 3
        else:
            old_path, path, index = None, fields[index + 1], index + 2
        entries.append((old_mode, new_mode, old_sha, new_sha, old_path, path))
    wanted = [sha for entry in entries for sha in entry[2:4] if sha != _ABSENT]
    texts = _blobs(git, wanted)
    return tuple(_one(entry, texts) for entry in entries)


def _one(
    entry: tuple[str, str, str, str, str | None, str], texts: dict[str, str | None]
) -> FileVersions:
    old_mode, new_mode, old_sha, new_sha, old_path, path = entry
    base = None if old_sha == _ABSENT else texts.get(old_sha)
    head = None if new_sha == _ABSENT else texts.get(new_sha)
    unreadable = _GITLINK in (old_mode, new_mode) or (old_sha != _ABSENT and base is None)
    unreadable = unreadable or (new_sha != _ABSENT and head is None)
    if unreadable:
        return FileVersions(path, None, None, old_path, unreadable=True)
    return FileVersions(path, base, head, old_path)


def _blobs(git: Git, shas: Sequence[str]) -> dict[str, str | None]:
    """Blob texts by sha; None for missing, binary, oversized or non-UTF-8 blobs."""
    unique = list(dict.fromkeys(shas))
    texts: dict[str, str | None] = dict.fromkeys(unique)
    sizes = git.run("cat-file", "--batch-check", input=_lines(unique)).stdout.decode()
    small = []
    for sha, line in zip(unique, sizes.splitlines(), strict=True):
        parts = line.split()
        if len(parts) == 3 and parts[1] == "blob" and int(parts[2]) <= MAX_FILE_BYTES:
            small.append(sha)
    if not small:
        return texts
    out = git.run("cat-file", "--batch", input=_lines(small)).stdout
    position = 0
    for sha in small:
        header_end = out.index(b"\n", position)
        size = int(out[position:header_end].split()[2])
        texts[sha] = _text(out[header_end + 1 : header_end + 1 + size])
        position = header_end + 1 + size + 1
    return texts


def _lines(shas: Sequence[str]) -> bytes:
    return "".join(f"{sha}\n" for sha in shas).encode()


def _text(body: bytes) -> str | None:
    if len(body) > MAX_FILE_BYTES or b"\0" in body[:8192]:
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None
