"""Expected values kept in data files: golden outputs, snapshots, expected JSON or YAML.

A data file the tests read (its name appears among the tests' literals, or it lives in a
test folder or a snapshot folder), anywhere in the repository, changed by the patch: the
expected value moved out of the test and was edited there. With code changed too it may
be an honest regeneration, for a human to accept; with no code changed it is an
expectation edited to agree with the code (settled in check.py).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Set

from kairos_ci.guard.classify import is_test_file
from kairos_ci.guard.records import FileVersions, GuardRule, GuardVerdict, Literal, shown

DATA_SUFFIXES = frozenset(
    {
        "json", "yaml", "yml", "txt", "csv", "tsv", "xml", "html", "htm", "snap", "ambr",
        "golden", "out", "expected", "ref", "svg", "jsonl", "ndjson", "ini", "cfg", "toml",
    }
)  # fmt: skip
SNAPSHOT_DIRS = frozenset({"__snapshots__", "snapshots", "golden", "goldens", "expected"})
DATA_DIRS = frozenset({"data", "fixtures", "testdata", "resources", "samples", "expected"})


def is_data_file(path: str) -> bool:
    name = posixpath.basename(path)
    return "." in name and name.rsplit(".", 1)[1].lower() in DATA_SUFFIXES


def changed_golden(item: FileVersions, literals: Set[Literal]) -> Iterator[GuardVerdict]:
    """A verdict when ``item`` is a data file the tests read and its content changed."""
    if item.base is None or item.head is None or item.base == item.head:
        return
    if not is_data_file(item.path) or not _read_by_tests(item.path, literals):
        return
    old, new, line = _first_difference(item.base, item.head)
    message = "a data file the tests compare against changed"
    yield GuardVerdict(
        GuardRule.EXPECTED_VALUE_CHANGED, item.path, line, message, None, "golden-file", old, new
    )


def _read_by_tests(path: str, literals: Set[Literal]) -> bool:
    """In a test or snapshot folder, or named by a test (by file name, or by stem in a
    data folder). Not in hidden folders (``.github``): those configure, they are not data."""
    folders = path.split("/")[:-1]
    if any(folder.startswith(".") for folder in folders):
        return False
    if is_test_file(path) or SNAPSHOT_DIRS & set(folders):
        return True
    name = posixpath.basename(path)
    stem = name.rsplit(".", 1)[0]
    in_data = bool(DATA_DIRS & set(folders))
    return any(
        isinstance(literal, str) and (literal.endswith(name) or (in_data and literal == stem))
        for literal in literals
    )


def _first_difference(base: str, head: str) -> tuple[str, str, int]:
    old_lines, new_lines = base.splitlines(), head.splitlines()
    for number, (old, new) in enumerate(zip(old_lines, new_lines, strict=False), 1):
        if old != new:
            return shown(old), shown(new), number
    number = min(len(old_lines), len(new_lines)) + 1
    pick = old_lines[number - 1 :] or [""], new_lines[number - 1 :] or [""]
    return shown(pick[0][0]), shown(pick[1][0]), number
