"""Finding a failing test's file (JUnit file attribute, class name, search) and the part
of it the prompt shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from kairos_ci.agent.records import FailingTest
from kairos_ci.agent.repo_files import RepoFiles
from kairos_ci.agent.test_source import failing_source, locate, owner_and_name
from tests.agent.repos import commit

TESTS = """import os

from shop.cart import Cart, total


def helper():
    return 1


def test_total():
    assert total([1, 2]) == 3


class TestCart:
    def test_empty(self):
        assert Cart().items == []

    def test_add(self):
        cart = Cart()
        cart.add(1)
        assert cart.items == [1]
"""
SPEC = """describe("cart", () => {
  it("adds up prices", () => {
    expect(total([1, 2])).toBe(3);
  });
});
"""


@pytest.fixture
def files(tmp_path: Path) -> RepoFiles:
    commit(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/cart.py": "def total(xs):\n    return sum(xs)\n",
            "tests/test_cart.py": TESTS,
            "web/cart.spec.js": SPEC,
        },
    )
    return RepoFiles.of(tmp_path)


def test_names_come_from_the_classname_or_the_id() -> None:
    assert owner_and_name(FailingTest("tests.test_cart::test_total[a-b]")) == (
        "tests.test_cart",
        "test_total",
    )
    assert owner_and_name(FailingTest("tests.test_cart.test_total")) == (
        "tests.test_cart",
        "test_total",
    )
    cased = FailingTest("tests.test_cart.TestCart::test_add", classname="tests.test_cart.TestCart")
    assert owner_and_name(cased) == ("tests.test_cart.TestCart", "test_add")


def test_the_file_attribute_wins_then_the_classname_then_a_search(files: RepoFiles) -> None:
    by_file = locate(FailingTest("x::test_total", path="./tests/test_cart.py"), files)
    assert by_file is not None and by_file.path == "tests/test_cart.py"
    assert by_file.via == "the JUnit report's file attribute"
    by_class = locate(FailingTest("tests.test_cart::test_total"), files)
    assert by_class is not None and by_class.via == "its class name"
    searched = locate(FailingTest("cart::adds up prices"), files)
    assert searched is not None and (searched.path, searched.line) == ("web/cart.spec.js", 2)
    assert searched.via == "a search for its name"
    by_def = locate(FailingTest("elsewhere::test_empty"), files)
    assert by_def is not None and by_def.path == "tests/test_cart.py"
    assert locate(FailingTest("nowhere::test_missing"), files) is None


def test_a_python_test_shows_its_imports_and_its_own_definition(files: RepoFiles) -> None:
    source = failing_source(FailingTest("tests.test_cart::test_total"), files)
    assert source is not None
    text = source.excerpt.render(files.rows("tests/test_cart.py"))
    assert text.splitlines() == [
        "--- tests/test_cart.py (failing test, found from its class name) ---",
        "1\timport os",
        "2\t",
        "3\tfrom shop.cart import Cart, total",
        "...",
        "10\tdef test_total():",
        "11\t    assert total([1, 2]) == 3",
    ]
    assert {"total", "assert"} & source.used == {"total"}
    assert [i.module for i in source.imports] == ["os", "shop.cart"]


def test_a_method_shows_its_class_line(files: RepoFiles) -> None:
    test = FailingTest("tests.test_cart.TestCart::test_add", classname="tests.test_cart.TestCart")
    source = failing_source(test, files)
    assert source is not None
    assert source.excerpt.spans == ((1, 3), (14, 14), (18, 21))
    assert {"Cart", "add", "items"} <= source.used


def test_another_language_shows_lines_around_the_test(files: RepoFiles) -> None:
    source = failing_source(FailingTest("cart::adds up prices"), files)
    assert source is not None and source.excerpt.spans == ((1, 5),)
