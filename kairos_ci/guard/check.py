"""Run every guard rule over a patch: one verdict list, failing closed.

Test files are compared base to head (Python by AST, JS/TS/Go/Java by text).
Settings files are read for deselection and weakened gates. Other Python files
are checked for special-casing against the literals the tests use. A test or
settings file that cannot be read (binary, too big, unparseable) is flagged.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Iterable, Iterator, Sequence

from kairos_ci.guard.classify import is_test_file, language
from kairos_ci.guard.pyfacts import module_facts
from kairos_ci.guard.pytests import compare_modules
from kairos_ci.guard.records import FileVersions, GuardReport, Rule, Verdict
from kairos_ci.guard.settings import compare_settings, is_settings_file
from kairos_ci.guard.special import Literal, compare_code, test_literals
from kairos_ci.guard.textual import IDIOMS, compare_text

SOURCE_SUFFIXES = frozenset(
    [
        "py",
        "js",
        "jsx",
        "mjs",
        "cjs",
        "ts",
        "tsx",
        "mts",
        "cts",
        "go",
        "java",
        "kt",
        "scala",
        "rb",
        "rs",
        "c",
        "h",
        "cc",
        "cpp",
        "hpp",
        "cs",
        "php",
        "swift",
    ]
)


class _Unparseable(Exception):
    pass


def check(files: Sequence[FileVersions], literals: Iterable[Literal] = ()) -> GuardReport:
    """Verdicts for a patch. ``literals``: literals of the repository's other test files."""
    known = frozenset(literals) | _patch_literals(files)
    verdicts = [v for item in files for v in _file(item, known)]
    if not any(_is_code(item) for item in files):
        verdicts = [_edited(v) if v.rule is Rule.ASSERTION_CHANGED else v for v in verdicts]
    return GuardReport(tuple(verdicts), len(files))


def _is_code(item: FileVersions) -> bool:
    """Code under test: a source file that is not a test. Changing it can change behaviour."""
    suffix = item.path.rsplit(".", 1)[-1].lower() if "." in item.path else ""
    return suffix in SOURCE_SUFFIXES and not is_test_file(item.path)


def _edited(note: Verdict) -> Verdict:
    """An expectation changed while no code under test did: the test was made to agree."""
    message = f"{note.message}, but no code under test changed"
    return Verdict(Rule.EXPECTATION_EDITED, note.path, note.line, message, note.test)


def _file(item: FileVersions, literals: frozenset[Literal]) -> Iterator[Verdict]:
    path = item.path
    test = is_test_file(path) or (item.old_path is not None and is_test_file(item.old_path))
    settings = is_settings_file(path)
    if item.unreadable:
        if test or settings or path.endswith(".py"):
            yield Verdict(Rule.UNANALYSABLE, path, None, "binary or too large to analyse")
        return
    if settings and item.base is not None and item.head is not None:
        yield from compare_settings(path, item.base, item.head)
    if test:
        yield from _test_file(item)
    elif path.endswith(".py") and item.head is not None:
        yield from _code_file(item, literals)


def _test_file(item: FileVersions) -> Iterator[Verdict]:
    path = item.path
    kind = language(item.old_path or path) or language(path)
    if item.head is None:
        rule = Rule.TEST_REMOVED if kind else Rule.TEST_DATA_CHANGED
        yield Verdict(rule, path, None, "the test file was deleted")
        return
    if item.old_path is not None and is_test_file(item.old_path) and not is_test_file(path):
        message = f"moved from {item.old_path} to a path where tests are not collected"
        yield Verdict(Rule.TEST_REMOVED, path, None, message)
    if kind == "python":
        yield from _python_test(item)
    elif kind is not None and kind in IDIOMS and item.base is not None:
        yield from compare_text(path, kind, item.base, item.head)
    elif kind is None and item.base is not None and item.base != item.head:
        yield Verdict(Rule.TEST_DATA_CHANGED, path, None, "test data changed: check it by hand")


def _python_test(item: FileVersions) -> Iterator[Verdict]:
    assert item.head is not None
    try:
        head = _parse(item.head, item.path)
        base = _parse(item.base or "", item.path)  # a new file is compared with an empty one
    except _Unparseable as err:
        yield Verdict(Rule.UNANALYSABLE, item.path, None, str(err))
        return
    yield from compare_modules(item.path, module_facts(base), module_facts(head))


def _code_file(item: FileVersions, literals: frozenset[Literal]) -> Iterator[Verdict]:
    assert item.head is not None
    try:
        head = _parse(item.head, item.path)
        base = _parse(item.base, item.path) if item.base is not None else None
    except _Unparseable as err:
        yield Verdict(Rule.UNANALYSABLE, item.path, None, str(err))
        return
    yield from compare_code(item.path, base, head, literals)


def _parse(text: str, path: str) -> ast.Module:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)  # e.g. invalid escapes in old code
            return ast.parse(text, filename=path)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as err:
        line = getattr(err, "lineno", None)
        where = f" (line {line})" if line else ""
        raise _Unparseable(f"not valid Python{where}: cannot check it") from None


def _patch_literals(files: Sequence[FileVersions]) -> frozenset[Literal]:
    found: set[Literal] = set()
    for item in files:
        if not is_test_file(item.path) or language(item.path) != "python":
            continue
        for text in (item.base, item.head):
            try:
                found |= test_literals(_parse(text, item.path)) if text else set()
            except _Unparseable:
                continue  # reported as unanalysable by the file's own check
    return frozenset(found)
