"""A ranked map of the symbols around a failure: what exists, where, most relevant first.

The files looked at are those the rest of the context points at (the tests, the code
under test, what changed since the last pass) and their neighbours in the same folders.
Each definition scores by what mentions it: the failure output, the failing tests'
code, the code under test; and by where it lives. Python is read with ``ast``; other
languages by their definition keywords.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from kairos_ci.agent import pysource
from kairos_ci.agent.repo_files import RepoFiles
from kairos_ci.guard.classify import is_test_file

MAX_FILES = 60  # files whose definitions are mapped
MAX_NEIGHBOURS = 20  # files added from the folders of the files pointed at
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]{2,}")
_OTHER = re.compile(
    r"^\s*(?:export\s+)?(?:default\s+)?(?:async\s+)?function\*?\s+(?P<js>\w+)"
    r"|^\s*(?:pub(?:\([\w:]+\))?\s+)?(?:async\s+)?fn\s+(?P<rs>\w+)"
    r"|^func\s+(?:\([^)]*\)\s*)?(?P<go>\w+)"
    r"|^\s*(?:(?:public|private|protected|static|final|abstract|export|sealed)\s+)*"
    r"(?:class|interface|struct|enum|trait)\s+(?P<type>\w+)"
)
_SOURCE = re.compile(r"\.(?:py|js|jsx|mjs|cjs|ts|tsx|go|rs|java|kt|rb|php|cs|swift|scala)$")


@dataclass(frozen=True)
class Pointers:
    """What the rest of the context points at."""

    failure_text: str  # the failing tests' messages and tracebacks
    test_files: tuple[str, ...]
    test_names: frozenset[str]  # names the failing tests' code uses
    code_files: tuple[str, ...]  # the code under test, most relevant first
    changed_files: tuple[str, ...] = ()  # changed since the tests last passed


@dataclass(frozen=True)
class Symbol:
    path: str
    line: int
    signature: str
    score: int

    def render(self) -> str:
        return f"{self.path}:{self.line}  {self.signature}"


def symbol_map(pointers: Pointers, files: RepoFiles) -> list[Symbol]:
    """Definitions in the files that matter, best first."""
    mentioned = set(_WORD.findall(pointers.failure_text))
    weights = _file_weights(pointers, files)
    found = []
    for path, weight in weights.items():
        for line, name, signature in _definitions(files, path):
            score = weight
            score += 4 if name in mentioned else 0
            score += 3 if name in pointers.test_names else 0
            found.append(Symbol(path, line, signature, score))
    return sorted(found, key=lambda s: (-s.score, s.path, s.line))


def render(symbols: Iterable[Symbol]) -> str:
    return "\n".join(symbol.render() for symbol in symbols)


def _file_weights(pointers: Pointers, files: RepoFiles) -> dict[str, int]:
    weights: dict[str, int] = {}
    for path in pointers.code_files:
        weights.setdefault(path, 3)
    for path in pointers.changed_files:
        if path in files:
            weights[path] = weights.get(path, 0) + 2
    for path in pointers.test_files:
        weights.setdefault(path, 0)  # the test's own source is shown already
    for path in _neighbours(weights, files):
        weights.setdefault(path, 0)
    return dict(list(weights.items())[:MAX_FILES])


def _neighbours(known: Iterable[str], files: RepoFiles) -> Iterator[str]:
    folders = {posixpath.dirname(p) for p in known}
    count = 0
    for path in files.paths:
        if count >= MAX_NEIGHBOURS:
            return
        if posixpath.dirname(path) in folders and _SOURCE.search(path) and not is_test_file(path):
            count += 1
            yield path


def _definitions(files: RepoFiles, path: str) -> Sequence[tuple[int, str, str]]:
    tree = files.python(path)
    if tree is not None:
        return [(d.line, d.name, d.signature) for d in pysource.definitions(tree)]
    if path.endswith(".py") or not _SOURCE.search(path):
        return []
    found = []
    for number, row in enumerate(files.rows(path), start=1):
        match = _OTHER.match(row)
        if match:
            name = next(v for v in match.groupdict().values() if v)
            found.append((number, name, " ".join(row.strip().rstrip("{").split())[:160]))
    return found
