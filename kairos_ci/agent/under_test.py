"""The code under test: what the failing tests' tracebacks and imports point at.

First the traceback frames inside the repository (innermost first), each shown as the
definition that holds it (or lines around it); then what the tests import and use, the
definition itself when the import names one, following re-exports (``from calc import
add`` where ``calc/__init__.py`` imports ``add`` from ``calc.ops``). Test files are
left to the test-source part of the prompt.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Sequence

from kairos_ci.agent import pysource
from kairos_ci.agent.excerpts import HEAD_LINES, FileExcerpt, merged, window
from kairos_ci.agent.records import FailingTest
from kairos_ci.agent.repo_files import RepoFiles
from kairos_ci.agent.test_source import FailingSource
from kairos_ci.guard.classify import is_test_file
from kairos_ci.signals import frames

MAX_FRAMES = 40  # stack frames read per failing test
MAX_DEFINITION_LINES = 80  # a longer definition is shown as lines around the frame
MAX_HOPS = 3  # re-exports followed to find where a name is defined

Spot = tuple[str, tuple[int, int], tuple[str, str]]  # path, span, (why, detail)


def code_under_test(
    tests: Sequence[FailingTest], sources: Sequence[FailingSource], files: RepoFiles
) -> list[FileExcerpt]:
    """Excerpts, most relevant file first, one per file."""
    spots = [*_frame_spots(tests, files), *_import_spots(sources, files)]
    spans: dict[str, list[tuple[int, int]]] = {}  # in order of first mention
    reasons: dict[str, dict[str, list[str]]] = {}  # path -> kind -> details
    for path, span, (kind, detail) in spots:
        spans.setdefault(path, []).append(span)
        details = reasons.setdefault(path, {}).setdefault(kind, [])
        if detail not in details:
            details.append(detail)
    return [FileExcerpt(path, merged(spans[path]), _why(reasons[path])) for path in spans]


def _why(reasons: dict[str, list[str]]) -> str:
    return "; ".join(f"{kind}: {', '.join(details[:8])}" for kind, details in reasons.items())


def _frame_spots(tests: Sequence[FailingTest], files: RepoFiles) -> Iterator[Spot]:
    for test in tests:
        for frame in reversed(frames.extract(test.details, MAX_FRAMES)):
            path = files.resolve(frame.path)
            if path is None or is_test_file(path) or not files.rows(path):
                continue
            yield path, _around(files, path, frame.line), ("traceback at line", str(frame.line))


def _around(files: RepoFiles, path: str, line: int) -> tuple[int, int]:
    rows = files.rows(path)
    tree = files.python(path)
    held = pysource.enclosing(tree, line) if tree is not None else None
    if held is not None and held.end - held.line < MAX_DEFINITION_LINES:
        return held.line, held.end
    return window(line, len(rows))


def _import_spots(sources: Sequence[FailingSource], files: RepoFiles) -> Iterator[Spot]:
    for source in sources:
        for imported in source.imports:
            module = _module_file(files, imported, source.found.path)
            if module is None or is_test_file(module):
                continue
            # ``import module``: what the test uses that the module itself defines.
            names = imported.names or tuple(sorted(source.used))
            hops = MAX_HOPS if imported.names else 0
            for name in names:
                if source.used and name not in source.used:
                    continue  # imported, but not used by the failing test itself
                found = _definition(files, module, name, hops)
                if found is not None:
                    yield found[0], found[1], ("imported by the test", name)


def _module_file(files: RepoFiles, imported: pysource.Imported, importer: str) -> str | None:
    parts = [p for p in imported.module.split(".") if p]
    if imported.level:
        folder = posixpath.dirname(importer)
        for _ in range(imported.level - 1):
            folder = posixpath.dirname(folder)
        parts = [*(p for p in folder.split("/") if p), *parts]
    if not parts:
        return None
    stem = "/".join(parts)
    for candidate in (f"{stem}.py", f"{stem}/__init__.py"):
        found = candidate if candidate in files else files.resolve(candidate)
        # Whole-path matches only (``src/calc/ops.py`` for ``calc.ops``): a looser suffix
        # match would take ``calc/__init__.py`` for ``random``.
        if found is not None and (found == candidate or found.endswith("/" + candidate)):
            return found
    return None


def _definition(
    files: RepoFiles, module: str, name: str, hops: int
) -> tuple[str, tuple[int, int]] | None:
    """Where ``name`` is defined, starting in ``module`` and following its imports."""
    tree = files.python(module)
    if tree is None:
        return None
    node = pysource.find(tree, name)
    if node is not None:
        return module, pysource.span(node)
    if module.endswith("__init__.py"):  # ``from package import submodule``
        submodule = _module_file(files, pysource.Imported(name, 1, ()), module)
        if submodule is not None:
            return submodule, (1, min(len(files.rows(submodule)), HEAD_LINES))
    for imported in pysource.imports(tree) if hops > 0 else ():
        if name in imported.names:
            source = _module_file(files, imported, module)
            if source is not None and source != module:
                return _definition(files, source, name, hops - 1)
    return None
