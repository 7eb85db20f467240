"""The code under test, from traceback frames inside the repository and the failing
test's imports, following re-exports; never a look-alike file."""

from __future__ import annotations

from pathlib import Path

import pytest

from kairos_ci.agent.records import FailingTest
from kairos_ci.agent.repo_files import RepoFiles
from kairos_ci.agent.test_source import failing_source
from kairos_ci.agent.under_test import code_under_test
from tests.agent.repos import commit

OPS = """import math


def add(a, b):
    return a - b


def double(a):
    return add(a, a)


def unused():
    return math.pi
"""
TESTS = """import random

import calc
from calc import double
from .helpers import make


def test_double():
    assert double(make(2)) == 4


def test_module_attribute():
    assert calc.VERSION == 2
"""
TRACEBACK = """tests/test_ops.py:9: in test_double
    assert double(make(2)) == 4
src/calc/ops.py:9: in double
    return add(a, a)
src/calc/ops.py:5: AssertionError
/usr/lib/python3.12/site-packages/pluggy/_hooks.py:512: in __call__
"""


@pytest.fixture
def files(tmp_path: Path) -> RepoFiles:
    commit(
        tmp_path,
        {
            "src/calc/__init__.py": "from calc.ops import add, double\n\nVERSION = 1\n",
            "src/calc/ops.py": OPS,
            "tests/__init__.py": "",
            "tests/helpers.py": "def make(n):\n    return n\n",
            "tests/test_ops.py": TESTS,
        },
    )
    return RepoFiles.of(tmp_path)


def shown(
    test: FailingTest, files: RepoFiles
) -> list[tuple[str, tuple[tuple[int, int], ...], str]]:
    sources = [s for s in [failing_source(test, files)] if s is not None]
    return [(e.path, e.spans, e.why) for e in code_under_test([test], sources, files)]


def test_frames_first_innermost_first_then_the_imports_followed_to_their_definition(
    files: RepoFiles,
) -> None:
    test = FailingTest("tests.test_ops::test_double", details=TRACEBACK)
    assert shown(test, files) == [
        (
            "src/calc/ops.py",
            ((4, 5), (8, 9)),  # add() and double(), the frames' definitions
            "traceback at line: 5, 9; imported by the test: double",
        ),
    ]


def test_a_module_import_shows_what_the_test_uses_from_it(files: RepoFiles) -> None:
    # `import random` must not be taken for src/calc/__init__.py, nor tests/helpers.py
    # (a test file) be shown as code under test.
    test = FailingTest("tests.test_ops::test_module_attribute")
    assert shown(test, files) == [
        ("src/calc/__init__.py", ((3, 3),), "imported by the test: VERSION"),
    ]


def test_without_a_python_tree_the_frames_show_lines_around(tmp_path: Path) -> None:
    body = "".join(f"line {n}\n" for n in range(1, 41))
    commit(tmp_path, {"lib/cart.js": body, "test/cart.test.js": "it('x', () => {})\n"})
    files = RepoFiles.of(tmp_path)
    test = FailingTest("cart::x", details="    at total (lib/cart.js:20:5)\n")
    assert [(e.path, e.spans) for e in code_under_test([test], [], files)] == [
        ("lib/cart.js", ((8, 32),))
    ]


def test_a_submodule_imported_from_an_empty_package_is_shown(tmp_path: Path) -> None:
    test = "from calc import ops\n\n\ndef test_add():\n    assert ops.add(2, 3) == 5\n"
    commit(
        tmp_path,
        {
            "calc/__init__.py": "",
            "calc/ops.py": "def add(a, b):\n    return a - b\n",
            "tests/test_ops.py": test,
        },
    )
    files = RepoFiles.of(tmp_path)
    failing = FailingTest("tests.test_ops::test_add", path="tests/test_ops.py")
    source = failing_source(failing, files)
    assert source is not None
    shown = [(e.path, e.spans) for e in code_under_test([failing], [source], files)]
    assert shown == [("calc/ops.py", ((1, 2),))]
