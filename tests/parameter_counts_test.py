"""Functions take few parameters: stages hand each other records, not long argument lists.

An entrypoint in ``kairos_ci/pipeline`` reads as a table of contents, so it takes at most
six; any other function at most eight. ``self`` and ``cls`` do not count.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "kairos_ci"
SAMPLE = PACKAGE / "demo" / "sample"  # a sample project the demo fixes, not kairos code
PIPELINE_LIMIT = 6
PACKAGE_LIMIT = 8


def parameter_count(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    args = function.args
    named = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    counted = [arg for arg in named if arg.arg not in ("self", "cls")]
    return len(counted) + (args.vararg is not None) + (args.kwarg is not None)


def too_long(name: str, source: str, limit: int) -> Iterable[str]:
    """``file:line function (n)`` for each function in ``source`` over ``limit``."""
    for node in ast.walk(ast.parse(source, filename=name)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            count = parameter_count(node)
            if count > limit:
                yield f"{name}:{node.lineno} {node.name} ({count})"


def offenders() -> list[str]:
    found: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.is_relative_to(SAMPLE):
            continue
        limit = PIPELINE_LIMIT if path.is_relative_to(PACKAGE / "pipeline") else PACKAGE_LIMIT
        name = path.relative_to(ROOT).as_posix()
        found.extend(too_long(name, path.read_text(encoding="utf-8"), limit))
    return found


def test_no_function_takes_more_parameters_than_its_layer_allows() -> None:
    found = offenders()
    assert not found, "functions over the parameter limit:\n" + "\n".join(found)


def test_the_counter_skips_self_and_counts_keyword_only_and_star_arguments() -> None:
    source = "class C:\n    def m(self, a, /, b, *rest, c, **more):\n        pass\n"
    assert list(too_long("c.py", source, 4)) == ["c.py:2 m (5)"]
    assert list(too_long("c.py", source, 5)) == []
