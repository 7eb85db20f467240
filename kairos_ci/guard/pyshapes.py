"""Recognising test idioms in Python ASTs: names, skips, broad handlers."""

from __future__ import annotations

import ast
from collections.abc import Sequence

SKIP_MARKS = frozenset({"skip", "skipif", "xfail", "skipIf", "skipUnless", "expectedFailure"})
SKIP_CALLS = frozenset({"skip", "xfail", "importorskip", "skipTest"})
RAISES = frozenset({"raises", "warns", "deprecated_call"})
BROAD = frozenset({"Exception", "BaseException"})
Function = ast.FunctionDef | ast.AsyncFunctionDef


def dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Call):
        return dotted(node.func)
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{dotted(node.value)}.{node.attr}"
    return ""


def last_name(node: ast.AST) -> str:
    return dotted(node).rsplit(".", 1)[-1]


def is_testcase(cls: ast.ClassDef) -> bool:
    return any(dotted(base).endswith("TestCase") for base in cls.bases)


def is_skip_decorator(node: ast.AST) -> bool:
    name = dotted(node)
    return (
        name.rsplit(".", 1)[-1] in SKIP_MARKS
        and ("mark." in name or name.startswith("unittest.") or "." not in name)
        and isinstance(node, ast.Call | ast.Attribute | ast.Name)
    )


def is_skip_call(node: ast.AST) -> bool:
    if isinstance(node, ast.Raise) and node.exc is not None:
        return last_name(node.exc) == "SkipTest"
    if not isinstance(node, ast.Call):
        return False
    name = dotted(node)
    return name.rsplit(".", 1)[-1] in SKIP_CALLS and not name.startswith("mark.")


def skip_count(function: Function, nodes: Sequence[ast.AST]) -> int:
    """Skip decorators, skip calls and early returns; ``nodes`` is ``ast.walk(function)``."""
    decorators = sum(is_skip_decorator(d) for d in function.decorator_list)
    calls = sum(is_skip_call(n) for n in nodes)
    return decorators + calls + _early_returns(function)


def _early_returns(function: Function) -> int:
    """Top-level returns (bare or under an ``if``) with assertions after them."""
    body = function.body
    for index, statement in enumerate(body):
        returns = isinstance(statement, ast.Return) or (
            isinstance(statement, ast.If) and any(isinstance(s, ast.Return) for s in statement.body)
        )
        if returns and any(_asserts(s) for s in body[index + 1 :]):
            return 1
    return 0


def _asserts(node: ast.AST) -> bool:
    return any(
        isinstance(n, ast.Assert) or (isinstance(n, ast.Call) and _assert_call(n))
        for n in ast.walk(node)
    )


def _assert_call(call: ast.Call) -> bool:
    name = dotted(call)
    last = name.rsplit(".", 1)[-1]
    return last.startswith("assert") or (last in RAISES and "." in name) or name == "self.fail"


def broad_handlers(nodes: Sequence[ast.AST]) -> int:
    count = 0
    for child in nodes:
        if isinstance(child, ast.ExceptHandler) and _is_broad(child.type):
            count += 1
        elif isinstance(child, ast.Call) and last_name(child) == "suppress":
            count += any(_is_broad(arg) for arg in child.args)
    return count


def _is_broad(kind: ast.expr | None) -> bool:
    if kind is None:
        return True
    if isinstance(kind, ast.Tuple):
        return any(_is_broad(e) for e in kind.elts)
    return last_name(kind) in BROAD
