"""Where a failing test lives, and the part of its file the fix prompt shows.

The file is found from the JUnit report's ``file`` attribute, else from the class name
(``tests.test_stats`` -> ``tests/test_stats.py``), else by searching the repository for
the test's name (a unique file wins, test files first). For Python the excerpt is the
file's imports and the test's own definition; otherwise lines around the test.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from kairos_ci.agent import pysource
from kairos_ci.agent.excerpts import HEAD_LINES, FileExcerpt, merged, window
from kairos_ci.agent.records import FailingTest
from kairos_ci.agent.repo_files import RepoFiles
from kairos_ci.guard.classify import is_test_file

_IDENTIFIER = re.compile(r"^[A-Za-z_]\w*$")


@dataclass(frozen=True)
class FoundTest:
    path: str
    via: str  # how the file was found, for the prompt
    line: int | None = None


@dataclass(frozen=True)
class FailingSource:
    """A failing test's file, the excerpt to show, and what the test's code uses."""

    test_id: str
    found: FoundTest
    excerpt: FileExcerpt
    used: frozenset[str]  # names the test's own code mentions
    imports: tuple[pysource.Imported, ...]  # the test file's imports (Python)


def owner_and_name(test: FailingTest) -> tuple[str, str]:
    """The test's class (or module) and its bare name, parameters cut off."""
    if test.classname:
        owner = test.classname
        name = test.id.rpartition("::")[2] if "::" in test.id else test.id.rpartition(".")[2]
    elif "::" in test.id:
        owner, _, name = test.id.partition("::")
    else:
        owner, _, name = test.id.rpartition(".")
    return owner, name.split("[", 1)[0].strip()


def locate(test: FailingTest, files: RepoFiles) -> FoundTest | None:
    if test.path:
        path = files.resolve(test.path)
        if path is not None:
            return FoundTest(path, "the JUnit report's file attribute", test.line)
    owner, name = owner_and_name(test)
    path = files.resolve_module(owner) if owner else None
    if path is not None:
        return FoundTest(path, "its class name", test.line)
    return _search(files, name)


def _search(files: RepoFiles, name: str) -> FoundTest | None:
    if not name:
        return None
    literal = f"def {name}(" if _IDENTIFIER.match(name) else name
    hits = files.search(literal) or (files.search(name) if literal != name else ())
    tests = sorted({path for path, _ in hits if is_test_file(path)})
    candidates = tests or sorted({path for path, _ in hits})
    if len(candidates) != 1:
        return None
    line = next(number for path, number in hits if path == candidates[0])
    return FoundTest(candidates[0], "a search for its name", line)


def failing_source(test: FailingTest, files: RepoFiles) -> FailingSource | None:
    found = locate(test, files)
    if found is None:
        return None
    rows = files.rows(found.path)
    if not rows:
        return None
    tree = files.python(found.path)
    if tree is not None:
        shown = _python(test, found, tree, len(rows))
        if shown is not None:
            return shown
    around = window(found.line, len(rows)) if found.line else (1, min(HEAD_LINES, len(rows)))
    excerpt = FileExcerpt(found.path, (around,), f"failing test, found from {found.via}")
    return FailingSource(test.id, found, excerpt, frozenset(), ())


def _python(
    test: FailingTest, found: FoundTest, tree: ast.Module, total: int
) -> FailingSource | None:
    owner, name = owner_and_name(test)
    cls = owner.rpartition(".")[2]
    node = pysource.find(tree, name, cls) or pysource.find(tree, name)
    if node is None:
        return None
    spans = [pysource.span(node)]
    heading = pysource.import_lines(tree)
    if heading is not None:
        spans.append(heading)
    holder = pysource.find(tree, cls)
    if holder is not None and holder is not node:
        first = pysource.span(holder)[0]
        spans.append((first, getattr(holder, "lineno", first)))  # the class line
    why = f"failing test, found from {found.via}"
    excerpt = FileExcerpt(found.path, merged(s for s in spans if s[0] <= total), why)
    used = frozenset(pysource.used_names(node))
    return FailingSource(test.id, found, excerpt, used, tuple(pysource.imports(tree)))
