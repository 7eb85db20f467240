"""What the context reads from Python source: definitions, the one around a line,
imports and the names code uses; source that does not parse gives nothing."""

from __future__ import annotations

import ast

from kairos_ci.agent import pysource

SOURCE = """import os
from .ops import add as plus, mul
from . import *

LIMIT: int = 3


@cache
def mean(values, *, empty=0.0):
    return sum(values) / len(values)


class Stats:
    def median(self, values):
        ordered = sorted(values)
        return ordered[len(ordered) // 2]

    async def fetch(self):
        return os.environ
"""


def tree() -> ast.Module:
    parsed = pysource.parse(SOURCE)
    assert parsed is not None
    return parsed


def test_definitions_include_methods_and_decorators() -> None:
    found = [(d.qualified, d.kind, d.line, d.end) for d in pysource.definitions(tree())]
    assert found == [
        ("mean", "def", 8, 10),
        ("Stats", "class", 13, 19),
        ("Stats.median", "def", 14, 16),
        ("Stats.fetch", "async def", 18, 19),
    ]
    assert pysource.definitions(tree())[0].signature == "def mean(values, *, empty=0.0)"


def test_the_innermost_definition_holds_a_line() -> None:
    held = pysource.enclosing(tree(), 15)
    assert held is not None and held.name == "median"
    assert pysource.enclosing(tree(), 5) is None


def test_imports_keep_their_level_and_names() -> None:
    assert pysource.imports(tree()) == [
        pysource.Imported("os", 0, ()),
        pysource.Imported("ops", 1, ("add", "mul")),
        pysource.Imported("", 1, ()),
    ]
    assert pysource.import_lines(tree()) == (1, 3)


def test_find_takes_functions_assignments_and_methods() -> None:
    parsed = tree()
    assert pysource.span(pysource.find(parsed, "mean") or parsed) == (8, 10)
    assert pysource.find(parsed, "LIMIT") is not None
    method = pysource.find(parsed, "median", "Stats")
    assert method is not None and pysource.span(method) == (14, 16)
    assert pysource.find(parsed, "median") is None  # not a top-level name
    assert "sorted" in pysource.used_names(method) and "ordered" in pysource.used_names(method)


def test_source_that_does_not_parse_gives_nothing() -> None:
    assert pysource.parse("def broken(:\n") is None
    assert pysource.parse("x = '\\d'\n") is not None  # an invalid escape is the project's own
