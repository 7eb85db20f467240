"""Run every guard rule over a patch: one verdict list, failing closed.

Python test files are read as two suites (base and head) of collected tests and the
claims they make (suite.py, accounting.py, rewrites.py, oracle.py); other test files by
text (textual.py). Settings are read for deselection and weakened gates, data files the
tests read for edited expectations, the code under test for special-casing, test
detection, masked errors and rigged dunders, and every Python file for loosened tolerance
constants. A test or settings file that cannot be read (binary, too big, unparseable) is
flagged. An expected value changed with no code changed is an expectation edited to agree.
"""

from __future__ import annotations

import ast
import posixpath
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from kairos_ci.guard.accounting import (
    SuitePair,
    collected_changes,
    compare_tests,
    lost_claims,
    module_changes,
)
from kairos_ci.guard.cheats import Versions, rigged_code
from kairos_ci.guard.classify import collects, is_test_file, language
from kairos_ci.guard.elsewhere import claims_elsewhere, unchanged_libraries
from kairos_ci.guard.golden import changed_golden, is_data_file
from kairos_ci.guard.oracle import (
    OracleScope,
    compare_helpers,
    fixture_values,
    module_oracles,
    stubbed_units,
)
from kairos_ci.guard.records import (
    FileVersions,
    GuardReport,
    GuardRule,
    GuardVerdict,
    Literal,
    RepoContext,
)
from kairos_ci.guard.settings import compare_settings, is_settings_file
from kairos_ci.guard.special import compare_code, test_literals
from kairos_ci.guard.suite import SourceFile, Suite, build_suite
from kairos_ci.guard.testfacts import module_facts
from kairos_ci.guard.textual import IDIOMS, compare_text
from kairos_ci.guard.tolerance import loosened_constants

SOURCE_SUFFIXES = frozenset(
    {
        "py", "js", "jsx", "mjs", "cjs", "ts", "tsx", "mts", "cts", "go", "java", "kt",
        "scala", "rb", "rs", "c", "h", "cc", "cpp", "hpp", "cs", "php", "swift", "pyi", "pyx",
    }
)  # fmt: skip
_EMPTY = ast.Module([], [])


class _Unparseable(Exception):
    pass


@dataclass
class _Sources:
    """The patch's Python files, parsed: test files per side, code under test, problems."""

    base_tests: dict[str, SourceFile] = field(default_factory=dict)
    head_tests: dict[str, SourceFile] = field(default_factory=dict)
    moves: dict[str, str] = field(default_factory=dict)  # renamed files: old -> new path
    code: list[Versions] = field(default_factory=list)
    both: list[tuple[str, ast.Module, ast.Module]] = field(default_factory=list)
    retired: set[str] = field(default_factory=set)  # names the patch removed from the code
    problems: list[GuardVerdict] = field(default_factory=list)


def check(files: Sequence[FileVersions], literals: Iterable[Literal] = ()) -> GuardReport:
    """Verdicts for a patch. ``literals``: literals of the repository's other test files."""
    return check_patch(files, RepoContext(literals=frozenset(literals)))


def check_patch(files: Sequence[FileVersions], context: RepoContext) -> GuardReport:
    """Verdicts for a patch, with what is known of the rest of the repository."""
    sources = _parse(files)
    known = context.literals | _patch_literals(sources)
    verdicts = [
        *sources.problems,
        *(v for item in files for v in _file(item, known)),
        *_python_tests(sources, context),
        *_code(sources, known),
        *(v for path, base, head in sources.both for v in loosened_constants(path, base, head)),
    ]
    code_changed = any(_is_code(item) for item in files)
    return GuardReport(tuple(_settled(verdicts, code_changed)), len(files))


def _is_code(item: FileVersions) -> bool:
    """Code under test: a source file that is not a test. Changing it can change behaviour."""
    suffix = item.path.rsplit(".", 1)[-1].lower() if "." in item.path else ""
    return suffix in SOURCE_SUFFIXES and not is_test_file(item.path)


def _settled(verdicts: Iterable[GuardVerdict], code_changed: bool) -> Iterator[GuardVerdict]:
    """Expected values changed while no code did: edited to agree. Duplicates dropped."""
    seen: set[tuple[object, ...]] = set()
    for verdict in verdicts:
        if not code_changed and _value_edit(verdict):
            message = f"{verdict.message}, but no code under test changed"
            verdict = replace(verdict, rule=GuardRule.EXPECTATION_EDITED, message=message)
        key = (verdict.rule, verdict.path, verdict.line, verdict.test, verdict.message)
        if key not in seen:
            seen.add(key)
            yield verdict


def _value_edit(verdict: GuardVerdict) -> bool:
    textual = verdict.rule is GuardRule.ASSERTION_CHANGED and verdict.check == "assertion-line"
    return verdict.rule is GuardRule.EXPECTED_VALUE_CHANGED or textual


# --- per file -------------------------------------------------------------------------


def _file(item: FileVersions, literals: frozenset[Literal]) -> Iterator[GuardVerdict]:
    path = item.path
    test = is_test_file(path) or (item.old_path is not None and is_test_file(item.old_path))
    settings = is_settings_file(path)
    if item.unreadable:
        if test or settings or path.endswith(".py"):
            yield GuardVerdict(GuardRule.UNANALYSABLE, path, None, "binary or too large to analyse")
        return
    if settings and item.base is not None and item.head is not None:
        yield from compare_settings(path, item.base, item.head)
    if test and language(item.old_path or path) is not None:
        yield from _test_file(item)
    elif not settings and is_data_file(path):
        yield from changed_golden(item, literals)


def _test_file(item: FileVersions) -> Iterator[GuardVerdict]:
    path = item.path
    kind = language(item.old_path or path) or language(path)
    old = item.old_path or path
    if item.head is None:
        if kind != "python":  # a Python file's tests are accounted for one by one
            message = "the test file was deleted"
            yield GuardVerdict(GuardRule.TEST_REMOVED, path, None, message, check="file-deleted")
        return
    if item.old_path is not None and _collected(item.old_path) and not _collected(path):
        message = f"moved from {old} to a path where tests are not collected"
        check = "renamed-out-of-pattern"
        yield GuardVerdict(
            GuardRule.TEST_REMOVED, path, None, message, check=check, old=old, new=path
        )
    if kind is not None and kind != "python" and kind in IDIOMS and item.base is not None:
        yield from compare_text(path, kind, item.base, item.head)


def _collected(path: str) -> bool:
    if path.endswith(".py"):
        return collects(path)
    return is_test_file(path)


# --- Python -----------------------------------------------------------------------------


def _parse(files: Sequence[FileVersions]) -> _Sources:
    sources = _Sources()
    for item in files:
        python = item.path.endswith(".py") or (item.old_path or "").endswith(".py")
        if item.unreadable or not python:
            continue
        try:
            base = _parse_text(item.base, item.old_path or item.path)
            head = _parse_text(item.head, item.path)
        except _Unparseable as err:
            if is_test_file(item.path) or item.head is not None:
                sources.problems.append(_unanalysable(item.path, str(err)))
            continue
        _sort(sources, item, base, head)
    return sources


def _unanalysable(path: str, message: str) -> GuardVerdict:
    return GuardVerdict(GuardRule.UNANALYSABLE, path, None, message, check="parse")


def _sort(
    sources: _Sources, item: FileVersions, base: ast.Module | None, head: ast.Module | None
) -> None:
    old_path = item.old_path or item.path
    if base is not None and item.base is not None and is_test_file(old_path):
        sources.base_tests[old_path] = SourceFile(base, item.base)
    if head is not None and item.head is not None and is_test_file(item.path):
        sources.head_tests[item.path] = SourceFile(head, item.head)
    if item.old_path is not None:
        sources.moves[item.old_path] = item.path
    if head is not None and not is_test_file(item.path):
        sources.code.append(Versions(item.path, base, head))
    if base is not None and not is_test_file(old_path):
        sources.retired |= _defined(base) - (_defined(head) if head is not None else set())
    if base is not None and head is not None:
        sources.both.append((item.path, base, head))


def _defined(tree: ast.Module) -> set[str]:
    """Top-level functions and classes of a module, and the methods of its classes."""
    names = set()
    for node in tree.body:
        members = node.body if isinstance(node, ast.ClassDef) else []
        for defined in [node, *members]:
            if isinstance(defined, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(defined.name)
    return names


def _parse_text(text: str | None, path: str) -> ast.Module | None:
    if text is None:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)  # e.g. invalid escapes in old code
            return ast.parse(text, filename=path)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as err:
        line = getattr(err, "lineno", None)
        where = f" (line {line})" if line else ""
        raise _Unparseable(f"not valid Python{where}: cannot check it") from None


def _python_tests(sources: _Sources, context: RepoContext) -> Iterator[GuardVerdict]:
    touched = {*sources.base_tests, *sources.head_tests, *sources.moves}
    libraries = unchanged_libraries(context.test_files, touched)
    base = build_suite({**libraries, **sources.base_tests})
    head = build_suite({**libraries, **sources.head_tests}, base)
    pair = SuitePair(base, head, sources.moves, frozenset(sources.retired))
    lost = lost_claims(pair)
    if lost and context.test_files:
        found = claims_elsewhere(lost, context.test_files, touched, libraries)
        pair = replace(pair, elsewhere=found)
    yield from compare_tests(pair)
    scope = OracleScope(context.modules | _code_modules(sources))
    yield from _modules(base, head, sources.moves, scope)
    yield from stubbed_units(base, head, sources.moves)
    yield from compare_helpers(base, head)
    yield from fixture_values(base, head)
    if context.collected is not None:
        yield from collected_changes(context.collected, base, sources.moves)


def _modules(
    base: Suite, head: Suite, moves: dict[str, str], scope: OracleScope
) -> Iterator[GuardVerdict]:
    empty = module_facts(_EMPTY)
    before = {moves.get(path, path): facts for path, facts in base.modules.items()}
    for path, facts in head.modules.items():
        old = before.get(path, empty)
        yield from module_changes(path, old, facts)
        yield from module_oracles(path, old, facts, scope)


def _code_modules(sources: _Sources) -> frozenset[str]:
    """Top-level module names of the changed code under test (``src/`` layouts included)."""
    names = set()
    for versions in sources.code:
        parts = versions.path.split("/")
        parts = parts[1:] if parts[0] == "src" and len(parts) > 1 else parts
        names.add(posixpath.splitext(parts[0])[0])
    return frozenset(names)


def _code(sources: _Sources, literals: frozenset[Literal]) -> Iterator[GuardVerdict]:
    for versions in sources.code:
        yield from compare_code(versions.path, versions.base, versions.head, literals)
        yield from rigged_code(versions, literals)


def _patch_literals(sources: _Sources) -> frozenset[Literal]:
    found: set[Literal] = set()
    for file in [*sources.base_tests.values(), *sources.head_tests.values()]:
        found |= test_literals(file.tree)
    return frozenset(found)
